#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Generic write fuzzer (issue 3).  tools/dsmil-fuzz.c discovers every
# writable regular file of the instance's trees (symlinks not followed):
#   /sys/devices/platform/dsmil.0 (groups, devices, statistics, hwmon,
#   power, driver-core files), the configfs instance fuzz0 this suite
#   creates (fuzzed disabled, then enabled; dsmil-sim's), the writable
#   parameters in /sys/module/{dsmil_84dev,dsmil_sim}/parameters and, last,
#   the debugfs sim knobs of every instance,
# and writes DSMIL_FUZZ_PAYLOADS payloads to each: random bytes, boundary
# numbers in every notation, 1 KiB..64 KiB strings, words of every
# readable file of the trees and of the ABI documents, mutations of the
# file's own contents, lists, "word K after N" phrases, empty-ish inputs,
# with and without a trailing newline.  Errnos are counted, not judged
# (badinput.bats checks the exact ones); what fails a test is a kernel
# splat (pinned on its payload), a hang, a write returning more than its
# length, an errno no store should return (ENOMEM, EFAULT, ENOTSUPP...),
# a file that stops opening or reading, or a module that will not unload
# and reload.  Each file's contents are written back after its payloads.
#
# Knobs (all exported DSMIL_* reach the guest):
#   DSMIL_FUZZ_SEED      [1]     printed; payload I of file F is a function
#                                of seed, path and I (see the replay hint)
#   DSMIL_FUZZ_PAYLOADS  [1000]  payloads per file
#   DSMIL_FUZZ_HANG_S    [60]    one write taking longer fails as a hang
#   DSMIL_FUZZ_DEVICE_STRIDE [1] fuzz the files of every Nth device only
#                                (all 84 share their code; discovery still
#                                checks all of them).  5 keeps 17 devices,
#                                quarantined 0x800a and every group among them
# Measured under TCG on a busy host: 65-75 s for the suite on 6.12, 85-105 s
# on 6.1 (whose uevent files log two lines per bad write); ~20 s of it
# compiling the fuzzer.  The debug (KASAN) lane, tests/vm/run-debug.sh,
# sets DSMIL_FUZZ_PAYLOADS=100: ~8 min there, ~4 min with
# DSMIL_FUZZ_DEVICE_STRIDE=5 as well.
#
# Files left out: none.  Driver-core files (uevent, driver_override,
# power/*) are fuzzed too; driver_override is put back to "(null)".
# Every device must end up ready, active or quarantined (dsmil-fuzz
# states), so the suite restores what one file's restore cannot: the
# device limits that a lower thermal_threshold pulled down.

load helpers

FUZZ_SEED=${DSMIL_FUZZ_SEED:-1}
FUZZ_N=${DSMIL_FUZZ_PAYLOADS:-1000}
FUZZ_HANG=${DSMIL_FUZZ_HANG_S:-60}
FUZZ_STRIDE=${DSMIL_FUZZ_DEVICE_STRIDE:-1}
CFS_ROOT=/sys/kernel/config/dsmil
CFS=$CFS_ROOT/fuzz0
PARAMS=/sys/module/$DSMIL_MODNAME/parameters
SIM_PARAMS=/sys/module/$DSMIL_SIM_MODNAME/parameters
# what the last test looks for in the kernel log, beyond the helpers' list
FUZZ_SPLAT_RE="$DSMIL_SPLAT_RE|KASAN|kmemleak|Call Trace"

setup_file() {
	local t=$BATS_FILE_TMPDIR
	dsmil_timer_start
	dsmil_build_tool dsmil-fuzz -pthread
	export FZ=$REPLY
	dsmil_timer_report "compiled dsmil-fuzz"
	DSMIL_SETUP_NOLOAD=1 dsmil_setup
	dsmil_load
	mkdir "$CFS" || fail "mkdir $CFS failed"
	printf '# fuzz: seed %s, %s payloads per file (DSMIL_FUZZ_SEED, DSMIL_FUZZ_PAYLOADS)\n' \
		"$FUZZ_SEED" "$FUZZ_N" >&3
	"$FZ" scan -w "$t/all.w" -r "$t/all.r" -v "$t/vocab" -a "$DSMIL_REPO/abi" \
		"$DSMIL_PDEV" "$CFS" "$DSMIL_DEBUGFS" "$PARAMS" "$SIM_PARAMS" >"$t/scan.out" ||
		fail "scan failed: $(<"$t/scan.out")"
	split_lists "$t"
	dsmil_timer_report "setup_file (compile, load, scan)"
}

teardown_file() {
	[[ ! -d $CFS ]] || { echo 0 >"$CFS/enable"; rmdir "$CFS"; } 2>/dev/null || true
	if dsmil_loaded; then dsmil_force_unload; fi
	# Keep what a replay needs with the run's logs.
	if [[ -n ${DSMIL_RUN_DIR:-} && -d $DSMIL_RUN_DIR ]] && mkdir -p "$DSMIL_RUN_DIR/fuzz"; then
		cp "$BATS_FILE_TMPDIR"/{vocab,all.w,all.r,*.log} "$DSMIL_RUN_DIR/fuzz/" 2>/dev/null || true
	fi
}

setup() {
	dsmil_timer_start
}

teardown() {
	dsmil_kill_bg
	dsmil_timer_report "$BATS_TEST_DESCRIPTION"
	dmesg_check
}

# split_lists DIR: all.w -> value.w (device value/registers), devgrp.w (the
# rest below dsmil.0/dsmil), plat.w (the rest of dsmil.0), params.w,
# cfs.w, debugfs.w.  grep, not a bash loop: bats traces every command.
split_lists() {
	local d=$1 p=$DSMIL_PDEV
	grep -F "$p/dsmil/" "$d/all.w" | grep -E '/(value|registers)$' >"$d/value.w" || true
	grep -F "$p/dsmil/" "$d/all.w" | grep -vE '/(value|registers)$' >"$d/devgrp.w" || true
	grep -F "$p/" "$d/all.w" | grep -vF "$p/dsmil/" >"$d/plat.w" || true
	grep -F -e "$PARAMS/" -e "$SIM_PARAMS/" "$d/all.w" >"$d/params.w" || true
	grep -F "$CFS/" "$d/all.w" >"$d/cfs.w" || true
	grep -F "$DSMIL_DEBUGFS/" "$d/all.w" >"$d/debugfs.w" || true
	((FUZZ_STRIDE > 1)) || return 0
	local i f skip=''
	for ((i = 0; i < 84; i++)); do
		((i % FUZZ_STRIDE == 0)) || skip+="|${DSMIL_TOKENS[i]}"
	done
	for f in value devgrp; do
		grep -vE "/dsmil0:(${skip#|})/" "$d/$f.w" >"$d/$f.sampled" || true
		mv "$d/$f.sampled" "$d/$f.w"
	done
	printf '# fuzzing the files of every %sth device only (DSMIL_FUZZ_DEVICE_STRIDE)\n' "$FUZZ_STRIDE" >&3
}

# count_lines FILE -> REPLY
count_lines() {
	local -a l
	mapfile -t l <"$1"
	REPLY=${#l[@]}
}

# fuzz NAME: fuzz the files of NAME.w; prints the summary as TAP
# diagnostics, fails with the fuzzer's findings and a replay hint.
#
# While it runs, the serial console shows only KERN_EMERG (console_loglevel
# 1): 6.1 logs an unratelimited error and warning for every bad write to
# a driver-core "uevent" file, ~180,000 lines that take the emulated
# serial port tens of seconds.  Nothing is lost: the fuzzer reads every
# record from /dev/kmsg and fails on a splat, naming the payload, and an
# Oops or panic turns the console verbose by itself (console_verbose()).
fuzz() {
	local t=$BATS_FILE_TMPDIR rc=0 out level
	count_lines "$t/$1.w"
	printf '# fuzzing %s files (%s.w), seed %s, %s payloads each\n' "$REPLY" "$1" "$FUZZ_SEED" "$FUZZ_N" >&3
	read -r level _ </proc/sys/kernel/printk
	echo 1 >/proc/sys/kernel/printk
	"$FZ" fuzz -s "$FUZZ_SEED" -n "$FUZZ_N" -t "$FUZZ_HANG" -v "$t/vocab" \
		-o "$t/$1.log" -l "$t/$1.w" >"$t/$1.out" 2>&1 || rc=$?
	echo "$level" >/proc/sys/kernel/printk
	out=$(<"$t/$1.out")
	printf '%s\n' "$out" | grep -v '^FAIL' | sed 's/^/# /' >&3
	((rc == 0)) || fail "dsmil-fuzz failed (exit $rc) on $1.w, seed $FUZZ_SEED:
$out
replay one payload: $FZ show -s $FUZZ_SEED -v $t/vocab -i INDEX FILE
replay the run: DSMIL_FUZZ_SEED=$FUZZ_SEED DSMIL_FUZZ_PAYLOADS=$FUZZ_N (per-file log: $t/$1.log)"
}

# accepted NAME ATTR: some write to ATTR files was accepted (ok=N > 0), so
# the fuzzer reached past the parsers.
accepted() {
	local line
	line=$(grep -E "^  $2 " "$BATS_FILE_TMPDIR/$1.out") || fail "no summary for $2 in $1"
	[[ $line =~ \ ok=([0-9]+) && ${BASH_REMATCH[1]} -gt 0 ]] ||
		fail "no write to $2 was accepted: $line"
}

# assert_device_states_sane: every device of dsmil.0 is ready, active or
# quarantined, and the active counts of groups and platform agree
assert_device_states_sane() {
	run "$FZ" states 0
	[[ $status == 0 ]] || fail "after fuzzing: $output"
}

@test "discovery finds the writable files of every device, group and tree" {
	local t=$BATS_FILE_TMPDIR per n
	sed 's/^/# /' "$t/scan.out" >&3
	# "COUNT FILES" per device, then how many devices have each count:
	# exactly one line, "84 N", when every device has the same N files
	per=$(grep -oE '/dsmil0:80[0-5][0-9a-f]/' "$t/all.w" | sort | uniq -c | awk '{ print $1 }' | sort | uniq -c)
	[[ $per =~ ^\ *84\ ([0-9]+)$ ]] ||
		fail "devices with N writable files (count N): $per; expected all 84 with the same N"
	per=${BASH_REMATCH[1]}
	((per >= 3)) || fail "only $per writable files per device (state, value, thermal_limit at least)"
	n=$(grep -cF "$DSMIL_PDEV/dsmil/" "$t/all.w") || true
	printf '# %s writable files per device, %s below dsmil.0/dsmil\n' "$per" "$n" >&3
	((n >= per * 84 + 7 * 2)) || fail "suspiciously few files below dsmil.0/dsmil: $n"
	grep -qx "$DSMIL_PDEV/emergency_stop" "$t/plat.w" || fail "emergency_stop not discovered"
	grep -q "/hwmon/hwmon[0-9]*/temp1_max$" "$t/plat.w" || fail "hwmon temp1_max not discovered"
	count_lines "$t/cfs.w"
	((REPLY >= 6)) || fail "only $REPLY writable configfs attributes (5 settings + enable)"
	count_lines "$t/debugfs.w"
	((REPLY >= 9)) || fail "only $REPLY writable debugfs knobs (latency_us, fault, temp_g0..6)"
	count_lines "$t/vocab"
	((REPLY >= 100)) || fail "vocabulary has only $REPLY words"
}

@test "fuzz: device value and registers files (groups 1 and 4 active)" {
	wrn "${GRP}1/state" active
	wrn "${GRP}4/state" active
	fuzz value
	accepted value value
	accepted value registers
	assert_device_states_sane
}

@test "fuzz: the other device and group files (state, thermal_limit, uevent, power)" {
	fuzz devgrp
	accepted devgrp state
	accepted devgrp thermal_limit
	assert_device_states_sane
}

# save_limits -> LIMITS: the thermal_limit of every group (all members
# have it after a plain load)
save_limits() {
	local g
	LIMITS=()
	for ((g = 0; g < 7; g++)); do
		rd "$GRP$g/thermal_limit"
		LIMITS+=("$REPLY")
	done
}

restore_limits() {
	local g
	for ((g = 0; g < 7; g++)); do wrn "$GRP$g/thermal_limit" "${LIMITS[g]}"; done
}

@test "fuzz: platform device files (thresholds, emergency_stop, hwmon, driver-core)" {
	save_limits
	fuzz plat
	# A lower thermal_threshold pulls every device limit down with it
	# (documented); putting the threshold back does not raise them.
	restore_limits
	accepted plat emergency_stop
	accepted plat thermal_threshold
	assert_content "$DSMIL_PDEV/emergency_stop" 0
	assert_content "$DSMIL_PDEV/thermal_threshold" 100000
	assert_content "$DSMIL_PDEV/driver_override" "(null)"
	assert_device_states_sane
}

@test "fuzz: writable module parameters (none today); every parameter reads as before" {
	local t=$BATS_FILE_TMPDIR before after
	local -a p=("$PARAMS"/* "$SIM_PARAMS"/*)
	((${#p[@]} >= 12)) || fail "only ${#p[@]} parameters in $PARAMS and $SIM_PARAMS"
	before=$(grep -r . "$PARAMS" "$SIM_PARAMS")
	count_lines "$t/params.w"
	((REPLY == 0)) || fuzz params
	after=$(grep -r . "$PARAMS" "$SIM_PARAMS")
	assert_equal "$after" "$before"
}

@test "fuzz: configfs instance attributes while disabled" {
	assert_content "$CFS/enable" 0
	fuzz cfs
	accepted cfs groups
	accepted cfs enable
	assert_content "$CFS/enable" 0
	assert_content "$CFS/instance" ""
	assert_content "$CFS/groups" 7
	assert_content "$CFS/token_base" 0x8000
	[[ ! -e /sys/devices/platform/dsmil.1 ]] || fail "dsmil.1 left behind"
}

@test "fuzz: configfs instance attributes while enabled" {
	wrn "$CFS/enable" 1
	rd "$CFS/instance"
	[[ $REPLY == dsmil.[1-9]* ]] || fail "instance reads '$REPLY' while enabled"
	fuzz cfs
	accepted cfs enable
	assert_content "$CFS/enable" 1
	rd "$CFS/instance"
	[[ -d /sys/devices/platform/$REPLY ]] || fail "instance '$REPLY' has no platform device"
	assert_content "/sys/devices/platform/$REPLY/device_count" 84
}

@test "fuzz: debugfs sim knobs of every instance (last)" {
	local t=$BATS_FILE_TMPDIR d g
	# rescan: the enabled configfs instance has knobs of its own now
	"$FZ" scan -w "$t/debugfs.w" "$DSMIL_DEBUGFS" >/dev/null || fail "debugfs scan failed"
	grep -q '/dsmil\.[1-9][0-9]*/sim/fault$' "$t/debugfs.w" || fail "no knobs of the configfs instance"
	fuzz debugfs
	accepted debugfs fault
	accepted debugfs latency_us
	for d in "$DSMIL_DEBUGFS"/dsmil.*/sim; do
		assert_content "$d/fault" none
		assert_content "$d/latency_us" 0
		for ((g = 0; g < 7; g++)); do assert_content "$d/temp_g$g" 45000; done
	done
	assert_device_states_sane
}

@test "after fuzzing: every file reads as before and the kernel log is clean" {
	local log
	run "$FZ" readcheck "$BATS_FILE_TMPDIR/all.r"
	printf '# %s\n' "${lines[-1]}" >&3
	assert_success
	log=$(dmesg)
	if [[ $log =~ $FUZZ_SPLAT_RE ]]; then
		fail "kernel log after fuzzing: $(grep -E "$FUZZ_SPLAT_RE" <<<"$log")"
	fi
	assert_device_states_sane
}

@test "after fuzzing: the module unloads and a reload brings up all 84 devices" {
	wrn "$CFS/enable" 0
	rmdir "$CFS"
	dsmil_unload
	! dsmil_loaded || fail "module still loaded"
	dsmil_load
	local -a devs=("$DSMIL_CLASS"/dsmil0:80[0-5]?) grps=("$DSMIL_CLASS"/dsmil0:g?)
	assert_equal "${#devs[@]}" 84
	assert_equal "${#grps[@]}" 7
	assert_content "$DSMIL_PDEV/active_count" 0
	dsmil_unload
}
