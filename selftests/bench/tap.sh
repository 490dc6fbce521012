# shellcheck shell=bash
# TAP for the rsm-bench smoke scripts in this directory (sourced):
# check NAME CONDITION prints "ok N NAME" or "not ok N NAME" and counts
# failures in $fails for the script's exit status.
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
