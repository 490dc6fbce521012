#!/usr/bin/env bash
# The debug-kernel lane's own test: it cannot pass silently. Throwaway
# modules (tools/vm/lane/, built here into build/lane/KIND, never by make)
# that read freed memory or leak a kmalloc make a run on the debug kernel
# fail, for that reason: the KASAN line in dmesg, the leaked object in
# kmemleak's report. The same modules pass on Debian's kernel, which has none
# of these detectors: that is why the lane exists.
set -uo pipefail
. "$RSM_TOP/tools/testlib.sh"
cd "$RSM_TOP" || exit 1
logs=$RSM_CHECK_DIR/lane
rm -rf "$logs"
mkdir -p "$logs"

# The debug kernel first: on a fresh machine this builds it (~14 min idle).
if ! make -s debug-kernel > "$logs/debug-kernel.log" 2>&1; then
	rsm_record FAIL "lane: the debug kernel builds"
	tail -n 30 "$logs/debug-kernel.log"
fi
built=()
for kind in debian debug; do
	if tools/vm/build-kmod "$kind" tools/vm/lane "build/lane/$kind" > "$logs/build-$kind.log" 2>&1 &&
		! grep -qE 'warning:|error:' "$logs/build-$kind.log"; then
		built+=("$kind")
	else
		rsm_record FAIL "lane: test modules build for the $kind kernel with W=1, no warnings"
		grep -E 'warning:|error:' "$logs/build-$kind.log" | head -20
	fi
done

# boot ID KIND COMMAND...: runs COMMAND in a guest booting KIND with no
# rsmdev loaded, logs in $logs/ID (rsm-vm's own output in $logs/ID.out);
# sets rc to the run's exit status.
boot() {
	local id=$1 kind=$2
	shift 2
	# 512 MB is plenty for small modules and less for kmemleak to scan; the
	# time limit only stops a hung guest (a busy host slows it a lot).
	tools/vm/rsm-vm -k "$kind" --no-module --quiet -m 512 -t 1200 --log-dir "$logs/$id" \
		-- "$@" > "$logs/$id.out" 2>&1 <&-
	rc=$?
	echo "lane: $id: exit $rc, $(tail -n 1 "$logs/$id.out")"
}

# expect ID NAME WANT-EXIT FILE:REGEX...: records NAME as passed when the
# run ID exited WANT-EXIT ("" for any) and each FILE of its log directory
# ("out" for rsm-vm's own output) matches its REGEX: the run failed or
# passed for the reason NAME is about.
expect() {
	local id=$1 name=$2 want=$3 re file missing=
	shift 3
	for re in "$@"; do
		file=${re%%:*} re=${re#*:}
		[ "$file" = out ] && file=../$id.out
		grep -aqE -- "$re" "$logs/$id/$file" 2>/dev/null || missing+=" ${file#../} lacks '$re'"
	done
	if { [ -z "$want" ] || [ "$rc" = "$want" ]; } && [ -z "$missing" ]; then
		rsm_record PASS "lane: $name"
	else
		rsm_record FAIL "lane: $name (exit $rc${want:+, want $want}${missing:+;$missing})"
		tail -n 25 "$logs/$id.out" 2>/dev/null
	fi
}

# run_lane KIND ID COMMAND...: boot, unless the modules could not be built
run_lane() {
	local kind=$1
	shift
	if [[ " ${built[*]} " == *" $kind "* ]]; then
		boot "$1" "$kind" "${@:2}"
	else
		rc="none (test modules not built for $kind)"
	fi
}

lane=build/lane
# One debug boot for both detectors: a debug boot with its two kmemleak
# scans costs a minute and more of emulated CPU, and the runner checks
# every reason a run fails (dmesg, then kmemleak) and names each of them;
# its exit status is the first reason's (3, dmesg). The guest loads and
# unloads the module with the exit-path leak (no map of it is left: its
# frames are freed module code), loads the use-after-free, then the leak
# module again to leak on load (the runner unloads it and maps its frames
# to rsm_lane_leak_alloc). The order matters: with the leak module loaded
# again right after the unload, kmemleak did not report the exit-path
# buffer (the one run tried): something still referenced it, likely a
# stale copy of its pointer (kmemleak scans kernel stacks whole, and a
# freed stack is cached for the next task). With the use-after-free's load in between, as in the
# lane's first, two-boot version, it has been reported in every run.
run_lane debug debug sh -c "insmod $lane/debug/rsm_lane_leak.ko at=unload && rmmod rsm_lane_leak &&
	insmod $lane/debug/rsm_lane_uaf.ko && insmod $lane/debug/rsm_lane_leak.ko"
expect debug "debug kernel: a use-after-free fails the run on KASAN's report" 3 \
	'dmesg.log:BUG: KASAN: [a-z-]*use-after-free in rsm_lane_uaf_read\+0x[0-9a-f]+/0x[0-9a-f]+ \[rsm_lane_uaf\]' \
	'out:dmesg shows a kernel problem'
expect debug "debug kernel: a leaked kmalloc fails the run on kmemleak's report, blamed on the leaking function" "" \
	'out:kmemleak reports an object leaked by a project module' \
	'kmemleak-blame.log:rsm-lane@load' 'kmemleak-blame.log:rsm_lane_leak_alloc\+0x[0-9a-f]+ \[rsm_lane_leak, unloaded\]'
expect debug "debug kernel: a leak on the exit path of a module the test unloaded itself is blamed as freed module code" "" \
	'kmemleak-blame.log:rsm-lane@unload' 'kmemleak-blame.log:0xffffffff[0-9a-f]+ +<= freed module code'
run_lane debian debian-uaf insmod $lane/debian/rsm_lane_uaf.ko
expect debian-uaf "debian kernel: the same use-after-free passes unnoticed" 0 \
	'dmesg.log:rsm_lane_uaf: read 0x[0-9a-f]+ from freed memory'
run_lane debian debian-leak insmod $lane/debian/rsm_lane_leak.ko
expect debian-leak "debian kernel: the same leak passes unnoticed" 0 \
	'dmesg.log:rsm_lane_leak: leaked 64 bytes on load'
exit 0
