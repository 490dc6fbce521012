#!/usr/bin/env bash
# Host test (ctest bats-builtins) of builtins.bash, the BASH_ENV that
# run-bats gives every bash of the Bats files: the four commands are the
# shell's own, and the date it answers agrees with the real one.
set -u
export BASH_ENV
BASH_ENV=$(cd "$(dirname "$0")" && pwd)/builtins.bash
bash -c '
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
for c in mkdir rm mktemp mkfifo; do
	[ "$(type -t "$c")" = builtin ] || fail "$c is not a builtin (is bash-builtins installed?)"
done
d=$(mktemp -d) || fail "mktemp -d"
mkdir -p "$d/a/b" && mkfifo "$d/a/b/f" && [ -p "$d/a/b/f" ] || fail "mkdir -p, mkfifo"
f=$(mktemp "$d/x-XXXXXX") && [ -f "$f" ] || fail "mktemp TEMPLATE"
rm -rf "$d"
[ ! -e "$d" ] || fail "rm -rf left $d"
ns=$(date +%s%N)
real=$(command date +%s%N)
[[ $ns =~ ^[0-9]{19}$ ]] || fail "date +%s%N gave \"$ns\""
((real - ns >= 0 && real - ns < 5000000000)) || fail "date +%s%N $ns, the real date $real"
[ "$(date -u +%Y)" = "$(command date -u +%Y)" ] || fail "date -u +%Y is not the real date'\''s"
[ "$fails" = 0 ] && echo "builtins.bash: 4 builtins, date agrees"
[ "$fails" = 0 ]
'
