#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The narrated part of `make demo`, run inside the QEMU guest by
# tests/vm/demo.sh (DSMIL_KO set by run-guest.sh).  Every command is shown
# before it runs.  Exit status: the number of steps that did not behave as
# the driver contract says (0 = all good).
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

main() {
	say "dsmil demo on Linux $(uname -r) (QEMU guest)"

	say "Load the driver (simulated firmware backend by default)"
	if ! show "insmod $DSMIL_KO"; then
		echo "demo: the module did not load; stopping here"
		exit 1
	fi

	say "The sysfs class lists groups (dsmil0:gG) and devices (dsmil0:<token>)"
	show "ls $CLASS | head"
	expect "devices" "$(find "$CLASS" -mindepth 1 -maxdepth 1 -name 'dsmil0:[0-9a-f][0-9a-f][0-9a-f][0-9a-f]' | wc -l)" 84
	expect "groups" "$(find "$CLASS" -mindepth 1 -maxdepth 1 -name 'dsmil0:g*' | wc -l)" 7

	say "The platform device: backend and counters"
	show "grep . $PDEV/{backend,group_count,device_count,active_count}"

	say "Activate group 0: tokens 0x8000..0x800b, all but the 3 quarantined ones"
	show "echo active > $CLASS/dsmil0:g0/state"
	show "cat $CLASS/dsmil0:g0/state $PDEV/active_count"
	expect "dsmil0:g0/state" "$(cat "$CLASS/dsmil0:g0/state")" active
	expect "active_count" "$(cat "$PDEV/active_count")" 9

	say "Token write/read round trip on an active device"
	show "echo 0x1234 > $CLASS/dsmil0:8000/value"
	show "cat $CLASS/dsmil0:8000/value"
	expect "dsmil0:8000/value" "$(cat "$CLASS/dsmil0:8000/value" 2>&1)" 0x00001234

	say "A quarantined device (0x8009) refuses to be activated"
	show "cat $CLASS/dsmil0:8009/quarantined"
	local out
	out=$(show "echo active > $CLASS/dsmil0:8009/state")
	printf '%s\n' "$out"
	case $out in
	*"Operation not permitted"*) echo "  ok: refused with EPERM" ;;
	*)
		echo "  UNEXPECTED: no \"Operation not permitted\" refusal"
		UNEXPECTED=$((UNEXPECTED + 1))
		;;
	esac
	show "cat $CLASS/dsmil0:8009/state"

	say "Unload"
	show "rmmod dsmil_84dev" || UNEXPECTED=$((UNEXPECTED + 1))
	show "ls $CLASS 2>/dev/null | wc -l"

	echo
	if [ "$UNEXPECTED" = 0 ]; then
		echo "demo: every step behaved as the driver contract says"
	else
		echo "demo: $UNEXPECTED step(s) did not behave as expected"
	fi
	exit "$UNEXPECTED"
}

main "$@"
