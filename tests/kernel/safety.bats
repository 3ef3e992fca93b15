#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The stop path and "unknown is error" on the simulated firmware:
#  - an emergency stop takes effect the moment it is written: a group
#    activation in progress is cancelled (ECANCELED) after the firmware call
#    in flight, the stop does not wait for the rest of the group;
#  - statistics/last_stop_latency_ns counts from the write, waits included;
#  - a stop whose switching off fails leaves that device in error, never
#    emergency, and clearing the stop never makes it ready;
#  - a group reads emergency / error before active, mixed or ready.

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

# g1_written -> REPLY: token_writes of g1's 12 members, summed
g1_written() {
	local t sum=0
	for t in "${DSMIL_TOKENS[@]:12:12}"; do
		tw "$t"
		sum=$((sum + REPLY))
	done
	REPLY=$sum
}

@test "stop mid-way through a slow group activation: the rest of the group is cancelled" {
	dsmil_reload smi_timeout_ms=200
	# 100 ms per call (half the timeout: a loaded guest's timers run
	# late): the whole group would take 1.2 s to switch on
	sim_latency 100000
	local t0 t1 on=0 ns
	bg_group_write 1 active
	# the first member is on: stop
	wait_state_while_bg 800c active
	now_ms; t0=$REPLY
	wrn "$DSMIL_PDEV/emergency_stop" 1
	now_ms; t1=$REPLY
	bg_group_failed "Operation canceled"
	sim_latency 0
	# every member that was switched on was switched off again (2 writes),
	# the others were never called: far fewer than 12 activations
	g1_written
	((REPLY % 2 == 0)) || fail "g1 token writes: $REPLY, expected 2 per member switched on"
	on=$((REPLY / 2))
	((on >= 1 && on < 12)) || fail "$on members of g1 were switched on before the stop took effect"
	group_states 1
	[[ $REPLY == "emergency emergency emergency emergency emergency emergency emergency emergency emergency emergency emergency emergency" ]] ||
		fail "g1 members after the stop: $REPLY"
	assert_group_state 1 emergency
	# the latency counts from the write: at least one switch-off per member
	# that was on (100 ms each); the write returned only after them
	rd "$DSMIL_PDEV/statistics/last_stop_latency_ns"
	ns=$REPLY
	((ns >= on * 100000000)) || fail "last_stop_latency_ns $ns < $on x 100 ms"
	((t1 - t0 >= on * 100)) || fail "the stop returned after $((t1 - t0)) ms, before $on switch-offs"
	printf '# %d members on before the stop; stop took %d ms, last_stop_latency_ns %d\n' \
		"$on" $((t1 - t0)) "$ns" >&3
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_group_state 1 ready
}

@test "a stop that cannot switch a device off leaves it in error, and clearing keeps it there" {
	activate 8000
	activate 8001
	sim_fault "eio 1"
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_state 8000 error
	assert_state 8001 emergency
	assert_state 8002 emergency
	assert_group_state 0 emergency
	assert_content "$DSMIL_SIM/fault" none
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_state 8000 error
	assert_state 8001 ready
	assert_group_state 0 error
	# reset switches it off in firmware first: only then is it ready
	sim_fault "eio 1"
	expect_errno "$E_IO" "${DEV}8000/state" 'reset\n'
	assert_state 8000 error
	wrn "${DEV}8000/state" reset
	assert_state 8000 ready
	assert_group_state 0 ready
	# 8000: on, (failed stop: no write), (failed reset), reset; 8001: on, off
	assert_token_writes 8000=2 8001=2
}

@test "a stop switches off devices in error too, and they become emergency" {
	make_error 8030
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_state 8030 emergency
	assert_group_state 4 emergency
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_state 8030 ready
	assert_group_state 4 ready
}

@test "emergency_stop=1 while nothing runs: latency recorded, every group reads emergency" {
	local g
	wrn "$DSMIL_PDEV/emergency_stop" 1
	for ((g = 0; g < 7; g++)); do assert_group_state "$g" emergency; done
	rd "$DSMIL_PDEV/statistics/last_stop_latency_ns"
	((REPLY > 0)) || fail "last_stop_latency_ns is $REPLY"
	wrn "$DSMIL_PDEV/emergency_stop" 0
	for ((g = 0; g < 7; g++)); do assert_group_state "$g" ready; done
}
