#!/usr/bin/env bats
# rsmctl recv KEY: an endpoint KEY whose first sender's stream goes to
# standard output, through libshm.
bats_require_minimum_version 1.5.0
load test_helper

@test "recv: the endpoint is in the registry with the mode asked for" {
	key=$(rsm_key 1)
	recv_start "$key" --mode 0640
	rsmctl -j registry show "$key"
	assert_success
	assert_json '.mode == "0640" and .uid == 0 and .state == "published"'
	recv_start "$(rsm_key 2)"
	rsmctl -j registry show "$(rsm_key 2)"
	assert_json '.mode == "0600"'
}

@test "recv on a key already published: one line, exit 1" {
	key=$(rsm_key 3)
	fixture_start a create 64 1 1 publish "$key" 0600
	rsmctl recv "$key"
	assert_failure 1
	assert_error "rsmctl: recv $key: key already published"
}

@test "recv: a sender killed before the end: what came, then one line, exit 1" {
	key=$(rsm_key 4)
	recv_start "$key"
	mkfifo "$T/fifo"
	"$RSMCTL" send "$key" < "$T/fifo" 2> "$T/send.err" 3>&- &
	spid=$!
	FIXTURE_PIDS+=("$spid")
	exec 7> "$T/fifo"
	head -c 300000 /dev/urandom > "$T/in"
	cat "$T/in" >&7
	# the first 256 KiB go out as one message; the rest waits for more input
	for ((i = 0; i < 200; i++)); do
		[ "$(stat -c %s "$T/out")" -ge 262144 ] && break
		snooze 0.05
	done
	kill -KILL "$spid"
	status=0
	wait "$RECV_PID" || status=$?
	exec 7>&-
	[ "$status" -eq 1 ] || fail "recv status $status"
	[ "$(cat "$T/recv.err")" = "rsmctl: recv $key: the sender went away before the end of the data" ] ||
		fail "stderr: $(cat "$T/recv.err")"
	cmp -n 262144 "$T/in" "$T/out" || fail "what came differs"
	[ "$(stat -c %s "$T/out")" -eq 262144 ] || fail "got $(stat -c %s "$T/out") bytes"
}

@test "recv: a sender that connects and closes at once, sending nothing: one line, exit 1" {
	key=$(rsm_key 7)
	recv_start "$key"
	# a directory as standard input: send connects, its first read fails
	# (EISDIR) and it closes its channel without the end of the stream,
	# milliseconds later: between two of recv's looks at the channel table
	run --separate-stderr "$RSMCTL" send "$key" < /
	[ "$status" -eq 1 ] || fail "send status $status: $stderr"
	# bounded: a receiver that missed the sender would wait for ever
	for ((i = 0; i < 200; i++)); do
		kill -0 "$RECV_PID" 2>/dev/null || break
		snooze 0.05
	done
	kill -0 "$RECV_PID" 2>/dev/null && fail "recv still waits 10 s after its sender closed"
	recv_wait
	[ "$recv_status" -eq 1 ] || fail "recv status $recv_status"
	[ "$(cat "$T/recv.err")" = "rsmctl: recv $key: the sender went away before the end of the data" ] ||
		fail "stderr: $(cat "$T/recv.err")"
	[ ! -s "$T/out" ] || fail "recv wrote $(stat -c %s "$T/out") bytes"
}

@test "recv: interrupted before any sender: one line, exit 1, the key is free again" {
	key=$(rsm_key 5)
	recv_start "$key"
	kill -TERM "$RECV_PID"
	status=0
	wait "$RECV_PID" || status=$?
	[ "$status" -eq 1 ] || fail "status $status"
	[ "$(cat "$T/recv.err")" = "rsmctl: recv $key: interrupted before the end of the data" ] ||
		fail "stderr: $(cat "$T/recv.err")"
	rsmctl registry show "$key"
	assert_failure 1
	assert_error "rsmctl: registry show $key: no such key"
}

@test "recv works for an unprivileged user" {
	key=$(rsm_key 6)
	echo "hello from root" > "$T/in"
	"${NOBODY[@]}" "$RSMCTL" recv "$key" > "$T/out" 2> "$T/recv.err" 3>&- &
	pid=$!
	FIXTURE_PIDS+=("$pid")
	for ((i = 0; i < 200; i++)); do
		"$RSMCTL" registry show "$key" > /dev/null 2>&1 && break
		snooze 0.05
	done
	rsmctl -j registry show "$key"
	assert_json '.uid == 1000 and .mode == "0600"'
	# root may write to it anyway (CAP_IPC_OWNER)
	rsmctl send "$key" < "$T/in"
	assert_success
	wait "$pid"
	cmp "$T/in" "$T/out" || fail "the copy differs"
}

@test "recv without a valid key or mode: usage, exit 2" {
	rsmctl recv
	assert_failure 2
	assert_error "rsmctl: recv: missing key (see rsmctl --help)"
	rsmctl recv 5 --mode 9
	assert_failure 2
	assert_error "rsmctl: recv 5: invalid mode '9' (octal, at most 0777)"
	rsmctl recv 5 --node 1
	assert_failure 2
	assert_error "rsmctl: recv 5: option '--node' does not apply"
}
