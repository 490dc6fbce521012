#!/usr/bin/env bash
# The in-VM suite (selftests/vm-suite) on the debug kernel: KASAN, lockdep,
# kmemleak, UBSAN. Builds the kernel if this machine has not cached it yet
# (about 14 minutes on 2 idle cores), then rsmdev.ko for it, then boots it once.
# After the suite the guest unloads rsmdev and scans kmemleak twice; the run
# fails on a leak blamed on rsmdev and on any kernel report in dmesg.
set -uo pipefail
. "$RSM_TOP/tools/testlib.sh"
cd "$RSM_TOP" || exit 1
log=$RSM_CHECK_DIR/vm-debug-build.log
if ! make -s debug-kernel > "$log" 2>&1; then
	rsm_record FAIL "[debug] the debug kernel builds"
	tail -n 30 "$log"
	exit 0
fi
if ! tools/vm/build-kmod debug >> "$log" 2>&1 || grep -qE 'warning:|error:' "$log"; then
	rsm_record FAIL "[debug] rsmdev.ko builds for the debug kernel with W=1, no warnings"
	grep -E 'warning:|error:' "$log" | head -30
	exit 0
fi
exec tools/vm/run-suite debug
