#!/usr/bin/env bash
# Two nodes: the two-guest runner's own tests (it cannot pass silently),
# then the tests that run rsm between two guests over ivshmem.
. "$RSM_TOP/tools/testlib.sh"
"$RSM_TOP/tools/vm/tests/pair-runner-selftest"
