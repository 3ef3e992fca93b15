#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--kver REL]
#
# The whole-system test (`make check-system`, a phase of `make check`):
# the project as users install and boot it.
#
# 1. `make deb` (build/deb/) and a rebuilt version VERSION+1
#    (build/deb-upgrade/).
# 2. On the host, natively: lifecycle.bats installs, upgrades to the
#    rebuilt version, removes and purges both packages in a throwaway
#    overlay root of the host (tests/system/root.sh) and checks that
#    nothing is left behind and the host is unchanged.
# 3. Its install step (`dpkg -i` of both packages: DKMS builds the modules
#    for REL, sysusers creates group dsmil, the metrics timer is enabled)
#    leaves the root's upper layer as a tar, build/system/upper.tar;
#    boot_files adds the test's boot units (dsmil-check.target/.service),
#    an /etc/modprobe.d file and an empty fstab.  It becomes the upper
#    layer of the guest's overlay root (DSMIL_GUEST_UPPER,
#    tests/vm/run-suites.sh).
# 4. That guest boots REL with systemd as PID 1 twice (one
#    tests/vm/run-suites.sh run, one boot per suite): boot-firmware.bats
#    on the emulated Dell firmware with a Rugged DMI identity, boot-plain.bats
#    on a plain machine.
#
# Why the packages are installed on the host and not in the guest: under
# TCG a DKMS build plus depmod takes minutes per package operation, the
# same on the host seconds (Documentation/testing.rst).
#
# Prints the TAP of every part, then "system: N passed, N failed, N
# skipped", also written to $DSMIL_COUNTS_FILE when set.  A failed package
# build or preparation counts one failure (and the boots are not run);
# the boots count like every suite (no result, a kernel splat: one more
# failure each).  Exit status 0 only when nothing failed.  Needs root.
# REL: --kver, DSMIL_SYSTEM_KVER, default the 6.1 kernel of
# tests/vm/kernels.sh (its first line).
set -euo pipefail
shopt -s inherit_errexit

SYS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=$SYS_DIR/../vm
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

KVER=${DSMIL_SYSTEM_KVER:-}
# one boot: ~1-2 minutes under TCG; a hang must not cost CI more
BOOT_TIMEOUT=${DSMIL_SYSTEM_TIMEOUT:-420}
TP=0 TF=0 TS=0 WORK=""

# The modprobe.d options of the firmware boot (boot-firmware.bats checks
# each): group 1 (no quarantined member) activated at load.  A TCG guest
# busy booting can stall a firmware call past the default 100 ms, which
# leaves that device in error, as it should: smi_timeout_ms=200 (the
# maximum) keeps the boot's read-back clear of it.
MODPROBE_OPTIONS="options dsmil-84dev allow_writes=1 activate=1 thermal_threshold=90 smi_timeout_ms=200"

usage() {
	sed -n '4p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
	exit 2
}

# add: the globals passed/failed/skipped into the totals.
add() {
	TP=$((TP + passed)) TF=$((TF + failed)) TS=$((TS + skipped))
}

# fail_one WHAT: one failure, explained.
fail_one() {
	echo "system: $* (counted as a failure)" >&2
	passed=0 failed=1 skipped=0
	add
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -z "$WORK" ] || rm -rf "$WORK"
}

# build_debs: the packages and the rebuilt version.
build_debs() {
	local t0=$SECONDS v
	v=$(cat "$REPO/VERSION")
	echo "== system: make deb ($v, and $v+1 in build/deb-upgrade/)"
	if ! make -s -C "$REPO" --no-print-directory deb >"$WORK/deb.log" 2>&1 ||
		! make -s -C "$REPO" --no-print-directory deb DEBDIR=build/deb-upgrade \
			DEB_VERSION="$v+1" >>"$WORK/deb.log" 2>&1; then
		tail -n 30 "$WORK/deb.log" >&2
		return 1
	fi
	echo "== system: packages built in $((SECONDS - t0)) s"
}

# run_lifecycle TAR: lifecycle.bats on the host; its install step packs
# the installed root's upper layer into TAR.
run_lifecycle() {
	local status=0 t0=$SECONDS
	echo "== system: install, upgrade, remove, purge in an overlay root of the host"
	rm -f "$1"
	(cd "$REPO" && DSMIL_SYSTEM_KVER=$KVER DSMIL_SYSTEM_UPPER=$1 BATS_LIB_PATH=/usr/lib/bats \
		bats --tap "$SYS_DIR/lifecycle.bats") | tee "$WORK/lifecycle.tap" || status=$?
	tap_count "$WORK/lifecycle.tap" "$status"
	add
	echo "== system: lifecycle: $(summary_line) in $((SECONDS - t0)) s"
}

# boot_files TAR: add to the installed root what the boots need: the boot
# units, the modprobe.d options, an fstab of its own (the host's names its
# own disks) with only a tmpfs on /tmp: systemd-tmpfiles would otherwise
# empty the host's /tmp through the overlay at boot, one whiteout per
# file over 9p (minutes).
boot_files() {
	local s=$WORK/boot-files
	[ -s "$1" ] || return 1
	mkdir -p "$s/etc/modprobe.d" "$s/etc/systemd/system"
	echo "tmpfs /tmp tmpfs mode=1777,nosuid,nodev 0 0" >"$s/etc/fstab"
	echo "$MODPROBE_OPTIONS" >"$s/etc/modprobe.d/dsmil-system-test.conf"
	cp "$SYS_DIR/dsmil-check.target" "$SYS_DIR/dsmil-check.service" "$s/etc/systemd/system/"
	chmod 0644 "$s"/etc/fstab "$s"/etc/*/*.conf "$s"/etc/systemd/system/*
	tar -C "$s" --owner=0 --group=0 --numeric-owner -rf "$1" ./etc/fstab \
		./etc/modprobe.d/dsmil-system-test.conf \
		./etc/systemd/system/dsmil-check.target ./etc/systemd/system/dsmil-check.service
	echo "== system: the guest's root: $(du -h "$1" | cut -f1) upper layer"
}

# run_boots TAR: the two boots (run-suites.sh: one boot per suite, as
# their guest headers differ).
run_boots() {
	local counts=$WORK/boots.counts
	DSMIL_GUEST_UPPER=$1 DSMIL_COUNTS_FILE=$counts \
		DSMIL_KO=/lib/modules/$KVER/updates/dkms/$MODULE.ko \
		bash "$VM_DIR/run-suites.sh" --kver "$KVER" --timeout "$BOOT_TIMEOUT" \
		"$SYS_DIR/boot-firmware.bats" "$SYS_DIR/boot-plain.bats" || true
	passed=0 failed=1 skipped=0
	if [ -s "$counts" ]; then
		passed=$(sed -n 's/^passed=//p' "$counts")
		failed=$(sed -n 's/^failed=//p' "$counts")
		skipped=$(sed -n 's/^skipped=//p' "$counts")
	fi
	add
}

main() {
	while [ $# -gt 0 ]; do
		case $1 in
		--kver) KVER=${2:?}; shift 2 ;;
		*) usage ;;
		esac
	done
	[ "$(id -u)" = 0 ] || { echo "system: needs root (dpkg -i in an overlay root, QEMU)" >&2; exit 2; }
	if [ -z "$KVER" ]; then
		KVER=$(bash "$VM_DIR/kernels.sh")
		KVER=${KVER%%$'\n'*}
	fi
	WORK=$(mktemp -d /tmp/dsmil-system.XXXXXX)
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	if [[ $REPO == /tmp/* ]]; then
		# the guest's /tmp is a fresh tmpfs from its fstab (boot_files)
		fail_one "the checkout $REPO is under /tmp, which the booted guest cannot see"
	elif ! kernel_usable "$KVER"; then
		fail_one "$KVER is not in the kernel cache: run 'make deps'"
	elif ! build_debs; then
		fail_one "make deb failed"
	else
		mkdir -p "$REPO/build/system"
		run_lifecycle "$REPO/build/system/upper.tar"
		if boot_files "$REPO/build/system/upper.tar"; then
			run_boots "$REPO/build/system/upper.tar"
		else
			fail_one "no installed root from lifecycle.bats: the boots are not run"
		fi
	fi
	passed=$TP failed=$TF skipped=$TS
	[ -z "${DSMIL_COUNTS_FILE:-}" ] || write_counts "$DSMIL_COUNTS_FILE"
	echo "system: $(summary_line)"
	[ "$failed" = 0 ]
}

main "$@"; exit
