#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Whole-system boot on a plain machine (QEMU's own DMI identity, no Dell
# firmware), both packages installed (tests/system/run.sh): nothing of
# dsmil loads, no dsmil device appears, the metrics unit stays quiet, no
# unit fails and no dsmil error is logged.
#
# dsmil-guest-append: dsmil.init=systemd systemd.unit=dsmil-check.target systemd.show_status=error

load boot-helpers

@test "plain: systemd is PID 1, dsmil-dkms and dsmil-tools are installed (modules built by DKMS)" {
	assert_booted
}

@test "plain: after udev's coldplug nothing of dsmil is loaded and no dsmil device exists" {
	run udevadm settle --timeout=120
	assert_success
	run cat /sys/class/dmi/id/sys_vendor
	refute_output "Dell Inc."
	# the machine's modalias resolves to no dsmil module
	run modprobe -R "$(</sys/class/dmi/id/modalias)"
	refute_output --partial dsmil
	! dsmil_loaded || fail "a dsmil module is loaded: $(ls -d /sys/module/dsmil*)"
	run compgen -G '/sys/bus/platform/devices/dsmil*'
	assert_failure
	run compgen -G '/sys/class/dsmil/*'
	assert_failure
}

@test "plain: the metrics timer is active and its unit runs quietly" {
	assert_timer_active
	run systemctl start dsmil-metrics.service
	assert_success
	run systemctl show -P Result dsmil-metrics.service
	assert_output success
	run journalctl -q -b -u dsmil-metrics.service -p warning --no-pager -o cat
	assert_output ""
}

@test "plain: no failed unit" {
	assert_no_failed_unit
}

@test "plain: no journal line at priority err or above mentions dsmil" {
	assert_no_dsmil_error
}
