#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# abi-check.sh [ABI_DIR]: compare the live dsmil trees with the What:
# entries of the ABI files (default: abi/ of this repo).  Run as root in
# the guest with the module loaded and every feature in use (a configfs
# instance enabled, debugfs mounted).
#
# Walked: /sys/class/dsmil/* (each class device's own files),
# /sys/devices/platform/dsmil.* (with its hwmon device),
# /sys/kernel/config/dsmil and /sys/kernel/debug/dsmil.  Symlinks are not
# followed.  Left out, because the kernel documents them for every device
# (Documentation/ABI/testing/sysfs-devices-*, sysfs-bus-platform): uevent,
# power/, driver_override, modalias and the driver/subsystem/device links.
#
# In a What:, a <placeholder> matches one path component or the part of
# one it stands in (dsmil<N>:<token>, temp<C>_input).  Prints one line per
# problem:
#   undocumented: PATH      a live file no What: matches
#   missing: WHAT           a What: no live file or directory matches
# and exits 1 when there is any.
set -euo pipefail

ABI=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/abi}
GENERIC='/(uevent|driver_override|modalias)$|/power(/|$)'

# live: every file and directory of the trees, as "f PATH" / "d PATH".
# Class devices are listed under /sys/class/dsmil/NAME, and pruned from
# their parents (groups hold their devices' directories).  One realpath
# and one find for all class devices: a fork costs ~0.1 s under TCG, and
# there are 182 of them with a configfs instance.
live() {
	local -a names reals
	local i
	echo "d /sys/class/dsmil"
	names=(/sys/class/dsmil/*)
	[ -e "${names[0]}" ] || names=()
	if [ "${#names[@]}" -gt 0 ]; then
		mapfile -t reals < <(realpath -- "${names[@]}")
		for i in "${!names[@]}"; do
			echo "d ${names[i]}"
		done
		# "REAL NAME" pairs, then find's "TYPE REAL RELATIVE" lines
		find "${reals[@]}" -mindepth 1 \( -type d -name 'dsmil*:*' -prune \) -o \
			\( -type f -printf 'f %H %P\n' \) -o \( -type d -printf 'd %H %P\n' \) |
			awk 'NR == FNR { name[$1] = $2; next } { print $1 " " name[$2] "/" $3 }' \
				<(for i in "${!names[@]}"; do echo "${reals[i]} ${names[i]}"; done) -
	fi
	find /sys/devices/platform/dsmil.* /sys/kernel/config/dsmil /sys/kernel/debug/dsmil \
		-mindepth 0 \( -type d -path '/sys/devices/platform/dsmil.*/dsmil' -prune \) -o \
		\( -type f -printf 'f %p\n' \) -o \( -type d -printf 'd %p\n' \) 2>/dev/null
}

# whats: every What: line of the ABI files.
whats() {
	sed -n 's/^What:[[:space:]]*//p' "$ABI"/* | sed 's/[[:space:]]*$//'
}

LV="" WH=""
trap 'rm -f "$LV" "$WH"' EXIT

main() {
	[ -d "$ABI" ] || { echo "abi-check: no ABI dir $ABI" >&2; exit 2; }
	[ -d /sys/class/dsmil ] || { echo "abi-check: dsmil is not loaded" >&2; exit 2; }
	LV=$(mktemp)
	WH=$(mktemp)
	live | grep -Ev "$GENERIC" | LC_ALL=C sort -u >"$LV"
	whats >"$WH"
	[ -s "$WH" ] || { echo "abi-check: no What: lines in $ABI" >&2; exit 2; }
	awk -v whatfile="$WH" '
		function to_re(w,   r) {
			sub(/\/$/, "", w)
			gsub(/[.+*?()|\[\]{}^$\\]/, "\\\\&", w)
			gsub(/<[^>]*>/, "[^/]+", w)
			return "^" w "$"
		}
		BEGIN {
			while ((getline w < whatfile) > 0) { n++; what[n] = w; re[n] = to_re(w) }
		}
		{
			type = $1; path = substr($0, 3)
			hit = 0
			for (i = 1; i <= n; i++)
				if (path ~ re[i]) { used[i] = 1; hit = 1 }
			if (!hit && type == "f") { print "undocumented: " path; bad = 1 }
		}
		END {
			for (i = 1; i <= n; i++)
				if (!used[i]) { print "missing: " what[i]; bad = 1 }
			exit bad
		}' "$LV"
}

main "$@"
