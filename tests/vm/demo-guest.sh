#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh plain|dell: the narrated part of `make demo`, run inside
# the QEMU guest by tests/vm/demo.sh (DSMIL_KO and DSMIL_SIM_KO set by
# run-guest.sh).  Every command is shown before it runs.
#   plain  a machine without DSMIL firmware: dsmil-84dev loads and creates
#          nothing; dsmil-sim creates the simulated platform dsmil.0
#   dell   the emulated Dell firmware (tests/firmware): udev loads
#          dsmil-84dev by its DMI alias and it binds the firmware
# The guest's root is a throwaway overlay, so the modules are installed
# into /lib/modules/REL/extra as a package would do, and indexed by a
# depmod of those two files only (a full depmod -a takes minutes under
# TCG; the indexes then know only these two modules, so the Dell part
# loads mainline dell-smbios before).  Exit status: the
# number of steps that did not behave as the driver contract says (0 = all
# good).
set -uo pipefail

CLASS=/sys/class/dsmil
PDEV=/sys/devices/platform/dsmil.0
UNEXPECTED=0

say() { printf '\n### %s\n' "$*"; }

# show 'COMMAND': print it like a prompt, run it, report a failure.
show() {
	printf '$ %s\n' "$1"
	bash -c "$1" 2>&1
	local rc=$?
	[ "$rc" = 0 ] || printf '  (exit status %s)\n' "$rc"
	return "$rc"
}

# expect DESCRIPTION ACTUAL WANTED: compare and keep score.
expect() {
	if [ "$2" = "$3" ]; then
		printf '  ok: %s = %s\n' "$1" "$2"
	else
		printf '  UNEXPECTED: %s = %s (want %s)\n' "$1" "$2" "$3"
		UNEXPECTED=$((UNEXPECTED + 1))
	fi
}

# expect_refused 'COMMAND' ERRTEXT ERRNO: COMMAND must fail with ERRTEXT.
expect_refused() {
	local out
	out=$(show "$1")
	printf '%s\n' "$out"
	case $out in
	*"$2"*) echo "  ok: refused with $3" ;;
	*)
		echo "  UNEXPECTED: no \"$2\" refusal"
		UNEXPECTED=$((UNEXPECTED + 1))
		;;
	esac
}

# count_devices: the device entries of instance 0 in the class
count_devices() {
	find "$CLASS" -mindepth 1 -maxdepth 1 -name 'dsmil0:[0-9a-f][0-9a-f][0-9a-f][0-9a-f]' 2>/dev/null | wc -l
}

# install_modules: both modules into /lib/modules/REL/extra, then depmod
# of just those two
install_modules() {
	local md
	md=/lib/modules/$(uname -r)/extra
	if ! { mkdir -p "$md" && cp "$DSMIL_KO" "$md/dsmil-84dev.ko" &&
		cp "$DSMIL_SIM_KO" "$md/dsmil-sim.ko" &&
		depmod "$(uname -r)" "$md/dsmil-84dev.ko" "$md/dsmil-sim.ko"; }; then
		echo "demo: cannot install the modules in the guest"
		exit 1
	fi
}

plain() {
	say "dsmil demo, part 1: Linux $(uname -r), a plain QEMU machine (no Dell firmware)"
	show "cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name"
	install_modules

	say "The driver, dsmil-84dev: it loads anywhere, but binds only Dell DSMIL firmware"
	if ! show "modprobe dsmil-84dev"; then
		echo "demo: the driver did not load; stopping here"
		exit 1
	fi
	show "dmesg | grep -o 'dsmil: .*'"
	show "ls -d /sys/devices/platform/dsmil.* 2>/dev/null | wc -l"
	show "ls /sys/class/dsmil | wc -l"
	expect "instances" "$(find /sys/bus/platform/devices -name 'dsmil.*' | wc -l)" 0
	expect "class entries" "$(find /sys/class/dsmil -mindepth 1 | wc -l)" 0

	say "The simulated platform is a module of its own: modprobe dsmil-sim"
	if ! show "modprobe dsmil-sim"; then
		echo "demo: dsmil-sim did not load; stopping here"
		exit 1
	fi
	show "ls $CLASS | head -n 4"
	expect "devices" "$(count_devices)" 84
	expect "groups" "$(find "$CLASS" -mindepth 1 -maxdepth 1 -name 'dsmil0:g*' | wc -l)" 7
	show "grep . $PDEV/{backend,device_count,active_count}"
	expect "backend" "$(cat "$PDEV/backend")" sim

	say "Activate group 0: tokens 0x8000..0x800b, all but the 3 quarantined ones"
	show "echo active > $CLASS/dsmil0:g0/state"
	show "cat $CLASS/dsmil0:g0/state $PDEV/active_count"
	expect "active_count" "$(cat "$PDEV/active_count")" 9

	say "Token write/read round trip on an active device"
	show "echo 0x1234 > $CLASS/dsmil0:8000/value"
	show "cat $CLASS/dsmil0:8000/value"
	expect "dsmil0:8000/value" "$(cat "$CLASS/dsmil0:8000/value" 2>&1)" 0x00001234

	say "A quarantined device (0x8009) refuses to be activated"
	show "cat $CLASS/dsmil0:8009/quarantined"
	expect_refused "echo active > $CLASS/dsmil0:8009/state" "Operation not permitted" EPERM

	say "Unload both"
	show "modprobe -r dsmil-sim dsmil-84dev" || UNEXPECTED=$((UNEXPECTED + 1))
	expect "devices left" "$(count_devices)" 0
}

dell() {
	local i
	say "dsmil demo, part 2: Linux $(uname -r), on the emulated Dell firmware"
	show "cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name"
	say "Mainline's Dell firmware driver, which udev would load at boot too"
	show "modprobe dell-smbios && ls /sys/devices/platform/dell-smbios.0/tokens | grep -c '^80.._value'"
	install_modules

	say "The machine's DMI modalias matches the driver's device table"
	show "modinfo -F alias dsmil-84dev"
	show "modprobe -R \"\$(cat /sys/class/dmi/id/modalias)\""

	say "Boot-time coldplug: udev loads the driver by itself, no modprobe"
	mkdir -p /run/udev
	show "/lib/systemd/systemd-udevd --daemon 2>/dev/null" || { echo "demo: no udevd; stopping here"; exit 1; }
	show "udevadm trigger --type=all --action=add && udevadm settle -t 120"
	for ((i = 0; i < 50; i++)); do
		[ -e "$PDEV/backend" ] && break
		sleep 0.2
	done
	show "grep -o '^dsmil[_a-z0-9]*' /proc/modules"
	expect "dsmil_84dev loaded" "$([ -d /sys/module/dsmil_84dev ] && echo yes || echo no)" yes
	expect "dsmil_sim loaded" "$([ -d /sys/module/dsmil_sim ] && echo yes || echo no)" no

	say "The device states are read from the firmware after the load; then dsmil.0 is ready"
	for ((i = 0; i < 300; i++)); do
		[ "$(cat "$PDEV/ready" 2>/dev/null)" = 1 ] && break
		sleep 0.1
	done
	show "cat $PDEV/ready"
	expect "ready" "$(cat "$PDEV/ready" 2>&1)" 1

	say "dsmil.0 is on the Dell firmware (through mainline dell-smbios)"
	show "grep . $PDEV/{backend,device_count}"
	expect "backend" "$(cat "$PDEV/backend" 2>&1)" smbios
	expect "devices" "$(count_devices)" 84

	say "A token value read is a real firmware call"
	show "cat $CLASS/dsmil0:8000/value"
	expect "dsmil0:8000/value" "$(cat "$CLASS/dsmil0:8000/value" 2>&1)" 0xd5008000

	say "Writes stay off on real firmware unless allow_writes=1"
	show "cat /sys/module/dsmil_84dev/parameters/allow_writes"
	expect_refused "echo active > $CLASS/dsmil0:8000/state" "Read-only file system" EROFS
	show "cat $CLASS/dsmil0:8000/state"

	udevadm control --exit >/dev/null 2>&1
	say "Unload"
	show "rmmod dsmil_84dev" || UNEXPECTED=$((UNEXPECTED + 1))
	expect "devices left" "$(count_devices)" 0
}

main() {
	case ${1:-} in
	plain) plain ;;
	dell) dell ;;
	*) echo "usage: demo-guest.sh plain|dell" >&2; exit 2 ;;
	esac
	echo
	if [ "$UNEXPECTED" = 0 ]; then
		echo "demo: every step behaved as the driver contract says"
	else
		echo "demo: $UNEXPECTED step(s) did not behave as expected"
	fi
	exit "$UNEXPECTED"
}

main "$@"
