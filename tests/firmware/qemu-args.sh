#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-args.sh [--missing TOKENS] [--product NAME] [--lines] [--no-build]
#
# Print the extra QEMU arguments that give a guest the emulated Dell
# firmware (builds it first with `make -C tests/firmware`, output on
# stderr):
#   -smbios file=.../system-1.bin      type 1: "Dell Inc.", product NAME
#                                      (default "Latitude 5430 Rugged")
#   -smbios file=.../oem-strings.bin   type 11 "Dell System" (as a file:
#                                      same as type=11,value=Dell System,
#                                      but with no space in any argument)
#   -smbios file=.../misc-b1.bin       type 0xB1, WMI flag
#   -smbios file=.../calling-da0N.bin  type 0xDA token table (3 of them)
#   -acpitable file=.../ssdt.aml       WMI device + ThermalZone
# Default: one line, arguments separated by single spaces, for
#   DSMIL_QEMU_ARGS="$(tests/firmware/qemu-args.sh)" tests/vm/run-guest.sh ...
# (run-guest.sh splits DSMIL_QEMU_ARGS on whitespace).  --lines: one
# argument per line (mapfile -t).  --missing 0x8005[,0x8010]: token table
# without those tokens.  --product "Latitude 5430": another DMI product
# name (letters, digits, space, '.', '_', '-'; a Dell machine that
# dsmil-84dev's device table does not match unless the name contains
# "Rugged").  --no-build: do not run make, fail if not built.
set -euo pipefail

FW_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$FW_SRC/../.." && pwd)
OUT=${OUT:-$REPO/build/firmware}
missing="" product="" lines=0 build=1

while [ $# -gt 0 ]; do
	case $1 in
	--missing) missing=${2:?--missing wants token ids}; shift 2 ;;
	--missing=*) missing=${1#*=}; shift ;;
	--product) product=${2:?--product wants a name}; shift 2 ;;
	--product=*) product=${1#*=}; shift ;;
	--lines) lines=1; shift ;;
	--no-build) build=0; shift ;;
	-h|--help) sed -n '4,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
	*) echo "qemu-args: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

[[ -z $product || $product =~ ^[A-Za-z0-9][A-Za-z0-9\ ._-]*$ ]] ||
	{ echo "qemu-args: bad product name '$product'" >&2; exit 2; }
if [ "$build" = 1 ]; then
	make -s -C "$FW_SRC" OUT="$OUT" MISSING="$missing" ${product:+PRODUCT="$product"} >&2
fi

dir=$OUT/smbios
if [ -n "$missing" ]; then
	tag=${missing//,/ }
	tag=${tag//0x/}
	tag=${tag//0X/}
	read -ra tag <<<"$tag"
	dir=$OUT/smbios-no-$(IFS=-; echo "${tag[*]}")
fi
[[ -z $product || $product == "Latitude 5430 Rugged" ]] || dir+=-pn-${product// /_}
for f in "$dir/list" "$OUT/ssdt.aml"; do
	[ -s "$f" ] || { echo "qemu-args: $f missing: run make -C tests/firmware" >&2; exit 1; }
done

args=()
while read -r f; do
	[[ $f != *[[:space:],]* ]] || { echo "qemu-args: path with space or comma: $f" >&2; exit 1; }
	args+=(-smbios "file=$f")
done <"$dir/list"
args+=(-acpitable "file=$OUT/ssdt.aml")

if [ "$lines" = 1 ]; then
	printf '%s\n' "${args[@]}"
else
	echo "${args[*]}"
fi
