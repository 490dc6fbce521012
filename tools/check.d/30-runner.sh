#!/usr/bin/env bash
# The VM runner's own tests: it must not be able to pass silently. First
# the TAP parser every VM suite's results go through.
. "$RSM_TOP/tools/testlib.sh"
"$RSM_TOP/tools/tests/tap-parse-selftest"
exec "$RSM_TOP/tools/vm/tests/runner-selftest"
