#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dsmilctl doctor and status on the emulated Dell firmware (tests/firmware:
# the guest boots with its DMI identity, SMBIOS token table, WMI device and
# ACPI thermal zone "acpitz"), healthy and broken: read-only
# (allow_writes=0), a thermal source that does not exist, a device in
# error (a write the firmware does not apply), after an emergency stop.
# The simulator's side is in userspace.bats.
#
# dsmil-guest-qemu: tests/firmware/qemu-args.sh

load helpers

DSMILCTL=$DSMIL_REPO/userspace/dsmilctl

setup_file() {
	bats_require_minimum_version 1.5.0
	modprobe dell-smbios
}

setup() { fw_setup; }
teardown() { dsmil_teardown; }

# fw_load [PARAM=VALUE ...]: the driver alone, bound to the firmware
fw_load() {
	dsmil_load_driver "$@"
	[[ -d $DSMIL_PDEV ]] || fail "the driver did not bind the firmware: no $DSMIL_PDEV"
	assert_content "$DSMIL_PDEV/backend" smbios
}

# d SH ARGS: dsmilctl under SH; stdout in $output, stderr in $stderr
d() {
	run --separate-stderr "$1" "$DSMILCTL" "${@:2}"
}

# last: the last line of $output
last() {
	REPLY=${lines[${#lines[@]} - 1]}
}

@test "firmware, healthy (allow_writes=1, thermal_zone=acpitz): doctor says healthy, status lists nothing" {
	fw_load allow_writes=1 thermal_zone=acpitz
	local sh
	for sh in dash bash; do
		d "$sh" doctor
		assert_success
		assert_line --regexp '^ok +platform: dsmil\.0, backend smbios \(Dell firmware\), 84 devices$'
		assert_line --regexp '^ok +writes: allow_writes=1: writes reach the firmware$'
		assert_line --regexp '^ok +thermal source: .*every group reads a temperature'
		assert_line --regexp '^ok +parameters: .*allow_writes=Y'
		assert_line --regexp '^ok +permissions: root'
		refute_output --partial PROBLEM
		last
		assert_equal "$REPLY" healthy
		d "$sh" status
		assert_success
		assert_line --index 0 --partial "dsmil.0: backend smbios, 7 groups, 84 devices"
		refute_output --partial "problem:"
		refute_output --partial "note:"
	done
}

@test "firmware, read-only (allow_writes=0): doctor and status name allow_writes=1; activate says so too" {
	fw_load thermal_zone=acpitz
	local sh
	for sh in dash bash; do
		d "$sh" doctor
		assert_failure 8
		assert_line --regexp '^PROBLEM +writes: allow_writes=0: the firmware is read-only'
		assert_line "         fix: load dsmil-84dev with allow_writes=1 (modprobe -r dsmil-84dev; modprobe dsmil-84dev allow_writes=1)"
		d "$sh" status
		assert_failure 8
		assert_line --index 0 --partial "problem: the firmware is read-only (allow_writes=0)"
		d "$sh" activate 8000
		assert_failure 4
		[[ $stderr == *"allow_writes=1"* ]] || fail "activate: $stderr"
	done
}

@test "firmware, a thermal source that does not exist: doctor names the zone types there are" {
	fw_load allow_writes=1 thermal_zone=x86_pkg_temp
	local sh
	for sh in dash bash; do
		d "$sh" doctor
		assert_failure 8
		assert_line --regexp '^PROBLEM +thermal source: .*gives no reading for g0 g1 g2 g3 g4 g5 g6'
		assert_line --regexp '^         fix: load dsmil-84dev with thermal_zone= one of the zone types here: .*acpitz'
		d "$sh" status --json
		assert_failure 8
		run jq -r '.problems[].kind' <<<"$output"
		assert_line thermal_source
	done
}

@test "firmware, a device in error, then an emergency stop: status and doctor list them; healthy again after" {
	fw_load allow_writes=1 thermal_zone=acpitz
	"$H" -q drop-writes 1 0x0a02
	d dash activate 8002
	assert_failure 6
	local sh
	for sh in dash bash; do
		d "$sh" status
		assert_failure 8
		assert_line --index 0 "problem: 1 device in state error (a firmware call failed): 0x8002; fix: reset each one: dsmilctl reset 0x8002"
		d "$sh" doctor
		assert_failure 8
		assert_line --regexp '^PROBLEM +devices: 1 device in state error \(a firmware call failed\): 0x8002$'
	done
	d dash reset 8002
	assert_success
	d dash stop
	assert_success
	# Every device but the quarantined ones (listed, or by location).
	local n q
	q=$(cat "$DSMIL_CLASS"/dsmil0:80*/quarantined | grep -c '^1$')
	n=$(grep -lx emergency "$DSMIL_CLASS"/dsmil0:80*/state | wc -l)
	assert_equal "$n" $((84 - q))
	for sh in dash bash; do
		d "$sh" status
		assert_failure 8
		assert_line --index 0 "problem: emergency stop engaged: $n devices stopped, requests refused; fix: release it: dsmilctl resume"
		d "$sh" doctor
		assert_failure 8
		last
		assert_equal "$REPLY" "1 problem found"
	done
	d dash resume
	assert_success
	d dash doctor
	assert_success
	last
	assert_equal "$REPLY" healthy
}
