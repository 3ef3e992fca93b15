#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dsmil-84dev on emulated Dell firmware (tests/firmware) that its device
# table does not match: a Dell machine ("Dell Inc.", "Latitude 5430", no
# "Rugged") whose token table also lacks 0x8005 (the firmware itself
# still has the location).  Neither udev nor a plain insmod binds it;
# force=1 does (and taints the kernel), and discovery then makes 0x8005
# absent while the others work.
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
	local rc=0
	dsmil_udevd_stop
	dsmil_teardown || rc=1
	dsmil_uninstall_modules || rc=1
	return $rc
}

# no_instance: no dsmil.* platform device, nothing in the class
no_instance() {
	local -a p=(/sys/bus/platform/devices/dsmil.* "$DSMIL_CLASS"/*)
	[[ ! -e ${p[0]} ]] || fail "instance files exist: ${p[*]:0:3} ..."
}

@test "a non-Rugged Dell machine: udev coldplug does not load the driver" {
	assert_content /sys/class/dmi/id/sys_vendor "Dell Inc."
	assert_content /sys/class/dmi/id/product_name "Latitude 5430"
	dsmil_install_modules
	run modprobe -R "$(</sys/class/dmi/id/modalias)"
	refute_line dsmil_84dev
	dsmil_udevd_start
	dsmil_coldplug
	! dsmil_loaded || fail "udev coldplug loaded dsmil on a machine outside the device table"
}

@test "a non-Rugged Dell machine: a plain insmod loads the driver, no instance, at most one log line" {
	dmesg -C
	dsmil_load_driver
	no_instance
	local line n=0
	while IFS= read -r line; do
		[[ $line == *dsmil* && $line != *"taints kernel"* && $line != *"tainting kernel"* ]] && ((++n))
	done < <(dmesg)
	((n <= 1)) || fail "$n log lines: $(dmesg)"
}

@test "force=1 binds the non-Rugged Dell machine to its firmware and taints the kernel" {
	dmesg -C
	dsmil_load_driver force=1
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_content "$DEV""8000/value" 0xd5008000
	run dmesg
	assert_output --partial "Setting dangerous option force - tainting kernel"
	local t
	t=$(</proc/sys/kernel/tainted)
	(((t & 64) != 0)) || fail "kernel not tainted (TAINT_USER) after force=1: tainted=$t"
}

@test "smbios: a token missing from the firmware table is absent, its neighbours ready" {
	[ ! -e /sys/devices/platform/dell-smbios.0/tokens/8005_location ] ||
		fail "the firmware table still lists 0x8005"
	dsmil_load_driver force=1
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_state 8005 absent
	assert_state 8004 ready
	assert_state 8006 ready
	expect_read_errno "$E_NODEV" "$DEV""8005/value"
	expect_errno "$E_NODEV" "$DEV""8005/state" 'active\n'
	assert_content "$DEV""8006/value" 0xd5008006
}
