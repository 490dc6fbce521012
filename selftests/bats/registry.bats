#!/usr/bin/env bats
# rsmctl registry list | registry show KEY: the descriptors published on
# this node.
bats_require_minimum_version 1.5.0
load test_helper

desc_files=(part_size part_count span size interconnect node_id key uid gid mode state generation importers)

@test "registry list: published segments only, one row each" {
	k1=$(rsm_key 1) k2=$(rsm_key 2)
	fixture_start a create 4096 8 2 publish "$k1" 0644 create 64 4 1 publish "$k2" 0600 create 64 4 1
	rsmctl registry list
	assert_success
	[[ "${lines[0]}" =~ ^KEY\ +NODE\ +SEG\ +PART_SIZE\ +PARTS\ +SPAN\ +SIZE\ +IC\ +UID\ +GID\ +MODE\ +GEN\ +IMPORTERS$ ]] ||
		fail "header: ${lines[0]}"
	row=$(awk -v k="$k1" '$1 == k' <<< "$output")
	[[ "$row" =~ ^$k1\ +0\ +$(fixture_id a seg 1)\ +4096\ +8\ +2\ +36864\ +loopback\ +0\ +0\ +0644\ +[0-9]+\ +0$ ]] ||
		fail "row: $row"
	rsmctl -j registry list
	assert_success
	assert_json "any(.[]; .key == $k2 and .seg_id == $(fixture_id a seg 2) and .mode == \"0600\")"
	assert_json "all(.[]; .seg_id != $(fixture_id a seg 3))"
	assert_json 'all(.[]; .state == "published")'
}

@test "registry list agrees with sysfs: exactly the published segments" {
	fixture_start a create 64 4 1 publish "$(rsm_key 3)" 0644 create 64 4 1
	rsmctl -j registry list
	assert_success
	listed=$(jq -r '.[].seg_id' <<< "$output" | sort -n | tr '\n' ' ')
	published=$(grep -lx published "$SYSFS"/segments/*/state | awk -F/ '{print $(NF-1)}' | sort -n | tr '\n' ' ')
	[ "$listed" = "$published" ] || fail "rsmctl lists '$listed', sysfs has '$published' published"
}

@test "registry show KEY: the descriptor, agreeing with sysfs" {
	key=$(rsm_key 4)
	fixture_start a create 512 16 2 publish "$key" 0640
	fixture_start b import "$key" r
	rsmctl -j registry show "$key"
	assert_success
	assert_json "type == \"object\" and .key == $key and .importers == 1 and .state == \"published\""
	sysfs_agrees "$SYSFS/segments/$(fixture_id a seg)" "${desc_files[@]}"
	rsmctl registry show "$(printf '0x%x' "$key")"
	assert_success
	assert_output_has "key           $key"
	assert_output_has "seg_id        $(fixture_id a seg)"
}

@test "registry show of an unknown key: one line, exit 1" {
	key=$(rsm_key 5)
	rsmctl registry show "$key"
	assert_failure 1
	assert_error "rsmctl: registry show $key: no such key"
	# unpublished: no longer in the registry
	fixture_start a create 64 4 1 publish "$key" 0644 unpublish
	rsmctl registry show "$key"
	assert_failure 1
	assert_error "rsmctl: registry show $key: no such key"
}

@test "registry show on a node no interconnect reaches: one line, exit 1" {
	rsmctl registry show 1 --node 4242
	assert_failure 1
	assert_error "rsmctl: registry show 1: no such node"
}

@test "registry list and show need no privilege" {
	key=$(rsm_key 6)
	fixture_start a create 64 4 1 publish "$key" 0600
	rsmctl_as_nobody -j registry show "$key"
	assert_success
	assert_json ".key == $key"
	rsmctl_as_nobody -j registry list
	assert_success
	assert_json "any(.[]; .key == $key)"
}

@test "registry show without a valid key: usage, exit 2" {
	rsmctl registry show
	assert_failure 2
	assert_error "rsmctl: registry show: missing key (see rsmctl --help)"
	rsmctl registry show 0
	assert_failure 2
	assert_error "rsmctl: registry show: invalid key '0'"
	rsmctl registry list --node 1
	assert_failure 2
	assert_error "rsmctl: registry list: option '--node' does not apply"
}
