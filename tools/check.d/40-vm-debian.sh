#!/usr/bin/env bash
# The in-VM suite (selftests/vm-suite) on Debian's 6.1 kernel.
. "$RSM_TOP/tools/testlib.sh"
exec "$RSM_TOP/tools/vm/run-suite" debian
