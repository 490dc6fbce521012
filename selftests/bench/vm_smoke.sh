#!/usr/bin/env bash
# rsm-bench's VM mode, briefly, so it cannot rot: inside the guest (rsmdev.ko
# loaded) the full stack over /dev/rsmdev (libshm-kernel) and the Unix socket
# peer run ping-pong, bandwidth and bidirectional tests with every message
# stamped and checked, and every row is well formed. A few seconds; figures
# are reported by make bench, never asserted here. Prints TAP.
set -u
top=${RSM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bench=${RSM_BUILD:-$top/build}/tools/rsm-bench/rsm-bench
csv=$(mktemp /tmp/rsm-bench-vm.XXXXXX.csv)
trap 'rm -f "$csv"' EXIT
# shellcheck source=selftests/bench/tap.sh
. "$top/selftests/bench/tap.sh"

echo "TAP version 13"
echo "1..4"
check "rsm-bench sees the kernel backend (/dev/rsmdev)" \
	"'$bench' systems | grep -Eq '^libshm-kernel +available'"
# Blocking mode: a sleeping side does not fight the emulated vCPUs for time.
"$bench" run --systems libshm-kernel,unix --tests lat,bw,bibw --modes blocking \
	--sizes 8,4K --iterations 10 --warmup 1 --window 4 --verify --timeout 60 \
	--launch 1 --csv "$csv" --quiet
rc=$?
# Exit 3: a pair hit its time limit (a busy machine), reported, not failed.
check "libshm-kernel and unix ran every test, every message intact (exit $rc)" \
	"[ $rc = 0 ] || [ $rc = 3 ]"
# libshm-kernel: lat, bw, bibw x copy, zero-copy x 2 sizes; unix: 3 x 2;
# fewer only where a time limit was hit.
rows=$(grep -cvE '^(#|launch,)' "$csv")
check "18 result rows ($rows)" "[ '$rows' = 18 ] || { [ $rc = 3 ] && [ '$rows' -gt 0 ]; }"
check "every row well formed" "awk -f '$top/tools/rsm-bench/tests/rows_well_formed.awk' '$csv'"
exit $((fails != 0))
