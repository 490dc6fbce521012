#!/usr/bin/env bats
# rsmctl as a whole: help, version, what is not a command.
bats_require_minimum_version 1.5.0
load test_helper

@test "--help: usage on stdout, every command listed, exit 0" {
	for opt in --help -h help; do
		rsmctl $opt
		assert_success
		assert_output_has "usage: rsmctl [-j] COMMAND [ARGUMENTS]"
		for c in node "seg list" "seg show ID" "seg destroy ID" "group list" \
			"group show ID" "channel list" "registry list" "registry show KEY" \
			monitor stats "send KEY" "recv KEY"; do
			assert_output_has "  $c"
		done
	done
}

@test "--version: one line, exit 0" {
	rsmctl --version
	assert_success
	[[ "$output" =~ ^rsmctl\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "version: $output"
}

@test "no command, an unknown command, an unknown option: one line, exit 2" {
	rsmctl
	assert_failure 2
	assert_error "rsmctl: no command given (see rsmctl --help)"
	rsmctl segment list
	assert_failure 2
	assert_error "rsmctl: unknown command 'segment' (see rsmctl --help)"
	rsmctl seg list --frob
	assert_failure 2
	assert_error "rsmctl: unknown option '--frob' (see rsmctl --help)"
}

@test "every listing gives JSON that jq parses" {
	fixture_start a create 64 4 1 publish "$(rsm_key 1)" 0666
	for c in node "seg list" "group list" "channel list" "registry list" stats; do
		rsmctl -j $c
		assert_success
		jq -e . <<< "$output" > /dev/null || fail "$c: not JSON: $output"
	done
}
