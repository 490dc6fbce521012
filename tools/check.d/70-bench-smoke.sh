#!/usr/bin/env bash
# A short run of rsm-bench so the benchmarks cannot rot: every system runs
# every test with every message stamped and checked (--verify), ucx_perftest's
# output parses, and the CSV folds into a report whose tables, plots and
# template sections are well formed. It reports figures, it asserts none: a
# pair that hits its time limit on a busy machine is noted, not failed; a
# crash or a corrupted message fails.
set -uo pipefail
. "$RSM_TOP/tools/testlib.sh"
bench=$RSM_BUILD/tools/rsm-bench/rsm-bench
dir=$RSM_CHECK_DIR/bench-smoke
rm -rf "$dir"
mkdir -p "$dir"
if [ ! -x "$bench" ]; then
	rsm_record FAIL "bench smoke: rsm-bench is built"
	exit 0
fi

mapfile -t have < <("$bench" systems | awk '$2 == "available" && $1 != "ucx" && $1 != "memcpy" { print $1 }')
systems=$(IFS=,; echo "${have[*]}")
csv=$dir/smoke.csv
# Blocking mode for the full matrix (a sleeping side does not fight a busy
# machine for its CPU), the spinning modes on latency only.
"$bench" run --systems "$systems" --tests lat,bw,bibw --modes blocking \
	--sizes 1,56,57,4K,65537 --iterations 20 --warmup 2 --window 8 --verify \
	--timeout 30 --launch 1 --csv "$csv" --quiet > "$dir/run.log" 2>&1
rc=$?
"$bench" run --systems "$systems" --tests lat --modes busy-poll,poll-then-block \
	--sizes 8,4K --iterations 20 --warmup 2 --verify \
	--timeout 30 --launch 1 --csv "$csv" --quiet >> "$dir/run.log" 2>&1
rc2=$?
[ $rc = 0 ] && rc=$rc2
[ $rc = 3 ] && [ $rc2 != 0 ] && [ $rc2 != 3 ] && rc=$rc2
case $rc in
0) rsm_record PASS "bench smoke: ${systems//,/, } ran every test and mode, every message intact" ;;
3) rsm_record PASS "bench smoke: ran; some pairs hit their time limit (busy machine, reported not failed)"
   grep -E '^# timeout' "$csv" | sed 's/^/  /' ;;
*) rsm_record FAIL "bench smoke: rsm-bench run (exit $rc)"
   tail -20 "$dir/run.log" ;;
esac

# Rows: one per system, test, mode, variant and size (floor and libshm have
# a zero-copy variant of each); fewer only where a time limit was hit.
expected=0
for s in "${have[@]}"; do
	variants=1
	{ [ "$s" = floor ] || [ "$s" = libshm ]; } && variants=2
	expected=$((expected + variants * (3 * 5 + 2 * 2)))
done
rows=$(grep -cvE '^(#|launch,)' "$csv")
timeouts=$(grep -c '^# timeout' "$csv")
if [ "$rows" = "$expected" ] || { [ "$timeouts" != 0 ] && [ "$rows" -lt "$expected" ]; }; then
	rsm_record PASS "bench smoke: $rows result rows of $expected expected"
else
	rsm_record FAIL "bench smoke: $rows result rows of $expected expected"
fi

# Latency rows have ordered, finite percentiles; bandwidth rows a positive rate.
if awk -f "$RSM_TOP/tools/rsm-bench/tests/rows_well_formed.awk" "$csv"; then
	rsm_record PASS "bench smoke: every row well formed (min <= p50 <= p99 <= p99.9 <= max, finite; rates > 0)"
else
	rsm_record FAIL "bench smoke: every row well formed (min <= p50 <= p99 <= p99.9 <= max, finite; rates > 0)"
fi

if command -v ucx_perftest > /dev/null; then
	"$bench" run --systems ucx --tests lat --sizes 8 --iterations 200 --warmup 10 \
		--timeout 30 --launch 1 --csv "$csv" --quiet >> "$dir/run.log" 2>&1
	if [ "$(grep -c '^1,ucx,lat,busy-poll,copy,8,' "$csv")" = 1 ]; then
		rsm_record PASS "bench smoke: ucx_perftest ran and its output parsed"
	else
		rsm_record FAIL "bench smoke: ucx_perftest ran and its output parsed"
		grep -E 'ucx' "$dir/run.log" | tail -5
	fi
fi

# report OPTION...: the report of the smoke's CSV from the real template
report() {
	"$bench" report --plot-url report --template "$RSM_TOP/tools/rsm-bench/benchmarks.md.in" "$@" "$csv"
}
# The report: every row folds, the template's sections all exist, gnuplot
# makes SVGs.
if report --out "$dir/report" --markdown "$dir/benchmarks.md" > "$dir/report.log" 2>&1 &&
	grep -q '^| 4 KiB |' "$dir/benchmarks.md" && ! grep -q '{{' "$dir/benchmarks.md"; then
	rsm_record PASS "bench smoke: the CSV folds into benchmarks.md with every section filled"
else
	rsm_record FAIL "bench smoke: the CSV folds into benchmarks.md with every section filled"
	tail -5 "$dir/report.log"
fi
# gnuplot is installed by tools/deps core: a missing one is a failure here
svgs=$(find "$dir/report" -name '*.svg' | wc -l)
bad=$(for f in "$dir"/report/*.svg; do [ -e "$f" ] || continue; head -c 400 "$f" | grep -q '<svg' || echo "$f"; done)
if [ "$svgs" -ge 4 ] && [ -z "$bad" ]; then
	rsm_record PASS "bench smoke: gnuplot drew $svgs SVG plots"
else
	rsm_record FAIL "bench smoke: gnuplot drew the SVG plots ($svgs, bad: ${bad:-none})"
fi
# Without gnuplot on PATH the report says so in one line and fails;
# --no-plots writes it without plots.
nogp=$dir/no-gnuplot
out=$(PATH=/nonexistent report --out "$nogp" --markdown "$nogp.md" 2>&1)
rc=$?
if [ $rc != 0 ] && [ "$out" = "rsm-bench: gnuplot is not installed (Debian: gnuplot-nox); --no-plots writes the report without plots" ]; then
	rsm_record PASS "bench smoke: report without gnuplot: one line naming the package, failure"
else
	rsm_record FAIL "bench smoke: report without gnuplot: one line naming the package, failure (exit $rc: $out)"
fi
if PATH=/nonexistent report --no-plots --out "$nogp" --markdown "$nogp.md" > "$nogp.log" 2>&1 &&
	grep -q '^| 4 KiB |' "$nogp.md"; then
	rsm_record PASS "bench smoke: report --no-plots works without gnuplot"
else
	rsm_record FAIL "bench smoke: report --no-plots works without gnuplot"
	tail -5 "$nogp.log"
fi
exit 0
