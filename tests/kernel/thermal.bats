#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Thermal safety (Documentation/thermal.rst): defaults, per-group trips and
# their hysteresis, the platform threshold, the manual emergency stop and
# how the two combine, writes refused in "emergency" (nothing reaching the
# simulated firmware), no automatic re-activation, limit clamping, the
# load-time parameters and the monitor on unload.
#
# Temperatures are set through debugfs sim/temp_g<G>; a write there is
# evaluated at once, so every assertion right after it is deterministic.
# Bad input: thermal-badinput.bats; hwmon/sensors: thermal-hwmon.bats;
# uevents, poll() and tracepoints: thermal-events.bats.

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

STATS=$DSMIL_PDEV/statistics

# --- helpers ---------------------------------------------------------------

# set_temp G MILLIDEG: the simulated sensor of group G (evaluated at once)
set_temp() { wrn "$DSMIL_SIM/temp_g$1" "$2"; }

# pstat NAME -> platform statistics/NAME (a fork: not for loops)
pstat() { rd "$STATS/$1"; printf '%s' "$REPLY"; }

# snap ATTR G...: "TOKEN=VALUE ..." of ATTR for every member of groups G,
# into SNAP (no fork: 84 reads stay cheap under TCG)
snap() {
	local attr=$1 g i t
	shift
	SNAP=
	for g in "$@"; do
		for ((i = 0; i < 12; i++)); do
			printf -v t '%04x' $((0x8000 + g * 12 + i))
			rd "$DSMIL_CLASS/dsmil0:$t/$attr"
			SNAP+="$t=$REPLY "
		done
	done
	SNAP=${SNAP% }
}

# want STATE G...: into WANT, what `snap state G...` reads when every
# eligible member of groups G is in STATE (quarantined ones read
# "quarantined"); want_all VALUE G...: the same for every member
want() {
	local s=$1 g i t
	shift
	WANT=
	for g in "$@"; do
		for ((i = 0; i < 12; i++)); do
			printf -v t '%04x' $((0x8000 + g * 12 + i))
			if is_quarantined "$t"; then WANT+="$t=quarantined "; else WANT+="$t=$s "; fi
		done
	done
	WANT=${WANT% }
}

want_all() {
	local v=$1 g i t
	shift
	WANT=
	for g in "$@"; do
		for ((i = 0; i < 12; i++)); do
			printf -v t '%04x' $((0x8000 + g * 12 + i))
			WANT+="$t=$v "
		done
	done
	WANT=${WANT% }
}

# cmp_snap WHAT: fail listing the entries where SNAP differs from WANT
cmp_snap() {
	[[ $SNAP == "$WANT" ]] && return 0
	fail "$1: expected (<) / got (>) for the entries that differ:
$(diff <(tr ' ' '\n' <<<"$WANT") <(tr ' ' '\n' <<<"$SNAP") | grep '^[<>]')"
}

# assert_groups STATE G...: every eligible member of groups G is in STATE
assert_groups() {
	local s=$1
	shift
	want "$s" "$@"
	snap state "$@"
	cmp_snap "device states of groups $*"
}

# assert_limits VALUE G...: every member of groups G has thermal_limit VALUE
assert_limits() {
	local v=$1
	shift
	want_all "$v" "$@"
	snap thermal_limit "$@"
	cmp_snap "thermal_limit of groups $*"
}

# val FILE EXPECTED: the first line of FILE is EXPECTED (no fork)
val() {
	rd "$1"
	[[ $REPLY == "$2" ]] || fail "$1: expected '$2', got '$REPLY'"
}

# writes_are [TOKEN=COUNT | gG=COUNT ...]: assert_token_writes, where gG
# stands for every eligible member of group G
writes_are() {
	local -a args=()
	local kv
	for kv in "$@"; do
		if [[ $kv == g[0-6]=* ]]; then
			tw_group "${kv:1:1}" "${kv#*=}"
			# shellcheck disable=SC2206  # "TOKEN=COUNT ..." words
			args+=($REPLY)
		else
			args+=("$kv")
		fi
	done
	assert_token_writes "${args[@]}"
}

activate_group() {
	wrn "$GRP$1/state" active
	assert_group_state "$1" active
}

# pos_int VALUE NAME: VALUE is a decimal integer > 0
pos_int() {
	[[ $1 =~ ^[0-9]+$ ]] && (($1 > 0)) || fail "$2 = '$1', expected a positive integer"
}

# load_fails PARAM...: with the driver loaded, insmod of dsmil-sim with
# PARAM must fail and leave no instance behind (module.bats covers the
# driver's own parameters)
load_fails() {
	dsmil_driver_loaded || dsmil_load_driver
	run insmod "$DSMIL_SIM_KO" "$@"
	[[ $status -ne 0 ]] || { dsmil_unload; fail "insmod dsmil-sim.ko $* succeeded"; }
	! dsmil_sim_loaded || fail "dsmil_sim still loaded after failed insmod $*"
	[[ ! -e $DSMIL_PDEV ]] || fail "$DSMIL_PDEV exists after failed insmod $*"
}

# --- defaults ----------------------------------------------------------------

@test "defaults: threshold 100000, hysteresis 5000, emergency_stop 0, counters 0" {
	assert_content "$DSMIL_PDEV/thermal_threshold" 100000
	assert_content "$DSMIL_PDEV/thermal_hysteresis" 5000
	assert_content "$DSMIL_PDEV/emergency_stop" 0
	assert_content "$STATS/thermal_trips" 0
	assert_content "$STATS/emergency_stops" 0
	assert_content "$STATS/last_stop_latency_ns" 0
	assert_content "$STATS/max_stop_latency_ns" 0
	assert_content /sys/module/dsmil_sim/parameters/thermal_threshold 100
	assert_content /sys/module/dsmil_sim/parameters/thermal_poll_ms 100
	assert_content /sys/module/dsmil_84dev/parameters/thermal_threshold 100
	assert_content /sys/module/dsmil_84dev/parameters/thermal_poll_ms 100
}

@test "defaults: every device limit 90000, every group limit 90000, temperature 45000" {
	assert_limits 90000 0 1 2 3 4 5 6
	assert_groups ready 0 1 2 3 4 5 6
	local g
	for ((g = 0; g < 7; g++)); do
		assert_content "$GRP$g/thermal_limit" 90000
		assert_content "$GRP$g/temperature" 45000
		assert_content "$DSMIL_SIM/temp_g$g" 45000
	done
	[[ ! -e $DSMIL_SIM/temp_g7 ]] || fail "sim has a temp_g7 for a 7-group instance"
}

@test "file modes: limits/threshold/hysteresis/emergency_stop 0644, temperature and statistics 0444" {
	assert_equal "$(stat -c %a "$DSMIL_PDEV"/{thermal_threshold,thermal_hysteresis,emergency_stop})" \
		"644
644
644"
	assert_equal "$(stat -c %a "$STATS"/{thermal_trips,emergency_stops,last_stop_latency_ns,max_stop_latency_ns})" \
		"444
444
444
444"
	assert_equal "$(stat -c %a "${GRP}3"/{thermal_limit,temperature})" "644
444"
	assert_equal "$(stat -c %a "${DEV}8024/thermal_limit" "${DEV}8009/thermal_limit")" "644
644"
}

# --- trip and clear of one group --------------------------------------------------

@test "trip g0: active members deactivated in firmware, state emergency, other groups untouched" {
	activate_group 0
	activate 800c
	writes_are g0=1 800c=1
	set_temp 0 90000
	assert_groups emergency 0
	assert_state 800c active
	assert_groups ready 2 3 4 5 6
	local t
	while read -r t; do
		[[ $t == 800c ]] || is_quarantined "$t" || assert_state "$t" ready
	done < <(group_tokens 1)
	# one deactivation per active member reached the firmware, nothing else
	writes_are g0=2 800c=1
	val "${GRP}0/temperature" 90000
	val "${GRP}1/temperature" 45000
	val "$DSMIL_PDEV/emergency_stop" 0
	val "$DSMIL_PDEV/active_count" 1
	val "${GRP}0/active_count" 0
	val "$STATS/thermal_trips" 1
	val "$STATS/emergency_stops" 0
	local last max
	last=$(pstat last_stop_latency_ns)
	max=$(pstat max_stop_latency_ns)
	pos_int "$last" last_stop_latency_ns
	pos_int "$max" max_stop_latency_ns
	((max >= last)) || fail "max_stop_latency_ns $max < last_stop_latency_ns $last"
	# the devices' own counters: no activation, no write on the way down
	assert_stats 8000 0 0 0 1
	run dmesg
	refute_output --partial "did not confirm"
}

@test "trip of ready devices: no firmware call, the monitor keeps them stopped" {
	set_temp 2 95000
	assert_groups emergency 2
	assert_groups ready 0 1 3 4 5 6
	writes_are
	dsmil_sleep 0.3   # ~30 fast polls
	assert_groups emergency 2
	val "$STATS/thermal_trips" 1
}

@test "clear g0: back to ready, never active, nothing reaches the firmware" {
	activate_group 0
	set_temp 0 90000
	assert_groups emergency 0
	set_temp 0 85000
	assert_groups ready 0
	assert_groups ready 1 2 3 4 5 6
	writes_are g0=2
	assert_stats 8000 0 0 0 1
	# the monitor (fast polls near the limit, then slow) re-activates nothing
	dsmil_sleep 0.5
	assert_groups ready 0
	writes_are g0=2
	val "$STATS/thermal_trips" 1
	# a person re-activates: allowed again
	activate_group 0
	writes_are g0=3
	assert_stats 8000 0 0 0 2
}

@test "trip latency: every trip sets last_stop_latency_ns, max is the maximum" {
	local i last max prev_max=0
	activate_group 0
	for i in 1 2 3; do
		set_temp 0 90000
		last=$(pstat last_stop_latency_ns)
		max=$(pstat max_stop_latency_ns)
		pos_int "$last" last_stop_latency_ns
		((max >= last && max >= prev_max)) ||
			fail "trip $i: max $max, last $last, previous max $prev_max"
		prev_max=$max
		set_temp 0 45000
		# a clear is not a stop: the latency stays
		val "$STATS/last_stop_latency_ns" "$last"
		activate_group 0
	done
	val "$STATS/thermal_trips" 3
}

@test "thermal_trips counts evaluations that tripped devices: g0 then g1 is 2, a platform trip 1 more" {
	set_temp 0 90000
	val "$STATS/thermal_trips" 1
	set_temp 0 91000    # still tripped: no new trip
	val "$STATS/thermal_trips" 1
	set_temp 1 90000
	val "$STATS/thermal_trips" 2
	set_temp 4 100000   # every other device trips in one evaluation
	val "$STATS/thermal_trips" 3
	assert_groups emergency 0 1 2 3 4 5 6
}

# --- hysteresis -----------------------------------------------------------------

@test "hysteresis edges (limit 90000, hysteresis 5000): 89999 no, 90000 trips, 85001 holds, 85000 clears" {
	activate_group 0
	set_temp 0 89999
	assert_groups active 0
	val "$STATS/thermal_trips" 0
	set_temp 0 90000
	assert_groups emergency 0
	val "$STATS/thermal_trips" 1
	set_temp 0 87000
	assert_groups emergency 0
	set_temp 0 85001
	assert_groups emergency 0
	dsmil_sleep 0.2   # the monitor polls every 10 ms in the band: still held
	assert_groups emergency 0
	set_temp 0 85000
	assert_groups ready 0
	# back inside the band from below: not a trip
	set_temp 0 89999
	assert_groups ready 0
	val "$STATS/thermal_trips" 1
	set_temp 0 90000
	assert_groups emergency 0
	val "$STATS/thermal_trips" 2
	writes_are g0=2
}

@test "hysteresis 2000: clears at 88000, holds at 88001" {
	wrn "$DSMIL_PDEV/thermal_hysteresis" 2000
	val "$DSMIL_PDEV/thermal_hysteresis" 2000
	set_temp 5 90000
	assert_groups emergency 5
	set_temp 5 88001
	assert_groups emergency 5
	set_temp 5 88000
	assert_groups ready 5
}

@test "a hysteresis write is evaluated at once: 87000 held with 5000, cleared when it becomes 3000" {
	set_temp 5 90000
	set_temp 5 87000
	assert_groups emergency 5
	wrn "$DSMIL_PDEV/thermal_hysteresis" 3000
	assert_groups ready 5
}

@test "hysteresis 0: a device at exactly its limit stays in emergency (no trip/clear flapping)" {
	wrn "$DSMIL_PDEV/thermal_hysteresis" 0
	set_temp 0 90000
	assert_groups emergency 0
	dsmil_sleep 0.3   # ~30 monitor polls at the limit
	assert_groups emergency 0
	val "$STATS/thermal_trips" 1
	set_temp 0 89999
	assert_groups ready 0
}

@test "hysteresis 0: the platform threshold reached exactly keeps every device stopped" {
	wrn "$DSMIL_PDEV/thermal_hysteresis" 0
	wrn "${GRP}3/thermal_limit" 100000
	set_temp 3 100000
	assert_groups emergency 0 1 2 3 4 5 6
	dsmil_sleep 0.3
	assert_groups emergency 0 1 2 3 4 5 6
	val "$STATS/thermal_trips" 1
	set_temp 3 99999
	assert_groups ready 0 1 2 3 4 5 6
}

# --- per-device and group limits --------------------------------------------------

@test "a device limit applies to that device only; the group reads the lowest" {
	wrn "${DEV}8000/thermal_limit" 80000
	val "${DEV}8000/thermal_limit" 80000
	val "${DEV}8001/thermal_limit" 90000
	val "${DEV}8008/thermal_limit" 90000
	val "${GRP}0/thermal_limit" 80000
	activate_group 0
	set_temp 0 80000
	assert_state 8000 emergency
	assert_state 8001 active
	assert_state 8008 active
	writes_are g0=1 8000=2
	set_temp 0 90000
	assert_groups emergency 0
	set_temp 0 80000    # 8001..8008 clear (<= 85000), 8000 still held
	assert_state 8000 emergency
	assert_state 8001 ready
	set_temp 0 75000
	assert_groups ready 0
}

@test "group thermal_limit sets every member (quarantined too) and trips at the new limit" {
	wrn "${GRP}2/thermal_limit" 70000
	val "${GRP}2/thermal_limit" 70000
	assert_limits 70000 2
	assert_limits 90000 0 1 3 4 5 6
	set_temp 2 69999
	assert_groups ready 2
	set_temp 2 70000
	assert_groups emergency 2
	assert_groups ready 0 1 3 4 5 6
	# raising the limit clears once the temperature is at or below
	# limit - hysteresis (evaluated at once)
	wrn "${GRP}2/thermal_limit" 74999
	assert_groups emergency 2
	wrn "${GRP}2/thermal_limit" 75000
	assert_groups ready 2
}

@test "a limit lowered to the current temperature trips at once; the 20 C floor and limit = threshold are accepted" {
	wrn "${GRP}0/thermal_limit" 45000
	assert_groups emergency 0
	wrn "${GRP}0/thermal_limit" 100000
	assert_groups ready 0
	assert_limits 100000 0
	wrn "${GRP}6/thermal_limit" 20000
	assert_limits 20000 6
	assert_groups emergency 6
	wrn "${DEV}8024/thermal_limit" 100000
	val "${DEV}8024/thermal_limit" 100000
}

# --- platform threshold ------------------------------------------------------------

@test "platform threshold: 100000 on g3 stops every device, quarantined untouched; clears at <= 95000" {
	activate_group 0
	activate_group 5
	# g3's own limit at the threshold, so only the platform rule is at work
	wrn "${GRP}3/thermal_limit" 100000
	set_temp 3 99999
	assert_groups active 0 5
	assert_groups ready 1 2 3 4 6
	set_temp 3 100000
	assert_groups emergency 0 1 2 3 4 5 6
	# only the active devices needed the firmware
	writes_are g0=2 g5=2
	val "$DSMIL_PDEV/active_count" 0
	val "$STATS/thermal_trips" 1
	pos_int "$(pstat last_stop_latency_ns)" last_stop_latency_ns
	set_temp 3 95001
	assert_groups emergency 0 1 2 3 4 5 6
	dsmil_sleep 0.2
	assert_groups emergency 0 1 2 3 4 5 6
	set_temp 3 95000
	assert_groups ready 0 1 2 3 4 5 6
	dsmil_sleep 0.3
	assert_groups ready 0 1 2 3 4 5 6
	writes_are g0=2 g5=2
	val "$STATS/thermal_trips" 1
}

@test "platform clear leaves the hot group held by its own limit until it cools below 85000" {
	set_temp 3 100000
	assert_groups emergency 0 1 2 3 4 5 6
	set_temp 3 95000
	assert_groups ready 0 1 2 4 5 6
	assert_groups emergency 3
	set_temp 3 85001
	assert_groups emergency 3
	set_temp 3 85000
	assert_groups ready 0 1 2 3 4 5 6
}

@test "platform: the hottest group counts: one group cooling while another is at the threshold holds all" {
	wrn "${GRP}3/thermal_limit" 100000
	wrn "${GRP}4/thermal_limit" 100000
	set_temp 3 100000
	set_temp 4 100000
	set_temp 3 45000
	assert_groups emergency 0 1 2 3 4 5 6
	set_temp 4 96000
	assert_groups emergency 0 1 2 3 4 5 6
	set_temp 4 95000
	assert_groups ready 0 1 2 3 4 5 6
}

@test "threshold lowered to the current temperature stops everything at once and clamps the limits" {
	activate_group 2
	wrn "$DSMIL_PDEV/thermal_threshold" 45000
	assert_groups emergency 0 1 2 3 4 5 6
	assert_limits 45000 0 1 2 3 4 5 6
	writes_are g2=2
	# raising it clears the platform trip, but the clamped limits (45000)
	# still hold every device: 45000 is not <= 45000 - 5000
	wrn "$DSMIL_PDEV/thermal_threshold" 100000
	assert_groups emergency 0 1 2 3 4 5 6
	assert_limits 45000 0 1 2 3 4 5 6
	local g
	for ((g = 0; g < 7; g++)); do wrn "$GRP$g/thermal_limit" 90000; done
	assert_groups ready 0 1 2 3 4 5 6
}

# --- clamping -------------------------------------------------------------------------

@test "lowering the threshold clamps limits above it; raising it back restores nothing" {
	wrn "${DEV}8000/thermal_limit" 80000
	wrn "${GRP}1/thermal_limit" 60000
	wrn "$DSMIL_PDEV/thermal_threshold" 70000
	val "$DSMIL_PDEV/thermal_threshold" 70000
	val "${DEV}8000/thermal_limit" 70000
	assert_limits 70000 0 2 3 4 5 6
	assert_limits 60000 1
	val "${GRP}0/thermal_limit" 70000
	val "${GRP}1/thermal_limit" 60000
	wrn "$DSMIL_PDEV/thermal_threshold" 100000
	val "$DSMIL_PDEV/thermal_threshold" 100000
	assert_limits 70000 0 2 3 4 5 6
	assert_limits 60000 1
	# the new ceiling applies to later writes
	wrn "${DEV}8000/thermal_limit" 100000
	val "${DEV}8000/thermal_limit" 100000
	expect_errno "$E_RANGE" "${DEV}8000/thermal_limit" '100001\n'
	# and a lowered one refuses what is above it
	wrn "$DSMIL_PDEV/thermal_threshold" 70000
	expect_errno "$E_RANGE" "${DEV}8001/thermal_limit" '70001\n'
	expect_errno "$E_RANGE" "${GRP}2/thermal_limit" '70001\n'
	wr "${GRP}2/thermal_limit" 70000
	assert_groups ready 0 1 2 3 4 5 6
}

@test "threshold range: 20000 and 150000 accepted, limits up to it" {
	wrn "$DSMIL_PDEV/thermal_threshold" 150000
	val "$DSMIL_PDEV/thermal_threshold" 150000
	wrn "${GRP}0/thermal_limit" 150000
	assert_limits 150000 0
	wrn "$DSMIL_PDEV/thermal_threshold" 20000
	val "$DSMIL_PDEV/thermal_threshold" 20000
	assert_limits 20000 0 1 2 3 4 5 6
	assert_groups emergency 0 1 2 3 4 5 6
}

# --- manual emergency stop ---------------------------------------------------------

@test "emergency_stop 1 stops every device at once, 0 returns them to ready" {
	activate_group 0
	activate_group 6
	wrn "$DSMIL_PDEV/emergency_stop" 1
	val "$DSMIL_PDEV/emergency_stop" 1
	assert_groups emergency 0 1 2 3 4 5 6
	writes_are g0=2 g6=2
	val "$STATS/emergency_stops" 1
	val "$STATS/thermal_trips" 0
	pos_int "$(pstat last_stop_latency_ns)" last_stop_latency_ns
	# writing the current value again is accepted and does nothing
	wrn "$DSMIL_PDEV/emergency_stop" 1
	val "$STATS/emergency_stops" 1
	wrn "$DSMIL_PDEV/emergency_stop" 0
	val "$DSMIL_PDEV/emergency_stop" 0
	assert_groups ready 0 1 2 3 4 5 6
	wr "$DSMIL_PDEV/emergency_stop" 0
	assert_groups ready 0 1 2 3 4 5 6
	dsmil_sleep 0.3
	assert_groups ready 0 1 2 3 4 5 6
	writes_are g0=2 g6=2
	# a second stop counts again
	wr "$DSMIL_PDEV/emergency_stop" 1
	val "$STATS/emergency_stops" 2
	assert_groups emergency 0 1 2 3 4 5 6
}

@test "manual stop while tripped: clearing it while g0 is still hot keeps g0 in emergency" {
	activate_group 1
	set_temp 0 90000
	assert_groups emergency 0
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_groups emergency 0 1 2 3 4 5 6
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_groups emergency 0
	assert_groups ready 1 2 3 4 5 6
	dsmil_sleep 0.2
	assert_groups emergency 0
	set_temp 0 85001
	assert_groups emergency 0
	set_temp 0 85000
	assert_groups ready 0 1 2 3 4 5 6
}

@test "thermal trip during a manual stop: cooling keeps emergency until the manual stop is cleared" {
	wrn "$DSMIL_PDEV/emergency_stop" 1
	set_temp 0 90000
	assert_groups emergency 0 1 2 3 4 5 6
	set_temp 0 45000
	assert_groups emergency 0 1 2 3 4 5 6
	dsmil_sleep 0.2
	assert_groups emergency 0 1 2 3 4 5 6
	val "$DSMIL_PDEV/emergency_stop" 1
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_groups ready 0 1 2 3 4 5 6
}

@test "manual stop, then trip, then clear the manual stop while hot: the hot group stays" {
	wrn "$DSMIL_PDEV/emergency_stop" 1
	set_temp 4 92000
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_groups emergency 4
	assert_groups ready 0 1 2 3 5 6
	set_temp 4 80000
	assert_groups ready 0 1 2 3 4 5 6
}

@test "platform trip and manual stop together: each clear alone is not enough" {
	set_temp 3 100000
	wrn "$DSMIL_PDEV/emergency_stop" 1
	set_temp 3 45000
	assert_groups emergency 0 1 2 3 4 5 6
	set_temp 3 100000
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_groups emergency 0 1 2 3 4 5 6
	set_temp 3 45000
	assert_groups ready 0 1 2 3 4 5 6
}

# --- refused while in emergency -----------------------------------------------------

@test "in emergency: state writes EBUSY, value writes EBUSY and nothing reaches the firmware, reads work" {
	activate 8000
	wr "${DEV}8000/value" 0x1234
	writes_are 8000=2
	set_temp 0 90000
	assert_state 8000 emergency
	assert_state 8001 emergency
	writes_are 8000=3
	local t f
	for t in 8000 8001; do
		for f in 'active' 'active\n' 'ready' 'ready\n' 'reset' 'reset\n'; do
			expect_errno "$E_BUSY" "$DEV$t/state" "$f"
		done
		expect_errno "$E_BUSY" "$DEV$t/value" '5\n'
		expect_errno "$E_BUSY" "$DEV$t/value" '0x1\n'
		assert_state "$t" emergency
	done
	# parse errors are still reported as such
	expect_errno "$E_INVAL" "${DEV}8000/state" 'bogus\n'
	# the quarantine rule comes first
	expect_errno "$E_PERM" "${DEV}8009/state" 'active\n'
	expect_errno "$E_PERM" "${DEV}8009/value" '1\n'
	assert_state 8009 quarantined
	# reads still reach the firmware and return the last value
	val "${DEV}8000/value" 0x00001234
	val "${DEV}8001/value" 0xd5008001
	# activation, value write, deactivation by the trip; nothing since
	writes_are 8000=3
	# statistics: 1 write, 1 read; 8001: 1 read
	assert_stats 8000 1 1 0 1
	assert_stats 8001 1 0 0 0
}

@test "in emergency: group requests refused with EBUSY and nothing changes" {
	activate 8005
	set_temp 0 90000
	expect_errno "$E_BUSY" "${GRP}0/state" 'active\n'
	expect_errno "$E_BUSY" "${GRP}0/state" 'ready\n'
	assert_groups emergency 0
	writes_are 8005=2
	# a group with no member in emergency still works
	activate_group 1
	# manual stop: every group refuses
	wrn "$DSMIL_PDEV/emergency_stop" 1
	local g
	for ((g = 0; g < 7; g++)); do
		expect_errno "$E_BUSY" "$GRP$g/state" 'active\n'
	done
	expect_errno "$E_BUSY" "${DEV}8030/state" 'active\n'
	assert_groups emergency 0 1 2 3 4 5 6
	writes_are 8005=2 g1=2
}

@test "a group with one member in emergency: active refused before any call, ready switches the rest off" {
	activate 801a
	wrn "${DEV}8018/thermal_limit" 40000      # g2: 8018 trips at 45000 on its own
	assert_state 8018 emergency
	assert_state 8019 quarantined
	assert_state 801a active
	assert_state 801b ready
	assert_group_state 2 emergency
	expect_errno "$E_BUSY" "${GRP}2/state" 'active\n'
	assert_state 801a active
	assert_state 801b ready
	writes_are 801a=1
	# "ready" is best effort (abi/sysfs-class-dsmil): every other member
	# is switched off, the one in emergency answers EBUSY
	expect_errno "$E_BUSY" "${GRP}2/state" 'ready\n'
	assert_state 801a ready
	assert_state 801b ready
	assert_state 8018 emergency
	writes_are 801a=2
}

@test "a firmware error on the stop leaves that device in error (unknown), never ready" {
	activate 8000
	activate 8001
	sim_fault "eio 1"
	set_temp 0 90000
	assert_state 8000 error
	assert_state 8001 emergency
	assert_group_state 0 emergency
	val "$DSMIL_SIM/fault" none
	run dmesg
	assert_output --partial "firmware did not confirm the stop"
	assert_equal "$(stat_of 8000 errors)" 1
	# 8000's failed deactivation never reached the firmware; 8001's did
	writes_are 8000=1 8001=2
	# cooling clears the emergency, not the unknown state
	set_temp 0 45000
	assert_state 8000 error
	assert_state 8001 ready
	wrn "${DEV}8000/state" reset
	assert_state 8000 ready
	writes_are 8000=2 8001=2
}

@test "a device in error (firmware state unknown) is switched off in firmware by a trip" {
	# make_error: active, then a value write fails -> "error"; the firmware
	# may still run the device (a reset deactivates it for that reason)
	make_error 8004
	writes_are 8004=1
	set_temp 0 90000
	assert_state 8004 emergency
	# the stop must not trust the unknown state: one deactivation
	writes_are 8004=2
	set_temp 0 45000
	assert_state 8004 ready
	writes_are 8004=2
}

@test "manual stop: a device in error is switched off in firmware too" {
	make_error 8030
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_state 8030 emergency
	writes_are 8030=2
}

@test "temperature reads are not firmware token calls: injected faults are not consumed" {
	sim_fault "eio 3"
	val "${GRP}0/temperature" 45000
	set_temp 0 60000
	val "${GRP}0/temperature" 60000
	dsmil_sleep 0.3   # monitor polls read every sensor
	val "$DSMIL_SIM/fault" "eio 3"
	assert_groups ready 0 1 2 3 4 5 6
}

@test "group temperature is a live reading of the sensor" {
	local g
	for ((g = 0; g < 7; g++)); do set_temp "$g" $((50000 + g * 1111)); done
	for ((g = 0; g < 7; g++)); do
		val "$GRP$g/temperature" $((50000 + g * 1111))
	done
	set_temp 6 -5000
	val "${GRP}6/temperature" -5000
	assert_groups ready 0 1 2 3 4 5 6
}

# --- module parameters ---------------------------------------------------------------

@test "thermal_threshold=80 at load: threshold 80000, limits 70000; 150 and 20 accepted" {
	dsmil_reload thermal_threshold=80
	val "$DSMIL_PDEV/thermal_threshold" 80000
	assert_limits 70000 0 1 2 3 4 5 6
	val "${GRP}0/thermal_limit" 70000
	expect_errno "$E_RANGE" "${DEV}8000/thermal_limit" '80001\n'
	dsmil_reload thermal_threshold=150
	val "$DSMIL_PDEV/thermal_threshold" 150000
	assert_limits 140000 0 1 2 3 4 5 6
	dsmil_reload thermal_threshold=20
	val "$DSMIL_PDEV/thermal_threshold" 20000
	assert_limits 10000 0 1 2 3 4 5 6
}

@test "thermal_threshold out of range or garbage fails the load" {
	dsmil_unload
	load_fails thermal_threshold=19
	load_fails thermal_threshold=151
	load_fails thermal_threshold=0
	load_fails thermal_threshold=-1
	load_fails thermal_threshold=abc
	run dmesg
	assert_output --partial "thermal_threshold=19"
	assert_output --partial "thermal_threshold=151"
}

@test "thermal_poll_ms: 5 and 20000 fail the load; 10 and 10000 load" {
	dsmil_unload
	load_fails thermal_poll_ms=5
	load_fails thermal_poll_ms=20000
	load_fails thermal_poll_ms=9
	load_fails thermal_poll_ms=10001
	load_fails thermal_poll_ms=0
	run dmesg
	assert_output --partial "thermal_poll_ms=5"
	assert_output --partial "thermal_poll_ms=20000"
	dsmil_load thermal_poll_ms=10
	val /sys/module/dsmil_sim/parameters/thermal_poll_ms 10
	set_temp 0 90000
	assert_groups emergency 0
	dsmil_reload thermal_poll_ms=10000
	val /sys/module/dsmil_sim/parameters/thermal_poll_ms 10000
	set_temp 0 90000
	assert_groups emergency 0
}

@test "a platform already hot at load: every eligible device starts in emergency, activate= refused" {
	dsmil_reload thermal_threshold=40 activate=0
	assert_groups emergency 0 1 2 3 4 5 6
	writes_are
	run dmesg
	assert_output --partial "activating group 0 failed"
	local g
	for ((g = 0; g < 7; g++)); do set_temp "$g" 25000; done
	assert_groups ready 0 1 2 3 4 5 6
	writes_are
}

# --- monitor and unload ----------------------------------------------------------------

@test "the monitor stops on unload while a group is near its limit (fast polling)" {
	local i
	for i in 1 2 3; do
		set_temp 0 88000
		dsmil_sleep 0.3
		assert_groups ready 0
		dsmil_unload
		! dsmil_loaded || fail "cycle $i: module still loaded"
		dsmil_load thermal_poll_ms=10
	done
	set_temp 1 89000
	dsmil_sleep 0.2
	dsmil_unload
	dsmil_sleep 0.3   # a work item left queued would now run on freed memory
	dmesg_check
}

@test "unload during an emergency (thermal and manual), reload starts clean" {
	activate_group 0
	set_temp 0 90000
	set_temp 3 100000
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_groups emergency 0 1 2 3 4 5 6
	dsmil_unload
	dsmil_load
	assert_groups ready 0 1 2 3 4 5 6
	val "$DSMIL_PDEV/emergency_stop" 0
	val "$DSMIL_SIM/temp_g0" 45000
	val "$DSMIL_SIM/temp_g3" 45000
	val "$STATS/thermal_trips" 0
	val "$STATS/max_stop_latency_ns" 0
	writes_are
}

@test "unload while limits, the manual stop and temperatures are written and read" {
	# sysfs only: an open debugfs file (sim/temp_g*) pins the module, so a
	# writer loop there would make rmmod fail with "in use" by design
	bash -c 'while :; do echo 45000 > "$1"; echo 90000 > "$1"; done 2>/dev/null' _ "${GRP}0/thermal_limit" &
	DSMIL_BG_PIDS="$!"
	bash -c 'while :; do cat "$1" "$2" "$3" >/dev/null; done 2>/dev/null' _ \
		"${GRP}1/temperature" "${GRP}1/thermal_limit" "${DEV}8000/state" &
	DSMIL_BG_PIDS+=" $!"
	bash -c 'while :; do echo 1 > "$1"; echo 0 > "$1"; done 2>/dev/null' _ "$DSMIL_PDEV/emergency_stop" &
	DSMIL_BG_PIDS+=" $!"
	set_temp 2 88000   # fast polling meanwhile
	dsmil_sleep 1
	dsmil_unload
	dsmil_sleep 0.3
	dsmil_kill_bg
	dmesg_check
}
