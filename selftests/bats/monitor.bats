#!/usr/bin/env bats
# rsmctl monitor: the events multicast group, one line per event.
bats_require_minimum_version 1.5.0
load test_helper

@test "monitor: a segment created, published, imported and destroyed by other processes" {
	monitor_start
	key=$(rsm_key 1)
	fixture_start a create 4096 8 1 publish "$key" 0644
	seg=$(fixture_id a seg)
	fixture_start b import "$key" rw
	fixture_stop a
	monitor_wait ".event == \"seg-destroyed\" and .id == $seg"
	got=$(monitor_events "(.event | startswith(\"seg-\")) and .id == $seg")
	want="seg-created $seg
seg-published $seg
seg-imported $seg
seg-unpublished $seg
seg-revoked $seg
seg-destroyed $seg"
	[ "$got" = "$want" ] || fail "events: $got"
}

@test "monitor -j: every event carries its object's fields" {
	monitor_start
	key=$(rsm_key 2)
	fixture_run create 1024 16 2 publish "$key" 0640 import "$key" r unimport unpublish destroy
	monitor_wait ".event == \"seg-destroyed\" and .part_size == 1024"
	ev() { tail -n +$((MON_MARK + 1)) "$T/mon" | jq -c "select(.event == \"$1\" and .part_size == 1024)"; }
	jq -e '.state == "created" and .key == 0 and .part_count == 16 and .span == 2 and
		.node_id == 0 and .interconnect == "loopback" and (.size | type) == "number"' <<< "$(ev seg-created)" > /dev/null ||
		fail "created: $(ev seg-created)"
	jq -e ".state == \"published\" and .key == $key and .mode == \"0640\" and .generation > 0" <<< "$(ev seg-published)" > /dev/null ||
		fail "published: $(ev seg-published)"
	jq -e '.importers == 1' <<< "$(ev seg-imported)" > /dev/null || fail "imported: $(ev seg-imported)"
	jq -e '.importers == 0' <<< "$(ev seg-unimported)" > /dev/null || fail "unimported: $(ev seg-unimported)"
	jq -e ".key == $key" <<< "$(ev seg-unpublished)" > /dev/null || fail "unpublished: $(ev seg-unpublished)"
	jq -e '.state == "destroyed"' <<< "$(ev seg-destroyed)" > /dev/null || fail "destroyed: $(ev seg-destroyed)"
	# no revocation: nothing was imported any more
	[ -z "$(ev seg-revoked)" ] || fail "unexpected: $(ev seg-revoked)"
}

@test "monitor: channels and groups open and close in order" {
	monitor_start
	key=$(rsm_key 3)
	fixture_start a create 64 8 1 publish "$key" 0666
	seg=$(fixture_id a seg)
	fixture_start b channel "$key" 1 import "$key" rw group
	chan=$(fixture_id b channel)
	grp=$(fixture_id b group)
	fixture_stop b
	monitor_wait ".event == \"seg-unimported\" and .id == $seg"
	got=$(monitor_events "((.event | startswith(\"seg-\")) and .id == $seg and .event != \"seg-created\" and .event != \"seg-published\") or
		((.event | startswith(\"channel-\")) and .id == $chan) or ((.event | startswith(\"group-\")) and .id == $grp)")
	want="channel-opened $chan
seg-imported $seg
group-created $grp
group-destroyed $grp
channel-closed $chan
seg-unimported $seg"
	[ "$got" = "$want" ] || fail "events: $got"
	ev=$(tail -n +$((MON_MARK + 1)) "$T/mon" | jq -c 'select(.event == "channel-opened")')
	jq -e --argjson k "$key" --argjson s "$seg" '.key == $k and .slot == 1 and .seg_id == $s and .state == "open"' <<< "$ev" > /dev/null ||
		fail "channel-opened lacks fields: $ev"
	ev=$(tail -n +$((MON_MARK + 1)) "$T/mon" | jq -c 'select(.event == "group-created")')
	jq -e --argjson c "$chan" --argjson s "$seg" '.channel_id == $c and .seg_id == $s and .part_size == 64' <<< "$ev" > /dev/null ||
		fail "group-created lacks fields: $ev"
}

@test "monitor: an administrator's destroy shows as unpublish, revocation, destroy" {
	monitor_start
	key=$(rsm_key 4)
	fixture_start a create 64 8 1 publish "$key" 0666
	seg=$(fixture_id a seg)
	fixture_start b import "$key" rw
	rsmctl seg destroy "$seg"
	assert_success
	monitor_wait ".event == \"seg-destroyed\" and .id == $seg"
	got=$(monitor_events "(.event | startswith(\"seg-\")) and .id == $seg" | tail -n 3)
	[ "$got" = "seg-unpublished $seg
seg-revoked $seg
seg-destroyed $seg" ] || fail "events: $got"
}

@test "monitor (text): one line per event, the name then key=value" {
	"$RSMCTL" monitor > "$T/text" 2>&1 3>&- &
	FIXTURE_PIDS+=($!)
	for ((i = 0; i < 100; i++)); do
		fixture_run create 512 4 1 > "$T/seg.out"
		seg=$(awk '{ print $2 }' "$T/seg.out")
		snooze 0.05
		grep -q "^seg-destroyed id=$seg " "$T/text" && break
	done
	line=$(grep "^seg-created id=$seg " "$T/text")
	[[ "$line" =~ ^seg-created\ id=$seg\ node_id=0\ key=0\ state=created\ part_size=512\ part_count=4\ span=1\ size=[0-9]+\ interconnect=loopback\ uid=0\ mode=[0-7]{4}\ importers=0$ ]] ||
		fail "line: $line"
	grep -q "^seg-destroyed id=$seg .*state=destroyed" "$T/text" || fail "no destroyed line: $(cat "$T/text")"
}

@test "monitor -c N: exits 0 after N events" {
	"$RSMCTL" monitor -j -c 3 > "$T/three" 2> "$T/three.err" 3>&- &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		fixture_run create 64 1 1 > /dev/null
		kill -0 "$pid" 2>/dev/null || break
		snooze 0.05
	done
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ] || fail "status $status: $(cat "$T/three.err")"
	[ "$(wc -l < "$T/three")" -eq 3 ] || fail "lines: $(cat "$T/three")"
	jq -e '.event | startswith("seg-")' "$T/three" > /dev/null || fail "not events: $(cat "$T/three")"
}

@test "monitor: SIGINT and SIGTERM end it with status 0" {
	for sig in INT TERM; do
		monitor_start
		kill -s "$sig" "$MON_PID"
		status=0
		wait "$MON_PID" || status=$?
		[ "$status" -eq 0 ] || fail "SIG$sig: status $status"
		[ ! -s "$T/mon.err" ] || fail "SIG$sig: stderr: $(cat "$T/mon.err")"
	done
}

@test "monitor needs no privilege" {
	"${NOBODY[@]}" "$RSMCTL" monitor -j -c 2 > "$T/nobody" 2> "$T/nobody.err" 3>&- &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		fixture_run create 64 1 1 > /dev/null
		kill -0 "$pid" 2>/dev/null || break
		snooze 0.05
	done
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ] || fail "status $status: $(cat "$T/nobody.err")"
	[ "$(wc -l < "$T/nobody")" -eq 2 ] || fail "lines: $(cat "$T/nobody")"
	jq -e '.event == "seg-created" or .event == "seg-destroyed"' "$T/nobody" > /dev/null ||
		fail "events: $(cat "$T/nobody")"
}

@test "monitor takes no argument but -c" {
	rsmctl monitor now
	assert_failure 2
	assert_error "rsmctl: monitor: unexpected argument 'now'"
	rsmctl monitor -c x
	assert_failure 2
	assert_error "rsmctl: monitor: invalid count 'x'"
}
