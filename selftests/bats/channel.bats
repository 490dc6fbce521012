#!/usr/bin/env bats
# rsmctl channel list: the channel table.
bats_require_minimum_version 1.5.0
load test_helper

@test "channel list: a channel another process opened is a row of the table" {
	key=$(rsm_key 1)
	fixture_start a create 4096 8 1 publish "$key" 0666
	fixture_start b channel "$key" 5 import "$key" rw group group
	chan=$(fixture_id b channel)
	rsmctl channel list
	assert_success
	[[ "${lines[0]}" =~ ^ID\ +NODE\ +KEY\ +SLOT\ +SEG\ +GROUPS\ +STATE$ ]] || fail "header: ${lines[0]}"
	row=$(awk -v id="$chan" '$1 == id' <<< "$output")
	[[ "$row" =~ ^$chan\ +0\ +$key\ +5\ +$(fixture_id a seg)\ +2\ +open$ ]] || fail "row: $row"
}

@test "channel list -j: JSON with the expected fields" {
	key=$(rsm_key 2)
	fixture_start a create 64 8 1 publish "$key" 0666
	fixture_start b channel "$key" 0
	chan=$(fixture_id b channel)
	rsmctl --json channel list
	assert_success
	assert_json "type == \"array\""
	assert_json ".[] | select(.id == $chan) | .node_id == 0 and .key == $key and
		.slot == 0 and .seg_id == $(fixture_id a seg) and .groups == 0 and
		.state == \"open\" and (has(\"error\") | not)"
}

@test "channel list agrees with sysfs: the same channels, every value the same" {
	k1=$(rsm_key 3) k2=$(rsm_key 4)
	fixture_start a create 64 8 1 publish "$k1" 0666 create 64 8 1 publish "$k2" 0666
	fixture_start b channel "$k1" 1 import "$k1" rw group channel "$k2" 7
	rsmctl -j channel list
	assert_success
	ids_agree id "$SYSFS/channels"
	for chan in $(fixture_id b channel 1) $(fixture_id b channel 2); do
		obj=$(jq ".[] | select(.id == $chan)" <<< "$output")
		output=$obj sysfs_agrees "$SYSFS/channels/$chan"
	done
}

@test "channel list: a revoked channel says so, as sysfs does" {
	key=$(rsm_key 5)
	fixture_start a create 64 8 1 publish "$key" 0666
	fixture_start b channel "$key" 2
	chan=$(fixture_id b channel)
	fixture_stop a
	rsmctl -j channel list
	assert_success
	assert_json ".[] | select(.id == $chan) | .state == \"revoked\" and .error == \"EIDRM\""
	output=$(jq ".[] | select(.id == $chan)" <<< "$output") sysfs_agrees "$SYSFS/channels/$chan"
}

@test "channel list needs no privilege and takes no argument" {
	rsmctl_as_nobody -j channel list
	assert_success
	assert_json 'type == "array"'
	rsmctl channel list 3
	assert_failure 2
	assert_error "rsmctl: channel list: unexpected argument '3'"
	rsmctl channel show 3
	assert_failure 2
	assert_error "rsmctl: unknown command 'channel show' (see rsmctl --help)"
}
