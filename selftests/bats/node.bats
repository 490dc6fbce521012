#!/usr/bin/env bats
# rsmctl node: this node (its limits and usage) and the nodes it reaches.
bats_require_minimum_version 1.5.0
load test_helper

params=/sys/module/rsmdev/parameters

@test "node: this node, up, with its interconnects and limits" {
	rsmctl node
	assert_success
	assert_output_has "node_id               $(cat $params/node_id)"
	assert_output_has "local                 yes"
	assert_output_has "state                 up"
	assert_output_has "interconnects         loopback"
	assert_output_has "part_size_min         64"
	assert_output_has "part_size_max         4194304"
}

@test "node -j: the limits are the module's parameters, the usage is sysfs's" {
	fixture_start a create 4096 16 1
	rsmctl -j node
	assert_success
	assert_json 'type == "array" and (.[0] | .local == true and .state == "up")'
	assert_json "[.[] | select(.local)] | length == 1"
	assert_json ".[0] | .node_id == $(cat $params/node_id) and
		.max_segs_per_process == $(cat $params/max_segs_per_process) and
		.max_bytes_per_user == $(cat $params/max_bytes_per_user) and
		.max_bytes_total == $(cat $params/max_bytes_total) and
		.abi_version == 1 and .part_count_max == 1048576 and
		.interconnects == [\"loopback\"] and
		.bytes == $(cat $SYSFS/stats/bytes) and .bytes >= 69632"
}

@test "node follows a change of a limit" {
	old=$(cat $params/max_segs_per_process)
	echo 17 > $params/max_segs_per_process
	rsmctl -j node
	echo "$old" > $params/max_segs_per_process
	assert_success
	assert_json '.[0].max_segs_per_process == 17'
}

@test "node needs no privilege and takes no argument" {
	rsmctl_as_nobody -j node
	assert_success
	assert_json '.[0].local == true'
	rsmctl node 1
	assert_failure 2
	assert_error "rsmctl: node: unexpected argument '1'"
}
