#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo` runs: build the module for the Debian 6.1 kernel, boot
# that kernel in QEMU and run the narrated tests/vm/demo-guest.sh inside.
# DSMIL_DEMO_KVER=REL picks another kernel.  Exit status: the guest
# script's (0 when every step behaved as expected), or run-guest.sh's.
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

main() {
	local rel
	rel=$(demo_kernel)
	[ -n "$rel" ] || { echo "demo: no test kernel installed: run 'make deps'" >&2; exit 1; }
	mkdir -p "$REPO/build"
	build_module "$rel" >"$REPO/build/demo-build.log" 2>&1 || {
		cat "$REPO/build/demo-build.log" >&2
		echo "demo: the module does not build for $rel" >&2
		exit 1
	}
	echo "demo: booting Linux $rel in QEMU (TCG: 10 s to a few minutes on a busy host)..."
	bash "$VM_DIR/run-guest.sh" --kver "$rel" --timeout 300 -- \
		bash "$VM_DIR/demo-guest.sh"
}

main "$@"; exit
