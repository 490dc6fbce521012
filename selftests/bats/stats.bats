#!/usr/bin/env bats
# rsmctl stats: the node-wide counters of /sys/kernel/rsm/stats.
bats_require_minimum_version 1.5.0
load test_helper

@test "stats: one line per counter, as in sysfs" {
	rsmctl stats
	assert_success
	local files=("$SYSFS"/stats/*) f want
	[ "${#lines[@]}" -eq "${#files[@]}" ] || fail "expected one line per file of $SYSFS/stats"
	for f in "${files[@]}"; do
		want="${f##*/} +$(< "$f")"
		[[ $'\n'$output$'\n' =~ $'\n'$want$'\n' ]] || fail "no line '${f##*/} $(< "$f")' in:
$output"
	done
}

@test "stats -j: an object agreeing with sysfs" {
	fixture_start a create 4096 2 1 publish "$(rsm_key 1)" 0644 import "$(rsm_key 1)" rw
	rsmctl -j stats
	assert_success
	assert_json 'type == "object" and .segments >= 1 and .imports >= 1 and .published >= 1'
	sysfs_agrees "$SYSFS/stats"
}

@test "stats counts what another process makes and gives back" {
	rsmctl -j stats
	before=$output
	fixture_start a create 64 1 1 create 64 1 1
	rsmctl -j stats
	jq -e --argjson b "$before" '.segments == $b.segments + 2 and
		.segments_created == $b.segments_created + 2 and .bytes == $b.bytes + 8192' <<< "$output" > /dev/null ||
		fail "before: $before after: $output"
	fixture_stop a
	rsmctl -j stats
	jq -e --argjson b "$before" '.segments == $b.segments and .bytes == $b.bytes' <<< "$output" > /dev/null ||
		fail "before: $before after: $output"
}

@test "stats needs no privilege and takes no argument" {
	rsmctl_as_nobody stats
	assert_success
	rsmctl stats now
	assert_failure 2
	assert_error "rsmctl: stats: unexpected argument 'now'"
}
