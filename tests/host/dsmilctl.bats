#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dsmilctl on the fake tree (fixture.bash): every subcommand, its output
# and what it writes, under dash and bash.  Error mapping: errors.bats;
# metrics: metrics.bats.

load helpers

setup_file() { host_setup_file; }
teardown_file() { host_teardown_file; }
setup() { fresh; }

COMMANDS="list status doctor show get set activate deactivate reset thermal stop resume watch instance metrics sim help"

# ---------------------------------------------------------------------------
# help, version, usage

@test "--version prints the version" {
	for sh in $SHELLS; do
		dsm "$sh" --version
		assert_success
		assert_output --regexp '^dsmilctl [0-9]+\.[0-9]+\.[0-9]+$'
	done
}

@test "--help lists every command and the exit codes" {
	for sh in $SHELLS; do
		dsm "$sh" --help
		assert_success
		local c
		for c in $COMMANDS; do
			assert_output --partial "  $c"
		done
		for c in 0 1 2 3 4 5 6 7; do
			assert_line --regexp "^  $c  [a-z]"
		done
		assert_output --partial DSMIL_SYSFS
		local main=$output
		dsm "$sh" help
		assert_success
		assert_equal "$output" "$main"
	done
}

@test "every command has --help" {
	local c
	for sh in $SHELLS; do
		for c in $COMMANDS; do
			dsm "$sh" "$c" --help
			assert_success
			[[ ${lines[0]} == "Usage: dsmilctl "*"$c"* ]] || fail "$c --help: ${lines[0]}"
			assert_equal "$stderr" ""
			local h=$output
			dsm "$sh" help "$c"
			assert_success
			assert_equal "$output" "$h"
		done
	done
}

@test "usage errors: exit 2, a hint, nothing on stdout" {
	for sh in $SHELLS; do
		dsm "$sh"
		fails 2 "no command given"
		dsm "$sh" frobnicate
		fails 2 "unknown command 'frobnicate'"
		dsm "$sh" --frob list
		fails 2 "unknown option '--frob'"
		dsm "$sh" -i x list
		fails 2 "-i wants an instance number"
		dsm "$sh" help nosuch
		fails 2 "no command 'nosuch'"
		dsm "$sh" list extra
		fails 2 "list: unknown argument 'extra'"
		dsm "$sh" get --json 8000
		fails 2 "--json is not supported by get"
		dsm "$sh" list --count 3
		fails 2 "--count is an option of watch"
		dsm "$sh" set 8000
		fails 2 "set: wants DEV and VALUE"
		dsm "$sh" show
		fails 2 "show: wants one DEV or GROUP"
	done
}

@test "device arguments: 8000, 0x8000, 0X800A, dsmil0:8000, 08000; bad ones are usage errors" {
	for sh in $SHELLS; do
		local a
		for a in 8000 0x8000 0X8000 dsmil0:8000 08000 dsmil0:0x8000; do
			dsm "$sh" show "$a"
			assert_success
			assert_line --index 0 dsmil0:8000
		done
		dsm "$sh" show 0X800A
		assert_success
		assert_line --index 0 dsmil0:800a
		for a in zz 12345 0x 8000x dsmilx:8000 -; do
			dsm "$sh" show "$a"
			assert_failure 2
			assert_output ""
		done
		dsm "$sh" show 9999
		fails 3 "no device with token 0x9999 on dsmil.0"
	done
}

@test "group arguments: g0, G1, dsmil0:g2; bad ones are usage errors" {
	for sh in $SHELLS; do
		dsm "$sh" show g0
		assert_line --index 0 dsmil0:g0
		dsm "$sh" show G1
		assert_line --index 0 dsmil0:g1
		dsm "$sh" show dsmil0:g2
		assert_line --index 0 dsmil0:g2
		dsm "$sh" show gx
		fails 2 "not a group: 'gx'"
		dsm "$sh" show g9
		fails 3 "no group g9 on dsmil.0"
	done
}

@test "-i picks the instance; a dsmilN: prefix wins; a missing one is exit 3" {
	for sh in $SHELLS; do
		fresh
		fake_instance "$S" 1 3 4 0x9000
		dsm "$sh" -i 1 list
		assert_success
		assert_equal "${#lines[@]}" 13
		assert_line --index 1 --regexp '^dsmil1:9000 +0x9000 +g0 +ready +no$'
		dsm "$sh" -i1 show 9001
		assert_line --index 0 dsmil1:9001
		dsm "$sh" --instance=1 show g2
		assert_line --index 0 dsmil1:g2
		dsm "$sh" -i 0 show dsmil1:900b
		assert_line --index 0 dsmil1:900b
		dsm "$sh" -i 5 list
		fails 3 "no DSMIL instance dsmil.5"
		dsm "$sh" show dsmil7:8000
		fails 3 "no DSMIL instance dsmil.7"
	done
}

@test "no module: every reading command says so (exit 3)" {
	for sh in $SHELLS; do
		fresh
		rm -rf "$S/class/dsmil" "$S/devices/platform/dsmil.0"
		local c
		for c in list status thermal "show 8000" "get 8000" "activate g0" stop "instance list"; do
			# shellcheck disable=SC2086
			dsm "$sh" $c
			fails 3 "is the dsmil-84dev module loaded? without DSMIL hardware: modprobe dsmil-sim"
		done
	done
}

@test "driver loaded, no instance (no DSMIL firmware): the hint names dsmil-sim (exit 3)" {
	for sh in $SHELLS; do
		fresh
		rm -rf "$S/devices/platform/dsmil.0" "$S"/class/dsmil/*
		local c
		for c in list status thermal "show 8000" "get 8000" "activate g0" stop; do
			# shellcheck disable=SC2086
			dsm "$sh" $c
			fails 3 "no DSMIL instance: no DSMIL firmware found (the simulated platform: modprobe dsmil-sim)"
		done
		fake_instance "$S" 1 2 4 0x9000
		dsm "$sh" list
		fails 3 "no DSMIL instance dsmil.0 ('dsmilctl instance list' shows them)"
	done
}

# ---------------------------------------------------------------------------
# list

@test "list: a header and one line per device, in token order" {
	for sh in $SHELLS; do
		dsm "$sh" list
		assert_success
		assert_equal "$stderr" ""
		assert_equal "${#lines[@]}" 85
		assert_line --index 0 --regexp '^DEVICE +TOKEN +GROUP +STATE +QUARANTINED$'
		assert_line --index 1 --regexp '^dsmil0:8000  0x8000  g0     ready        no$'
		assert_line --index 10 --regexp '^dsmil0:8009  0x8009  g0     quarantined  yes$'
		assert_line --index 26 --regexp '^dsmil0:8019  0x8019  g2     quarantined  yes$'
		assert_line --index 84 --regexp '^dsmil0:8053  0x8053  g6     ready        no$'
		[[ $(grep -c ' yes$' <<<"$output") == 5 ]]
	done
}

@test "list shows the states sysfs reports" {
	for sh in $SHELLS; do
		fresh
		dev 8000 state active
		dev 8001 state error
		dev 8002 state emergency
		dev 8003 state absent
		dsm "$sh" list
		assert_line --index 1 --regexp '^dsmil0:8000 .* active +no$'
		assert_line --index 2 --regexp '^dsmil0:8001 .* error +no$'
		assert_line --index 3 --regexp '^dsmil0:8002 .* emergency +no$'
		assert_line --index 4 --regexp '^dsmil0:8003 .* absent +no$'
	done
}

@test "list --json: valid JSON, 84 objects, stable keys and types" {
	for sh in $SHELLS; do
		dsm "$sh" list --json
		assert_success
		run jq -e 'length == 84' <<<"$output"
		assert_success
		dsm "$sh" --json list
		run jq -c '[.[] | keys] | unique' <<<"$output"
		assert_output '[["group","instance","name","quarantined","state","token"]]'
		dsm "$sh" -j list
		run jq -c '.[9], .[83]' <<<"$output"
		assert_line --index 0 '{"name":"dsmil0:8009","instance":0,"token":"0x8009","group":0,"state":"quarantined","quarantined":true}'
		assert_line --index 1 '{"name":"dsmil0:8053","instance":0,"token":"0x8053","group":6,"state":"ready","quarantined":false}'
	done
}

@test "list --json stays valid with odd attribute contents" {
	for sh in $SHELLS; do
		fresh
		dev 8000 state 'we"ird\state'
		rm "$C/dsmil0:8001/group"
		dsm "$sh" list --json
		assert_success
		run jq -c '.[0].state, .[1].group' <<<"$output"
		assert_line --index 0 '"we\"ird\\state"'
		assert_line --index 1 null
	done
}

# ---------------------------------------------------------------------------
# status

@test "status: backend, counts by state, emergency flag, thermal table" {
	for sh in $SHELLS; do
		fresh
		dev 8000 state active
		dev 8001 state active
		dev 8002 state error
		put devices/platform/dsmil.0/active_count 2
		grp 3 temperature 95000
		put devices/platform/dsmil.0/emergency_stop 1
		put devices/platform/dsmil.0/statistics/thermal_trips 3
		dsm "$sh" status
		# the problems first (exit 8), then the note, then the summary
		assert_failure 8
		assert_line --index 0 "problem: 1 device in state error (a firmware call failed): 0x8002; fix: reset each one: dsmilctl reset 0x8002"
		assert_line --index 1 "problem: emergency stop engaged: 0 devices stopped, requests refused; fix: release it: dsmilctl resume"
		assert_line --index 2 --partial "note: simulated platform"
		assert_line --index 3 "dsmil.0: backend sim, 7 groups, 84 devices, 2 active"
		assert_line --index 4 "states: 2 active, 76 ready, 1 error, 0 emergency, 5 quarantined, 0 absent"
		assert_line --index 5 "emergency stop: ON"
		assert_line --index 6 --partial "threshold 100.0C, hysteresis 5.0C, 3 trips"
		assert_line --index 7 --regexp '^  GROUP +STATE +ACTIVE +TEMP +LIMIT +ALARM$'
		assert_line --index 8 --regexp '^  g0 +ready +0/12 +45\.0C +90\.0C +-$'
		assert_line --index 11 --regexp '^  g3 +ready +0/12 +95\.0C +90\.0C +limit$'
		assert_equal "${#lines[@]}" 15
	done
}

@test "status --json: valid, stable keys, numbers" {
	for sh in $SHELLS; do
		fresh
		dev 8000 state active
		dev 8004 state emergency
		dev 8005 state absent
		grp 6 temperature 100000
		dsm "$sh" status --json
		assert_failure 8
		run jq -c 'keys' <<<"$output"
		assert_output '["active_count","backend","device_count","emergency_stop","group_count","groups","hysteresis_mc","instance","notes","problems","states","statistics","threshold_mc"]'
		dsm "$sh" status --json
		run jq -c '.states, .groups[6], .statistics, .emergency_stop, .instance, .threshold_mc' <<<"$output"
		assert_line --index 0 '{"absent":1,"ready":76,"active":1,"error":0,"quarantined":5,"emergency":1}'
		assert_line --index 1 '{"name":"dsmil0:g6","group":6,"state":"ready","active_count":0,"device_count":12,"temperature_mc":100000,"thermal_limit_mc":90000,"alarm":true}'
		assert_line --index 2 '{"thermal_trips":0,"emergency_stops":0,"last_stop_latency_ns":0,"max_stop_latency_ns":0}'
		assert_line --index 3 false
		assert_line --index 4 0
		assert_line --index 5 100000
	done
}

# ---------------------------------------------------------------------------
# show

@test "show DEV: every attribute, no firmware read" {
	for sh in $SHELLS; do
		fresh
		dev 8019 thermal_limit 85500
		dev 8019/statistics reads 7
		dsm "$sh" show 0x8019
		assert_success
		assert_output "dsmil0:8019
  token:          0x8019
  group:          g2 (index 1)
  state:          quarantined
  quarantined:    yes
  thermal limit:  85.5C (85500 millidegrees)
  registers:      4096-byte window (file registers)
  statistics:     7 reads, 0 writes, 0 errors, 0 activations"
		assert_equal "$(dd_calls)" 0
	done
}

@test "show DEV --json: valid, stable keys" {
	for sh in $SHELLS; do
		fresh
		rm "$C/dsmil0:8001/registers"
		dsm "$sh" show 8001 --json
		assert_success
		assert_output '{"name":"dsmil0:8001","instance":0,"token":"0x8001","group":0,"index":1,"state":"ready","quarantined":false,"thermal_limit_mc":90000,"registers":false,"statistics":{"reads":0,"writes":0,"errors":0,"activations":0}}'
		run jq -e . <<<"$output"
		assert_success
	done
}

@test "show GROUP: state, counts, temperature, members" {
	for sh in $SHELLS; do
		dsm "$sh" show g1
		assert_success
		assert_line --index 0 dsmil0:g1
		assert_line --index 1 --regexp 'state: +ready$'
		assert_line --index 2 --regexp 'devices: +12 \(0 active\)$'
		assert_line --index 3 --regexp 'temperature: +46\.0C$'
		assert_line --index 5 --regexp 'members: +800c 800d 800e 800f 8010 8011 8012 8013 8014 8015 8016 8017$'
		dsm "$sh" show dsmil0:g1 --json
		run jq -c '[.name, .group, .state, .device_count, .active_count, .temperature_mc, .thermal_limit_mc, (.devices|length), .devices[0]]' <<<"$output"
		assert_output '["dsmil0:g1",1,"ready",12,0,46000,90000,12,"dsmil0:800c"]'
	done
}

# ---------------------------------------------------------------------------
# get, set, activate, deactivate, reset

@test "get: the value, through one dd read" {
	for sh in $SHELLS; do
		fresh
		dsm "$sh" get 800a
		assert_success
		assert_output 0xd500800a
		assert_equal "$(dd_calls)" 1
		dsm "$sh" get g0
		fails 2 "a group has no value"
	done
}

@test "set: writes VALUE and a newline to value, in one dd write" {
	for sh in $SHELLS; do
		fresh
		dsm "$sh" set 8000 0x1234abcd
		assert_success
		assert_output ""
		assert_equal "$stderr" ""
		assert_equal "$(content "$C/dsmil0:8000/value")" '0x1234abcd\n|'
		dsm "$sh" set dsmil0:8001 42
		assert_equal "$(content "$C/dsmil0:8001/value")" '42\n|'
		assert_equal "$(dd_calls)" 2
		grep -q 'conv=nocreat' "$W/dd.log"
	done
}

@test "activate / deactivate / reset write the request words" {
	for sh in $SHELLS; do
		fresh
		dsm "$sh" activate 8000
		assert_success
		assert_output ""
		assert_equal "$(content "$C/dsmil0:8000/state")" 'active\n|'
		dsm "$sh" deactivate 0x8001
		assert_equal "$(content "$C/dsmil0:8001/state")" 'ready\n|'
		dsm "$sh" reset 8002
		assert_equal "$(content "$C/dsmil0:8002/state")" 'reset\n|'
		dsm "$sh" activate g1
		assert_equal "$(content "$C/dsmil0:g1/state")" 'active\n|'
		dsm "$sh" deactivate dsmil0:g2
		assert_equal "$(content "$C/dsmil0:g2/state")" 'ready\n|'
		dsm "$sh" reset g0
		fails 2 "a group can not be reset"
		assert_equal "$(content "$C/dsmil0:g0/state")" 'ready\n|'
		dsm "$sh" activate
		fails 2 "activate: wants one DEV or GROUP"
	done
}

@test "a write to a device that vanished: exit 3, nothing created" {
	for sh in $SHELLS; do
		fresh
		rm "$C/dsmil0:8000/state"
		dsm "$sh" activate 8000
		fails 3 "0x8000: state does not exist"
		[[ ! -e $C/dsmil0:8000/state ]]
	done
}

# ---------------------------------------------------------------------------
# thermal

@test "thermal: table with limit and critical alarms" {
	for sh in $SHELLS; do
		fresh
		grp 2 temperature 90000
		grp 3 temperature 101500
		grp 4 thermal_limit 80000
		put devices/platform/dsmil.0/thermal_hysteresis 2500
		dsm "$sh" thermal
		assert_success
		assert_line --index 0 --regexp '^GROUP +TEMP +LIMIT +ALARM$'
		assert_line --index 1 --regexp '^g0 +45\.0C +90\.0C +-$'
		assert_line --index 3 --regexp '^g2 +90\.0C +90\.0C +limit$'
		assert_line --index 4 --regexp '^g3 +101\.5C +90\.0C +critical$'
		assert_line --index 5 --regexp '^g4 +49\.0C +80\.0C +-$'
		assert_line --index 8 "threshold 100.0C, hysteresis 2.5C, emergency stop off"
	done
}

@test "thermal --json: valid, stable keys" {
	for sh in $SHELLS; do
		fresh
		grp 3 temperature 101500
		dsm "$sh" thermal --json
		assert_success
		run jq -c 'keys, .groups[3], (.groups|length)' <<<"$output"
		assert_line --index 0 '["emergency_stop","groups","hysteresis_mc","instance","threshold_mc"]'
		assert_line --index 1 '{"name":"dsmil0:g3","group":3,"temperature_mc":101500,"thermal_limit_mc":90000,"alarm":true,"critical":true}'
		assert_line --index 2 7
	done
}

@test "thermal set: devices, groups, threshold, hysteresis; C suffix" {
	for sh in $SHELLS; do
		fresh
		dsm "$sh" thermal set 8000 85000
		assert_success
		assert_equal "$(content "$C/dsmil0:8000/thermal_limit")" '85000\n|'
		dsm "$sh" thermal set g1 85C
		assert_equal "$(content "$C/dsmil0:g1/thermal_limit")" '85000\n|'
		dsm "$sh" thermal set dsmil0:8002 85.5C
		assert_equal "$(content "$C/dsmil0:8002/thermal_limit")" '85500\n|'
		dsm "$sh" thermal set 8003 0.05c
		assert_equal "$(content "$C/dsmil0:8003/thermal_limit")" '50\n|'
		dsm "$sh" thermal set 8004 -5000
		assert_equal "$(content "$C/dsmil0:8004/thermal_limit")" '-5000\n|'
		dsm "$sh" thermal set threshold 95C
		assert_equal "$(content "$P/thermal_threshold")" '95000\n|'
		dsm "$sh" thermal set hysteresis 2000
		assert_equal "$(content "$P/thermal_hysteresis")" '2000\n|'
	done
}

@test "thermal set: malformed temperatures are refused before any write" {
	for sh in $SHELLS; do
		fresh
		local v
		for v in abc 85.1234C C 8.5.1C 1e3 ''; do
			dsm "$sh" thermal set 8000 "$v"
			fails 7 "not a temperature"
		done
		dsm "$sh" thermal set 8000
		fails 2 "'thermal set' wants TARGET and MILLIDEG"
		dsm "$sh" thermal frob
		fails 2 "unknown argument 'frob'"
		assert_equal "$(dd_calls)" 0
	done
}

# ---------------------------------------------------------------------------
# stop, resume

@test "stop and resume write emergency_stop" {
	for sh in $SHELLS; do
		fresh
		dsm "$sh" stop
		assert_success
		assert_equal "$(content "$P/emergency_stop")" '1\n|'
		dsm "$sh" resume
		assert_success
		assert_equal "$stderr" ""
		assert_equal "$(content "$P/emergency_stop")" '0\n|'
		dsm "$sh" stop now
		fails 2 "stop: takes no arguments"
	done
}

@test "resume reports devices still held by temperature" {
	for sh in $SHELLS; do
		fresh
		dev 8000 state emergency
		dev 8001 state emergency
		dsm "$sh" resume
		assert_success
		assert_output ""
		assert_equal "$stderr" "dsmilctl: dsmil.0: emergency stop released; 2 devices are still held by temperature (see 'dsmilctl thermal')"
	done
}

# ---------------------------------------------------------------------------
# watch (the fake udevadm replays events in udevadm's format)

# events_file: see helpers.bash

@test "watch: one line per dsmil event, others ignored" {
	for sh in $SHELLS; do
		fresh
		events_file
		dsm "$sh" watch
		assert_success
		assert_equal "${#lines[@]}" 4
		assert_line --index 0 --regexp '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.250 dsmil0:8000 change state=active$'
		assert_line --index 1 --regexp '^[0-9:]+\.500 dsmil0:8000 thermal_trip state=emergency temp=95\.5C$'
		assert_line --index 2 --regexp '^[0-9:]+\.000 dsmil\.1 emergency_stop$'
		assert_line --index 3 --regexp '^[0-9:]+\.000 dsmil\.2 add$'
		assert_equal "$stderr" "dsmilctl: watching dsmil events (udevadm monitor --udev; interrupt to stop)"
		run cat "$W/udev.args"
		assert_output "monitor --udev --property --subsystem-match=dsmil --subsystem-match=platform"
	done
}

@test "watch: the time of day follows the event stamps" {
	for sh in $SHELLS; do
		fresh
		events_file
		dsm "$sh" watch --count 2
		local t0=${lines[0]%% *} t1=${lines[1]%% *} s0 s1
		s0=$((10#${t0:0:2} * 3600 + 10#${t0:3:2} * 60 + 10#${t0:6:2}))
		s1=$((10#${t1:0:2} * 3600 + 10#${t1:3:2} * 60 + 10#${t1:6:2}))
		(( (s1 - s0 + 86400) % 86400 == 1 ))
	done
}

@test "watch --count N stops after N events and ends the monitor" {
	for sh in $SHELLS; do
		fresh
		events_file
		export FAKE_UDEV_LINGER=30
		TMPDIR=$W dsm "$sh" watch --count 2
		assert_success
		assert_equal "${#lines[@]}" 2
		local pid
		pid=$(cat "$W/udev.pid")
		gone "$pid"
		unset FAKE_UDEV_LINGER
		if compgen -G "$W/dsmilctl.*" >/dev/null; then
			fail "temporary directory left behind: $(ls -d "$W"/dsmilctl.*)"
		fi
	done
}

@test "watch -i N, --kernel, --json" {
	for sh in $SHELLS; do
		fresh
		events_file
		dsm "$sh" -i 1 watch
		assert_success
		assert_equal "${#lines[@]}" 1
		assert_line --index 0 --regexp ' dsmil\.1 emergency_stop$'
		assert_equal "$stderr" "dsmilctl: watching events of dsmil.1 (udevadm monitor --udev; interrupt to stop)"
		dsm "$sh" watch --kernel --count 1
		assert_success
		run cat "$W/udev.args"
		assert_output "monitor --kernel --property --subsystem-match=dsmil --subsystem-match=platform"
		dsm "$sh" watch --json
		assert_success
		run jq -c '[.name, .event, .state, .temperature_mc, .uptime]' <<<"$output"
		assert_line --index 0 '["dsmil0:8000","change","active",null,1000.25]'
		assert_line --index 1 '["dsmil0:8000","thermal_trip","emergency",95500,1001.5]'
		assert_line --index 2 '["dsmil.1","emergency_stop",null,null,1002]'
	done
}

@test "watch: a killed dsmilctl takes the monitor with it" {
	for sh in $SHELLS; do
		fresh
		events_file
		export FAKE_UDEV_LINGER=30
		"$sh" "$DSMILCTL" watch >"$W/out" 2>"$W/err" &
		local pid=$! i
		for i in $(seq 50); do
			[[ -s $W/err ]] && break
			sleep 0.1
		done
		sleep 0.2
		kill -TERM "$pid"
		local st=0 upid
		wait "$pid" || st=$?
		assert_equal "$st" 143
		upid=$(cat "$W/udev.pid")
		gone "$upid"
		unset FAKE_UDEV_LINGER
		[[ $(wc -l <"$W/out") == 4 ]]
	done
}

@test "watch: udevadm missing or failing is an error" {
	for sh in $SHELLS; do
		fresh
		# a PATH with what watch needs but no udevadm
		local t
		mkdir "$W/nobin"
		for t in date mktemp mkfifo rm dd; do
			ln -s "$(command -v "$t")" "$W/nobin/$t"
		done
		run --separate-stderr env PATH="$W/nobin" "$(command -v "$sh")" "$DSMILCTL" watch
		fails 1 "udevadm not found"
		cat >"$W/udevadm" <<'EOF'
#!/bin/sh
echo "Failed to create monitor: Operation not permitted" >&2
exit 1
EOF
		chmod +x "$W/udevadm"
		run --separate-stderr env PATH="$W:$PATH" "$sh" "$DSMILCTL" watch
		fails 1 "udevadm monitor failed (exit 1): Failed to create monitor: Operation not permitted"
		dsm "$sh" watch --count 0
		fails 2 "--count wants a positive number"
		dsm "$sh" watch now
		fails 2 "watch: unknown argument 'now'"
	done
}

# ---------------------------------------------------------------------------
# instances (configfs; the fake mkdir/rmdir act as configfs does)

@test "instance list: module instance and configfs items" {
	for sh in $SHELLS; do
		fresh
		fake_instance "$S" 1 2 4 0x9000
		fake_cfs_item "$S" lab1 dsmil.1
		fake_cfs_item "$S" draft
		dsm "$sh" instance list
		assert_success
		assert_line --index 0 --regexp '^NAME +INSTANCE +ENABLED +BACKEND +GROUPS +PER-GROUP +TOKEN-BASE$'
		assert_line --index 1 --regexp '^draft +- +no +sim +7 +12 +0x8000$'
		assert_line --index 2 --regexp '^lab1 +dsmil\.1 +yes +sim +7 +12 +0x8000$'
		assert_line --index 3 --regexp '^- +dsmil\.0 +yes +sim +7 +12 +0x8000$'
		assert_equal "${#lines[@]}" 4
		dsm "$sh" instance list --json
		assert_success
		run jq -c '.[]' <<<"$output"
		assert_line --index 0 '{"name":"draft","instance":null,"enabled":false,"backend":"sim","groups":7,"devices_per_group":12,"token_base":"0x8000"}'
		assert_line --index 2 '{"name":null,"instance":0,"enabled":true,"backend":"sim","groups":7,"devices_per_group":12,"token_base":"0x8000"}'
	done
}

@test "instance create: mkdir, settings, enable, prints the instance" {
	for sh in $SHELLS; do
		fresh
		local it=$S/kernel/config/dsmil/lab
		FAKE_CFS_INSTANCE=dsmil.1 dsm "$sh" instance create lab groups=2 devices_per_group=4 token_base=0x9000 sim_absent=0x9001
		assert_success
		assert_output dsmil.1
		assert_equal "$(content "$it/groups")" '2\n|'
		assert_equal "$(content "$it/devices_per_group")" '4\n|'
		assert_equal "$(content "$it/token_base")" '0x9000\n|'
		assert_equal "$(content "$it/sim_absent")" '0x9001\n|'
		assert_equal "$(content "$it/enable")" '1\n|'
		dsm "$sh" instance create draft enable=0 thermal_threshold=90000
		assert_success
		assert_output ""
		assert_equal "$(content "$S/kernel/config/dsmil/draft/enable")" '0\n|'
	done
}

@test "instance create: bad names, keys and duplicates are refused before mkdir" {
	for sh in $SHELLS; do
		fresh
		dsm "$sh" instance create
		fails 2 "create wants a NAME"
		dsm "$sh" instance create ../x
		fails 2 "not a valid instance name"
		dsm "$sh" instance create lab colour=red
		fails 2 "unknown setting 'colour' (settings: groups, devices_per_group, token_base, thermal_threshold, sim_absent)"
		# dsmil-sim's items have no backend or register region any more
		local k
		for k in backend=smbios mmio_base=0x52000000 mmio_size=4096; do
			dsm "$sh" instance create lab "$k"
			fails 2 "unknown setting '${k%%=*}'"
		done
		dsm "$sh" instance create lab groups
		fails 2 "not KEY=VALUE: 'groups'"
		dsm "$sh" instance create lab instance=dsmil.9
		fails 2 "'instance' can not be set"
		dsm "$sh" instance create lab enable=2
		fails 2 "enable wants 0 or 1"
		[[ ! -e $S/kernel/config/dsmil/lab ]]
		fake_cfs_item "$S" lab
		dsm "$sh" instance create lab
		fails 5 "instance lab already exists"
		dsm "$sh" instance frob
		fails 2 "unknown subcommand 'frob'"
	done
}

@test "instance create: a refused setting removes the item again" {
	for sh in $SHELLS; do
		fresh
		inject kernel/config/dsmil/lab/groups ERANGE
		dsm "$sh" instance create lab groups=99
		fails 7 "instance lab: groups=99 is out of range"
		[[ ! -e $S/kernel/config/dsmil/lab ]]
		inject kernel/config/dsmil/lab2/token_base EINVAL
		dsm "$sh" instance create lab2 token_base=nope
		fails 7 "instance lab2: invalid value 'nope' for token_base"
		[[ ! -e $S/kernel/config/dsmil/lab2 ]]
		inject kernel/config/dsmil/lab3/enable ERANGE
		dsm "$sh" instance create lab3 token_base=0xfff0
		fails 7 "the tokens do not fit"
		[[ ! -e $S/kernel/config/dsmil/lab3 ]]
		inject kernel/config/dsmil/lab4/enable ENODEV
		dsm "$sh" instance create lab4 groups=2
		fails 3 "instance lab4: enable: no such device"
		[[ ! -e $S/kernel/config/dsmil/lab4 ]]
	done
}

@test "instance remove: by name or by dsmil.N; not the module's instance" {
	for sh in $SHELLS; do
		fresh
		fake_instance "$S" 1 2 4 0x9000
		fake_cfs_item "$S" lab dsmil.1
		fake_cfs_item "$S" other
		dsm "$sh" instance remove lab
		assert_success
		[[ ! -e $S/kernel/config/dsmil/lab ]]
		fake_cfs_item "$S" lab dsmil.1
		dsm "$sh" instance remove dsmil.1
		assert_success
		[[ ! -e $S/kernel/config/dsmil/lab ]]
		[[ -e $S/kernel/config/dsmil/other ]]
		dsm "$sh" instance remove dsmil.0
		fails 4 "dsmil.0 was created at module load"
		dsm "$sh" instance remove dsmil.5
		fails 3 "no instance dsmil.5"
		dsm "$sh" instance remove nosuch
		fails 3 "no instance nosuch"
		dsm "$sh" instance remove
		fails 2 "remove wants one NAME"
	done
}

@test "instance: no configfs is exit 3" {
	for sh in $SHELLS; do
		fresh
		rm -rf "$S/kernel/config"
		dsm "$sh" instance create lab
		fails 3 "is the dsmil-sim module loaded (modprobe dsmil-sim) and configfs mounted"
		dsm "$sh" instance remove lab
		fails 3 "configfs mounted"
	done
}

@test "DSMIL_CONFIGFS and DSMIL_DEBUGFS move those roots" {
	for sh in $SHELLS; do
		fresh
		mkdir -p "$W/cfs" "$W/dbg"
		mv "$S/kernel/config/dsmil" "$W/cfs/"
		mv "$S/kernel/debug/dsmil" "$W/dbg/"
		mkdir -p "$W/cfs/dsmil/elsewhere"
		printf '0\n' >"$W/cfs/dsmil/elsewhere/enable"
		DSMIL_CONFIGFS=$W/cfs dsm "$sh" instance list
		assert_success
		assert_line --index 1 --regexp '^elsewhere '
		dsm "$sh" sim
		fails 3 "no simulated firmware for dsmil.0"
		DSMIL_DEBUGFS=$W/dbg dsm "$sh" sim temp g0 96C
		assert_success
		assert_equal "$(content "$W/dbg/dsmil/dsmil.0/sim/temp_g0")" '96000\n|'
	done
}

# ---------------------------------------------------------------------------
# sim

@test "sim: show and set the simulated firmware's knobs" {
	for sh in $SHELLS; do
		fresh
		local sd=$S/kernel/debug/dsmil/dsmil.0/sim
		dsm "$sh" sim
		assert_success
		assert_line --index 0 "dsmil.0 simulated firmware: latency 0 us, fault none"
		assert_line --index 1 "  temp_g0  45.0C"
		assert_equal "${#lines[@]}" 8
		dsm "$sh" sim temp g2 95C
		assert_equal "$(content "$sd/temp_g2")" '95000\n|'
		dsm "$sh" sim fault eio 2
		assert_equal "$(content "$sd/fault")" 'eio 2\n|'
		dsm "$sh" sim fault none
		assert_equal "$(content "$sd/fault")" 'none\n|'
		dsm "$sh" sim latency 150000
		assert_equal "$(content "$sd/latency_us")" '150000\n|'
		dsm "$sh" sim fault eio
		fails 2 "fault wants none, eio K or timeout K"
		dsm "$sh" sim frob
		fails 2 "unknown knob 'frob'"
		inject kernel/debug/dsmil/dsmil.0/sim/fault EINVAL
		dsm "$sh" sim fault eio 0
		fails 7 "sim: invalid value 'eio 0' for fault"
	done
}

# ---------------------------------------------------------------------------
# speed: no process per attribute

@test "list, status, thermal, show run no other process; get/set one dd" {
	command -v strace >/dev/null || skip "strace not installed"
	local c n
	for sh in $SHELLS; do
		for c in list "list --json" status "status --json" thermal "show 8000" "show g0 --json" "instance list"; do
			# shellcheck disable=SC2086
			strace -f -qq -e trace=execve -o "$W/trace" "$sh" "$DSMILCTL" $c >/dev/null
			n=$(grep -c 'execve(' "$W/trace")
			[[ $n == 1 ]] || fail "$sh dsmilctl $c ran $((n - 1)) other programs: $(cat "$W/trace")"
			strace -f -qq -e trace=clone,clone3,fork,vfork -o "$W/trace" "$sh" "$DSMILCTL" $c >/dev/null
			n=$(grep -cE 'clone|fork' "$W/trace" || true)
			[[ $n == 0 ]] || fail "$sh dsmilctl $c forked $n times"
		done
		# the real dd, not the fixture's
		PATH=/usr/bin:/bin strace -f -qq -e trace=execve -o "$W/trace" "$sh" "$DSMILCTL" get 8000 >/dev/null
		[[ $(grep -c 'execve(' "$W/trace") == 2 ]] || fail "get: $(cat "$W/trace")"
		grep -q 'execve("[^"]*/dd"' "$W/trace"
		fresh
		PATH=/usr/bin:/bin strace -f -qq -e trace=execve,write -o "$W/trace" "$sh" "$DSMILCTL" activate 8000 >/dev/null
		[[ $(grep -c 'execve(' "$W/trace") == 2 ]] || fail "activate: $(cat "$W/trace")"
		# one write(2) of the whole request
		grep -qE 'write\(1, "active\\n", 7\) += 7$' "$W/trace" || fail "activate: $(cat "$W/trace")"
	done
}

@test "a failed write is not retried" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/state EIO
		dsm "$sh" activate 8000
		assert_failure 6
		assert_equal "$(dd_calls)" 1
		inject class/dsmil/dsmil0:8001/value ETIMEDOUT
		dsm "$sh" get 8001
		assert_failure 6
		assert_equal "$(dd_calls)" 2
	done
}
