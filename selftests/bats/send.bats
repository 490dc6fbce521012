#!/usr/bin/env bats
# rsmctl send KEY: standard input to the endpoint KEY, through libshm.
bats_require_minimum_version 1.5.0
load test_helper

@test "send: a 5 MiB file to recv in another process arrives byte-identical" {
	key=$(rsm_key 1)
	head -c $((5 << 20)) /dev/urandom > "$T/in"
	recv_start "$key"
	rsmctl send "$key" < "$T/in"
	assert_success
	recv_wait
	[ "$recv_status" -eq 0 ] || fail "recv: status $recv_status: $(cat "$T/recv.err")"
	[ ! -s "$T/recv.err" ] || fail "recv stderr: $(cat "$T/recv.err")"
	cmp "$T/in" "$T/out" || fail "the copy differs"
	# the endpoint is gone with its receiver
	rsmctl registry show "$key"
	assert_failure 1
}

@test "send: odd sizes and an empty input arrive exactly" {
	key=$(rsm_key 2)
	for size in 0 1 262143 262144 262145 1000003; do
		head -c "$size" /dev/urandom > "$T/in"
		recv_start "$key"
		rsmctl send "$key" < "$T/in"
		assert_success
		recv_wait
		[ "$recv_status" -eq 0 ] || fail "size $size: recv status $recv_status: $(cat "$T/recv.err")"
		cmp "$T/in" "$T/out" || fail "size $size: the copy differs"
	done
}

@test "send to a key nobody published: one line, exit 1" {
	key=$(rsm_key 3)
	rsmctl send "$key" < /dev/null
	assert_failure 1
	assert_error "rsmctl: send $key: no such key"
}

@test "send as another uid to a 0600 endpoint: permission denied, exit 1" {
	key=$(rsm_key 4)
	recv_start "$key"
	run --separate-stderr "${NOBODY[@]}" "$RSMCTL" send "$key" < /dev/null
	assert_failure 1
	assert_error "rsmctl: send $key: permission denied"
	# the receiver still waits for a sender it may accept
	kill -0 "$RECV_PID" || fail "recv died"
}

@test "send as another uid to a 0666 endpoint works" {
	key=$(rsm_key 5)
	head -c 100000 /dev/urandom > "$T/in"
	chmod 644 "$T/in"
	recv_start "$key" --mode 0666
	run --separate-stderr "${NOBODY[@]}" "$RSMCTL" send "$key" < "$T/in"
	assert_success
	recv_wait
	[ "$recv_status" -eq 0 ] || fail "recv status $recv_status: $(cat "$T/recv.err")"
	cmp "$T/in" "$T/out" || fail "the copy differs"
}

@test "send: the receiver killed mid-stream: one line, exit 1" {
	key=$(rsm_key 6)
	recv_start "$key"
	kill -STOP "$RECV_PID"
	mkfifo "$T/fifo"
	"$RSMCTL" send "$key" < "$T/fifo" > "$T/send.out" 2> "$T/send.err" 3>&- &
	spid=$!
	FIXTURE_PIDS+=("$spid")
	exec 7> "$T/fifo"
	# more than the endpoint holds, so the sender waits for room
	head -c $((64 << 20)) /dev/zero >&7 &
	writer=$!
	snooze 1
	kill -KILL "$RECV_PID"
	status=0
	wait "$spid" || status=$?
	kill "$writer" 2>/dev/null || :
	exec 7>&-
	[ "$status" -eq 1 ] || fail "send status $status: $(cat "$T/send.err")"
	[ "$(cat "$T/send.err")" = "rsmctl: send $key: the other side went away" ] ||
		fail "stderr: $(cat "$T/send.err")"
}

@test "send: SIGTERM while it waits for input: one line, exit 1" {
	key=$(rsm_key 7)
	recv_start "$key"
	mkfifo "$T/fifo"
	"$RSMCTL" send "$key" < "$T/fifo" > "$T/send.out" 2> "$T/send.err" 3>&- &
	spid=$!
	FIXTURE_PIDS+=("$spid")
	# a writer that never writes: send connects, then waits on its input
	exec 7> "$T/fifo"
	for ((i = 0; i < 200; i++)); do
		rsmctl -j channel list
		jq -e --argjson k "$key" 'any(.[]; .key == $k)' <<< "$output" > /dev/null && break
		snooze 0.05
	done
	kill -TERM "$spid"
	status=0
	wait "$spid" || status=$?
	exec 7>&-
	[ "$status" -eq 1 ] || fail "send status $status: $(cat "$T/send.err")"
	[ "$(cat "$T/send.err")" = "rsmctl: send $key: interrupted before the end of the data" ] ||
		fail "stderr: $(cat "$T/send.err")"
	# the receiver sees its sender gone without an end
	recv_wait
	[ "$recv_status" -eq 1 ] || fail "recv status $recv_status"
}

@test "send without a valid key: usage, exit 2" {
	rsmctl send
	assert_failure 2
	assert_error "rsmctl: send: missing key (see rsmctl --help)"
	rsmctl send 0
	assert_failure 2
	assert_error "rsmctl: send: invalid key '0'"
	rsmctl send 1 --mode 0600
	assert_failure 2
	assert_error "rsmctl: send 1: option '--mode' does not apply"
}
