#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Debug lane: the KUnit module (driver/kunit-*.c, built only for kernels
# with CONFIG_KUNIT).  Loading it runs its suites; their KTAP results are
# copied into the run dir, where tests/vm/run-suites.sh counts every
# KUnit test into the lane's totals.

load ../kernel/helpers

KUNIT_KO=${DSMIL_KO%/*}/dsmil-kunit.ko

teardown() { rmmod dsmil_kunit 2>/dev/null || true; }

@test "KUnit: dsmil_rules and dsmil_parse pass" {
	local suite results=() ktap=${DSMIL_RUN_DIR:-$BATS_TEST_TMPDIR}/dsmil-kunit.ktap
	[ -f "$KUNIT_KO" ] || fail "no $KUNIT_KO (built only against a CONFIG_KUNIT kernel)"
	insmod "$KUNIT_KO"
	for suite in dsmil_rules dsmil_parse; do
		[ -r "/sys/kernel/debug/kunit/$suite/results" ] ||
			fail "no KUnit results for suite $suite"
		results+=("/sys/kernel/debug/kunit/$suite/results")
	done
	cat "${results[@]}" >"$ktap"
	run grep -E '^[[:space:]]*not ok' "$ktap"
	[ "$status" = 1 ] || fail "KUnit failures:"$'\n'"$output"
	# At least the suites' own result lines and their cases.
	run grep -cE '^[[:space:]]*ok [0-9]+' "$ktap"
	[ "$output" -ge 100 ] || fail "only $output KUnit results"
}
