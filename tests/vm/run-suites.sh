#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-suites.sh --kver REL [--timeout SEC] [suite.bats ...]
#
# (--timeout: for the whole guest run, default DSMIL_VM_TIMEOUT or 2700 s: the
# first 6.1 boot runs most suites, about 20 min on an idle machine)
#
# Build the module for kernel REL (kept as build/REL/dsmil-84dev.ko), boot
# REL once in QEMU and run `bats --tap` on the suites inside it (default:
# tests/kernel/*.bats, or the smoke suite tests/vm/smoke.bats while there
# are none).  Suites may live anywhere on the host.
#
# Prints the TAP stream as it comes, then "REL: N passed, N failed, N
# skipped", and writes the same counts to build/REL/counts (passed=,
# failed=, skipped=) and to $DSMIL_COUNTS_FILE when set.  A failed build, a guest that returned no result or
# a kernel-log splat each count as one more failed test.  Exit status 0
# only when nothing failed.
#
# Suites that need a different guest (kernel command line, QEMU devices)
# say so in a header line (see guest_spec); each distinct need is one
# more boot.
#
# DSMIL_KO=/path/to/x.ko skips the build and tests that module instead.
# DSMIL_BATS_FILTER=REGEX runs only the tests whose name matches (bats
# --filter).
set -euo pipefail
shopt -s inherit_errexit

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

# The whole bats run is one guest: allow far more than run-guest.sh's
# default, but stay well inside CI's budget for two kernels.
KVER="" TIMEOUT=${DSMIL_VM_TIMEOUT:-2700}
SUITES=()
passed=0 failed=0 skipped=0

usage() {
	sed -n '4p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
	exit 2
}

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--kver) KVER=${2:?}; shift 2 ;;
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		-h|--help) usage ;;
		-*) echo "run-suites: unknown option '$1'" >&2; usage ;;
		*) SUITES+=("$1"); shift ;;
		esac
	done
	[ -n "$KVER" ] || usage
}

# default_suites: tests/kernel/*.bats sorted, or the smoke suite.
default_suites() {
	local s
	s=$(find "$REPO/tests/kernel" -maxdepth 1 -name '*.bats' 2>/dev/null | LC_ALL=C sort)
	if [ -z "$s" ]; then
		echo "run-suites: no tests/kernel/*.bats yet: running the smoke suite" >&2
		s=$VM_DIR/smoke.bats
	fi
	printf '%s\n' "$s"
}

# resolve_suites: absolute paths (the guest sees the host's tree at the
# same paths), and the dirs of those under /tmp or /run kept visible.
resolve_suites() {
	local i s keep=${DSMIL_GUEST_KEEP:-}
	[ "${#SUITES[@]}" -gt 0 ] || mapfile -t SUITES < <(default_suites)
	for i in "${!SUITES[@]}"; do
		s=${SUITES[$i]}
		[ -f "$s" ] || { echo "run-suites: no such suite: $s" >&2; return 1; }
		s=$(cd "$(dirname "$s")" && pwd)/$(basename "$s")
		SUITES[i]=$s
		keep+=:$(dirname "$s")
	done
	export DSMIL_GUEST_KEEP=${keep#:}
}

# finish: print and store the counts, exit accordingly.
finish() {
	write_counts "$REPO/build/$KVER/counts"
	[ -z "${DSMIL_COUNTS_FILE:-}" ] || write_counts "$DSMIL_COUNTS_FILE"
	echo "$KVER: $(summary_line)"
	[ "$failed" = 0 ]
}

# guest_spec SUITE: the suite's guest needs, from header lines in its
# first 30 lines (one line, empty for none):
#   # dsmil-guest-append: ARGS    more kernel command line
#   # dsmil-guest-qemu: CMD       a repo command printing more QEMU args
guest_spec() {
	local append qemu
	append=$(head -n 30 "$1" | sed -n 's/^# dsmil-guest-append: *//p' | head -n1)
	qemu=$(head -n 30 "$1" | sed -n 's/^# dsmil-guest-qemu: *//p' | head -n1)
	printf 'append=%s|qemu=%s\n' "$append" "$qemu"
}

# add_ktap RUN_DIR: add the KUnit results a suite left in the run dir
# ($DSMIL_RUN_DIR/*.ktap in the guest) to the counts.
add_ktap() {
	local -a files
	local p=$passed f=$failed s=$skipped
	mapfile -t files < <(find "$1" -maxdepth 1 -name '*.ktap' | LC_ALL=C sort)
	[ "${#files[@]}" -gt 0 ] || return 0
	ktap_count "${files[@]}"
	echo "== $KVER: KUnit: $(summary_line)"
	passed=$((p + passed)) failed=$((f + failed)) skipped=$((s + skipped))
}

# run_group SPEC SUITE...: one guest boot running bats on the suites that
# share SPEC; adds its counts to the globals.
run_group() {
	local spec=$1 append qemu run status result qemu_args=""
	shift
	append=${spec%%|qemu=*}
	append=${append#append=}
	qemu=${spec#*|qemu=}
	if [ -n "$qemu" ] && ! qemu_args=$(cd "$REPO" && bash "$qemu"); then
		echo "run-suites: $KVER: '$qemu' failed: $* not run (counted as a failure)" >&2
		failed=$((failed + 1))
		return
	fi
	local -a bats=(bats --tap --timing)
	[ -z "${DSMIL_BATS_FILTER:-}" ] || bats+=(--filter "$DSMIL_BATS_FILTER")
	run=$(new_run_dir "$KVER")
	# DSMIL_GUEST_UPPER=TAR: the guest's overlay starts with TAR as its
	# upper layer (tests/system/run.sh; tests/vm/initramfs-init.sh)
	if [ -n "${DSMIL_GUEST_UPPER:-}" ]; then
		cp "$DSMIL_GUEST_UPPER" "$run/upper.tar"
		append+=" dsmil.upper=upper.tar"
	fi
	echo "== $KVER: bats on $# suite(s) in QEMU${append:+ (append: $append)}${qemu:+ (qemu: $qemu)} (log: $run)"
	DSMIL_QEMU_ARGS="${DSMIL_QEMU_ARGS:-} $qemu_args" \
		bash "$VM_DIR/run-guest.sh" --kver "$KVER" --timeout "$TIMEOUT" \
		--append "$append" --run-dir "$run" -- "${bats[@]}" "$@" || true
	tap_count "$run/stdout" "$(cat "$run/rc" 2>/dev/null || true)"
	add_ktap "$run"
	status=$(cat "$run/status" 2>/dev/null || true)
	result=$(sed -n 's/^result=//p' <<<"$status")
	if [ "$result" != ok ]; then
		echo "run-suites: $KVER: no result from the guest (${result:-run-guest failed}; counted as a failure)" >&2
		failed=$((failed + 1))
	fi
	if grep -qx 'splat=1' <<<"$status"; then
		echo "run-suites: $KVER: kernel log splat (counted as a failure)" >&2
		failed=$((failed + 1))
	fi
}

# run_groups: the suites grouped by guest_spec, one boot per group, in
# the order each group's first suite comes.
run_groups() {
	local s spec tp=0 tf=0 ts=0
	local -a order=()
	local -A members=()
	for s in "${SUITES[@]}"; do
		spec=$(guest_spec "$s")
		[ -n "${members[$spec]+x}" ] || order+=("$spec")
		members[$spec]+="$s"$'\n'
	done
	for spec in "${order[@]}"; do
		local -a group
		mapfile -t group < <(printf '%s' "${members[$spec]}")
		passed=0 failed=0 skipped=0
		run_group "$spec" "${group[@]}"
		tp=$((tp + passed)) tf=$((tf + failed)) ts=$((ts + skipped))
	done
	passed=$tp failed=$tf skipped=$ts
}

main() {
	parse_args "$@"
	mkdir -p "$REPO/build/$KVER"
	if ! resolve_suites; then
		failed=1
		finish || exit 1
	fi
	if [ -n "${DSMIL_KO:-}" ]; then
		echo "== using prebuilt DSMIL_KO=$DSMIL_KO"
	elif ! build_module "$KVER"; then
		echo "run-suites: $KVER: module build failed" >&2
		failed=1
		finish || exit 1
	fi
	run_groups
	finish
}

main "$@"; exit
