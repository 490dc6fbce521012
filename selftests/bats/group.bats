#!/usr/bin/env bats
# rsmctl group list | group show ID: the segment group table.
bats_require_minimum_version 1.5.0
load test_helper

@test "group list: a group another process made is a row of the table" {
	key=$(rsm_key 1)
	fixture_start a create 4096 8 2 publish "$key" 0644
	fixture_start b import "$key" rw count 2 100 group
	grp=$(fixture_id b group)
	rsmctl group list
	assert_success
	[[ "${lines[0]}" =~ ^ID\ +SEG\ +NODE\ +KEY\ +PART_SIZE\ +PARTS\ +CHANNEL\ +STATE\ +MESSAGES\ +BYTES$ ]] ||
		fail "header: ${lines[0]}"
	row=$(awk -v id="$grp" '$1 == id' <<< "$output")
	[[ "$row" =~ ^$grp\ +$(fixture_id a seg)\ +0\ +$key\ +4096\ +8\ +0\ +active\ +2\ +100$ ]] ||
		fail "row: $row"
}

@test "group list -j and group show -j: JSON with the expected fields" {
	key=$(rsm_key 2)
	fixture_start a create 64 32 4 publish "$key" 0666
	fixture_start b channel "$key" 3 import "$key" rw group
	grp=$(fixture_id b group)
	rsmctl -j group list
	assert_success
	assert_json "type == \"array\" and any(.[]; .id == $grp)"
	rsmctl -j group show "$grp"
	assert_success
	assert_json ".id == $grp and .seg_id == $(fixture_id a seg) and .node_id == 0 and
		.key == $key and .part_size == 64 and .part_count == 32 and
		.channel_id == $(fixture_id b channel) and .state == \"active\" and
		(has(\"error\") | not) and .messages == 0 and .bytes == 0"
}

@test "group list agrees with sysfs: the same groups, every value the same" {
	key=$(rsm_key 3)
	fixture_start a create 4096 4 1 publish "$key" 0666
	fixture_start b import "$key" rw count 3 33 group group
	rsmctl -j group list
	assert_success
	ids_agree id "$SYSFS/groups"
	for grp in $(fixture_id b group 1) $(fixture_id b group 2); do
		rsmctl -j group show "$grp"
		assert_success
		sysfs_agrees "$SYSFS/groups/$grp"
	done
}

@test "group show: a revoked group says so, as sysfs does" {
	key=$(rsm_key 4)
	fixture_start a create 64 4 1 publish "$key" 0666
	fixture_start b import "$key" rw group
	grp=$(fixture_id b group)
	fixture_stop a
	rsmctl group show "$grp"
	assert_success
	assert_output_has "state       revoked"
	assert_output_has "error       EIDRM"
	rsmctl -j group show "$grp"
	sysfs_agrees "$SYSFS/groups/$grp"
}

@test "group show of a group that does not exist: one line, exit 1" {
	rsmctl group show 4294967295
	assert_failure 1
	assert_error "rsmctl: group show 4294967295: no such segment group"
}

@test "group show without a valid id: usage, exit 2" {
	rsmctl group show
	assert_failure 2
	assert_error "rsmctl: group show: missing group id (see rsmctl --help)"
	rsmctl group show -j x
	assert_failure 2
	assert_error "rsmctl: group show: invalid group id 'x'"
	rsmctl group
	assert_failure 2
	assert_error "rsmctl: 'group' needs a subcommand (see rsmctl --help)"
}

@test "group list and show need no privilege" {
	key=$(rsm_key 5)
	fixture_start a create 64 4 1 publish "$key" 0666
	fixture_start b import "$key" rw group
	rsmctl_as_nobody -j group show "$(fixture_id b group)"
	assert_success
	assert_json '.state == "active"'
}
