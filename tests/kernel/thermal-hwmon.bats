#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# hwmon (Documentation/thermal.rst, "hwmon"): one device named "dsmil" per
# instance, parent the platform device, temp1..temp7 = groups 0..6 with
# _input, _label, _max (writable: group limit, clamped to 0..threshold),
# _crit (threshold), _max_alarm, _crit_alarm; and what `sensors`
# (lm-sensors, from the host) shows of it.

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

# set_temp G MILLIDEG: the simulated sensor of group G (evaluated at once)
set_temp() { wrn "$DSMIL_SIM/temp_g$1" "$2"; }

# dsmil_hwmons -> the /sys/class/hwmon/hwmonN dirs whose name is dsmil
dsmil_hwmons() {
	local h n
	for h in /sys/class/hwmon/hwmon*; do
		[[ -r $h/name ]] || continue
		read -r n <"$h/name"
		[[ $n == dsmil ]] && printf '%s\n' "$h"
	done
	return 0
}

# HW: the single dsmil hwmon dir (fails the test if not exactly one)
find_hwmon() {
	local -a hs
	mapfile -t hs < <(dsmil_hwmons)
	[[ ${#hs[@]} -eq 1 ]] || fail "expected one hwmon device named dsmil, found ${#hs[@]}: ${hs[*]}"
	HW=${hs[0]}
}

# chan_vals ATTR -> values of tempN_ATTR for N = 1..7, space-separated
chan_vals() {
	local n out=
	for ((n = 1; n <= 7; n++)); do
		rd "$HW/temp${n}_$1"
		out+="$REPLY "
	done
	printf '%s' "${out% }"
}

# member_limits G -> the 12 device limits of group G, space-separated
member_limits() {
	local i t out=
	for ((i = 0; i < 12; i++)); do
		printf -v t '%04x' $((0x8000 + $1 * 12 + i))
		rd "$DSMIL_CLASS/dsmil0:$t/thermal_limit"
		out+="$REPLY "
	done
	printf '%s' "${out% }"
}

# repeat V N -> V repeated N times, space-separated
repeat() {
	local i out=
	for ((i = 0; i < $2; i++)); do out+="$1 "; done
	printf '%s' "${out% }"
}

# --- the device ---------------------------------------------------------------------

@test "one hwmon device named dsmil, child of the platform device dsmil.0" {
	find_hwmon
	local dev pdev
	resolve "$HW/device" && dev=$REPLY
	resolve "$DSMIL_PDEV" && pdev=$REPLY
	[[ -n $pdev ]] || fail "cannot resolve $DSMIL_PDEV"
	assert_equal "$dev" "$pdev"
	[[ -d $DSMIL_PDEV/hwmon/$(basename "$HW") ]] ||
		fail "$DSMIL_PDEV/hwmon/$(basename "$HW") does not exist"
}

@test "temp1..temp7 each have input, label, max, crit, max_alarm, crit_alarm; nothing else" {
	find_hwmon
	local n a
	for ((n = 1; n <= 7; n++)); do
		for a in input label max crit max_alarm crit_alarm; do
			[[ -f $HW/temp${n}_$a ]] || fail "missing $HW/temp${n}_$a"
		done
	done
	run bash -c 'cd "$1" && ls -1 | grep -E "^(temp|in|fan|power|curr|humidity|energy|pwm)[0-9]" | sort' _ "$HW"
	assert_success
	local want
	want=$(for ((n = 1; n <= 7; n++)); do
		for a in crit crit_alarm input label max max_alarm; do echo "temp${n}_$a"; done
	done | sort)
	assert_output "$want"
	# modes: only max is writable
	assert_equal "$(stat -c %a "$HW"/temp3_{input,label,max,crit,max_alarm,crit_alarm})" "444
444
644
444
444
444"
}

@test "defaults: labels group0..group6, input 45000, max 90000, crit 100000, alarms 0" {
	find_hwmon
	assert_equal "$(chan_vals label)" "group0 group1 group2 group3 group4 group5 group6"
	assert_equal "$(chan_vals input)" "$(repeat 45000 7)"
	assert_equal "$(chan_vals max)" "$(repeat 90000 7)"
	assert_equal "$(chan_vals crit)" "$(repeat 100000 7)"
	assert_equal "$(chan_vals max_alarm)" "$(repeat 0 7)"
	assert_equal "$(chan_vals crit_alarm)" "$(repeat 0 7)"
}

@test "input follows the group sensors" {
	find_hwmon
	local g
	for ((g = 0; g < 7; g++)); do set_temp "$g" $((40000 + g * 1234)); done
	assert_equal "$(chan_vals input)" "40000 41234 42468 43702 44936 46170 47404"
	set_temp 2 -1500
	assert_content "$HW/temp3_input" -1500
	assert_content "${GRP}2/temperature" -1500
}

@test "max write sets the limit of every member of the group and is evaluated at once" {
	find_hwmon
	wrn "$HW/temp2_max" 70000
	assert_content "$HW/temp2_max" 70000
	assert_content "${GRP}1/thermal_limit" 70000
	assert_equal "$(member_limits 1)" "$(repeat 70000 12)"
	assert_equal "$(member_limits 0)" "$(repeat 90000 12)"
	assert_equal "$(chan_vals max)" "90000 70000 90000 90000 90000 90000 90000"
	set_temp 1 70000
	assert_state 800c emergency
	assert_content "$HW/temp2_max_alarm" 1
	# lowering max to the current temperature trips at once
	wrn "$HW/temp5_max" 45000
	assert_state 8030 emergency
	# raising it clears once the temperature is hysteresis below
	wrn "$HW/temp5_max" 50000
	assert_state 8030 ready
}

@test "max is clamped to 20 C..threshold, not refused" {
	find_hwmon
	wrn "$HW/temp1_max" 150000
	assert_content "$HW/temp1_max" 100000
	assert_content "${GRP}0/thermal_limit" 100000
	wrn "$HW/temp1_max" 2147483647
	assert_content "$HW/temp1_max" 100000
	wrn "$DSMIL_PDEV/thermal_threshold" 80000
	assert_content "$HW/temp1_max" 80000
	wrn "$HW/temp1_max" 90000
	assert_content "$HW/temp1_max" 80000
	wrn "$HW/temp1_max" -1
	assert_content "$HW/temp1_max" 20000
	assert_equal "$(member_limits 0)" "$(repeat 20000 12)"
	assert_state 8000 emergency
}

@test "max: bad input -> EINVAL, limit unchanged" {
	find_hwmon
	local f=$HW/temp4_max x
	# (the hwmon core parses with kstrtol on the NUL-terminated buffer, so
	# an embedded NUL ends the number there: not checked for hwmon files)
	for x in '\n' ' ' 'foo' '0x10' '1e5' '85000 ' '85000x' '85000\n\n'; do
		expect_errno "$E_INVAL" "$f" "$x"
	done
	expect_errno_file "$E_INVAL" "$f" "$(junk_4k)"
	assert_content "$f" 90000
	assert_equal "$(member_limits 3)" "$(repeat 90000 12)"
}

@test "max reads the lowest member limit; crit follows the threshold" {
	find_hwmon
	wrn "${DEV}803a/thermal_limit" 66000
	assert_content "$HW/temp5_max" 66000
	wrn "$DSMIL_PDEV/thermal_threshold" 70000
	assert_equal "$(chan_vals crit)" "$(repeat 70000 7)"
	assert_equal "$(chan_vals max)" "70000 70000 70000 70000 66000 70000 70000"
	wrn "$DSMIL_PDEV/thermal_threshold" 120000
	assert_equal "$(chan_vals crit)" "$(repeat 120000 7)"
	assert_equal "$(chan_vals max)" "70000 70000 70000 70000 66000 70000 70000"
}

@test "alarms: max_alarm at input >= max, crit_alarm at input >= crit, per channel" {
	find_hwmon
	set_temp 0 89999
	assert_content "$HW/temp1_max_alarm" 0
	set_temp 0 90000
	assert_content "$HW/temp1_max_alarm" 1
	assert_content "$HW/temp1_crit_alarm" 0
	set_temp 0 99999
	assert_content "$HW/temp1_crit_alarm" 0
	set_temp 0 100000
	assert_equal "$(chan_vals max_alarm)" "1 0 0 0 0 0 0"
	assert_equal "$(chan_vals crit_alarm)" "1 0 0 0 0 0 0"
	# an alarm is about the temperature, not the emergency: at 85000 the
	# devices are still held but input < max
	set_temp 0 85000
	assert_state 8000 ready
	set_temp 0 90000
	set_temp 0 87000
	assert_state 8000 emergency
	assert_content "$HW/temp1_max_alarm" 0
	assert_content "$HW/temp1_crit_alarm" 0
	# alarm follows a changed max
	wrn "$HW/temp7_max" 45000
	assert_equal "$(chan_vals max_alarm)" "0 0 0 0 0 0 1"
	wrn "$HW/temp7_max" 45001
	assert_equal "$(chan_vals max_alarm)" "0 0 0 0 0 0 0"
}

# poll_file FILE TIMEOUT_MS OUT: background poller (POLLPRI, as for sysfs
# notifications); prints "ready" once armed, then "event" or "timeout".
poll_file() {
	# empty OUT first: a reused OUT still says "ready" from the last poller
	# until the background shell has opened it
	: >"$3"
	/usr/bin/python3 - "$1" "$2" >"$3" 2>&1 <<'EOF' &
import select, sys
f = open(sys.argv[1], "rb", buffering=0)
f.read()
p = select.poll()
p.register(f, select.POLLPRI | select.POLLERR)
print("ready", flush=True)
ev = p.poll(int(sys.argv[2]))
print("event" if ev else "timeout", flush=True)
EOF
	DSMIL_BG_PIDS="${DSMIL_BG_PIDS:-} $!"
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q ready "$3" 2>/dev/null && return 0
		dsmil_sleep 0.05
	done
	fail "poller did not start: $(cat "$3")"
}

@test "alarm changes wake poll() on the alarm file; other channels stay quiet" {
	[[ -x /usr/bin/python3 ]] || skip "no /usr/bin/python3 in the guest"
	find_hwmon
	local a=$BATS_TEST_TMPDIR/a c=$BATS_TEST_TMPDIR/c o=$BATS_TEST_TMPDIR/o
	poll_file "$HW/temp1_max_alarm" 10000 "$a"
	poll_file "$HW/temp1_crit_alarm" 10000 "$c"
	poll_file "$HW/temp2_max_alarm" 1000 "$o"
	set_temp 0 100000
	wait
	DSMIL_BG_PIDS=
	assert_equal "$(tail -n1 "$a")" event
	assert_equal "$(tail -n1 "$c")" event
	assert_equal "$(tail -n1 "$o")" timeout
	# and when the alarm goes away
	poll_file "$HW/temp1_max_alarm" 10000 "$a"
	set_temp 0 45000
	wait
	DSMIL_BG_PIDS=
	assert_equal "$(tail -n1 "$a")" event
}

@test "hwmon device goes away on unload and comes back on load" {
	find_hwmon
	dsmil_unload
	assert_equal "$(dsmil_hwmons)" ""
	dsmil_load
	find_hwmon
	assert_content "$HW/temp7_label" group6
}

@test "hwmon reads during unload are safe" {
	find_hwmon
	bash -c 'while :; do cat "$1"/temp*_input "$1"/temp*_max_alarm >/dev/null; done 2>/dev/null' _ "$HW" &
	DSMIL_BG_PIDS=$!
	bash -c 'while :; do echo 80000 > "$1"; done 2>/dev/null' _ "$HW/temp1_max" &
	DSMIL_BG_PIDS+=" $!"
	dsmil_sleep 0.5
	dsmil_unload
	# shellcheck disable=SC2086
	kill $DSMIL_BG_PIDS 2>/dev/null || true
	# shellcheck disable=SC2086
	wait $DSMIL_BG_PIDS 2>/dev/null || true
	DSMIL_BG_PIDS=
	dmesg_check
}

# --- sensors ------------------------------------------------------------------------

need_sensors() {
	command -v sensors >/dev/null ||
		skip "sensors (Debian package lm-sensors) is not installed on the host"
}

@test "sensors shows seven temperatures labelled group0..group6 with high and crit" {
	need_sensors
	run sensors 'dsmil-*'
	assert_success
	assert_line --regexp '^dsmil-'
	local g
	for ((g = 0; g < 7; g++)); do
		assert_line --regexp "^group$g: +\+45\.0°C +\(high = \+90\.0°C, crit = \+100\.0°C\)\$"
	done
	assert_equal "$(grep -c '^group[0-9]*:' <<<"$output")" 7
	# `sensors` with no chip argument lists it too
	run sensors
	assert_success
	assert_line --regexp '^group6: +\+45\.0°C'
}

@test "sensors follows temperatures, limits and alarms" {
	need_sensors
	set_temp 2 91500
	wrn "${GRP}4/thermal_limit" 70000
	set_temp 5 100000
	run sensors 'dsmil-*'
	assert_success
	assert_line --regexp '^group2: +\+91\.5°C +\(high = \+90\.0°C, crit = \+100\.0°C\) +ALARM \(HIGH\)$'
	assert_line --regexp '^group4: +\+45\.0°C +\(high = \+70\.0°C, crit = \+100\.0°C\)$'
	assert_line --regexp '^group5: +\+100\.0°C +\(high = \+90\.0°C, crit = \+100\.0°C\) +ALARM \(HIGH, CRIT\)$'
	assert_line --regexp '^group0: +\+45\.0°C +\(high = \+90\.0°C, crit = \+100\.0°C\)$'
	# raw values
	run sensors -u 'dsmil-*'
	assert_success
	assert_line --regexp '^ +temp3_input: 91\.500$'
	assert_line --regexp '^ +temp5_max: 70\.000$'
	assert_line --regexp '^ +temp6_crit_alarm: 1\.000$'
	assert_line --regexp '^ +temp6_max_alarm: 1\.000$'
	assert_line --regexp '^ +temp1_max_alarm: 0\.000$'
}

@test "a limit written through hwmon is what sensors reads" {
	need_sensors
	find_hwmon
	wrn "$HW/temp6_max" 61000
	run sensors -u 'dsmil-*'
	assert_success
	assert_line --regexp '^ +temp6_max: 61\.000$'
	assert_content "${GRP}5/thermal_limit" 61000
}
