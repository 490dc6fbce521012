#!/usr/bin/env bash
# The debug kernel (Documentation/testing.md, "the debug lane"), built into
# its cache when it is missing (a fresh machine), else nothing to do. A
# phase of its own, before the rest: the build keeps both cores busy while
# the steps after it mostly keep one core each busy, so building first and
# then running the two tracks side by side ends sooner than building beside
# the Debian-kernel tests and running the debug ones alone afterwards.
. "$RSM_TOP/tools/testlib.sh"
cd "$RSM_TOP" || exit 1
log=$RSM_CHECK_DIR/debug-kernel.log
if make -s debug-kernel > "$log" 2>&1; then
	rsm_record PASS "debug kernel: built from linux-source-6.1 with tools/vm/debug.config, or cached"
else
	rsm_record FAIL "debug kernel: built from linux-source-6.1 with tools/vm/debug.config, or cached"
	tail -n 30 "$log"
fi
grep 'build-debug-kernel: built in' "$log"
exit 0
