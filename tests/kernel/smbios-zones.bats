#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The thermal zones behind the group temperatures on the emulated Dell
# firmware (Documentation/thermal.rst, "The thermal source"): the map of
# group_zones=, each group's thermal_source, the fail-safe while a mapped
# zone is missing, and a zone that goes away while the monitor reads it.
# The zones come from tests/modules/dsmil-test-zone.ko (built with the
# driver); the guest's own zone is the firmware's acpitz.  What a stop did
# is checked through the firmware (/dev/wmi/dell-smbios).  Same guest as
# smbios.bats (same header).
#
# dsmil-guest-qemu: tests/firmware/qemu-args.sh

load helpers

TZ_KO=${DSMIL_KO%/*}/dsmil-test-zone.ko
TZ_PARAMS=/sys/module/dsmil_test_zone/parameters

setup_file() {
	modprobe dell-smbios
}

setup() {
	fw_setup
	"$H" -q set-temp 3132
}

teardown() {
	local rc=0
	dsmil_teardown || rc=1
	[[ ! -d /sys/module/dsmil_test_zone ]] || rmmod dsmil_test_zone || rc=1
	return $rc
}

# tz_load PARAM...: the test zones (types=, temp=, present=)
tz_load() {
	run insmod "$TZ_KO" "$@"
	assert_success
}

@test "group_zones: refused at load unless G:TYPE entries for distinct groups 0..6" {
	local v
	for v in group_zones=0 group_zones=:acpitz group_zones=7:acpitz \
		group_zones=0:acpitz,0:acpitz 'group_zones=0:acpitz,' group_zones=+1:acpitz \
		group_zones=0:none group_zones=0:abcdefghijklmnopqrst \
		"group_zones=0:acpitz thermal_zone=none"; do
		dmesg -C
		# shellcheck disable=SC2086 # one value may hold two parameters
		run insmod "$DSMIL_KO" $v
		assert_failure
		assert_output --partial "Invalid"
		! dsmil_driver_loaded || fail "dsmil-84dev loaded with $v"
		run dmesg
		assert_output --partial "group_zones="
	done
}

@test "group_zones: each group reads its zone, the others thermal_zone; a hot group stops its own members" {
	tz_load types=dsmil_tz0,dsmil_tz1 temp=40000,50000
	dsmil_load_driver allow_writes=1 group_zones=0:dsmil_tz0,3:dsmil_tz1
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content /sys/module/dsmil_84dev/parameters/group_zones 0:dsmil_tz0,3:dsmil_tz1
	assert_content "$DSMIL_PDEV/thermal_source" acpitz
	assert_content "${GRP}0/thermal_source" dsmil_tz0
	assert_content "${GRP}3/thermal_source" dsmil_tz1
	assert_content "${GRP}1/thermal_source" acpitz
	assert_content "${GRP}6/thermal_source" acpitz
	assert_content "${GRP}0/temperature" 40000
	assert_content "${GRP}3/temperature" 50000
	assert_content "${GRP}1/temperature" 40000
	activate 8000
	activate 8024
	activate 800c
	# group 0 above its members' limit (90 C), below the threshold
	wrn "$TZ_PARAMS/temp" 95000,50000
	wait_state 8000 emergency
	assert_state 8024 active
	assert_state 800c active
	run "$H" read 0x0a00
	assert_output 0x00000000
	run "$H" read 0x0a24
	[ "$output" != 0x00000000 ] || fail "0x8024 (group 3, cool) was switched off"
	wrn "$TZ_PARAMS/temp" 40000,50000
	wait_state 8000 ready
}

@test "group_zones: while a mapped zone is missing activation is ENODATA; past thermal_grace_ms every device stops" {
	tz_load types=dsmil_tz0
	dsmil_load_driver allow_writes=1 group_zones=2:dsmil_tz0 thermal_poll_ms=10 \
		thermal_grace_ms=2000
	activate 8024
	dmesg -C
	wrn "$TZ_PARAMS/present" 0
	# a few polls: the monitor has seen group 2 without a reading
	dsmil_sleep 0.3
	expect_errno "$E_NODATA" "${DEV}8000/state" 'active\n'
	assert_content "${GRP}2/thermal_source" dsmil_tz0
	expect_read_errno "$E_NODATA" "${GRP}2/temperature"
	# the other groups still read
	assert_content "${GRP}0/temperature" 40000
	wait_state 8024 emergency
	assert_state 8000 emergency
	run dmesg
	assert_output --partial "no temperature for 2000 ms"
	# through the firmware: 0x8024 switched off, 0x8000 never written
	run "$H" read 0x0a24
	assert_output 0x00000000
	fw_writes 8000
	assert_equal "$REPLY" 0
	# the zone back: readings return, devices are ready again
	wrn "$TZ_PARAMS/present" 1
	wait_state 8024 ready
	activate 8000
}

# The zone is unregistered and registered again flaps times in a row
# while the monitor polls it every 10 ms and a reader reads every group's
# temperature: a reading is the zone's or ENODATA, never anything else,
# and no use after free shows in the log (KASAN names one in the debug
# lane, tests/vm/run-debug.sh).  No device is switched on: on the KASAN
# kernel every firmware call overruns smi_timeout_ms, so devices start in
# error there.
@test "zone lifetime: a zone removed and re-added in a tight loop while the monitor polls it" {
	local flaps=${DSMIL_ZONE_FLAPS:-200} i errs
	tz_load types=dsmil_tz0
	dsmil_load_driver allow_writes=1 thermal_zone=dsmil_tz0 thermal_poll_ms=10 \
		thermal_grace_ms=60000
	assert_content "$DSMIL_PDEV/thermal_source" dsmil_tz0
	assert_content "${GRP}0/temperature" 40000
	bash -c 'while :; do for f in "$@"; do read -r t <"$f"; done; done' _ \
		"${GRP}"[0-6]/temperature 2>"$BATS_TEST_TMPDIR/reader.err" &
	# shellcheck disable=SC2034 # dsmil_kill_bg (helpers) stops it
	DSMIL_BG_PIDS=$!
	for ((i = 0; i < 5; i++)); do
		wrn "$TZ_PARAMS/flap" $((flaps / 5))
	done
	dsmil_kill_bg
	errs=$(grep -v "No data available" "$BATS_TEST_TMPDIR/reader.err" | grep -v Terminated) || true
	[ -z "$errs" ] || fail "readings failed otherwise than ENODATA: $errs"
	assert_content "${GRP}0/temperature" 40000
	assert_content "$DSMIL_PDEV/thermal_source" dsmil_tz0
}
