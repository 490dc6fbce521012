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

# case_ ID NAME KIND WANT-EXIT FILE:REGEX... -- COMMAND...
# Runs COMMAND in a guest booting KIND with no rsmdev loaded, logs in
# $logs/ID; passes when the run exits WANT-EXIT and each FILE (in the run's
# log directory) matches its REGEX, i.e. the run failed or passed for the
# reason the case is about.
case_() {
	local id=$1 name=$2 kind=$3 want=$4 rc re file missing=
	shift 4
	local res=()
	while [ "$1" != -- ]; do res+=("$1"); shift; done
	shift
	if [[ " ${built[*]} " != *" $kind "* ]]; then
		rsm_record FAIL "lane: $name (test modules not built for $kind)"
		return
	fi
	# 512 MB is plenty for one small module and halves what kmemleak scans;
	# the time limit only stops a hung guest (a busy host slows it a lot).
	tools/vm/rsm-vm -k "$kind" --no-module --quiet -m 512 -t 1200 --log-dir "$logs/$id" \
		-- "$@" > "$logs/$id.out" 2>&1 <&-
	rc=$?
	for re in "${res[@]}"; do
		file=${re%%:*} re=${re#*:}
		grep -aqE -- "$re" "$logs/$id/$file" 2>/dev/null || missing+=" $file lacks '$re'"
	done
	echo "lane: $name: exit $rc (want $want), $(tail -n 1 "$logs/$id.out")"
	if [ "$rc" = "$want" ] && [ -z "$missing" ]; then
		rsm_record PASS "lane: $name"
	else
		rsm_record FAIL "lane: $name (exit $rc, want $want${missing:+;$missing})"
		tail -n 25 "$logs/$id.out"
	fi
}

lane=build/lane
# Each debug boot costs a minute or more of emulated CPU (boot, two
# kmemleak scans), so the use-after-free shares its boot with the leak on
# the exit path: the run exits 3 for KASAN, and kmemleak's report, scanned
# all the same, must still blame the leak. The leak on load has a boot of
# its own, to show a leak alone fails the run (exit 5).
case_ debug-uaf "debug kernel: a use-after-free fails the run on KASAN's report; a leak on the exit path, module already unloaded, is blamed" debug 3 \
	'dmesg.log:BUG: KASAN: [a-z-]*use-after-free in rsm_lane_uaf_read\+0x[0-9a-f]+/0x[0-9a-f]+ \[rsm_lane_uaf\]' \
	'kmemleak-blame.log:rsm-lane@unload' 'kmemleak-blame.log:0xffffffff[0-9a-f]+ +<= freed module code' \
	-- sh -c "insmod $lane/debug/rsm_lane_leak.ko at=unload && rmmod rsm_lane_leak && insmod $lane/debug/rsm_lane_uaf.ko"
case_ debian-uaf "debian kernel: the same use-after-free passes unnoticed" debian 0 \
	'dmesg.log:rsm_lane_uaf: read 0x[0-9a-f]+ from freed memory' \
	-- insmod $lane/debian/rsm_lane_uaf.ko
# The runner unloads the module itself: its map names the leaking function.
case_ debug-leak "debug kernel: a leaked kmalloc fails the run on kmemleak's report" debug 5 \
	'kmemleak-blame.log:rsm-lane@load' 'kmemleak-blame.log:rsm_lane_leak_alloc\+0x[0-9a-f]+ \[rsm_lane_leak, unloaded\]' \
	-- insmod $lane/debug/rsm_lane_leak.ko
case_ debian-leak "debian kernel: the same leak passes unnoticed" debian 0 \
	'dmesg.log:rsm_lane_leak: leaked 16 buffers of 64 bytes on load' \
	-- insmod $lane/debian/rsm_lane_leak.ko
exit 0
