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
