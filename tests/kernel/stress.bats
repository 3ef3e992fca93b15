#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Concurrency stress (issue 3).  tools/dsmil-stress.c runs, for
# DSMIL_STRESS_SECONDS, parallel readers of every device/group/platform
# file, state and value writers, thermal limit and sim temperature
# writers (trips and clears), group switches, emergency stops and their
# clearing, two configfs workers creating, enabling, using, disabling and
# removing instances while another worker writes and reads (through held
# fds) those instances' devices, an unload attempt every few hundred ms
# (reloaded at once when it succeeds), and an fd held open across unloads
# (reads ENODEV once its module is gone).  The unloads are dsmil-sim's,
# which holds the instances, configfs and debugfs; the driver stays.
# Then the kernel log must be clean, the tree whole and consistent, and
# both modules must unload and come back.
#
# What rmmod of dsmil_sim does (test 1): delete_module fails with EAGAIN
# ("in use") while a configfs directory exists or a debugfs knob is open,
# because both pin the module; open sysfs files do not pin it, they read
# ENODEV after the unload.
#
# Knobs: DSMIL_STRESS_SECONDS [30], DSMIL_STRESS_SEED [1],
# DSMIL_STRESS_HANG_S [60] (no progress that long fails as a hang),
# DSMIL_STRESS_RMMOD_MS [300].  Measured under TCG on a busy host: ~45-60 s
# for the suite on 6.1 and 6.12 (10-20 s of it compiling).  The debug
# (KASAN) lane, tests/vm/run-debug.sh, sets DSMIL_STRESS_SECONDS=20.

load helpers

STRESS_S=${DSMIL_STRESS_SECONDS:-30}
STRESS_SEED=${DSMIL_STRESS_SEED:-1}
STRESS_HANG=${DSMIL_STRESS_HANG_S:-60}
STRESS_RMMOD=${DSMIL_STRESS_RMMOD_MS:-300}
CFS=/sys/kernel/config/dsmil

setup_file() {
	dsmil_timer_start
	dsmil_build_tool dsmil-stress
	export ST=$REPLY
	DSMIL_SETUP_NOLOAD=1 dsmil_setup
	dsmil_load
	dsmil_timer_report "setup_file (compile, load)"
}

teardown_file() {
	local d
	for d in "$CFS"/stress* "$CFS"/pin; do
		[[ -d $d ]] || continue
		echo 0 >"$d/enable" 2>/dev/null || true
		rmdir "$d" 2>/dev/null || true
	done
	if dsmil_loaded; then dsmil_force_unload; fi
}

setup() {
	dsmil_sim_loaded || dsmil_load
	dsmil_timer_start
}

teardown() {
	local rc=0
	exec 13<&- 14<&- 2>/dev/null || true
	dsmil_kill_bg
	dsmil_timer_report "$BATS_TEST_DESCRIPTION"
	dmesg_check || rc=1
	return $rc
}

# try_unload -> REPLY: what one delete_module said ("ok" or an errno name)
try_unload() {
	REPLY=$("$ST" -u) || true
	REPLY=${REPLY#unload: }
}

@test "rmmod: refused (EAGAIN) while a configfs directory exists or a debugfs knob is open" {
	mkdir "$CFS/pin"
	try_unload
	assert_equal "$REPLY" EAGAIN
	rmdir "$CFS/pin"
	exec 13<"$DSMIL_SIM/fault"
	try_unload
	assert_equal "$REPLY" EAGAIN
	exec 13<&-
	# a sysfs file does not pin the module: it reads ENODEV afterwards
	exec 14<"${DEV}8000/state"
	try_unload
	assert_equal "$REPLY" ok
	! dsmil_sim_loaded || fail "dsmil_sim still loaded"
	dsmil_driver_loaded || fail "the driver went with dsmil_sim"
	local got='' err
	IFS= read -r got <&14 2>"$DSMIL_ERRF" || true
	_read_errf err
	[[ -z $got && $err == *"$E_NODEV"* ]] || fail "read after unload: '$got' '$err'"
	exec 14<&-
}

@test "stress: readers, writers, group switches, emergency stops, configfs churn, unloads" {
	local out rc=0
	printf '# stress: %s s, seed %s (DSMIL_STRESS_SECONDS, DSMIL_STRESS_SEED)\n' "$STRESS_S" "$STRESS_SEED" >&3
	"$ST" -k "$DSMIL_SIM_KO" -d "$STRESS_S" -s "$STRESS_SEED" -t "$STRESS_HANG" -r "$STRESS_RMMOD" \
		>"$BATS_TEST_TMPDIR/stress.out" 2>&1 || rc=$?
	out=$(<"$BATS_TEST_TMPDIR/stress.out")
	printf '%s\n' "$out" | grep -v '^BAD' | sed 's/^/# /' >&3
	((rc == 0)) || fail "dsmil-stress failed (exit $rc):
$out"
	dsmil_sim_loaded || fail "dsmil_sim not loaded after the stress"
}

@test "after stress: 84 devices, 7 groups, consistent states and counts, no instance left" {
	local -a devs=("$DSMIL_CLASS"/dsmil0:80[0-5]?) grps=("$DSMIL_CLASS"/dsmil0:g?) all=("$DSMIL_CLASS"/*)
	assert_equal "${#devs[@]}" 84
	assert_equal "${#grps[@]}" 7
	assert_equal "${#all[@]}" 91
	[[ ! -e /sys/devices/platform/dsmil.1 ]] || fail "a configfs instance is left"
	local -a left=("$CFS"/*)
	assert_equal "${left[*]}" "$CFS/features"
	run "$ST" -c
	printf '# %s\n' "${lines[-1]}" >&3
	assert_success
	assert_content "$DSMIL_PDEV/emergency_stop" 0
}

@test "after stress: the kernel log is clean, the module unloads and reloads with 84 devices" {
	local log
	log=$(dmesg)
	if [[ $log =~ $DSMIL_SPLAT_RE|KASAN|kmemleak|Call\ Trace ]]; then
		fail "kernel log: $log"
	fi
	dsmil_unload
	! dsmil_loaded || fail "module still loaded"
	dsmil_load
	local -a devs=("$DSMIL_CLASS"/dsmil0:80[0-5]?)
	assert_equal "${#devs[@]}" 84
	assert_content "$DSMIL_PDEV/active_count" 0
	dsmil_unload
}
