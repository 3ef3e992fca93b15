#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo` runs: build the modules for the Debian 6.1 kernel, then
# boot that kernel in QEMU twice and run the narrated
# tests/vm/demo-guest.sh inside:
#   1. a plain guest (QEMU's own machine, no Dell firmware): dsmil-84dev
#      loads and creates nothing; dsmil-sim gives the simulated platform;
#   2. a guest on the emulated Dell firmware (tests/firmware/qemu-args.sh:
#      DMI "Dell Inc." / "Latitude 5430 Rugged", the token table, WMI):
#      udev loads dsmil-84dev by itself and it binds the firmware.
# DSMIL_DEMO_KVER=REL picks another kernel.  Exit status: 0 when every step
# of both parts behaved as expected, else the first failing part's status
# (the guest script's, or run-guest.sh's).
set -euo pipefail
shopt -s inherit_errexit

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

# demo_kernel: DSMIL_DEMO_KVER, else the 6.1 kernel, else the first one.
demo_kernel() {
	local kernels
	if [ -n "${DSMIL_DEMO_KVER:-}" ]; then
		echo "$DSMIL_DEMO_KVER"
		return
	fi
	kernels=$(bash "$VM_DIR/kernels.sh")
	grep -m1 '^6\.1\.' <<<"$kernels" || head -n1 <<<"$kernels"
}

# Both guests boot with no_timer_check: under TCG on a busy host the
# kernel's boot-time IO-APIC timer check can fail and panic the guest.
main() {
	local rel fw rc=0 rc2=0
	rel=$(demo_kernel)
	[ -n "$rel" ] || { echo "demo: no test kernel installed: run 'make deps'" >&2; exit 1; }
	mkdir -p "$REPO/build"
	build_module "$rel" >"$REPO/build/demo-build.log" 2>&1 || {
		cat "$REPO/build/demo-build.log" >&2
		echo "demo: the modules do not build for $rel" >&2
		exit 1
	}
	echo "demo: part 1 of 2: booting Linux $rel in QEMU, a plain machine (TCG: 10 s to a few minutes on a busy host)..."
	bash "$VM_DIR/run-guest.sh" --kver "$rel" --timeout 300 --append no_timer_check -- \
		bash "$VM_DIR/demo-guest.sh" plain || rc=$?

	if ! fw=$(bash "$REPO/tests/firmware/qemu-args.sh" 2>"$REPO/build/demo-firmware.log"); then
		cat "$REPO/build/demo-firmware.log" >&2
		echo "demo: the emulated Dell firmware does not build (tests/firmware): part 2 skipped" >&2
		exit $((rc ? rc : 1))
	fi
	echo
	echo "demo: part 2 of 2: booting Linux $rel again, on the emulated Dell firmware (tests/firmware)..."
	DSMIL_QEMU_ARGS="${DSMIL_QEMU_ARGS:+$DSMIL_QEMU_ARGS }$fw" \
		bash "$VM_DIR/run-guest.sh" --kver "$rel" --timeout 300 --append no_timer_check -- \
		bash "$VM_DIR/demo-guest.sh" dell || rc2=$?
	return $((rc ? rc : rc2))
}

main "$@"; exit
