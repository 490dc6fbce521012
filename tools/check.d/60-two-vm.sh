#!/usr/bin/env bash
# Two nodes: rsm between two guests over ivshmem (the two-guest runner's
# own tests are 55-pair-runner). Each guest's TAP lines become
# one result each, named "[pair RUN vmN] test"; a skip is a failure, and
# so is a guest whose run was not clean (dmesg, rmmod, time limit).
# RSM_PAIR_ONLY=REGEX runs only the pair tests whose name matches.
# Then the same tests run on the debug kernel (see the comment below);
# RSM_CHECK_FULL=0 or RSM_PAIR_DEBUG=0 leaves them out.
. "$RSM_TOP/tools/testlib.sh"

logs=$RSM_CHECK_DIR/two-vm
mkdir -p "$logs"

# pair_tap NAME RSM-VM2-ARGS... -- VM0-CMD -- VM1-CMD
# Runs the two commands (TAP producers) in the two guests. With
# PAIR_COUNT_ONLY=0 only guest 0's results count (guest 1 is killed); with
# PAIR_RESPAWN1=CMD a killed guest 1 boots again and runs CMD, whose
# results are guest 1's.
pair_tap() {
	local name=$1 args=() cmd0 cmd1 rc i n st desc
	local wrap='> "$RSM_PAIR_DIR/tap.1" 2>&1; rc=$?; cat "$RSM_PAIR_DIR/tap.1"; exit $rc'
	local guests=${PAIR_COUNT_ONLY:-0 1}
	[[ -z "${RSM_PAIR_ONLY:-}" || "$name" =~ $RSM_PAIR_ONLY ]] || return 0
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	cmd0=$2
	[ "$3" = -- ] || { echo "pair_tap: usage" >&2; return 2; }
	cmd1=$4
	[ -z "${PAIR_RESPAWN1:-}" ] || args+=(--respawn "1:{ $PAIR_RESPAWN1; } $wrap")
	# each guest keeps its TAP in the pair directory for the host to read
	"$RSM_TOP/tools/vm/rsm-vm2" --quiet --log-dir "$logs/$name" "${args[@]}" \
		--vm0 "{ $cmd0; } > \"\$RSM_PAIR_DIR/tap.0\" 2>&1; rc=\$?; cat \"\$RSM_PAIR_DIR/tap.0\"; exit \$rc" \
		--vm1 "{ $cmd1; } $wrap" \
		> "$logs/$name.out" 2>&1 <&-
	rc=$?
	for i in $guests; do
		n=0
		while read -r st desc; do
			n=$((n + 1))
			case $st in
			PASS) rsm_record PASS "[pair $name vm$i] $desc" ;;
			SKIP) rsm_record FAIL "[pair $name vm$i] $desc (skipped)" ;;
			*) rsm_record FAIL "[pair $name vm$i] $desc" ;;
			esac
		done < <(rsm_tap_parse "$logs/$name/pair/tap.$i" 2>/dev/null)
		[ "$n" != 0 ] || rsm_record FAIL "[pair $name vm$i] produced test results"
	done
	if [ $rc = 0 ]; then
		rsm_record PASS "[pair $name] both guests clean (dmesg, rmmod, time limit)"
	else
		rsm_record FAIL "[pair $name] both guests clean (rsm-vm2 exit $rc)"
		tail -n 40 "$logs/$name.out"
	fi
}

remote=build/selftests/ivshmem/remote_test
pair_tap remote-doorbell -t 400 -- "$remote" -- "$remote"
pair_tap remote-plain --plain --module-params "node_id=%i" -t 400 -- "$remote" -- "$remote"
# guest 1 unloads rsmdev and writes the region by hand: garbage, a record
# holding memory, a heartbeat that stops, a restart
pair_tap hostile -t 600 -- build/selftests/ivshmem/hostile_test -- build/selftests/ivshmem/fake_peer_test

# libshm between the nodes, unchanged: rsm-xfer (one TAP line per guest).
xfer=build/tools/rsm-xfer/rsm-xfer
tap() { # [N] NAME COMMAND: TAP line N (default 1) from a command's status
	local n=1
	[ $# = 2 ] || { n=$1; shift; }
	echo "bash -c '$2' && echo 'ok $n $1' || echo 'not ok $n $1'"
}
peer='me=$(cat /sys/bus/pci/drivers/rsm_ivshmem/*/rsm_node_id); peer=$((1 - me))'
# 10,000 messages each way at once, mixed sizes, every one checked. Not a
# liveness test: on a busy host a guest can be starved of CPU for longer
# than the default 500 ms and be declared down, so this allows 2 s.
both="$peer; $xfer both --key 0x5253 --count 10000 --min 1 --max 64K --node \$peer --seed \$((7 + me)) --peer-seed \$((7 + peer)) --timeout 300"
pair_tap libshm-both-ways -s 64M -t 900 --module-params ivshmem_down_ms=2000 -- \
	"$(tap "10000 messages each way, verified" "$both")" -- \
	"$(tap "10000 messages each way, verified" "$both")"
# guest 1 streams until its QEMU is killed; guest 0 must see its channel
# fail and the node reported down within 1 s of its last heartbeat. Then
# guest 1 boots again (the server gives it the same id: the same node, a
# new incarnation) and the two exchange 2,000 messages each way over new
# channels: the restarted node rejoined.
survivor="$peer; $xfer both --key 0x5254 --count 1 --node \$peer --seed 1 --peer-seed 1 --max 64K --kill-after 2000 --kill-file kill-vm1 --expect-peer-death --timeout 300"
victim="$peer; $xfer both --key 0x5254 --count 100000000 --node \$peer --seed 1 --peer-seed 1 --max 64K --timeout 300"
rejoin="$peer; $xfer both --key 0x5255 --count 2000 --min 1 --max 64K --node \$peer --seed \$((11 + me)) --peer-seed \$((11 + peer)) --timeout 600"
PAIR_RESPAWN1="$(tap "restarted node rejoins: 2000 messages each way, verified" "$rejoin")" \
	pair_tap libshm-peer-death -s 64M -t 1200 --kill 1:kill-vm1 -- \
	"$(tap 1 "peer death reported within 1 s, channel fails" "$survivor"); $(tap 2 "restarted node rejoins: 2000 messages each way, verified" "$rejoin")" -- "$victim"
# rsm-bench's two-VM mode (libshm-ivshmem, one side per guest), briefly, so
# it cannot rot: every test and variant at two sizes, every message checked,
# guest 0's rows counted and well formed. Figures: tools/bench --two-vm.
pair_tap bench-two-vm -s 64M -t 300 --module-params ivshmem_down_ms=2000 -- \
	selftests/bench/two_vm_smoke.sh -- selftests/bench/two_vm_smoke.sh

# The same tests on the debug kernel (KASAN, lockdep, kmemleak, UBSAN; see
# 50-vm-debug) on both nodes: the ivshmem transport's kernel code
# (doorbells, remote imports and their revocation, a node leaving and
# coming back, a node killed, a hostile peer's garbage in the shared
# region) runs only in two-node tests. A debug boot with its two kmemleak
# scans costs about half a minute of emulated CPU, so the doorbell tests
# share one boot of each guest, one after another, each with a rendezvous
# directory of its own: remote_test, libshm both ways, the bench smoke, and
# last the hostile pair (fake_peer_test unloads rsmdev). They run with the
# default ivshmem_down_ms (500; the hostile pair times it): each guest's
# CPUs take turns on one host thread (--tcg single), the two guests one
# core each, and nothing else runs in this phase. 512 MB is plenty.
# Measured on 2 idle cores: 58-68 s for that pair (the debug pair of
# remote_test and the hostile pair alone took 124-158 s on the slower
# host). RSM_CHECK_FULL=0 (make check-quick) leaves the debug pairs out.
[ "${RSM_PAIR_DEBUG:-${RSM_CHECK_FULL:-1}}" = 1 ] || exit 0
# 50-vm-debug built the kernel and the module; run alone, this step builds
# what is missing or older than kmod/.
debug_ko=build/kmod-debug/kmod/rsmdev.ko
if [ ! -f "$debug_ko" ] || [ -n "$(find kmod -name '*.[ch]' -newer "$debug_ko" | head -n 1)" ]; then
	{ make -s debug-kernel && tools/vm/build-kmod debug; } > "$logs/build-debug.log" 2>&1 ||
		rsm_record FAIL "[pair debug] rsmdev.ko builds for the debug kernel"
fi
debug=(-k debug --tcg single -m 512)
# in_dir DIR COMMAND: COMMAND with a rendezvous directory of its own
in_dir() {
	echo "mkdir -p \"\$RSM_PAIR_DIR/$1\" && RSM_PAIR_DIR=\$RSM_PAIR_DIR/$1 $2"
}
# chain COMMAND...: each command in turn, all of them whatever one did;
# fails when any failed
chain() {
	local c out="r=0;"
	for c in "$@"; do out+=" { $c; } || r=1;"; done
	echo "$out [ \$r = 0 ]"
}
# doorbell_tests PROGRAM: one guest's share of debug-doorbell, PROGRAM its
# side of the hostile pair
doorbell_tests() {
	chain "$(in_dir remote "$remote")" "$(tap "10000 messages each way, verified" "$both")" \
		"$(in_dir bench selftests/bench/two_vm_smoke.sh)" \
		"$(in_dir hostile "build/selftests/ivshmem/$1")"
}
pair_tap debug-doorbell "${debug[@]}" -s 64M -t 1500 -- \
	"$(doorbell_tests hostile_test)" -- "$(doorbell_tests fake_peer_test)"
pair_tap debug-remote-plain "${debug[@]}" --plain --module-params "node_id=%i" -t 1200 -- \
	"$remote" -- "$remote"
PAIR_RESPAWN1="$(tap "restarted node rejoins: 2000 messages each way, verified" "$rejoin")" \
	pair_tap debug-libshm-peer-death "${debug[@]}" -s 64M -t 1500 --kill 1:kill-vm1 -- \
	"$(tap 1 "peer death reported within 1 s, channel fails" "$survivor"); $(tap 2 "restarted node rejoins: 2000 messages each way, verified" "$rejoin")" -- "$victim"
exit 0
