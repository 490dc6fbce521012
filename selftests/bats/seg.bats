#!/usr/bin/env bats
# rsmctl seg list | seg show ID | seg destroy ID: the segment table.
bats_require_minimum_version 1.5.0
load test_helper

@test "seg list: a segment another process made is a row of the table" {
	key=$(rsm_key 1)
	fixture_start a create 4096 8 2 publish "$key" 0644
	id=$(fixture_id a seg)
	rsmctl seg list
	assert_success
	[[ "${lines[0]}" =~ ^ID\ +NODE\ +KEY\ +STATE\ +PART_SIZE\ +PARTS\ +SPAN\ +SIZE\ +IC\ +UID\ +MODE\ +IMPORTERS$ ]] ||
		fail "header: ${lines[0]}"
	row=$(awk -v id="$id" '$1 == id' <<< "$output")
	[[ "$row" =~ ^$id\ +0\ +$key\ +published\ +4096\ +8\ +2\ +36864\ +loopback\ +0\ +0644\ +0$ ]] ||
		fail "row: $row"
}

@test "seg list -j: a JSON array of objects with every field, typed" {
	key=$(rsm_key 2)
	fixture_start a create 64 16 4 publish "$key" 0640
	id=$(fixture_id a seg)
	rsmctl -j seg list
	assert_success
	assert_json 'type == "array"'
	assert_json ".[] | select(.id == $id) |
		.node_id == 0 and .key == $key and .state == \"published\" and
		.part_size == 64 and .part_count == 16 and .span == 4 and
		.size == 4096 and .interconnect == \"loopback\" and .uid == 0 and
		.gid == 0 and .mode == \"0640\" and (.generation | type) == \"number\" and
		.importers == 0 and .signals == 0 and .messages == 0 and .bytes == 0"
	assert_json "[.[] | select(.id == $id)] | length == 1"
}

@test "seg list agrees with sysfs: the same segments, every value the same" {
	key=$(rsm_key 3)
	fixture_start a create 4096 4 1 publish "$key" 0604 create 128 64 8
	fixture_start b import "$key" rw count 7 7000 signal signal group
	rsmctl -j seg list
	assert_success
	ids_agree id "$SYSFS/segments"
	for id in $(fixture_id a seg 1) $(fixture_id a seg 2); do
		rsmctl -j seg show "$id"
		assert_success
		sysfs_agrees "$SYSFS/segments/$id"
	done
	# the counters moved, so the agreement is not one of zeros
	rsmctl -j seg show "$(fixture_id a seg 1)"
	assert_json '.importers == 1 and .signals == 2 and .messages == 7 and .bytes == 7000'
}

@test "seg show ID: every field of one segment, one per line" {
	key=$(rsm_key 4)
	fixture_start a create 1024 32 4 publish "$key" 0600
	id=$(fixture_id a seg)
	rsmctl seg show "$id"
	assert_success
	[ "${#lines[@]}" -eq 17 ] || fail "expected 17 lines, got ${#lines[@]}"
	assert_output_has "id            $id"
	assert_output_has "key           $key"
	assert_output_has "state         published"
	assert_output_has "part_size     1024"
	assert_output_has "mode          0600"
	assert_output_has "interconnect  loopback"
}

@test "seg show -j ID: one JSON object" {
	fixture_start a create 256 8 8
	id=$(fixture_id a seg)
	rsmctl seg show --json "$id"
	assert_success
	assert_json "type == \"object\" and .id == $id and .state == \"created\" and .key == 0 and .span == 8"
}

@test "seg show of a segment that does not exist: one line, exit 1" {
	rsmctl seg show 4294967295
	assert_failure 1
	assert_error "rsmctl: seg show 4294967295: no such segment"
}

@test "seg show and seg destroy without a valid id: usage, exit 2" {
	rsmctl seg show
	assert_failure 2
	assert_error "rsmctl: seg show: missing segment id (see rsmctl --help)"
	rsmctl seg show 12x
	assert_failure 2
	assert_error "rsmctl: seg show: invalid segment id '12x'"
	rsmctl seg destroy 0
	assert_failure 2
	assert_error "rsmctl: seg destroy: invalid segment id '0'"
	rsmctl seg frob
	assert_failure 2
	assert_error "rsmctl: unknown command 'seg frob' (see rsmctl --help)"
}

@test "seg list and seg show need no privilege" {
	fixture_start a create 64 1 1
	id=$(fixture_id a seg)
	rsmctl_as_nobody -j seg list
	assert_success
	assert_json "any(.[]; .id == $id)"
	rsmctl_as_nobody seg show "$id"
	assert_success
	assert_output_has "id            $id"
}

@test "seg destroy ID: another process's segment goes; its importers are revoked" {
	key=$(rsm_key 5)
	fixture_start a create 4096 8 1 publish "$key" 0666
	fixture_start b import "$key" rw group
	id=$(fixture_id a seg)
	grp=$(fixture_id b group)
	rsmctl seg destroy "$id"
	assert_success
	assert_output ""
	[ ! -e "$SYSFS/segments/$id" ] || fail "$SYSFS/segments/$id is still there"
	rsmctl seg show "$id"
	assert_failure 1
	assert_error "rsmctl: seg show $id: no such segment"
	rsmctl registry show "$key"
	assert_failure 1
	rsmctl -j group show "$grp"
	assert_success
	assert_json '.state == "revoked" and .error == "EIDRM"'
}

@test "seg destroy as another uid: permission denied, exit 1, the segment stays" {
	fixture_start a create 64 1 1
	id=$(fixture_id a seg)
	rsmctl_as_nobody seg destroy "$id"
	assert_failure 1
	assert_error "rsmctl: seg destroy $id: permission denied (needs CAP_NET_ADMIN and CAP_SYS_ADMIN)"
	[ -d "$SYSFS/segments/$id" ] || fail "the segment is gone"
}

@test "seg destroy of a segment that does not exist: one line, exit 1" {
	rsmctl seg destroy 4294967295
	assert_failure 1
	assert_error "rsmctl: seg destroy 4294967295: no such segment"
}
