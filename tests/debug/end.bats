#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Debug lane, last suite: with the module unloaded, two kmemleak scans
# (an object must be unreferenced for a while before it is reported);
# any leak fails with its backtrace.

load ../kernel/helpers

@test "kmemleak: nothing leaked by the suites (after unload)" {
	local kml=/sys/kernel/debug/kmemleak
	[ -w "$kml" ] || fail "no $kml"
	rmmod "$DSMIL_SIM_MODNAME" 2>/dev/null || true
	rmmod "$DSMIL_MODNAME" 2>/dev/null || true
	rmmod dsmil_kunit 2>/dev/null || true
	echo scan >"$kml"
	sleep 6
	echo scan >"$kml"
	run cat "$kml"
	[ -z "$output" ] || fail "kmemleak reports:"$'\n'"$output"
}
