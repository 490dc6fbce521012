#!/usr/bin/env bash
# rsm-bench's two-VM mode, briefly, so it cannot rot: run in both guests of
# a tools/vm/rsm-vm2 pair (ivshmem-doorbell), each running one side of
# libshm-ivshmem (libshm between the two nodes over /dev/rsmdev): ping-pong,
# bandwidth and bidirectional tests, copying and zero-copy, with every
# message stamped and checked. Guest 0 times and writes the rows; it checks
# their number and that each is well formed. Figures are reported by
# tools/bench --two-vm, never asserted here. Prints TAP.
set -u
top=${RSM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bench=${RSM_BUILD:-$top/build}/tools/rsm-bench/rsm-bench
side=${RSM_VM_INDEX:?run me in a guest of tools/vm/rsm-vm2}
# The rows stay in the pair directory, beside the guests' logs.
if [ -n "${RSM_PAIR_DIR:-}" ]; then
	csv=$RSM_PAIR_DIR/bench-side-$side.csv
	rm -f "$csv"
else
	csv=$(mktemp /tmp/rsm-bench-2vm.XXXXXX.csv)
	trap 'rm -f "$csv"' EXIT
fi
# shellcheck source=selftests/bench/tap.sh
. "$top/selftests/bench/tap.sh"

echo "TAP version 13"
echo "1..$([ "$side" = 0 ] && echo 4 || echo 2)"
check "rsm-bench sees this guest as an ivshmem node (libshm-ivshmem)" \
	"'$bench' systems | grep -Eq '^libshm-ivshmem +available'"
me=$(cat /sys/bus/pci/drivers/rsm_ivshmem/*/rsm_node_id 2> /dev/null | head -1)
# Blocking mode: a sleeping side leaves the emulated vCPUs to the other
# guest, and every message goes through the doorbells.
"$bench" run --systems libshm-ivshmem --peer-node $((1 - ${me:-0})) --side "$side" \
	--tests lat,bw,bibw --modes blocking --sizes 8,4K --iterations 10 --warmup 1 --window 4 \
	--verify --timeout 60 --launch 1 --csv "$csv" --quiet
rc=$?
# Exit 3: a pair hit its time limit (a busy machine), reported, not failed.
check "side $side ran every test, every message intact (exit $rc)" "[ $rc = 0 ] || [ $rc = 3 ]"
if [ "$side" = 0 ]; then
	# 3 tests x copy, zero-copy x 2 sizes; fewer only where a time limit hit.
	rows=$(grep -cvE '^(#|launch,)' "$csv")
	check "12 result rows ($rows)" "[ '$rows' = 12 ] || { [ $rc = 3 ] && [ '$rows' -gt 0 ]; }"
	check "every row well formed" "awk -f '$top/tools/rsm-bench/tests/rows_well_formed.awk' '$csv'"
fi
exit $((fails != 0))
