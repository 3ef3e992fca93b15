#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# System sleep (Documentation/thermal.rst, "System sleep"), through the
# kernel's own suspend path: `echo freeze >/sys/power/state` with
# /sys/power/pm_test at "devices" freezes the tasks (the freezable
# workqueues included) and runs every device's suspend callbacks, waits,
# then runs the resume callbacks and thaws:
#  - nothing reaches the firmware while the system sleeps (the simulated
#    firmware counts calls that come while it is asleep: sim/asleep_calls);
#  - resume reads every device's state back from the firmware before
#    anything else: with the firmware keeping its states nothing changes;
#    with sim/resume_drop_states (the firmware lost them) a device that was
#    active reads back "ready" (confirmed off), never "active"; a read that
#    fails leaves the device in "error"; a stopped device stays stopped;
#  - a trip pending at resume (sim/resume_temp) stops before anything else;
#  - the platform device announces DSMIL_EVENT=resume with DSMIL_CHANGED=;
#  - the monitor runs again after resume;
#  - bad input to the simulator's sleep knobs.
#
# Why not `rtcwake -m freeze`: the guest's root and results share are 9p
# over virtio, and 9pnet_virtio has no restore callback, so a suspend that
# resets the virtio functions loses them.  setup_file loads
# tests/modules/dsmil-keep9p.c, which keeps the virtio PCI functions
# out of system sleep (syscore); and pm_test "devices" needs no wake-up
# source, where the RTC alarm does not wake a TCG guest from s2idle
# (tried on 6.12 with dsmil-keep9p loaded: after `rtcwake -m freeze -s 3`
# the guest slept until QEMU was killed 300 s later).

load helpers

setup_file() {
	insmod "${DSMIL_KO%/*}/dsmil-keep9p.ko" || fail "cannot load dsmil-keep9p"
	echo devices >/sys/power/pm_test
	[[ ! -w /sys/module/suspend/parameters/pm_test_delay ]] ||
		echo 1 >/sys/module/suspend/parameters/pm_test_delay
}

teardown_file() {
	echo none >/sys/power/pm_test
	rmmod dsmil-keep9p
}

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

# suspend_guest: one suspend to idle through the device callbacks
# (pm_test "devices"); fails unless the kernel counted one more
# successful suspend.
suspend_guest() {
	local before after
	rd /sys/power/suspend_stats/success
	before=$REPLY
	run timeout 120 sh -c 'echo freeze >/sys/power/state'
	assert_success
	rd /sys/power/suspend_stats/success
	after=$REPLY
	((after == before + 1)) || fail "suspend_stats/success: $before -> $after: no suspend happened"
}

# assert_asleep_calls_none: no call reached the simulated firmware while the
# system slept.
assert_asleep_calls_none() { assert_content "$DSMIL_SIM/asleep_calls" 0; }

@test "a suspend runs dsmil's callbacks through the kernel's suspend path" {
	slurp /sys/power/state
	[[ $REPLY == *freeze* ]] || fail "/sys/power/state has no freeze: $REPLY"
	activate 8000
	suspend_guest
	run dmesg
	assert_output --partial "PM: suspend entry (s2idle)"
	assert_output --partial "PM: suspend exit"
	assert_asleep_calls_none
	assert_state 8000 active
}

@test "resume, firmware keeps its states: active stays active, ready stays ready, no call while asleep" {
	activate 8000
	wrn "${GRP}1/state" active
	assert_group_state 1 active
	make_error 8020
	suspend_guest
	assert_asleep_calls_none
	assert_state 8000 active
	assert_state 8001 ready
	assert_group_state 1 active
	assert_state 8020 error
	assert_state 8009 quarantined
	# the read-back is not a read of the device's files
	assert_stats 8000 0 0 0 1
	run dmesg
	refute_output --partial "device states changed"
	# the firmware still holds what the states say: a switch-off works
	deactivate 8000
}

@test "resume, firmware lost its states: active devices read back ready, never active" {
	wrn "$DSMIL_SIM/resume_drop_states" 1
	assert_content "$DSMIL_SIM/resume_drop_states" 1
	activate 8000
	activate 8001
	wrn "${GRP}1/state" active
	suspend_guest
	assert_asleep_calls_none
	assert_state 8000 ready
	assert_state 8001 ready
	assert_state 8002 ready
	assert_group_state 1 ready
	assert_content "$DSMIL_PDEV/active_count" 0
	run dmesg
	assert_output --partial "resume: 14 device states changed in firmware"
	# ready is confirmed: they can be switched on again, one call each
	activate 8000
	local t
	local -a g1=()
	for t in "${DSMIL_TOKENS[@]:12:12}"; do g1+=("$t=1"); done
	assert_token_writes 8000=2 8001=1 "${g1[@]}"
}

@test "resume: a state read that fails leaves the device in error" {
	activate 8000
	activate 8001
	# the first firmware call after this is the resume read-back of 8000
	sim_fault "eio 1"
	suspend_guest
	assert_asleep_calls_none
	assert_content "$DSMIL_SIM/fault" none
	assert_state 8000 error
	assert_state 8001 active
	assert_state 8002 ready
	assert_group_state 0 error
	get_stat 8000 errors
	assert_equal "$REPLY" 1
	# error is switched off by a stop like active
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_state 8000 emergency
	assert_state 8001 emergency
	wrn "$DSMIL_PDEV/emergency_stop" 0
}

@test "resume: a stopped device stays stopped, whatever the firmware lost" {
	wrn "$DSMIL_SIM/resume_drop_states" 1
	activate 8000
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_state 8000 emergency
	assert_state 8001 emergency
	suspend_guest
	assert_asleep_calls_none
	assert_state 8000 emergency
	assert_state 8001 emergency
	assert_content "$DSMIL_PDEV/emergency_stop" 1
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_state 8000 ready
}

# resume_event_block FILE -> REPLY: the properties of the platform event
# DSMIL_EVENT=resume in udevadm monitor output FILE ("" if none)
resume_event_block() {
	REPLY=$(awk -v RS= 'index($0, "DEVPATH=/devices/platform/dsmil.0\n") &&
		index($0, "DSMIL_EVENT=resume")' "$1")
}

@test "resume: DSMIL_EVENT=resume with the number of changed devices, on the platform device and each changed device" {
	wrn "$DSMIL_SIM/resume_drop_states" 1
	local out=$BATS_TEST_TMPDIR/uevents pid
	udevadm monitor --kernel --property --subsystem-match=platform \
		--subsystem-match=dsmil >"$out" 2>&1 &
	pid=$!
	DSMIL_BG_PIDS="${DSMIL_BG_PIDS:-} $pid"
	dsmil_sleep 1
	activate 8000
	activate 8005
	suspend_guest
	dsmil_sleep 1
	kill "$pid"
	wait "$pid" || true
	grep -q '^DSMIL_STATE=active$' "$out" ||
		fail "udevadm monitor saw no activation: $(cat "$out")"
	resume_event_block "$out"
	[[ $REPLY == *$'\n'DSMIL_CHANGED=2* ]] ||
		fail "no platform resume event with DSMIL_CHANGED=2: $(cat "$out")"
	[[ $(grep -c '^DSMIL_EVENT=resume$' "$out") == 3 ]] ||
		fail "expected 3 resume events (8000, 8005, dsmil.0): $(cat "$out")"
}

@test "resume: the thermal monitor polls again (a failing sensor stops everything past the grace)" {
	dsmil_reload thermal_grace_ms=300
	activate 8000
	suspend_guest
	assert_asleep_calls_none
	assert_state 8000 active
	# the write evaluates once (the grace has not passed); only the
	# monitor's polls can notice that it has
	wrn "$DSMIL_SIM/sensor_fault" 1
	wait_state 8000 emergency
	wrn "$DSMIL_SIM/sensor_fault" 0
	assert_state 8000 ready
}

@test "resume: a trip pending at resume stops before anything else (sim resume_temp)" {
	activate 8000
	activate 800c
	wrn "$DSMIL_SIM/resume_temp" 95000
	assert_content "$DSMIL_SIM/resume_temp" 95000
	# the write evaluates nothing: the sensors still read 45 C
	assert_state 8000 active
	assert_content "$DSMIL_SIM/temp_g0" 45000
	rd "$DSMIL_PDEV/statistics/thermal_trips"
	local trips=$REPLY g
	suspend_guest
	assert_asleep_calls_none
	assert_content "$DSMIL_SIM/resume_temp" none
	assert_content "$DSMIL_SIM/temp_g0" 95000
	# 95 C: past every device limit (90 C), below the threshold (100 C)
	assert_state 8000 emergency
	assert_state 800c emergency
	assert_state 8001 emergency
	rd "$DSMIL_PDEV/statistics/thermal_trips"
	((REPLY == trips + 1)) || fail "thermal_trips $trips -> $REPLY, expected one more"
	# one switch-off each for what was on, nothing else
	assert_token_writes 8000=2 800c=2
	for ((g = 0; g < 7; g++)); do wrn "$DSMIL_SIM/temp_g$g" 45000; done
	assert_state 8000 ready
	assert_state 800c ready
}

@test "sim asleep_calls: read-only, 0 without a suspend, whatever the driver calls" {
	local f=$DSMIL_SIM/asleep_calls
	run stat -c %a "$f"
	assert_output 400
	assert_content "$f" 0
	activate 8000
	slurp "${DEV}8000/value"
	wr "${DEV}8000/value" 7
	wrn "$DSMIL_SIM/temp_g0" 95000
	assert_state 8000 emergency
	wrn "$DSMIL_SIM/temp_g0" 45000
	assert_content "$f" 0
}

@test "sim resume_drop_states: 0 or 1; bad input -> EINVAL, the knob unchanged" {
	local f=$DSMIL_SIM/resume_drop_states t
	assert_content "$f" 0
	for t in '\n' ' ' 'foo' '2' '-1' '10' '0x10' '1 1' 'on' 'y' '1\000' '1\n\n' \
		'4294967297' '99999999999999999999'; do
		expect_errno "$E_INVAL" "$f" "$t"
	done
	junk_x
	expect_errno "$E_INVAL" "$f" "$REPLY"
	assert_content "$f" 0
	wrn "$f" 1
	assert_content "$f" 1
	expect_errno "$E_INVAL" "$f" '2'
	assert_content "$f" 1
	wr "$f" 0
	assert_content "$f" 0
}

@test "sim resume_temp: none or -273150..300000; bad input -> EINVAL / ERANGE, the knob unchanged, nothing evaluated" {
	local f=$DSMIL_SIM/resume_temp t
	assert_content "$f" none
	activate 8000
	for t in '\n' ' ' 'foo' 'nonex' 'none ' 'no\000ne' 'none\000' '0x10' '1 1' \
		'1\000' '95000\n\n' 'NONE'; do
		expect_errno "$E_INVAL" "$f" "$t"
	done
	for t in '300001' '-273151' '99999999999999999999'; do
		expect_errno "$E_RANGE" "$f" "$t"
	done
	junk_x
	expect_errno "$E_INVAL" "$f" "$REPLY"
	assert_content "$f" none
	# a temperature past every limit: taken, not evaluated before a resume
	wrn "$f" 95000
	assert_content "$f" 95000
	expect_errno "$E_RANGE" "$f" '300001'
	expect_errno "$E_INVAL" "$f" 'foo'
	assert_content "$f" 95000
	assert_state 8000 active
	assert_content "$DSMIL_SIM/temp_g0" 45000
	wr "$f" -273150
	assert_content "$f" -273150
	wrn "$f" none
	assert_content "$f" none
	assert_state 8000 active
}
