#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel releases to test, one per line: the newest installed
# Debian 6.1 kernel first, then the newest 6.12 backport, then the newest
# 6.12 PREEMPT_RT backport (-rt-amd64).  A release is
# listed only when it can be both built against (/lib/modules/REL/build)
# and booted (/boot/vmlinuz-REL).
#
# DSMIL_KERNELS="rel1 rel2" overrides the list (same checks apply).
set -euo pipefail

# usable REL: headers to build the module and an image to boot.
usable() {
	[ -e "/boot/vmlinuz-$1" ] && [ -d "/lib/modules/$1/build" ] &&
		[ -d "/lib/modules/$1/kernel" ]
}

# newest GLOB: newest usable release among /lib/modules/GLOB.
newest() {
	local d rel
	for d in /lib/modules/$1; do
		rel=${d##*/}
		usable "$rel" && printf '%s\n' "$rel"
	done | sort -V | tail -n1
}

main() {
	local rel
	if [ -n "${DSMIL_KERNELS:-}" ]; then
		for rel in $DSMIL_KERNELS; do
			if usable "$rel"; then
				printf '%s\n' "$rel"
			else
				echo "kernels.sh: $rel: no /boot/vmlinuz-$rel or /lib/modules/$rel/build" >&2
			fi
		done
		return 0
	fi
	newest '6.1.[0-9]*-amd64'
	newest '6.12.[0-9]*+deb12-amd64'
	newest '6.12.[0-9]*+deb12-rt-amd64'
}

main "$@"; exit
