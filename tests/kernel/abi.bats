#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The ABI cannot drift: every file of the live trees is documented in
# abi/, and every What: of abi/ exists (tests/kernel/tools/abi-check.sh),
# with every feature in use: the load-time instance, a configfs instance,
# hwmon and the debugfs simulator knobs.

load helpers

ABI_CHECK=$DSMIL_REPO/tests/kernel/tools/abi-check.sh
CFS_ITEM=/sys/kernel/config/dsmil/abi

setup() {
	dsmil_setup
	mkdir "$CFS_ITEM"
	echo 1 >"$CFS_ITEM/enable"
}

teardown() {
	if [ -d "$CFS_ITEM" ]; then
		echo 0 >"$CFS_ITEM/enable" || true
		rmdir "$CFS_ITEM" || true
	fi
	dsmil_teardown
}

@test "abi: every live file is documented in abi/, every What: exists" {
	run bash "$ABI_CHECK"
	[ "$status" = 0 ] || fail "abi-check ($status):"$'\n'"$output"
	[ -z "$output" ] || fail "abi-check printed:"$'\n'"$output"
}

@test "abi: the check reports an undocumented file and a What: that is gone" {
	local abi=$BATS_TEST_TMPDIR/abi
	mkdir "$abi"
	# thermal_hysteresis's entry dropped, a What: for a file that is not there
	awk '/^What:.*\/thermal_hysteresis$/ { skip = 1 } /^Users:/ && skip { skip = 0; next } !skip' \
		"$DSMIL_REPO/abi/sysfs-devices-platform-dsmil" >"$abi/sysfs-devices-platform-dsmil"
	cp "$DSMIL_REPO"/abi/{sysfs-class-dsmil,configfs-dsmil-sim,debugfs-dsmil-sim} "$abi/"
	printf 'What:\t\t/sys/class/dsmil/dsmil<N>:<token>/no_such_file\n' >>"$abi/sysfs-class-dsmil"
	run bash "$ABI_CHECK" "$abi"
	[ "$status" = 1 ] || fail "abi-check exited $status:"$'\n'"$output"
	assert_line "undocumented: /sys/devices/platform/dsmil.0/thermal_hysteresis"
	assert_line "undocumented: /sys/devices/platform/dsmil.1/thermal_hysteresis"
	assert_line "missing: /sys/class/dsmil/dsmil<N>:<token>/no_such_file"
	[ "${#lines[@]}" = 3 ] || fail "expected exactly 3 problems:"$'\n'"$output"
}
