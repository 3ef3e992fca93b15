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
#  - a group reads emergency / error before active, mixed or ready;
#  - a thermal trip preempts like the manual stop, measured from the sample;
#  - thermal fails safe: thermal_source names the source; while the sensor
#    fails (debugfs sim/sensor_fault) nothing is switched on (ENODATA), and
#    past thermal_grace_ms every device stops like a trip, until readings
#    come back.

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

# trip_mid_g1 G MILLIDEG: a slow g1 activation runs (100 ms a call); once its
# first member is on, group G's sensor reads MILLIDEG (evaluated in the
# write, as a firmware notification is).  -> ON: members of g1 switched on,
# MS: how long the sensor write took; the g1 write failed with ECANCELED.
trip_mid_g1() {
	dsmil_reload smi_timeout_ms=200
	sim_latency 100000
	local t0 t1
	bg_group_write 1 active
	wait_state_while_bg 800c active
	now_ms; t0=$REPLY
	wrn "$DSMIL_SIM/temp_g$1" "$2"
	now_ms; t1=$REPLY
	bg_group_failed "Operation canceled"
	sim_latency 0
	MS=$((t1 - t0))
	# each member switched on was switched off once (2 writes), the rest
	# of g1 never reached the firmware
	g1_written
	((REPLY % 2 == 0)) || fail "g1 token writes: $REPLY, expected 2 per member switched on"
	ON=$((REPLY / 2))
	((ON >= 1 && ON < 12)) || fail "$ON members of g1 were switched on before the trip took effect"
}

@test "a platform trip mid-way through a slow group activation preempts it like the manual stop" {
	local ns all_e
	trip_mid_g1 3 100000
	printf -v all_e '%s ' emergency{,,,,,,,,,,,}
	group_states 1
	[[ "$REPLY " == "$all_e" ]] || fail "g1 members after the trip: $REPLY"
	assert_group_state 3 emergency
	# from the sample that crossed: the switch-offs (100 ms each) included
	rd "$DSMIL_PDEV/statistics/last_stop_latency_ns"
	ns=$REPLY
	((ns >= ON * 100000000)) || fail "last_stop_latency_ns $ns < $ON x 100 ms"
	((MS >= ON * 100)) || fail "the trip took $MS ms, before $ON switch-offs"
	printf '# %d members on before the trip; the sensor write took %d ms, last_stop_latency_ns %d\n' \
		"$ON" "$MS" "$ns" >&3
	wrn "$DSMIL_SIM/temp_g3" 45000
	assert_group_state 1 ready
}

@test "a trip of another group cancels a group activation, which rolls back: all or nothing" {
	local all_r
	# g2's limit is 90000, below the 100000 threshold: only g2 trips
	trip_mid_g1 2 95000
	printf -v all_r '%s ' ready{,,,,,,,,,,,}
	group_states 1
	[[ "$REPLY " == "$all_r" ]] || fail "g1 members after g2 tripped: $REPLY"
	assert_group_state 1 ready
	assert_group_state 2 emergency
	assert_group_state 0 ready
	printf '# %d members of g1 rolled back; the sensor write took %d ms\n' "$ON" "$MS" >&3
	wrn "$DSMIL_SIM/temp_g2" 45000
	assert_group_state 2 ready
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

@test "thermal_source names the source: sim, read-only" {
	assert_content "$DSMIL_PDEV/thermal_source" sim
	run stat -c %a "$DSMIL_PDEV/thermal_source"
	assert_output 444
}

@test "a failing sensor: activation refused with ENODATA before any call; readings back: allowed" {
	# a long grace: only the refusal is tested here, not the stop
	dsmil_reload thermal_grace_ms=60000
	activate 8001
	wrn "$DSMIL_SIM/sensor_fault" 1
	assert_content "$DSMIL_SIM/sensor_fault" 1
	expect_read_errno "$E_IO" "${GRP}0/temperature"
	expect_errno "$E_NODATA" "${DEV}8000/state" 'active\n'
	assert_state 8000 ready
	expect_errno "$E_NODATA" "${GRP}1/state" 'active\n'
	group_states 1
	[[ $REPLY == "ready ready ready ready ready ready ready ready ready ready ready ready" ]] ||
		fail "g1 members after a refused activation: $REPLY"
	g1_written
	assert_equal "$REPLY" 0
	# what is on stays on within the grace; switching off is allowed
	assert_state 8001 active
	deactivate 8001
	assert_token_writes 8000=0 8001=2
	wrn "$DSMIL_SIM/sensor_fault" 0
	assert_content "$DSMIL_SIM/sensor_fault" 0
	activate 8000
	wrn "${GRP}1/state" active
	assert_group_state 1 active
}

@test "readings failing past thermal_grace_ms stop every device like a trip, until they come back" {
	dsmil_reload thermal_grace_ms=300
	local t0 t1 g
	activate 8000
	activate 800c
	rd "$DSMIL_PDEV/statistics/thermal_trips"
	local trips=$REPLY
	now_ms; t0=$REPLY
	wrn "$DSMIL_SIM/sensor_fault" 1
	wait_state 8000 emergency
	now_ms; t1=$REPLY
	((t1 - t0 >= 300)) || fail "stopped $((t1 - t0)) ms after the sensor failed, before the 300 ms grace"
	assert_state 800c emergency
	for ((g = 0; g < 7; g++)); do assert_group_state "$g" emergency; done
	# one switch-off each for what was on, nothing for the rest
	assert_token_writes 8000=2 800c=2 8001=0
	rd "$DSMIL_PDEV/statistics/thermal_trips"
	((REPLY == trips + 1)) || fail "thermal_trips $trips -> $REPLY, expected one more"
	expect_errno "$E_BUSY" "${DEV}8000/state" 'active\n'
	printf '# stopped %d ms after the sensor failed (grace 300 ms)\n' $((t1 - t0)) >&3
	# readings back (evaluated at once): every device is ready, none active
	wrn "$DSMIL_SIM/sensor_fault" 0
	for ((g = 0; g < 7; g++)); do assert_group_state "$g" ready; done
	activate 8000
}

@test "thermal_grace_ms: 0..60000; outside, neither module loads" {
	local v
	for v in thermal_grace_ms=60001 thermal_grace_ms=-1 thermal_grace_ms=x; do
		dsmil_unload
		run insmod "$DSMIL_KO" "$v"
		assert_failure
		assert_output --partial "Invalid"
		dsmil_load_driver
		run insmod "$DSMIL_SIM_KO" "$v"
		assert_failure
		assert_output --partial "Invalid"
		[[ ! -e $DSMIL_PDEV ]] || fail "$DSMIL_PDEV exists after insmod dsmil-sim $v"
	done
	dsmil_reload thermal_grace_ms=0
	assert_content /sys/module/dsmil_sim/parameters/thermal_grace_ms 0
	# grace 0: the first failed reading stops everything
	activate 8000
	wrn "$DSMIL_SIM/sensor_fault" 1
	assert_state 8000 emergency
	wrn "$DSMIL_SIM/sensor_fault" 0
	assert_state 8000 ready
	dsmil_reload thermal_grace_ms=60000
	assert_content /sys/module/dsmil_sim/parameters/thermal_grace_ms 60000
}

@test "thermal_zone of dsmil-84dev: a list of up to 4 zone types, or none alone" {
	local v
	dsmil_unload
	for v in thermal_zone= thermal_zone=none,acpitz thermal_zone=acpitz,none \
		thermal_zone=a,,b thermal_zone=a, thermal_zone=a,b,c,d,e \
		thermal_zone=abcdefghijklmnopqrst; do
		run insmod "$DSMIL_KO" "$v"
		assert_failure
		assert_output --partial "Invalid"
		! dsmil_driver_loaded || fail "dsmil-84dev loaded with $v"
	done
	for v in none acpitz x86_pkg_temp,acpitz a,b,c,d abcdefghijklmnopqrs; do
		dsmil_load_driver "thermal_zone=$v"
		assert_content /sys/module/dsmil_84dev/parameters/thermal_zone "$v"
		dsmil_unload
	done
}
