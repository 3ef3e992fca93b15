#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# One JSON schema across dsmilctl's commands (dsmilctl(8), OPTIONS,
# --json), checked with jq on the fake tree under dash and bash: the keys
# of every command, "instance" a number everywhere, one key for a thermal
# limit (thermal_limit_mc) whether of a device or of a group, and ISO 8601
# times with their zone in `watch --json`.

load helpers

setup_file() { host_setup_file; }
teardown_file() { host_teardown_file; }
setup() { fresh; }

# keys CMD...: every key path of the JSON output of dsmilctl CMD (array
# indexes as []), sorted, one per line
keys() {
	local sh=$1
	shift
	run --separate-stderr "$sh" "$DSMILCTL" "$@"
	[[ $status == 0 || $status == 8 ]] || fail "dsmilctl $*: exit $status: $stderr"
	jq -r '[paths | map(if type == "number" then "[]" else . end) | join(".")] | unique | .[]' <<<"$output"
}

@test "json: every command's keys, as documented" {
	local sh
	for sh in $SHELLS; do
		fresh
		dev 8003 state error
		run keys "$sh" list --json
		assert_output "[]
[].group
[].instance
[].name
[].quarantined
[].state
[].token"
		run keys "$sh" show 8000 --json
		assert_output "group
index
instance
name
quarantined
registers
state
statistics
statistics.activations
statistics.errors
statistics.reads
statistics.writes
thermal_limit_mc
token"
		run keys "$sh" show g0 --json
		assert_output "active_count
device_count
devices
devices.[]
group
instance
name
state
temperature_mc
thermal_limit_mc"
		run keys "$sh" thermal --json
		assert_output "emergency_stop
groups
groups.[]
groups.[].alarm
groups.[].critical
groups.[].group
groups.[].name
groups.[].temperature_mc
groups.[].thermal_limit_mc
hysteresis_mc
instance
threshold_mc"
		run keys "$sh" status --json
		assert_output "active_count
backend
device_count
emergency_stop
group_count
groups
groups.[]
groups.[].active_count
groups.[].alarm
groups.[].device_count
groups.[].group
groups.[].name
groups.[].state
groups.[].temperature_mc
groups.[].thermal_limit_mc
hysteresis_mc
instance
notes
notes.[]
notes.[].fix
notes.[].kind
notes.[].message
problems
problems.[]
problems.[].fix
problems.[].kind
problems.[].message
states
states.absent
states.active
states.emergency
states.error
states.quarantined
states.ready
statistics
statistics.emergency_stops
statistics.last_stop_latency_ns
statistics.max_stop_latency_ns
statistics.thermal_trips
threshold_mc"
		run keys "$sh" instance list --json
		assert_output "[]
[].backend
[].devices_per_group
[].enabled
[].groups
[].instance
[].name
[].token_base"
	done
}

@test "json: every key is documented in dsmilctl(8)" {
	local man k
	man=$(sed -n '/^\.BR \\-\\-json/,/^\.BR \\-h/p' "$REPO/userspace/man/dsmilctl.8")
	for k in name instance token group state quarantined index registers statistics reads writes \
		errors activations thermal_limit_mc device_count active_count temperature_mc devices \
		threshold_mc hysteresis_mc emergency_stop groups alarm critical backend group_count \
		problems notes kind message fix states absent ready active error emergency \
		thermal_trips emergency_stops last_stop_latency_ns max_stop_latency_ns enabled \
		devices_per_group token_base time uptime event; do
		grep -qE "(^|[{ ,[])$k([]},[{ ;]|$)" <<<"$man" ||
			fail "key $k is not in the --json section of dsmilctl.8"
	done
	run grep -E '(^|[^_])limit_mc' <<<"$man"
	assert_output ""
}

@test "json: instance is a number in every command, and the same one" {
	local sh
	for sh in $SHELLS; do
		fresh
		fake_instance "$S" 2 2 4 0x9000
		run --separate-stderr "$sh" "$DSMILCTL" -i 2 list --json
		run jq -c '[.[].instance] | unique' <<<"$output"
		assert_output '[2]'
		local c
		for c in "show dsmil2:9000" "show dsmil2:g1" "status" "thermal"; do
			# shellcheck disable=SC2086
			run --separate-stderr "$sh" "$DSMILCTL" -i 2 $c --json
			run jq -c '.instance' <<<"$output"
			assert_output 2
		done
		run --separate-stderr "$sh" "$DSMILCTL" instance list --json
		run jq -c '[.[].instance]' <<<"$output"
		assert_output '[0,2]'
	done
}

@test "json: a thermal limit is thermal_limit_mc for a device and a group, nowhere limit_mc" {
	local sh
	for sh in $SHELLS; do
		fresh
		dev 8000 thermal_limit 85000
		grp 0 thermal_limit 85000
		run --separate-stderr "$sh" "$DSMILCTL" show 8000 --json
		run jq '.thermal_limit_mc' <<<"$output"
		assert_output 85000
		run --separate-stderr "$sh" "$DSMILCTL" show g0 --json
		run jq '.thermal_limit_mc' <<<"$output"
		assert_output 85000
		run --separate-stderr "$sh" "$DSMILCTL" status --json
		run jq '.groups[0].thermal_limit_mc' <<<"$output"
		assert_output 85000
		run --separate-stderr "$sh" "$DSMILCTL" thermal --json
		run jq '.groups[0].thermal_limit_mc' <<<"$output"
		assert_output 85000
	done
}

@test "json: watch time is ISO 8601 with milliseconds and the zone, the right instant" {
	local sh tz t want got
	for sh in $SHELLS; do
		fresh
		events_file
		for tz in UTC Asia/Kolkata America/St_Johns; do
			TZ=$tz run --separate-stderr "$sh" "$DSMILCTL" watch --json
			assert_success
			run jq -r '.time' <<<"$output"
			assert_line --index 0 --regexp '^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.250[+-][0-9]{2}:[0-9]{2}$'
			assert_line --index 1 --regexp '\.500[+-][0-9]{2}:[0-9]{2}$'
			t=${lines[0]}
			case $tz in
			UTC) [[ $t == *+00:00 ]] || fail "$tz: $t" ;;
			Asia/Kolkata) [[ $t == *+05:30 ]] || fail "$tz: $t" ;;
			America/St_Johns) [[ $t == *-0[23]:30 ]] || fail "$tz: $t" ;;
			esac
			# the instant: boot time + 1000.25 s, within 2 s
			want=$(($(date +%s) - $(cut -d. -f1 /proc/uptime) + 1000))
			got=$(date -d "$t" +%s)
			((got - want <= 2 && want - got <= 2)) || fail "$tz: $t is $got, want about $want"
		done
	done
}
