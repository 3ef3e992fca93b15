#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel releases to test, one per line: the newest Debian 6.1
# kernel first, then the newest 6.12 backport, then the newest 6.12
# PREEMPT_RT backport (-rt-amd64).  A release is listed only when it can
# be both built against (headers: /lib/modules/REL/build) and booted (its
# image and modules unpacked by tests/vm/deps.sh into the kernel cache,
# $DSMIL_CACHE_DIR/kernels/REL/, default /var/cache/dsmil/kernels/REL/).
# Kernel images installed on the host (/boot) are not used.
#
# DSMIL_KERNELS="rel1 rel2" overrides the list (same checks apply).
set -euo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

# newest GLOB: newest usable release among the cached ones matching GLOB.
newest() {
	local d rel
	for d in "$(kernel_root "")"$1; do
		rel=${d##*/}
		! kernel_usable "$rel" || printf '%s\n' "$rel"
	done | sort -V | tail -n1
}

main() {
	local rel
	if [ -n "${DSMIL_KERNELS:-}" ]; then
		for rel in $DSMIL_KERNELS; do
			if kernel_usable "$rel"; then
				printf '%s\n' "$rel"
			else
				echo "kernels.sh: $rel: not in the kernel cache $(kernel_root "$rel") or no /lib/modules/$rel/build: run 'make deps'" >&2
			fi
		done
		return 0
	fi
	newest '6.1.[0-9]*-amd64'
	newest '6.12.[0-9]*+deb12-amd64'
	newest '6.12.[0-9]*+deb12-rt-amd64'
}

main "$@"; exit
