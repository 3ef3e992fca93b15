#!/bin/bash
# shellcheck disable=SC2046 # $(le16 ...) is split into bytes on purpose
# SPDX-License-Identifier: GPL-2.0
#
# gen-smbios.sh OUTDIR [MISSING] [PRODUCT]
#
# Write the SMBIOS structures of the emulated Dell firmware, one raw
# structure per file (QEMU: -smbios file=F), into OUTDIR, plus OUTDIR/list
# naming them in order:
#   system-1.bin      type 1 (system information), handle 0x0101:
#                     manufacturer "Dell Inc.", product name PRODUCT
#                     (default "Latitude 5430 Rugged": the DMI identity
#                     dsmil-84dev's device table matches), version "A01",
#                     serial "DSMIL0001", no UUID, SKU "0A1B", family
#                     "Latitude".  A file, since the product name has
#                     spaces (QEMU then builds no type 1 of its own).
#   oem-strings.bin   type 11, one string "Dell System" (dell-smbios
#                     requires it; a file, so no QEMU argument has a space)
#   misc-b1.bin       type 0xB1, handle 0xB100, flags0 bit 0x02 (ACPI WMI
#                     present: the WMI transport refuses to load without it)
#   calling-da0N.bin  type 0xDA (calling interface), handles 0xDA00...:
#                     cmdIOAddress 0xB2, cmdIOCode 0xDA, supportedCmds 0x3
#                     (classes 0 and 1), then {tokenID, location, value}
#                     entries and a terminator entry FFFF/0000/0000 (the
#                     kernel drops the last entry of each structure).
# Tokens: 0x8000..0x8053 at location 0x0A00 + n, value 0x0001 (the
# "active" value), 28 per structure, with these exceptions (LOC_OF,
# VAL_OF below):
#   0x8008 at 0x0A09, value 2: shares the location of quarantined 0x8009
#     (so the driver must quarantine it; 0x0A08 belongs to no token)
#   0x8041 at 0x0A40, value 2: shares 0x8040's location, no quarantined
#     token's (both usable, one on at a time; 0x0A41 belongs to no token)
# then 0x0175 at 0x0B75, value 1: a token outside the DSMIL range that the
# driver must never reach; the WSMT token 0x04EC (location 0x0BEC) last,
# so the SMM transport disables itself.
#
# MISSING: comma- or space-separated token ids left out of the table
# (e.g. "0x8005"); the firmware's ACPI store still has their locations.
# PRODUCT: the DMI product name; letters, digits, space, '.', '_', '-'.
set -euo pipefail

out=${1:?usage: gen-smbios.sh OUTDIR [MISSING] [PRODUCT]}
missing=${2:-}
product=${3:-Latitude 5430 Rugged}
[[ $product =~ ^[A-Za-z0-9][A-Za-z0-9\ ._-]*$ ]] ||
	{ echo "gen-smbios: bad product name '$product'" >&2; exit 2; }

NTOK=84 PER_STRUCT=28 WSMT_TOKEN=0x04EC WSMT_LOC=0x0BEC
EXTRA_TOKEN=0x0175 EXTRA_LOC=0x0B75
declare -A LOC_OF=([$((0x8008))]=$((0x0A09)) [$((0x8041))]=$((0x0A40)))
declare -A VAL_OF=([$((0x8008))]=2 [$((0x8041))]=2)

# bytes HEX...: write the bytes given as two-digit hex numbers.
bytes() {
	local b
	for b in "$@"; do
		printf '%b' "\\x$b"
	done
}

# le16 N: N as two little-endian hex bytes (unquoted $(le16 ..) splits
# them into two arguments on purpose).
le16() {
	printf '%02x %02x' $(($1 & 0xff)) $((($1 >> 8) & 0xff))
}

declare -A skip=()
for t in ${missing//,/ }; do
	[[ $t =~ ^(0[xX])?[0-9a-fA-F]+$ ]] || { echo "gen-smbios: bad token '$t'" >&2; exit 2; }
	[[ $t == 0[xX]* ]] || t=0x$t
	skip[$((t))]=1
done

# entries: "token location value" for every token in the table.
entries=()
for ((n = 0; n < NTOK; n++)); do
	t=$((0x8000 + n))
	[ -z "${skip[$t]:-}" ] || continue
	entries+=("$t ${LOC_OF[$t]:-$((0x0A00 + n))} ${VAL_OF[$t]:-1}")
done
[ -n "${skip[$((EXTRA_TOKEN))]:-}" ] || entries+=("$((EXTRA_TOKEN)) $((EXTRA_LOC)) 1")
[ -n "${skip[$((WSMT_TOKEN))]:-}" ] || entries+=("$((WSMT_TOKEN)) $((WSMT_LOC)) 1")

mkdir -p "$out"
rm -f "$out"/*.bin "$out/list"
list=()

# Type 1: system information (SMBIOS 2.4 layout, 27 bytes): strings 1
# manufacturer, 2 product, 3 version, 4 serial, 5 SKU, 6 family; UUID all
# zero ("not present"); wake-up type 6 (power switch).
f=$out/system-1.bin
{
	bytes 01 1b $(le16 0x0101) 01 02 03 04
	bytes 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
	bytes 06 05 06
	printf '%s\0' 'Dell Inc.' "$product" A01 DSMIL0001 0A1B Latitude
	bytes 00
} >"$f"
list+=("$f")

# Type 11: OEM strings.
f=$out/oem-strings.bin
{ bytes 0b 05 $(le16 0x0B00) 01; printf 'Dell System\0\0'; } >"$f"
list+=("$f")

# Type 0xB1: misc BIOS flags (12 bytes formatted area).
f=$out/misc-b1.bin
bytes b1 0c 00 b1 02 00 00 00 00 00 00 00 00 00 >"$f"
list+=("$f")

# Type 0xDA: calling interface, PER_STRUCT entries each (the last may hold
# one more: the structure length is one byte, at most 39 entries).
i=0 s=0
while [ "$i" -lt "${#entries[@]}" ]; do
	take=$PER_STRUCT
	rest=$((${#entries[@]} - i))
	[ "$rest" -gt $((take + 1)) ] || take=$rest
	len=$((11 + 6 * (take + 1)))
	[ "$len" -le 255 ] || { echo "gen-smbios: structure too long" >&2; exit 1; }
	f=$(printf '%s/calling-da%02x.bin' "$out" "$s")
	{
		bytes da "$(printf '%02x' "$len")" $(le16 $((0xDA00 + s)))
		bytes $(le16 0x00B2) da 03 00 00 00
		for e in "${entries[@]:i:take}"; do
			read -r t l v <<<"$e"
			bytes $(le16 "$t") $(le16 "$l") $(le16 "$v")
		done
		bytes ff ff 00 00 00 00
		bytes 00 00
	} >"$f"
	list+=("$f")
	i=$((i + take))
	s=$((s + 1))
done

printf '%s\n' "${list[@]}" >"$out/list"
