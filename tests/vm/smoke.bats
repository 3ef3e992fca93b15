#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Minimal check run by tests/vm/run-suites.sh while tests/kernel/ has no
# suites yet: the module loads, registers its sysfs class and unloads.

@test "smoke: insmod creates /sys/class/dsmil, rmmod removes the module" {
	[ -f "$DSMIL_KO" ]
	insmod "$DSMIL_KO"
	[ -d /sys/class/dsmil ]
	rmmod "$DSMIL_KO"
	[ ! -d /sys/class/dsmil ]
}
