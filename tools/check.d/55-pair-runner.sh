#!/usr/bin/env bash
# The two-guest runner's own tests (tools/vm/tests/pair-runner-selftest):
# it cannot pass silently. A step of its own, apart from 60-two-vm: it
# times nothing, and most of it is a hung guest waiting for its time limit,
# so it runs beside other steps. RSM_PAIR_ONLY (pair tests only) skips it.
. "$RSM_TOP/tools/testlib.sh"
[ -n "${RSM_PAIR_ONLY:-}" ] && exit 0
exec "$RSM_TOP/tools/vm/tests/pair-runner-selftest"
