#!/usr/bin/env bash
# The VM runner's own tests: it must not be able to pass silently.
. "$RSM_TOP/tools/testlib.sh"
exec "$RSM_TOP/tools/vm/tests/runner-selftest"
