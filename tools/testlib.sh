# shellcheck shell=bash
# Shared by tools/check and the steps in tools/check.d: recording results.
# RSM_RESULTS is the file every step appends "PASS name"/"FAIL name" to.

rsm_record() { # PASS|FAIL name
	echo "$1 $2" >> "$RSM_RESULTS"
	printf '%s %s\n' "$1" "$2"
}

# rsm_expect NAME COMMAND...: record PASS when COMMAND succeeds
rsm_expect() {
	local name=$1
	shift
	if "$@"; then rsm_record PASS "$name"; else rsm_record FAIL "$name"; fi
}

# rsm_merge FILE PREFIX: copy a results file (from the VM) in, prefixing names
rsm_merge() {
	local f=$1 prefix=$2 st name
	[ -f "$f" ] || return 0
	while read -r st name; do
		echo "$st $prefix$name" >> "$RSM_RESULTS"
	done < "$f"
}

# rsm_tap_parse FILE: one line per TAP result of FILE (kselftest_harness.h,
# bats --tap): "PASS desc", "SKIP desc" or "FAIL desc (why)", where why is
# the test's own diagnostic (file:line and message): kselftest prints it
# before "not ok", bats after. A CI log that shows only the summary then
# still says what failed. Of kselftest's lines, a failed expectation
# ("Expected ...") or the harness's "Test terminated by ..." (a timeout, a
# signal) is preferred to an earlier log line of the same test (TH_LOG,
# which looks alike); a "not ok" with nothing before it takes the first
# diagnostic after it (bats), unless the next kselftest case starts first.
rsm_tap_parse() {
	awk '
	function fail(d, w) { print "FAIL " d (w != "" ? " (" w ")" : "") }
	function clean(l) {
		sub(/^[[:space:]]*#[[:space:]]*/, "", l)
		if (l ~ /^\(.*\)$/)
			l = substr(l, 2, length(l) - 2)
		return substr(l, 1, 240)
	}
	/^[[:space:]]*(not )?ok [0-9]+ / {
		if (pend != "")
			fail(pend, "")
		pend = ""
		desc = $0
		sub(/^[[:space:]]*(not )?ok [0-9]+ (- )?/, "", desc)
		if ($0 ~ /^[[:space:]]*not ok/) {
			if (strong != "")
				fail(desc, strong)
			else if (why != "")
				fail(desc, why)
			else
				pend = desc
		} else if (desc ~ /# *(SKIP|skip)/) {
			print "SKIP " desc
		} else {
			print "PASS " desc
		}
		why = strong = ""
		next
	}
	/^[[:space:]]*#  RUN / {
		if (pend != "")
			fail(pend, "")
		pend = why = strong = ""
		next
	}
	/^[[:space:]]*#/ && (/[A-Za-z0-9_]+\.(c|cc|cpp|h):[0-9]+:/ || /in test file/ || /: Test terminated /) {
		if (pend != "") {
			fail(pend, clean($0))
			pend = ""
			next
		}
		if (why == "")
			why = clean($0)
		if (strong == "" && (/\.(c|cc|cpp|h):[0-9]+:[^:]*:Expected / || /: Test terminated /))
			strong = clean($0)
	}
	END { if (pend != "") fail(pend, "") }
	' "$1"
}
