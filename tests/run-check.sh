#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `make check` runs: hygiene (tests/hygiene.sh), every kernel suite
# (tests/kernel/*.bats) on every test kernel from tests/vm/kernels.sh in
# QEMU, the whole-system test (tests/system/run.sh: the Debian packages'
# lifecycle and two systemd boots), the debug-kernel lane (tests/vm/run-debug.sh: KUnit and a subset
# of the suites under KASAN/lockdep/kmemleak/UBSAN), and the host-only
# suites tests/host/*.bats.
#
# Output: the TAP of every run, a "REL: N passed, N failed, N skipped" line
# per kernel, then a summary: one line per phase, the wall time of each
# phase and of the whole run,
#   timing: hygiene 2m05s, 6.1.0-57-amd64 9m12s, ..., system 5m01s, ..., total 55m10s
# and as the very last line the sum:
#   N passed, N failed, N skipped
# Exit status 0 only when nothing failed.  A kernel whose module does not
# build, whose guest returns no result or whose kernel log shows a splat
# counts failures (see tests/vm/run-suites.sh).  A missing 6.12 kernel is
# reported as "SKIP: 6.12 ..." and does not fail the run.
#
# DSMIL_KERNELS="REL ..." limits the kernels; the DSMIL_VM_* knobs of
# tests/vm/run-guest.sh apply.
set -euo pipefail
shopt -s inherit_errexit

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/vm" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0
RECAP=() TIMINGS=()

# timing NAME START: record phase NAME as having run from $SECONDS=START
# until now (for the "timing:" line).
timing() {
	TIMINGS+=("$1 $(duration $((SECONDS - $2)))")
}

# duration SECONDS: "12m05s".
duration() {
	printf '%dm%02ds\n' $(($1 / 60)) $(($1 % 60))
}

# add_counts LABEL: add the globals passed/failed/skipped to the totals.
add_counts() {
	TOTAL_PASSED=$((TOTAL_PASSED + passed))
	TOTAL_FAILED=$((TOTAL_FAILED + failed))
	TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
	RECAP+=("$1: $(summary_line)")
}

# read_counts FILE: load passed/failed/skipped; a missing or bad file is
# one failure (run-suites.sh died before counting).
read_counts() {
	passed=0 failed=1 skipped=0
	[ -s "$1" ] || return 0
	passed=$(sed -n 's/^passed=\([0-9]*\)$/\1/p' "$1")
	failed=$(sed -n 's/^failed=\([0-9]*\)$/\1/p' "$1")
	skipped=$(sed -n 's/^skipped=\([0-9]*\)$/\1/p' "$1")
	passed=${passed:-0} failed=${failed:-1} skipped=${skipped:-0}
}

# ---- The test matrix ------------------------------------------------------
#
# One kernel runs every suite: Debian 12's own 6.1, the kernel most users
# of the driver run, and the only lane on it (6.12 also has the RT and
# debug lanes).  It runs the default glob, tests/kernel/*.bats, so a suite
# named in no list below still runs there.  DSMIL_61_SUITES="a b"
# overrides ("all": the glob).
#
# The other kernels run only suites whose behaviour can differ by
# kernel.  The driver's own logic (state machine, value and group rules,
# parsers and bad input, quarantine, the thermal monitor, the fuzzer's
# inputs, the tools) is the same code on every kernel and runs on 6.1 and,
# under the detectors, in the debug lane.  What the kernel provides is:
#   module cycles        the module loader: load/unload, parameters,
#                        modprobe/depmod aliases, unload under load
#   tree attrs abi       sysfs, debugfs and platform-device plumbing: the
#                        tree, file modes and read-only files, and the set
#                        of live files (the kernel's driver core and hwmon
#                        add their own: abi fails on any undocumented one)
#   configfs             the configfs core: items, enable, teardown
#   thermal-hwmon        hwmon core registration and its sysfs
#   uevent thermal-events  kobject uevents, sysfs_notify()/poll(),
#                        tracepoints
#   smbios* firmware-smoke  the firmware path: mainline ACPI-WMI and
#                        dell-smbios (reworked between 6.1 and 6.12)
#                        against the emulated Dell firmware
#   pm                   the kernel's system sleep: the freezer and the
#                        device suspend/resume callbacks (pm_test)
# Both 6.12 lanes run the same 6.12 core code, so each of these suites
# runs once on a 6.12: those that also matter under PREEMPT_RT (cycles,
# configfs, thermal-events) in the RT lane, the others on plain 6.12,
# except attrs: the modes and contents it checks are the driver's, and
# its kernel-facing tests (every file's mode, read-only files refuse
# writes) run on 6.12 in the debug lane.
#
# 6.12: DSMIL_612_SUITES overrides.  Three guest boots: the plain guest,
# and two with the emulated firmware (tests/firmware).
SUITES_612=${DSMIL_612_SUITES:-tree module abi thermal-hwmon uevent pm smbios* firmware-smoke}
# 6.12 PREEMPT_RT: what RT changes is locking and sleeping (mutexes become
# rtmutexes, timers and work run in threads), so the suites that drive the
# state machine, the thermal monitor and its events, configfs teardown,
# the concurrency stress and load/unload cycles.  One boot.  Not pm: its
# driver side is one mutex section and a work cancel, which RT does not
# change; the sleep path itself is plain 6.12's.
# DSMIL_RT_SUITES overrides.
SUITES_RT=${DSMIL_RT_SUITES:-tree state thermal-events configfs stress cycles}
FULL_61=${DSMIL_61_SUITES:-all}
#
# Lists are names of tests/kernel/*.bats without .bats, or globs of them
# (smbios*: a new firmware-path suite joins by its name); a name that
# matches no file is a failure (a renamed suite must not drop out unseen).
# When no kernel of a run (DSMIL_KERNELS) is a full one (6.1, or a kernel
# that is neither 6.1 nor 6.12), the first kernel runs every suite.  Each
# kernel prints the suites it runs.

# kernel_lane REL: rt, 6.12 or full.
kernel_lane() {
	case $1 in
	6.12.*-rt-*) echo rt ;;
	6.12.*) echo 6.12 ;;
	*) echo full ;;
	esac
}

# kernel_suites REL: the suite list for REL: names, or "all".
kernel_suites() {
	case $(kernel_lane "$1") in
	rt) echo "$SUITES_RT" ;;
	6.12) echo "$SUITES_612" ;;
	*) case $1 in 6.1.*) echo "$FULL_61" ;; *) echo all ;; esac ;;
	esac
}

# suite_paths NAME...: the suite files, one per line.  A NAME may be a
# glob (smbios*); one that matches no file is reported and counted in
# $COUNTS_DIR/missing.
suite_paths() {
	local s f found
	for s in "$@"; do
		found=0
		for f in "$REPO"/tests/kernel/$s.bats; do
			[ -f "$f" ] || continue
			echo "$f"
			found=1
		done
		if [ "$found" = 0 ]; then
			echo "run-check: no tests/kernel/$s.bats (named in the suite list of this kernel): counted as a failure" >&2
			echo "$s" >>"$COUNTS_DIR/missing"
		fi
	done | awk '!seen[$0]++'
}

# all_suite_names: every tests/kernel/*.bats, as names.
all_suite_names() {
	find "$REPO/tests/kernel" -maxdepth 1 -name '*.bats' -printf '%f\n' |
		LC_ALL=C sort | sed 's/\.bats$//'
}

run_kernels() {
	local rel kernels list why full=""
	kernels=$(bash "$VM_DIR/kernels.sh")
	if [ -z "${DSMIL_KERNELS:-}" ] && ! grep -q '^6\.12\.' <<<"$kernels"; then
		echo "SKIP: 6.12: no 6.12 kernel with headers and image installed (make deps); testing 6.1 only"
	fi
	if [ -z "$kernels" ]; then
		echo "run-check: no test kernel installed: run 'make deps'" >&2
		passed=0 failed=1 skipped=0
		add_counts "kernels"
		return
	fi
	for rel in $kernels; do
		[ "$(kernel_lane "$rel")" != full ] || full=$rel
	done
	for rel in $kernels; do
		local -a suites=() names=()
		local t0=$SECONDS
		list=$(kernel_suites "$rel")
		if [ -z "$full" ]; then
			full=$rel
			list=all
			echo "run-check: no full kernel (6.1) in this run: $rel runs every suite"
		fi
		echo
		echo "=== kernel $rel"
		if [ "$list" = all ]; then
			mapfile -t names < <(all_suite_names)
			echo "suites on $rel: all ${#names[@]} (tests/kernel/*.bats): ${names[*]}"
		else
			read -ra names <<<"$list"
			rm -f "$COUNTS_DIR/missing"
			mapfile -t suites < <(suite_paths "${names[@]}")
			case $(kernel_lane "$rel") in
			rt) why="what PREEMPT_RT changes" ;;
			6.12) why="those whose behaviour can differ by kernel" ;;
			*) why="DSMIL_61_SUITES" ;;
			esac
			names=("${suites[@]##*/}")
			echo "suites on $rel: ${#suites[@]} of $(all_suite_names | wc -l), $why (tests/run-check.sh): ${names[*]%.bats}"
		fi
		if [ "$list" != all ] && [ "${#suites[@]}" -eq 0 ]; then
			passed=0 failed=0 skipped=0
		else
			DSMIL_COUNTS_FILE="$COUNTS_DIR/$rel" \
				bash "$VM_DIR/run-suites.sh" --kver "$rel" "${suites[@]}" || true
			read_counts "$COUNTS_DIR/$rel"
		fi
		[ ! -s "$COUNTS_DIR/missing" ] || failed=$((failed + $(wc -l <"$COUNTS_DIR/missing")))
		rm -f "$COUNTS_DIR/missing"
		add_counts "$rel"
		timing "$rel" "$t0"
	done
}

# The debug kernel build (or the cached one) is a phase of its own so that
# its time shows apart from the lane's.  It runs in the background, under
# nice 19 (tests/vm/debug-kernel.sh), from the end of hygiene while the
# kernel lanes run: a TCG guest leaves most of the second core idle, and
# at nice 19 the compiler only gets what the guests do not use.  On a fresh
# machine that hides most of its 14 CPU-minutes.  Its output is shown when
# it is waited for; the timing line gives both its own time and the wait.
# A failed build is one failure, and the lane is then not run.
# DSMIL_DEBUG_LANE=0 leaves both out (for a quick local run only: CI runs
# them).
DEBUG_KERNEL_OK=0 DEBUG_BUILD_PID="" DEBUG_BUILD_T0=0
start_debug_build() {
	[ "${DSMIL_DEBUG_LANE:-1}" != 0 ] || return 0
	DEBUG_BUILD_T0=$SECONDS
	(
		s=0
		bash "$VM_DIR/debug-kernel.sh" >/dev/null 2>"$COUNTS_DIR/debug-build.log" || s=$?
		echo "$s $SECONDS" >"$COUNTS_DIR/debug-build.done"
	) &
	DEBUG_BUILD_PID=$!
	echo "run-check: debug kernel build started in the background (nice 19)"
}

# wait_debug_build: wait for start_debug_build's job, show its output.
wait_debug_build() {
	local t0=$SECONDS status end
	[ -n "$DEBUG_BUILD_PID" ] || return 0
	echo
	echo "=== debug kernel build"
	wait "$DEBUG_BUILD_PID" || true
	read -r status end <"$COUNTS_DIR/debug-build.done" || status=1 end=$SECONDS
	sed 's/^/debug kernel: /' "$COUNTS_DIR/debug-build.log"
	TIMINGS+=("debug kernel build $(duration $((end - DEBUG_BUILD_T0))) (background; waited $(duration $((SECONDS - t0))))")
	if [ "$status" = 0 ]; then
		DEBUG_KERNEL_OK=1
	else
		echo "run-check: the debug kernel did not build: the debug lane is not run" >&2
		passed=0 failed=1 skipped=0
		add_counts "debug kernel"
	fi
}

# run_debug: the debug-kernel lane (KASAN, lockdep, kmemleak, UBSAN,
# KUnit; tests/vm/run-debug.sh) on the kernel run_debug_build made.
run_debug() {
	local counts=$COUNTS_DIR/debug
	if [ "${DSMIL_DEBUG_LANE:-1}" = 0 ]; then
		echo "SKIP: debug lane: DSMIL_DEBUG_LANE=0"
		return
	fi
	[ "$DEBUG_KERNEL_OK" = 1 ] || return 0
	echo
	echo "=== debug kernel lane"
	DSMIL_COUNTS_FILE=$counts bash "$VM_DIR/run-debug.sh" || true
	read_counts "$counts"
	add_counts "debug kernel"
}

# run_system: the whole-system test (tests/system/run.sh): the Debian
# packages built, installed, upgraded, removed and purged in an overlay
# root of the host, then two systemd boots of 6.1 with them installed.
# It runs last, alone: its overlay root has the host's / as its lower
# layer, which the host suites (DKMS installs, make deb) must not change
# under it.  DSMIL_SYSTEM=0 leaves it out (a quick local run only: CI
# runs it).
run_system() {
	local counts=$COUNTS_DIR/system
	if [ "${DSMIL_SYSTEM:-1}" = 0 ]; then
		echo "SKIP: whole system: DSMIL_SYSTEM=0"
		return 1
	fi
	echo
	echo "=== whole system"
	DSMIL_COUNTS_FILE=$counts bash "$REPO/tests/system/run.sh" || true
	read_counts "$counts"
	add_counts system
}

# The host suites (tests/host/*.bats) need no guest: they run in the
# background under nice 19 from the end of hygiene, beside the kernel
# lanes, like the debug kernel build (their 7 CPU-minutes, mostly DKMS
# builds and forks, fit in what the TCG guests leave of the second core;
# at nice 19 they only get what the guests leave).  Their TAP is shown when they are
# waited for, at the end; the timing line gives their own time and the
# wait.  DSMIL_HOST_BACKGROUND=0 runs them in the foreground at the end.
HOST_PID="" HOST_T0=0

# run_host_suites: make userspace, then bats on tests/host/*.bats into
# $COUNTS_DIR/host.tap; "STATUS END-SECONDS" into host.done.
run_host_suites() {
	local -a suites
	local s=0
	mapfile -t suites < <(find "$REPO/tests/host" -maxdepth 1 -name '*.bats' 2>/dev/null | LC_ALL=C sort)
	: >"$COUNTS_DIR/host.tap"
	if [ "${#suites[@]}" -gt 0 ]; then
		# lsdsmil's tests need the binary; a failed build fails them, visibly.
		make -s -C "$REPO" userspace >&2 || echo "run-check: 'make userspace' failed" >&2
		(cd "$REPO" && BATS_LIB_PATH=/usr/lib/bats bats --tap --timing "${suites[@]}") \
			>"$COUNTS_DIR/host.tap" || s=$?
	fi
	echo "$s $SECONDS" >"$COUNTS_DIR/host.done"
}

start_host() {
	HOST_T0=$SECONDS
	[ "${DSMIL_HOST_BACKGROUND:-1}" != 0 ] || return 0
	(
		renice -n 19 -p "$BASHPID" >/dev/null
		run_host_suites 2>"$COUNTS_DIR/host.err"
	) &
	HOST_PID=$!
	echo "run-check: host suites started in the background (nice 19)"
}

# run_host: wait for the host suites (or run them now), show and count them.
run_host() {
	local t0=$SECONDS status end
	echo
	echo "=== host suites"
	if [ -n "$HOST_PID" ]; then
		wait "$HOST_PID" || true
	else
		run_host_suites 2>"$COUNTS_DIR/host.err"
	fi
	read -r status end <"$COUNTS_DIR/host.done" || status=1 end=$SECONDS
	cat "$COUNTS_DIR/host.tap"
	sed 's/^/host: /' "$COUNTS_DIR/host.err" >&2
	tap_count "$COUNTS_DIR/host.tap" "$status"
	echo "host: $(summary_line)"
	add_counts host
	if [ -n "$HOST_PID" ]; then
		TIMINGS+=("host $(duration $((end - HOST_T0))) (background; waited $(duration $((SECONDS - t0))))")
	else
		timing host "$t0"
	fi
}

# run_hygiene: W=1/sparse builds, checkpatch, kernel-doc, shellcheck.
run_hygiene() {
	local out=$COUNTS_DIR/hygiene.tap status=0
	echo
	echo "=== hygiene"
	bash "$REPO/tests/hygiene.sh" | tee "$out" || status=$?
	tap_count "$out" "$status"
	add_counts hygiene
}

main() {
	local t0=$SECONDS t
	COUNTS_DIR=$(mktemp -d)
	trap 'rm -rf "$COUNTS_DIR"' EXIT
	t=$SECONDS
	run_hygiene
	timing hygiene "$t"
	start_debug_build
	start_host
	run_kernels
	wait_debug_build
	t=$SECONDS
	run_debug
	[ "$DEBUG_KERNEL_OK" = 0 ] || timing "debug lane" "$t"
	run_host
	t=$SECONDS
	! run_system || timing system "$t"
	timing total "$t0"
	echo
	echo "=== summary"
	printf '%s\n' "${RECAP[@]}"
	printf -v t '%s, ' "${TIMINGS[@]}"
	echo "timing: ${t%, }"
	printf '%s passed, %s failed, %s skipped\n' \
		"$TOTAL_PASSED" "$TOTAL_FAILED" "$TOTAL_SKIPPED"
	[ "$TOTAL_FAILED" = 0 ]
}

main "$@"; exit
