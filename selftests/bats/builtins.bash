# shellcheck shell=bash
# BASH_ENV of the rsmctl Bats files (set by selftests/bats/run-bats): every
# non-interactive bash that Bats starts (bats-exec-file, bats-exec-test, the
# test's own subshells) reads this first.
#
# Starting a process is what these tests spend their time on in the emulated
# guest: about 0.03 s on Debian's kernel, 0.3 s on the debug kernel (KASAN,
# lockdep, kmemleak). bats-core and test_helper.bash run mkdir, rm, mktemp
# and mkfifo a few times per case, and mktemp again for every
# `run --separate-stderr`; bash's loadable builtins (package bash-builtins,
# installed by tools/deps) do the same in the shell. Measured on the debug
# kernel, stats, node and rsmctl.bats: 211 s instead of 345 s; on Debian's
# kernel stats, seg and send.bats 54 s instead of 74 s. A builtin that
# cannot be loaded stays the external command: slower, the same results.
# Only these four: the loadable head, cut, ... take fewer options than
# coreutils' (head -c, which the tests use, is not one of them).
for rsm_builtin in mkdir rm mktemp mkfifo; do
	enable -f "/usr/lib/bash/$rsm_builtin" "$rsm_builtin" 2> /dev/null
done
unset rsm_builtin

# date: bats-exec-test times every case with `date +%s%N`; bash knows the
# time to the microsecond (EPOCHREALTIME). Anything else is the real date.
date() {
	if [ $# = 1 ] && [ "$1" = +%s%N ]; then
		printf '%s000\n' "${EPOCHREALTIME/./}"
	else
		command date "$@"
	fi
}
