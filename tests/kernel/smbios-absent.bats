#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The smbios backend against emulated Dell firmware whose token table
# lacks 0x8005 (the firmware itself still has the location): discovery
# makes that device absent, the others work.
#
# dsmil-guest-qemu: tests/firmware/qemu-args-missing.sh

load helpers

setup_file() {
	modprobe dell-smbios
}

setup() {
	[ -e /dev/wmi/dell-smbios ] || fail "guest has no emulated Dell firmware"
	DSMIL_SETUP_NOLOAD=1 dsmil_setup
}

teardown() {
	dsmil_teardown
}

@test "smbios: a token missing from the firmware table is absent, its neighbours ready" {
	[ ! -e /sys/devices/platform/dell-smbios.0/tokens/8005_location ] ||
		fail "the firmware table still lists 0x8005"
	dsmil_load backend=smbios
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_state 8005 absent
	assert_state 8004 ready
	assert_state 8006 ready
	expect_read_errno "$E_NODEV" "$DEV""8005/value"
	expect_errno "$E_NODEV" "$DEV""8005/state" 'active\n'
	assert_content "$DEV""8006/value" 0xd5008006
}
