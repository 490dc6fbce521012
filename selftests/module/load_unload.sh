#!/usr/bin/env bash
# rsmdev.ko loads and unloads cleanly, repeatedly; /dev/rsmdev appears and
# goes with it. Prints TAP. Needs RSM_MODULE (set by the VM runner).
set -u
mod=${RSM_MODULE:?RSM_MODULE not set: run under tools/vm/rsm-vm}
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

echo "TAP version 13"
echo "1..7"
check "module is loaded at start" "grep -q '^rsmdev ' /proc/modules"
check "rmmod succeeds" "rmmod rsmdev"
check "/dev/rsmdev is gone after rmmod" "[ ! -e /dev/rsmdev ]"
loops_ok=1
for i in $(seq 1 5); do
	insmod "$mod" && rmmod rsmdev || { loops_ok=0; break; }
done
check "5 insmod/rmmod cycles" "[ $loops_ok = 1 ]"
check "insmod again" "insmod $mod"
check "/dev/rsmdev is a character device" "[ -c /dev/rsmdev ]"
# an open file holds the module: rmmod must refuse while it is open
exec 7<> /dev/rsmdev
check "rmmod refused while /dev/rsmdev is open" "! rmmod rsmdev 2>/dev/null"
exec 7>&-
exit $((fails != 0))
