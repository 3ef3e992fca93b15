#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# System sleep (Documentation/thermal.rst, "System sleep"): the simulated
# firmware's sleep knobs (abi/debugfs-dsmil-sim):
#  - sim/asleep_calls counts calls that reach the simulated firmware while
#    it is asleep: read-only, 0 without a suspend whatever the driver does;
#  - sim/resume_drop_states and sim/resume_temp take their values and
#    refuse bad input without changing them; neither evaluates anything
#    when written (they act at the next resume).
#
# Not here yet: the suspend itself.  A system suspend in this guest resets
# the virtio-9p devices (virtio_pci's suspend callback), and 9pnet_virtio
# has no restore callback, so the guest's root and results share are gone
# after the resume: `rtcwake -m freeze` (and any /sys/power/pm_test level
# from "devices" on, which runs the same device callbacks) hangs the guest.

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

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
