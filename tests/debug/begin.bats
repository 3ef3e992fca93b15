#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Debug lane, first suite: the guest really is the debug kernel, with the
# detectors the lane relies on, and kmemleak forgets what boot left so
# that end.bats reports only what the suites leaked.

load ../kernel/helpers

# tests/vm/run-debug.sh keeps the kernel's .config beside the module.
@test "debug kernel: KASAN, lockdep, UBSAN and KUnit are built in" {
	local cfg opt
	cfg=$(cat "${DSMIL_KO%/*}/kernel.config") || fail "no kernel.config beside $DSMIL_KO"
	for opt in KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK UBSAN \
		DEBUG_OBJECTS_WORK DEBUG_OBJECTS_TIMERS KUNIT; do
		grep -qx "CONFIG_$opt=y" <<<"$cfg" || fail "CONFIG_$opt is not set in the guest kernel"
	done
	[ -e /proc/lockdep ] || fail "lockdep is not running"
	[ -d /sys/kernel/debug/kunit ] || fail "no KUnit debugfs"
}

@test "debug kernel: kmemleak is on; leaks from boot are forgotten" {
	[ -w /sys/kernel/debug/kmemleak ] || fail "no /sys/kernel/debug/kmemleak"
	echo clear >/sys/kernel/debug/kmemleak
}
