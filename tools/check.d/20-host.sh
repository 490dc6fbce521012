#!/usr/bin/env bash
# Host unit tests (GoogleTest through ctest): one result per test.
set -uo pipefail
. "$RSM_TOP/tools/testlib.sh"
log=$RSM_CHECK_DIR/ctest.log
ctest --test-dir "$RSM_BUILD" -j"$(nproc)" --output-on-failure --timeout 600 > "$log" 2>&1
rc=$?
n=0
while IFS= read -r line; do
	# "  3/41 Test  #3: name ......................   Passed    0.01 sec"
	[[ "$line" =~ Test[[:space:]]+\#[0-9]+:\ ([^ ]+)\ \.*[[:space:]]*(\*\*\*)?([A-Za-z]+) ]] || continue
	n=$((n + 1))
	if [ "${BASH_REMATCH[3]}" = Passed ]; then
		rsm_record PASS "host: ${BASH_REMATCH[1]}"
	else
		rsm_record FAIL "host: ${BASH_REMATCH[1]} (${BASH_REMATCH[3]})"
	fi
done < "$log"
if [ $rc != 0 ]; then
	grep -B2 -A30 -E 'Failed|Timeout|\*\*\*' "$log" | head -120
	[ $n = 0 ] && rsm_record FAIL "host: ctest ran (exit $rc)"
fi
exit 0
