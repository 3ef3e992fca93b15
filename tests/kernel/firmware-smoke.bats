#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The emulated Dell firmware (tests/firmware) as mainline dell-smbios sees
# it, without the dsmil module.  Skips unless the guest was booted with the
# firmware:
#   DSMIL_QEMU_ARGS="$(tests/firmware/qemu-args.sh [--missing 0x8005])" \
#     bash tests/vm/run-guest.sh --kver REL [--env DSMIL_FW_MISSING=0x8005] \
#     -- bats --tap tests/kernel/firmware-smoke.bats
# DSMIL_FW_MISSING names the tokens the table was built without.
#
# Leaves dell-smbios loaded and the firmware reset.
#
# dsmil-guest-qemu: tests/firmware/qemu-args.sh

H=${DSMIL_REPO:-.}/build/firmware/dell-wmi-call
T=/sys/devices/platform/dell-smbios.0/tokens
WMI=/sys/bus/wmi/devices

fw_present() {
	local f
	for f in /sys/firmware/acpi/tables/SSDT*; do
		[ -r "$f" ] && grep -q DELLFW "$f" && return 0
	done
	return 1
}

setup_file() {
	if fw_present; then
		export FW_PRESENT=1
		modprobe dell-smbios
		"$H" -q reset
	fi
}

teardown_file() {
	[ -z "${FW_PRESENT:-}" ] || "$H" -q reset
}

setup() {
	[ -n "${FW_PRESENT:-}" ] || skip "guest not booted with tests/firmware (qemu-args.sh)"
	[ -x "$H" ] || skip "no $H: make -C tests/firmware"
}

# missing TOKEN: true when the table was built without TOKEN (decimal).
missing() {
	local t
	for t in ${DSMIL_FW_MISSING//,/ }; do
		[ $((t)) = "$1" ] && return 0
	done
	return 1
}

@test "dell-smbios binds both WMI GUIDs and offers /dev/wmi/dell-smbios" {
	[ "$(basename "$(readlink "$WMI/8D9DDCBC-A997-11DA-B012-B622A1EF5492/driver")")" = dell-wmi-descriptor ]
	[ "$(basename "$(readlink "$WMI/A80593CE-A997-11DA-B012-B622A1EF5492/driver")")" = dell-smbios ]
	[ -c /dev/wmi/dell-smbios ]
	run "$H" ident
	[ "$status" -eq 0 ]
	[ "$output" = "dsmil-fw tokens=84 base=0x0a00" ]
}

@test "token table: 0x8000..0x8053 at 0x0A00+n with value 1 (0x8008 at 0x0A09, 0x8041 at 0x0A40: value 2), 0x0175, WSMT" {
	local n t name loc val want=0 seen=0 wloc wval
	for ((n = 0; n < 84; n++)); do
		t=$((0x8000 + n))
		printf -v name '%04x' "$t"
		if missing "$t"; then
			[ ! -e "$T/${name}_location" ] || { echo "$name present"; return 1; }
			continue
		fi
		want=$((want + 1))
		# no newline at the end of these files: read returns 1
		loc='' val=''
		read -r loc <"$T/${name}_location" || [ -n "$loc" ]
		read -r val <"$T/${name}_value" || [ -n "$val" ]
		wloc=$((0x0A00 + n)) wval=1
		[ "$t" != $((0x8008)) ] || wloc=$((0x0A09)) wval=2
		[ "$t" != $((0x8041)) ] || wloc=$((0x0A40)) wval=2
		[ $((16#$loc)) = "$wloc" ] || { echo "$name at $loc"; return 1; }
		[ $((16#$val)) = "$wval" ] || { echo "$name value $val"; return 1; }
		seen=$((seen + 1))
	done
	[ "$seen" = "$want" ]
	read -r loc <"$T/0175_location" || [ -n "$loc" ]
	[ $((16#$loc)) = $((0x0B75)) ]
	run "$H" peek 0x0b75
	[ "$output" = "value=0xd5000175 writes=0 reads=0" ]
	[ -e "$T/04ec_location" ]
}

@test "the ACPI thermal zone has a hot trip point and no critical one" {
	local z type found=
	for z in /sys/class/thermal/thermal_zone*; do
		read -r type <"$z/type"
		[ "$type" = acpitz ] && found=$z
	done
	[ -n "$found" ]
	read -r type <"$found/trip_point_0_type"
	[ "$type" = hot ]
	read -r type <"$found/trip_point_0_temp"
	[ "$type" = 150000 ]
	[ ! -e "$found/trip_point_1_type" ]
}

@test "read, write and the write counter through /dev/wmi/dell-smbios" {
	run "$H" read 0x0a00 read 0x0a53 count 0x0a00
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "0xd5008000 0xd5008053 0" ]
	run "$H" write 0x0a00 0x12345678 read 0x0a00 count 0x0a00 write 0x0a00 7 count 0x0a00 peek 0x0a00
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "ok 0x12345678 1 ok 2 value=0x00000007 writes=2 reads=2" ]
}

@test "a token left out of the table is refused by the filter, kept by the firmware" {
	[ -n "${DSMIL_FW_MISSING:-}" ] || skip "full table (DSMIL_FW_MISSING unset)"
	local t=${DSMIL_FW_MISSING%%,*} loc
	printf -v loc '0x%04x' $((0x0A00 + t - 0x8000))
	run "$H" read "$loc"
	[ "$status" -eq 1 ]
	# the call filter: EFAULT on 6.1, EINVAL on later kernels
	[[ $output == *"Bad address"* || $output == *"Invalid argument"* ]]
	run "$H" peek "$loc"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'value=0x%08x writes=0 reads=0' $((0xd5000000 | t)))" ]
}

@test "error injection: the next call returns -1, then calls succeed" {
	run "$H" inject-error 1 read 0x0a01
	[ "$status" -eq 3 ]
	# run mixes in stderr ("dell-wmi-call: firmware status -1")
	[ "${lines[0]}" = ok ]
	[ "${lines[-1]}" = status=-1 ]
	run "$H" read 0x0a01 inject-error 1 0x0a02 -2 read 0x0a01 count 0x0a02
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "0xd5008001 ok 0xd5008001 0" ]
	run "$H" write 0x0a02 5
	[ "$status" -eq 3 ]
	[[ $output == *"status=-2"* ]]
	run "$H" count 0x0a02 read 0x0a02
	[ "${lines[*]}" = "0 0xd5008002" ]
}

@test "slow call: the next call waits 300 ms" {
	local us
	run "$H" -t inject-slow 300 read 0x0a03
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = 0xd5008003 ]
	us=${lines[2]#time_us=}
	echo "slow call took ${us} us"
	[ "$us" -ge 300000 ]
	run "$H" -t read 0x0a03
	us=${lines[0]#time_us=}
	echo "next call took ${us} us"
	[ "$us" -lt 300000 ]
}

@test "dropped writes: answered and counted, the value stays" {
	run "$H" drop-writes 1 0x0a04 write 0x0a04 5 peek 0x0a04 write 0x0a04 6 peek 0x0a04
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "ok ok value=0xd5008004 writes=1 reads=0 ok value=0x00000006 writes=2 reads=0" ]
}

@test "the slow location: a write to 0x0a50 takes 150 ms, a read does not" {
	local us
	run "$H" -t write 0x0a50 7 read 0x0a50
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = 0x00000007 ]
	us=${lines[0]#time_us=}
	echo "write took ${us} us"
	[ "$us" -ge 150000 ]
	us=${lines[2]#time_us=}
	echo "read took ${us} us"
	[ "$us" -lt 150000 ]
}

@test "the ACPI thermal zone acpitz follows the firmware's temperature" {
	local z type temp found=
	for z in /sys/class/thermal/thermal_zone*; do
		read -r type <"$z/type"
		[ "$type" = acpitz ] && found=$z
	done
	[ -n "$found" ]
	read -r temp <"$found/temp"
	[ "$temp" = 40000 ]
	"$H" -q set-temp 3482
	read -r temp <"$found/temp"
	[ "$temp" = 75000 ]
	"$H" -q set-temp 3132
}
