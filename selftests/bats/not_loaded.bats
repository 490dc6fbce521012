#!/usr/bin/env bats
# Every subcommand without rsmdev.ko: one line saying so, exit 1. The
# module is unloaded by the first case (under a running monitor) and loaded
# again when the file is done.
bats_require_minimum_version 1.5.0
load test_helper

family_line='rsmctl: the rsmdev module is not loaded (no generic netlink family "rsm")'

setup() {
	rsm_tmpdir
}

teardown_file() {
	grep -q '^rsmdev ' /proc/modules || insmod "${RSM_MODULE:?}" ${RSM_MODULE_PARAMS:-}
}

unloaded() {
	if grep -q '^rsmdev ' /proc/modules; then
		rmmod rsmdev || fail "rmmod rsmdev failed"
	fi
}

@test "monitor: when the module is unloaded under it, one line and exit 1" {
	grep -q '^rsmdev ' /proc/modules || insmod "${RSM_MODULE:?}" ${RSM_MODULE_PARAMS:-}
	monitor_start
	rmmod rsmdev
	status=0
	wait "$MON_PID" || status=$?
	[ "$status" -eq 1 ] || fail "status $status"
	[ "$(cat "$T/mon.err")" = "rsmctl: the rsmdev module was unloaded" ] ||
		fail "stderr: $(cat "$T/mon.err")"
}

@test "node without the module" {
	unloaded
	rsmctl node
	assert_failure 1
	assert_error "$family_line"
}

@test "seg list without the module" {
	unloaded
	rsmctl -j seg list
	assert_failure 1
	assert_error "$family_line"
}

@test "seg show without the module" {
	unloaded
	rsmctl seg show 1
	assert_failure 1
	assert_error "$family_line"
}

@test "seg destroy without the module" {
	unloaded
	rsmctl seg destroy 1
	assert_failure 1
	assert_error "$family_line"
}

@test "group list without the module" {
	unloaded
	rsmctl group list
	assert_failure 1
	assert_error "$family_line"
}

@test "group show without the module" {
	unloaded
	rsmctl group show 1
	assert_failure 1
	assert_error "$family_line"
}

@test "channel list without the module" {
	unloaded
	rsmctl channel list
	assert_failure 1
	assert_error "$family_line"
}

@test "registry list without the module" {
	unloaded
	rsmctl registry list
	assert_failure 1
	assert_error "$family_line"
}

@test "registry show without the module" {
	unloaded
	rsmctl registry show 5
	assert_failure 1
	assert_error "$family_line"
}

@test "monitor without the module" {
	unloaded
	rsmctl monitor
	assert_failure 1
	assert_error "$family_line"
}

@test "stats without the module" {
	unloaded
	rsmctl stats
	assert_failure 1
	assert_error "rsmctl: the rsmdev module is not loaded (no /sys/kernel/rsm/stats)"
}

@test "send without the module" {
	unloaded
	run --separate-stderr "$RSMCTL" send 5 < /dev/null
	assert_failure 1
	assert_error "rsmctl: the rsmdev module is not loaded (no /dev/rsmdev)"
}

@test "recv without the module" {
	unloaded
	rsmctl recv 5
	assert_failure 1
	assert_error "rsmctl: the rsmdev module is not loaded (no /dev/rsmdev)"
}

@test "usage errors are still usage errors (exit 2) without the module" {
	unloaded
	rsmctl seg show
	assert_failure 2
	assert_error "rsmctl: seg show: missing segment id (see rsmctl --help)"
}

@test "loaded again, rsmctl works again" {
	insmod "${RSM_MODULE:?}" ${RSM_MODULE_PARAMS:-}
	rsmctl -j node
	assert_success
	assert_json '.[0].local == true'
}
