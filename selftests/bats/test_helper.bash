# shellcheck shell=bash
# Shared by the Bats tests of rsmctl (one .bats file per subcommand). Run
# inside the VM by selftests/vm-suite (selftests/suites.d/50-rsmctl.list),
# as root, with rsmdev.ko loaded.
#
# Every test gets a fresh temporary directory $T, removed afterwards with
# every fixture process it started. Assertions print what they expected
# and what they got, so a failing case says why.

RSM_TOP=${RSM_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
RSM_BUILD=${RSM_BUILD:-$RSM_TOP/build}
RSMCTL=$RSM_BUILD/tools/rsmctl/rsmctl
FIXTURE=$RSM_BUILD/selftests/bats/rsm_fixture
SYSFS=/sys/kernel/rsm
NOBODY=(setpriv --reuid=1000 --regid=1000 --clear-groups)

# jq, run as gojq: the same language (what these tests use of it), with a
# start several times cheaper in the emulated guest (measured there: 59 ms
# against 318 ms), and the cases run it hundreds of times
jq() {
	command gojq "$@"
}

setup() {
	rsm_tmpdir
	[ -x "$RSMCTL" ] || fail "$RSMCTL is not built"
	[ -x "$FIXTURE" ] || fail "$FIXTURE is not built"
	command -v gojq > /dev/null || fail "gojq is not installed (tools/deps installs it)"
	[ -d /sys/module/rsmdev ] || fail "rsmdev.ko is not loaded"
}

# rsm_tmpdir: the test's fresh temporary directory $T, and $NEVER, a fifo
# nobody writes to, for snooze
rsm_tmpdir() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/rsmctl-bats.XXXXXX")
	FIXTURE_PIDS=()
	mkfifo "$T/never"
	exec {NEVER}<> "$T/never"
}

# snooze SECONDS: sleep without starting a process (exec is slow in the VM)
snooze() {
	read -r -t "$1" -u "$NEVER" _ || :
}

teardown() {
	local pid
	for pid in "${FIXTURE_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
	done
	exec {NEVER}>&-
	rm -rf "$T"
}

fail() {
	echo "$*" >&2
	return 1
}

# rsm_key N: a registry key no other test process uses (and that jq, whose
# numbers are doubles, represents exactly)
rsm_key() {
	echo $((0x5200000000 + ($$ << 8) + $1))
}

# --- running rsmctl -------------------------------------------------------

# rsmctl ARGS...: run rsmctl; $status, $output (stdout), $stderr
rsmctl() {
	run --separate-stderr "$RSMCTL" "$@"
}

# rsmctl_as_nobody ARGS...: the same as uid/gid 1000 with no groups
rsmctl_as_nobody() {
	run --separate-stderr "${NOBODY[@]}" "$RSMCTL" "$@"
}

assert_success() {
	[ "$status" -eq 0 ] ||
		fail "expected success, got status $status; stderr: ${stderr:-}; stdout: $output"
	[ -z "${stderr:-}" ] || fail "expected nothing on stderr, got: $stderr"
}

# assert_failure STATUS: failed with STATUS and printed nothing on stdout
assert_failure() {
	[ "$status" -eq "$1" ] ||
		fail "expected status $1, got $status; stderr: ${stderr:-}; stdout: $output"
	[ -z "$output" ] || fail "expected nothing on stdout, got: $output"
}

assert_output() {
	[ "$output" = "$1" ] || fail "expected output:
$1
got:
$output"
}

# assert_output_has TEXT: stdout contains TEXT
assert_output_has() {
	[[ "$output" == *"$1"* ]] || fail "expected output to contain '$1', got:
$output"
}

# assert_error LINE: stderr is exactly LINE, one line
assert_error() {
	[ "${stderr:-}" = "$1" ] || fail "expected on stderr:
$1
got:
${stderr:-}"
}

# assert_json FILTER: jq -e FILTER is true of stdout (so stdout is JSON)
assert_json() {
	jq -e "$1" <<< "$output" > /dev/null ||
		fail "expected jq '$1' to hold of:
$output"
}

# --- objects made by another process ---------------------------------------

# fixture_start NAME ACTION...: rsm_fixture ACTION... hold in the
# background; returns once it made everything (its ids are in $T/NAME.out)
fixture_start() {
	local name=$1 i
	shift
	# made here, not only by the background job's redirection: the loop
	# below may read before the job ran it ("a.out: No such file", seen)
	: > "$T/$name.out"
	: > "$T/$name.err"
	"$FIXTURE" "$@" hold > "$T/$name.out" 2> "$T/$name.err" 3>&- &
	FIXTURE_PIDS+=($!)
	eval "FIXTURE_PID_$name=$!"
	for ((i = 0; i < 400; i++)); do
		[[ $(< "$T/$name.out") == *$'\n'ready || $(< "$T/$name.out") == ready ]] && return 0
		kill -0 "$!" 2>/dev/null || break
		snooze 0.05
	done
	fail "fixture $name did not get ready: $(cat "$T/$name.err")"
}

# fixture_run ACTION...: rsm_fixture ACTION... in the foreground
fixture_run() {
	"$FIXTURE" "$@" 3>&- || fail "rsm_fixture $* failed"
}

# fixture_id NAME KIND [N]: the Nth (default 1st) id of KIND it printed
fixture_id() { # a loop, not awk: a process costs 0.3 s on the debug kernel
	local kind id seen=0
	while read -r kind id _; do
		[ "$kind" = "$2" ] && ((++seen == ${3:-1})) && echo "$id" && break
	done < "$T/$1.out"
	return 0
}

# fixture_stop NAME: end it (it releases everything it made) and wait
fixture_stop() {
	local var="FIXTURE_PID_$1"
	kill -TERM "${!var}" 2>/dev/null || :
	wait "${!var}" 2>/dev/null || :
	return 0
}

# --- sysfs -----------------------------------------------------------------

# sysfs_agrees DIR [NAME...]: every file of DIR (or the named ones) equals
# the same-named field of the JSON object in $output
sysfs_agrees() {
	local dir=$1 name args=() bad
	shift
	local names=("$@")
	[ ${#names[@]} -gt 0 ] || names=("$dir"/*)
	names=("${names[@]##*/}")
	# one jq for every file: each process costs much in the VM
	for name in "${names[@]}"; do
		[ -r "$dir/$name" ] || fail "cannot read $dir/$name"
		args+=(--arg "$name" "$(< "$dir/$name")")
	done
	[ ${#args[@]} -gt 0 ] || fail "$dir has no files"
	bad=$(jq -r "${args[@]}" '. as $o | $ARGS.named | to_entries[] |
		($o[.key] | if . == null then "(missing)" else tostring end) as $got |
		select($got != .value) | "\(.key) is '"'"'\(.value)'"'"' but rsmctl says '"'"'\($got)'"'"'"' <<< "$output") ||
		fail "jq failed on: $output"
	[ -z "$bad" ] || fail "$dir: $bad"
}

# ids_agree LIST_JSON_KEY DIR: the ids of the JSON array in $output are
# the entries of DIR
ids_agree() {
	local listed present
	listed=$(jq -r ".[].$1" <<< "$output" | sort -n | tr '\n' ' ')
	present=$(ls "$2" | sort -n | tr '\n' ' ')
	[ "$listed" = "$present" ] || fail "rsmctl lists '$listed' but $2 has '$present'"
}

# --- rsmctl monitor ----------------------------------------------------------

# monitor_start [ARGS...]: rsmctl monitor -j ARGS in the background,
# appending to $T/mon (stderr in $T/mon.err). Returns once it is listening:
# a probe segment made and destroyed by another process shows up in it.
# MON_MARK is then the number of lines before the test's own events.
monitor_start() {
	local i probe
	"$RSMCTL" monitor -j "$@" >> "$T/mon" 2> "$T/mon.err" 3>&- &
	MON_PID=$!
	FIXTURE_PIDS+=("$MON_PID")
	for ((i = 0; i < 100; i++)); do
		"$FIXTURE" create 64 1 1 > "$T/probe.out" 3>&- || fail "probe failed"
		probe=$(< "$T/probe.out")
		probe=${probe#seg }
		snooze 0.05
		if jq -e --argjson id "$probe" 'select(.event == "seg-destroyed" and .id == $id)' \
			"$T/mon" > /dev/null 2>&1; then
			MON_MARK=$(wc -l < "$T/mon")
			return 0
		fi
		kill -0 "$MON_PID" 2>/dev/null || fail "monitor died: $(cat "$T/mon.err")"
	done
	fail "the monitor never saw the probe's events"
}

# monitor_events FILTER: the events after MON_MARK that jq FILTER selects,
# one "event id" pair per line
monitor_events() {
	tail -n +$((MON_MARK + 1)) "$T/mon" | jq -r "select($1) | \"\\(.event) \\(.id // .node_id)\""
}

# monitor_wait FILTER: wait (up to 10 s) until an event FILTER selects came
monitor_wait() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -n "$(monitor_events "$1")" ] && return 0
		snooze 0.05
	done
	fail "no event '$1' came; got: $(tail -n +$((MON_MARK + 1)) "$T/mon")"
}

# --- rsmctl recv -------------------------------------------------------------

# recv_start KEY [ARGS...]: rsmctl recv KEY ARGS in the background, writing
# to $T/out (stderr $T/recv.err); returns once the endpoint is published
recv_start() {
	local key=$1 i
	shift
	"$RSMCTL" recv "$key" "$@" > "$T/out" 2> "$T/recv.err" 3>&- &
	RECV_PID=$!
	FIXTURE_PIDS+=("$RECV_PID")
	for ((i = 0; i < 200; i++)); do
		"$RSMCTL" registry show "$key" > /dev/null 2>&1 && return 0
		kill -0 "$RECV_PID" 2>/dev/null || break
		snooze 0.05
	done
	fail "recv did not publish $key: $(cat "$T/recv.err")"
}

# recv_wait: wait for the receiver; its exit status in $recv_status
recv_wait() {
	recv_status=0
	wait "$RECV_PID" || recv_status=$?
}
