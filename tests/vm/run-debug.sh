#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-debug.sh [--timeout SEC] [suite.bats ...]
#
# The debug-kernel lane: build (once per machine, cached) the 6.12 kernel
# with KASAN, lockdep, kmemleak, UBSAN, debug objects and KUnit
# (tests/vm/debug-kernel.sh), build the module and the KUnit module
# against it, and run in one guest:
#   tests/debug/begin.bats   the detectors are there; kmemleak cleared
#   tests/debug/kunit.bats   the KUnit suites (their KTAP results count)
#   a representative subset (DEBUG_SUITES, DEBUG_FILTER below), or the
#   given suites whole
#   tests/debug/end.bats     unload, kmemleak scans: any leak fails
# Any KASAN/lockdep/UBSAN/BUG/WARNING/kmemleak report in the kernel log
# fails the lane (tests/vm/run-guest.sh).  Output and counts as
# tests/vm/run-suites.sh.
#
# The whole guest suite takes hours on a KASAN kernel under TCG, so the
# lane runs a subset that still covers load/unload, every attribute,
# thermal, configfs teardown and concurrency, with the fuzzer, stress and
# load-cycle knobs scaled down (DEBUG_ENV; an exported value wins).
set -euo pipefail
shopt -s inherit_errexit

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

# The subset: the suites below, and of them only the tests DEBUG_FILTER
# (bats --filter) names: load/unload, unload races and load cycles
# (module, cycles), every writable file (fuzz) and every device file's
# mode (attrs), thermal trips with their uevents, poll() wake-ups and
# tracepoints (thermal-events), configfs enable/teardown also under
# open files and busy writers (configfs), the concurrency stress, and a
# thermal zone that comes and goes while the monitor reads it
# (smbios-zones: one more guest boot, with the emulated firmware), and
# a suspend and resume with the firmware keeping or losing its states,
# a stopped device and a trip pending at resume (pm: the resume
# read-back holds the instance lock from the PM core's callback).
# KUnit covers the state table exhaustively; everything else runs on the
# Debian lanes.  A KASAN kernel under TCG is ~10x slower than a Debian
# one: the whole guest suite would take hours.
DEBUG_SUITES=(module attrs thermal-events configfs stress cycles fuzz smbios-zones pm)
DEBUG_FILTER='debug kernel|KUnit|kmemleak|unload while|held open|load/unload cycles:|rmmod|enable=1 creates|enable=0 and rmdir|disable and rmdir|stress|memory: |slabinfo|discovery finds|fuzz|uevents: a g0 trip|poll\(\)|tracepoints: unloading|modes: every device file|read-only files refuse|zone lifetime|suspend runs|lost its states|stays stopped|pending at resume'
DEBUG_ENV=(DSMIL_FUZZ_PAYLOADS=100 DSMIL_FUZZ_DEVICE_STRIDE=5 DSMIL_STRESS_SECONDS=20 DSMIL_CYCLES=10
	DSMIL_CONFIGFS_LOOPS=10)
TIMEOUT=${DSMIL_VM_TIMEOUT:-3000}
SUITES=()

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		-h|--help) sed -n '4p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2; exit 2 ;;
		*) SUITES+=("$1"); shift ;;
		esac
	done
}

# install_modules KVER KDIR: the debug kernel's modules (ACPI-WMI and
# dell-smbios are =m in debug.config, as on Debian, for the emulated
# firmware) into the kernel cache, where tests/vm/run-guest.sh gives a
# guest its kernel's modules; again only when the kernel was rebuilt.
install_modules() {
	local dep
	dep=$(kernel_root "$1")/lib/modules/$1/modules.dep
	[ ! -f "$dep" ] || [ "$2/modules.order" -nt "$dep" ] || return 0
	make -s -C "$2" modules_install INSTALL_MOD_PATH="$(kernel_root "$1")" >&2
}

# default_suites: begin, kunit, the subset that exists, end.
default_suites() {
	local s
	echo "$REPO/tests/debug/begin.bats"
	echo "$REPO/tests/debug/kunit.bats"
	for s in "${DEBUG_SUITES[@]}"; do
		[ ! -f "$REPO/tests/kernel/$s.bats" ] || echo "$REPO/tests/kernel/$s.bats"
	done
	echo "$REPO/tests/debug/end.bats"
}

main() {
	local env kv name explicit=""
	parse_args "$@"
	[ "${#SUITES[@]}" -eq 0 ] || explicit=1
	[ "${#SUITES[@]}" -gt 0 ] || mapfile -t SUITES < <(default_suites)
	if ! env=$(bash "$VM_DIR/debug-kernel.sh"); then
		echo "run-debug: the debug kernel did not build (see above)" >&2
		passed=0 failed=1 skipped=0
		[ -z "${DSMIL_COUNTS_FILE:-}" ] || write_counts "$DSMIL_COUNTS_FILE"
		exit 1
	fi
	local KVER KERNEL KDIR
	eval "$env"
	mkdir -p "$REPO/build/$KVER"
	cp "$KDIR/.config" "$REPO/build/$KVER/kernel.config"
	if ! install_modules "$KVER" "$KDIR"; then
		echo "run-debug: the debug kernel's modules did not install" >&2
		passed=0 failed=1 skipped=0
		[ -z "${DSMIL_COUNTS_FILE:-}" ] || write_counts "$DSMIL_COUNTS_FILE"
		exit 1
	fi
	for kv in "${DEBUG_ENV[@]}"; do
		name=${kv%%=*}
		[ -n "${!name:-}" ] || export "${name}=${kv#*=}"
	done
	# Given suites run whole; the default ones filtered.
	[ -n "$explicit" ] || export DSMIL_BATS_FILTER=${DSMIL_BATS_FILTER:-$DEBUG_FILTER}
	DSMIL_VM_KERNEL=$KERNEL DSMIL_KDIR=$KDIR \
		exec bash "$VM_DIR/run-suites.sh" --kver "$KVER" --timeout "$TIMEOUT" "${SUITES[@]}"
}

main "$@"
