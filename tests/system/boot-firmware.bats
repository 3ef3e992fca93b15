#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Whole-system boot on the emulated Dell firmware (tests/firmware) with a
# Rugged DMI identity, both packages installed (tests/system/run.sh), and
# in /etc/modprobe.d (written by run.sh):
#   options dsmil-84dev allow_writes=1 activate=1 thermal_threshold=90 smi_timeout_ms=200
# Without anyone running modprobe, udev loads dsmil-84dev at boot by its
# DMI alias and dsmil.0 reads the firmware; group dsmil (sysusers) gets
# the state files; the metrics timer feeds node_exporter.
#
# dsmil-guest-append: dsmil.init=systemd systemd.unit=dsmil-check.target systemd.show_status=error
# dsmil-guest-qemu: tests/firmware/qemu-args.sh

load boot-helpers

@test "firmware: systemd is PID 1, dsmil-dkms and dsmil-tools are installed (modules built by DKMS)" {
	assert_booted
	assert_content /sys/class/dmi/id/sys_vendor "Dell Inc."
	assert_content /sys/class/dmi/id/product_name "Latitude 5430 Rugged"
}

@test "firmware: dsmil-84dev is loaded at boot by udev, from DKMS's tree, and dsmil.0 reads smbios" {
	wait_for 120 test -e "$DSMIL_PDEV/backend" || fail "no $DSMIL_PDEV after 120 s: $(lsmod | grep -i dsmil)"
	dsmil_driver_loaded || fail "dsmil_84dev is not loaded"
	! dsmil_sim_loaded || fail "dsmil_sim was loaded"
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content /sys/module/dsmil_84dev/version "$(cat /usr/src/dsmil-*/VERSION)"
}

@test "firmware: the /etc/modprobe.d options are applied: allow_writes, activate=1, thermal_threshold=90, smi_timeout_ms=200" {
	wait_for 120 test -e "$DSMIL_PDEV/backend"
	assert_content /sys/module/dsmil_84dev/parameters/allow_writes Y
	assert_content /sys/module/dsmil_84dev/parameters/activate 1
	assert_content "$DSMIL_PDEV/thermal_threshold" 90000
	assert_content /sys/module/dsmil_84dev/parameters/smi_timeout_ms 200
	assert_group_state 1 active
	local t
	for t in "${DSMIL_TOKENS[@]:12:12}"; do
		assert_state "$t" active
	done
	assert_group_state 0 ready
}

@test "firmware: group dsmil exists; every state file is group dsmil and group-writable" {
	run getent group dsmil
	assert_success
	wait_for 120 test -e "$DSMIL_PDEV/backend"
	run udevadm settle --timeout=120
	assert_success
	# one line per distinct owner/mode over the 84 devices and 7 groups
	run bash -c 'stat -c "%G %A" /sys/class/dsmil/dsmil0:*/state | sort | uniq -c'
	assert_success
	assert_output --regexp '^ *91 dsmil -rw-rw-r--$'
}

@test "firmware: a member of group dsmil can read a value, another user cannot" {
	wait_for 120 test -e "$DSMIL_PDEV/backend"
	run udevadm settle --timeout=120
	getent passwd dsmil-member >/dev/null || useradd --system --no-create-home -G dsmil dsmil-member
	getent passwd dsmil-other >/dev/null || useradd --system --no-create-home dsmil-other
	run setpriv --reuid=dsmil-member --regid=dsmil-member --init-groups cat "$DEV""8000/value"
	assert_success
	assert_output --regexp '^0x[0-9a-f]{8}$'
	run setpriv --reuid=dsmil-other --regid=dsmil-other --init-groups cat "$DEV""8000/value"
	assert_failure
	assert_output --partial "Permission denied"
}

@test "firmware: the metrics timer is active; dsmil.prom appears within a minute" {
	assert_timer_active
	wait_for 60 test -s "$PROM" || fail "no $PROM within 60 s"
	run grep -E '^dsmil_info\{dsmil="dsmil.0",backend="smbios"\} 1$' "$PROM"
	assert_success
}

@test "firmware: node_exporter serves the dsmil_* series and the dsmil hwmon chip with its temperatures" {
	local scrape=$BATS_TEST_TMPDIR/scrape
	wait_for 60 test -s "$PROM" || fail "no $PROM within 60 s"
	wait_for 60 curl -fsS -o "$scrape" http://localhost:9100/metrics ||
		fail "node_exporter does not answer: $(systemctl status prometheus-node-exporter --no-pager 2>&1)"
	run grep -E '^dsmil_group_active_devices\{dsmil="dsmil.0",group="1"\} 12$' "$scrape"
	assert_success
	run grep -c '^node_textfile_scrape_error 0$' "$scrape"
	assert_output 1
	run grep -E '^node_hwmon_chip_names\{chip="[^"]*dsmil[^"]*",chip_name="dsmil"\} 1$' "$scrape"
	assert_success
	run grep -E '^node_hwmon_temp_celsius\{chip="[^"]*dsmil[^"]*",sensor="temp[0-9]+"\} [0-9.e+]+$' "$scrape"
	assert_success
}

@test "firmware: no failed unit" {
	assert_no_failed_unit
}

@test "firmware: no journal line at priority err or above mentions dsmil" {
	assert_no_dsmil_error
}
