#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The userspace tools against the real driver, in the guest (run by
# tests/vm/run-suites.sh; env DSMIL_KO, DSMIL_REPO, BATS_LIB_PATH; the
# module is not loaded when a test starts):
#   dsmilctl  every command family, the errno mapping under dash and bash
#   lsdsmil   list, tree, verbose (libsysfs on the real sysfs)
#   udev      userspace/udev/60-dsmil.rules with a real systemd-udevd
#             (this suite starts it unless the harness did, and stops what
#             it started at the end): group ownership after
#             `udevadm trigger` and after a module load, a member of group
#             dsmil can activate and read a value, a non-member can not, a
#             thermal trip is logged (busybox syslogd catches logger's
#             lines on /dev/log) and `dsmilctl watch` prints it
#   metrics   promtool check metrics; node_exporter's textfile and hwmon
#             collectors (when prometheus-node-exporter is installed)
#
# The TCG guest is slow (an exec costs ~0.3 s), so each test groups many
# checks on one module load.

load helpers

DSMILCTL=$DSMIL_REPO/userspace/dsmilctl
LSDSMIL=$DSMIL_REPO/userspace/lsdsmil
RULES_SRC=$DSMIL_REPO/userspace/udev/60-dsmil.rules
RULES_DST=/etc/udev/rules.d/60-dsmil.rules
SYSLOG=/tmp/dsmil-syslog.txt

setup_file() {
	bats_require_minimum_version 1.5.0
	if [[ ! -x $LSDSMIL ]]; then
		make -s -C "$DSMIL_REPO" -f userspace/userspace.mk userspace >&2 || true
	fi
	getent group dsmil >/dev/null || groupadd --system dsmil
	id dsmilop >/dev/null 2>&1 || useradd -M -N -g users -G dsmil -s /bin/sh dsmilop
	id outsider >/dev/null 2>&1 || useradd -M -N -g users -s /bin/sh outsider
}

teardown_file() {
	rm -f "$RULES_DST"
	if [[ -f $BATS_FILE_TMPDIR/udevd-ours ]]; then
		udevadm control --exit >/dev/null 2>&1 || true
	else
		udevadm control --reload >/dev/null 2>&1 || true
	fi
	userdel dsmilop >/dev/null 2>&1 || true
	userdel outsider >/dev/null 2>&1 || true
	groupdel dsmil >/dev/null 2>&1 || true
}

setup() { dsmil_setup; }

teardown() {
	local it
	# configfs items pin the module
	for it in /sys/kernel/config/dsmil/*/; do
		[[ -d $it ]] && rmdir "$it" 2>/dev/null
	done
	if [[ -n ${SYSLOGD_PID:-} ]]; then
		kill "$SYSLOGD_PID" 2>/dev/null
		wait "$SYSLOGD_PID" 2>/dev/null
	fi
	if [[ -e $RULES_DST ]]; then
		rm -f "$RULES_DST"
		udevadm control --reload >/dev/null 2>&1 || true
	fi
	dsmil_teardown
}

# d [SH] ARGS: dsmilctl (through its #!/bin/sh, or SH=dash|bash); stdout in
# $output, stderr in $stderr
d() {
	case $1 in
	dash | bash) run --separate-stderr "$1" "$DSMILCTL" "${@:2}" ;;
	*) run --separate-stderr "$DSMILCTL" "$@" ;;
	esac
}

# dfail CODE TEXT: the last d failed with exit CODE, no stdout and the one
# stderr line "dsmilctl: TEXT..."
dfail() {
	assert_equal "$status" "$1"
	assert_equal "$output" ""
	[[ $stderr == "dsmilctl: $2"* && $stderr != *$'\n'* ]] ||
		fail "expected one line 'dsmilctl: $2...', got: $stderr"
}

# ensure_udevd: a running systemd-udevd (started here if need be)
ensure_udevd() {
	[[ -S /run/udev/control ]] && udevadm control --ping -t 5 >/dev/null 2>&1 && return 0
	[[ -x /lib/systemd/systemd-udevd ]] || skip "no /lib/systemd/systemd-udevd"
	mkdir -p /run/udev
	/lib/systemd/systemd-udevd --daemon || fail "systemd-udevd --daemon failed"
	touch "$BATS_FILE_TMPDIR/udevd-ours"
	local i
	for ((i = 0; i < 100; i++)); do
		udevadm control --ping -t 5 >/dev/null 2>&1 && return 0
		dsmil_sleep 0.2
	done
	fail "systemd-udevd does not answer"
}

install_rules() {
	ensure_udevd
	install -m 0644 "$RULES_SRC" "$RULES_DST"
	udevadm control --reload
}

# wait_for FILE REGEX [SECONDS]: until FILE has a line matching REGEX
wait_for() {
	local i n=$((${3:-30} * 5))
	for ((i = 0; i < n; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		dsmil_sleep 0.2
	done
	fail "no line /$2/ in $1 after ${3:-30} s: $(cat "$1" 2>/dev/null)"
}

# ---------------------------------------------------------------------------

@test "dsmilctl reads the real driver: list, status, show, thermal (JSON checked with jq)" {
	d list
	assert_success
	assert_equal "${#lines[@]}" 85
	assert_line --index 1 --regexp '^dsmil0:8000 +0x8000 +g0 +ready +no$'
	assert_line --index 42 --regexp '^dsmil0:8029 +0x8029 +g3 +quarantined +yes$'
	local dash_out=$output
	d bash list
	assert_equal "$output" "$dash_out"

	d list --json
	run jq -c 'length, .[9], ([.[] | select(.quarantined)] | length)' <<<"$output"
	assert_line --index 0 84
	assert_line --index 1 '{"name":"dsmil0:8009","instance":0,"token":"0x8009","group":0,"state":"quarantined","quarantined":true}'
	assert_line --index 2 5

	d status --json
	run jq -c '.backend, .states, .threshold_mc, .groups[0].temperature_mc, .emergency_stop' <<<"$output"
	assert_line --index 0 '"sim"'
	assert_line --index 1 '{"absent":0,"ready":79,"active":0,"error":0,"quarantined":5,"emergency":0}'
	assert_line --index 2 100000
	assert_line --index 3 45000
	assert_line --index 4 false

	d show 0x8019
	assert_success
	assert_line --regexp '^  group: +g2 \(index 1\)$'
	assert_line --regexp '^  quarantined: +yes$'
	d show g1 --json
	run jq -c '[.state, .device_count, .active_count, .temperature_mc, .thermal_limit_mc, .devices[0]]' <<<"$output"
	assert_output '["ready",12,0,45000,90000,"dsmil0:800c"]'

	d thermal
	assert_success
	assert_line --index 1 --regexp '^g0 +45\.0C +90\.0C +-$'
	assert_line --index 8 "threshold 100.0C, hysteresis 5.0C, emergency stop off"
}

@test "dsmilctl doctor and status on the simulator: healthy, a device in error, after an emergency stop" {
	local sh
	for sh in dash bash; do
		# healthy: the simulated platform is a note, not a problem
		d "$sh" doctor
		assert_success
		assert_line --regexp '^ok +module: dsmil-84dev .*loaded, dsmil-sim loaded$'
		assert_line --regexp '^note +platform: dsmil\.0, backend sim: simulated \(dsmil-sim\)'
		assert_line --regexp '^ok +thermal source: '
		assert_line --regexp '^ok +devices: 0 active, 79 ready, 5 quarantined, 0 absent; none in error or emergency$'
		assert_line --index $((${#lines[@]} - 1)) healthy
		d "$sh" status
		assert_success
		assert_line --index 0 --partial "note: simulated platform"
		assert_line --index 1 --partial "dsmil.0: backend sim, 7 groups, 84 devices"
	done

	# a firmware call fails: 0x8003 in state error
	d sim fault eio 1
	assert_success
	d activate 8003
	dfail 6 "0x8003: the firmware call failed: I/O error (state now error)"
	for sh in dash bash; do
		d "$sh" status
		assert_failure 8
		assert_line --index 0 "problem: 1 device in state error (a firmware call failed): 0x8003; fix: reset each one: dsmilctl reset 0x8003"
		d "$sh" status --json
		assert_failure 8
		run jq -c '[.problems[].kind], .states.error, .instance' <<<"$output"
		assert_output '["error"]
1
0'
		d "$sh" doctor
		assert_failure 8
		assert_line --regexp '^PROBLEM +devices: 1 device in state error \(a firmware call failed\): 0x8003$'
		assert_line --index $((${#lines[@]} - 1)) "1 problem found"
	done
	d reset 8003
	assert_success

	# an emergency stop: every device but the quarantined ones stopped
	d activate g0
	assert_success
	d stop
	assert_success
	for sh in dash bash; do
		d "$sh" status
		assert_failure 8
		assert_line --index 0 "problem: emergency stop engaged: 79 devices stopped, requests refused; fix: release it: dsmilctl resume"
		d "$sh" doctor
		assert_failure 8
		assert_line --regexp '^PROBLEM +devices: emergency stop engaged: 79 devices stopped, requests refused$'
		assert_line "         fix: dsmilctl resume"
	done
	d resume
	assert_success
	d doctor
	assert_success
	assert_line --index $((${#lines[@]} - 1)) healthy
}

@test "dsmilctl drives the real driver: activate, set, get, deactivate, groups, limits" {
	d activate 8000
	assert_success
	assert_state 8000 active
	d set 8000 0x1234
	assert_success
	d get 0x8000
	assert_output 0x00001234
	d deactivate dsmil0:8000
	assert_state 8000 ready
	d activate g1
	assert_success
	assert_group_state 1 active
	assert_content "$GRP"1/active_count 12
	d deactivate g1
	assert_group_state 1 ready
	d thermal set 8000 85C
	assert_success
	assert_content "$DEV"8000/thermal_limit 85000
	d thermal set g2 80000
	assert_content "$GRP"2/thermal_limit 80000
	d thermal set hysteresis 2500
	assert_content "$DSMIL_PDEV/thermal_hysteresis" 2500
	assert_stats 8000 1 1 0 1
}

@test "dsmilctl maps the driver's errnos to its exit codes (dash and bash)" {
	local sh
	for sh in dash bash; do
		d "$sh" activate 8009
		dfail 4 "0x8009 is quarantined: writes are refused"
		d "$sh" set 800a 1
		dfail 4 "0x800a is quarantined"
		d "$sh" set 8000 1
		dfail 5 "0x8000 is not active (state ready)"
		d "$sh" activate 8000
		assert_success
		d "$sh" set 8000 banana
		dfail 7 "invalid value 'banana' for 0x8000"
		d "$sh" set 8000 0x1ffffffff
		dfail 7 "value '0x1ffffffff' is out of range for 0x8000"
		d "$sh" thermal set 8000 200000
		dfail 7 "limit 200000 is out of range for 0x8000: 20000..100000"
		d "$sh" thermal set threshold 10000
		dfail 7 "threshold 10000 is out of range"
		d "$sh" reset 8000
		dfail 5 "0x8000 is not in state error (state active)"
		d "$sh" deactivate 8000
		assert_success

		# firmware failures, injected in the simulated firmware
		d "$sh" sim fault eio 1
		assert_success
		d "$sh" activate 8001
		# unknown is error (abi/sysfs-class-dsmil): reset before going on
		dfail 6 "0x8001: the firmware call failed: I/O error (state now error)"
		d "$sh" reset 8001
		assert_success
		d "$sh" activate 8002
		d "$sh" sim fault timeout 1
		d "$sh" set 8002 5
		dfail 6 "0x8002: the firmware call timed out (state now error)"
		d "$sh" activate 8002
		dfail 5 "0x8002 is in state error: reset it first"
		d "$sh" activate g0
		dfail 5 "g0: member 0x8002 is in state error: nothing changed"
		d "$sh" reset 8002
		assert_success
		assert_state 8002 ready
		d "$sh" sim fault eio 1
		d "$sh" get 8003
		dfail 6 "0x8003: the firmware token read failed: I/O error"
		d "$sh" sim fault eio 1
		d "$sh" activate g1
		dfail 6 "g1: a firmware call failed (I/O error): every member was put back"
		# the member whose call failed (the first, 0x800c) is in error
		assert_state 800c error
		assert_group_state 1 error
		d "$sh" reset 800c
		assert_success
		assert_group_state 1 ready

		# emergency stop
		d "$sh" stop
		assert_success
		assert_state 8004 emergency
		d "$sh" activate 8004
		dfail 5 "0x8004 is in emergency stop"
		d "$sh" resume
		assert_success
		assert_equal "$stderr" ""
		assert_state 8004 ready
	done
}

@test "dsmilctl instance create / list / remove through configfs; an absent device is exit 3" {
	d instance create lab groups=2 devices_per_group=4 token_base=0x9000 sim_absent=0x9001
	assert_success
	assert_output dsmil.1
	d instance list
	assert_line --regexp '^lab +dsmil\.1 +yes +sim +2 +4 +0x9000$'
	assert_line --regexp '^- +dsmil\.0 +yes +sim +7 +12 +0x8000$'
	d -i 1 list
	assert_equal "${#lines[@]}" 9
	assert_line --index 2 --regexp '^dsmil1:9001 +0x9001 +g0 +absent +no$'
	d -i 1 activate 9001
	dfail 3 "dsmil1:9001 is absent: the firmware does not provide this token"
	d activate dsmil1:9000
	assert_success
	d instance create lab
	dfail 5 "instance lab already exists"
	d instance create big groups=99
	dfail 7 "instance big: groups=99 is out of range"
	[[ ! -e /sys/kernel/config/dsmil/big ]]
	d instance create wide token_base=0xfff0
	dfail 7 "instance wide: the tokens do not fit"
	[[ ! -e /sys/kernel/config/dsmil/wide ]]
	d instance remove dsmil.0
	dfail 4 "dsmil.0 was created at module load"
	d instance remove dsmil.1
	assert_success
	[[ ! -e /sys/devices/platform/dsmil.1 ]]
	d instance create draft enable=0 groups=1
	assert_success
	assert_content /sys/kernel/config/dsmil/draft/enable 0
	d instance remove draft
	assert_success
}

@test "dsmilctl metrics on the real driver pass promtool; -o for the textfile collector" {
	d metrics
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/m.prom"
	assert_line 'dsmil_group_temperature_celsius{dsmil="dsmil.0",group="0"} 45'
	assert_line 'dsmil_devices{dsmil="dsmil.0",state="quarantined"} 5'
	assert_line 'dsmil_device_state{dsmil="dsmil.0",device="dsmil0:8000",token="0x8000",group="0",state="ready"} 1'
	if command -v promtool >/dev/null; then
		run promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
		assert_success
	fi
	d metrics -o "$BATS_TEST_TMPDIR/dsmil.prom"
	assert_success
	cmp "$BATS_TEST_TMPDIR/m.prom" "$BATS_TEST_TMPDIR/dsmil.prom"
	# metrics never read a value: no firmware read counted
	assert_stats 8000 0 0 0 0
}

@test "lsdsmil lists the real sysfs through libsysfs: default, -t, -v, -s" {
	[[ -x $LSDSMIL ]] || skip "lsdsmil not built (libsysfs-dev missing)"
	run --separate-stderr "$LSDSMIL"
	assert_success
	assert_equal "${#lines[@]}" 84
	assert_line --index 0 'dsmil0:8000  0x8000  g0/0   ready'
	assert_line --index 25 'dsmil0:8019  0x8019  g2/1   quarantined'
	run --separate-stderr "$LSDSMIL" -t
	assert_success
	assert_line --index 0 'dsmil.0  sim, 7 groups, 84 devices, 0 active, threshold 100.0C, emergency stop off'
	assert_line --index 1 '+-- dsmil0:g0    ready, 0/12 active, 45.0C (limit 90.0C)'
	assert_line --index 91 '    `-- dsmil0:8053  0x8053  g6/11  ready'
	run --separate-stderr "$LSDSMIL" -v -s 8000
	assert_success
	assert_line '    value: 0xd5008000'
	assert_line '    token: 0x8000'
	assert_line '    statistics/reads: 1'
	assert_line --regexp '^    registers: <binary, 4096 bytes>$'
	# -v read the value once: a firmware read
	assert_stats 8000 1 0 0 0
	run --separate-stderr "$LSDSMIL" -s 9999
	assert_failure 3
}

# perms_summary: the group and mode of every state, thermal_limit and value
# file of every instance, counted ("N GROUP:MODE KIND" lines)
perms_summary() {
	run bash -c 'cd /sys/class/dsmil && stat -c "%G:%a %n" */state */thermal_limit */value |
		sed "s|^\([^ ]*\) .*/|\1 |" | sort | uniq -c | sed "s/^ *//"'
	assert_success
}

# perms_reset: every file back to root and its mode at creation
perms_reset() {
	(cd /sys/class/dsmil && chgrp root ./*/state ./*/thermal_limit ./*/value &&
		chmod 644 ./*/state ./*/thermal_limit && chmod 600 ./*/value) || fail "cannot reset the permissions"
	perms_summary
	assert_output "168 root:600 value
182 root:644 state
182 root:644 thermal_limit"
}

# assert_perms_dsmil: both instances (84 devices and 7 groups each) have
# every file for group dsmil
assert_perms_dsmil() {
	perms_summary
	assert_output "168 dsmil:640 value
182 dsmil:664 state
182 dsmil:664 thermal_limit"
}

# execs CMD...: run CMD, count the programs executed meanwhile
# (sched_process_exec, machine-wide) into REPLY
execs() {
	local t=/sys/kernel/tracing
	[[ -e $t/events/sched/sched_process_exec/enable ]] || skip "no tracefs sched_process_exec"
	echo 0 >"$t/tracing_on"
	: >"$t/trace"
	echo 1 >"$t/events/sched/sched_process_exec/enable"
	echo 1 >"$t/tracing_on"
	"$@"
	echo 0 >"$t/tracing_on"
	echo 0 >"$t/events/sched/sched_process_exec/enable"
	REPLY=$(grep -c 'sched_process_exec:' "$t/trace")
}

@test "udev: group dsmil on every instance after coldplug add, udevadm trigger (all or dsmil) and a live bind; coldplug costs a handful of processes per instance" {
	ensure_udevd
	rm -f "$RULES_DST"
	udevadm control --reload
	dsmil_reload instances=2
	udevadm settle -t 60
	perms_reset
	# without the rules, a coldplug changes nothing: its cost is the baseline
	local t0 t1 base
	now_ms; t0=$REPLY
	execs dsmil_coldplug
	base=$REPLY
	now_ms; t1=$REPLY
	printf '# coldplug without the dsmil rules: %s programs, %d ms\n' "$base" $((t1 - t0)) >&3
	perms_summary
	assert_line "182 root:644 state"

	install_rules
	now_ms; t0=$REPLY
	execs dsmil_coldplug
	local ours=$((REPLY - base))
	now_ms; t1=$REPLY
	printf '# coldplug with them, 2 instances of 84 devices + 7 groups: %s programs more (at most 6 per instance), %d ms\n' \
		"$ours" $((t1 - t0)) >&3
	assert_perms_dsmil
	((ours >= 2 && ours <= 12)) || fail "coldplug ran $ours more programs for 2 instances (a handful each expected)"

	perms_reset
	udevadm trigger --subsystem-match=dsmil
	udevadm settle -t 60
	assert_perms_dsmil

	perms_reset
	udevadm trigger
	udevadm settle -t 60
	assert_perms_dsmil

	# fresh instances get them when the driver binds
	dsmil_reload instances=2
	udevadm settle -t 60
	assert_perms_dsmil
	# and systemd sees the tag
	run udevadm info -q property -p /class/dsmil/dsmil0:8000
	assert_line --regexp '^(CURRENT_)?TAGS=.*:systemd:'
}

@test "udev: a member of group dsmil can activate and read a value, a non-member can not" {
	install_rules
	dsmil_reload
	udevadm settle -t 60
	run --separate-stderr runuser -u dsmilop -- "$DSMILCTL" activate 8000
	assert_success
	assert_state 8000 active
	run --separate-stderr runuser -u dsmilop -- "$DSMILCTL" get 8000
	assert_success
	assert_output 0xd5008000
	run --separate-stderr runuser -u dsmilop -- "$DSMILCTL" thermal set g1 85C
	assert_success
	# value writes stay root only
	run --separate-stderr runuser -u dsmilop -- "$DSMILCTL" set 8000 1
	dfail 4 "0x8000: permission denied writing value"
	run --separate-stderr runuser -u outsider -- "$DSMILCTL" activate 8001
	dfail 4 "0x8001: permission denied writing state (root or group dsmil needed)"
	assert_state 8001 ready
	run --separate-stderr runuser -u outsider -- "$DSMILCTL" get 8001
	dfail 4 "0x8001: permission denied reading value"
	run --separate-stderr runuser -u outsider -- "$DSMILCTL" activate g2
	dfail 4 "g2: permission denied writing state"
	# reading the state is for everyone
	run --separate-stderr runuser -u outsider -- "$DSMILCTL" list --json
	assert_success
	run jq -r '.[0].state' <<<"$output"
	assert_output active
}

@test "a thermal trip is logged with device and temperature, and dsmilctl watch prints it" {
	command -v busybox >/dev/null || skip "busybox (syslogd) not installed"
	install_rules
	rm -f "$SYSLOG" /dev/log
	busybox syslogd -n -O "$SYSLOG" &
	SYSLOGD_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -S /dev/log ]] && break
		dsmil_sleep 0.1
	done
	[[ -S /dev/log ]] || fail "syslogd did not create /dev/log"

	"$DSMILCTL" watch >"$BATS_TEST_TMPDIR/watch.out" 2>"$BATS_TEST_TMPDIR/watch.err" &
	local wpid=$!
	DSMIL_BG_PIDS+=" $wpid"
	wait_for "$BATS_TEST_TMPDIR/watch.err" '^dsmilctl: watching dsmil events'

	d sim temp g0 95C
	assert_success
	udevadm settle -t 60
	wait_for "$BATS_TEST_TMPDIR/watch.out" '^[0-9:.]+ dsmil0:8000 thermal_trip state=emergency temp=95\.0C$'
	wait_for "$SYSLOG" 'dsmil: dsmil0:8000: thermal_trip: state emergency, temperature 95000 millidegrees C'
	run grep -c 'thermal_trip: state emergency' "$SYSLOG"
	assert_output 9
	d thermal
	assert_line --index 1 --regexp '^g0 +95\.0C +90\.0C +limit$'
	d status --json
	run jq -c '.states.emergency' <<<"$output"
	assert_output 9

	d stop
	assert_success
	udevadm settle -t 60
	wait_for "$BATS_TEST_TMPDIR/watch.out" '^[0-9:.]+ dsmil\.0 emergency_stop$'
	wait_for "$SYSLOG" 'dsmil: dsmil\.0: emergency_stop: every device of the instance stopped'
	d resume
	assert_success
	[[ $stderr == *"devices are still held by temperature"* ]] || fail "resume: $stderr"
	d sim temp g0 20C
	udevadm settle -t 60
	wait_for "$BATS_TEST_TMPDIR/watch.out" '^[0-9:.]+ dsmil0:8000 thermal_clear state=ready temp=20\.0C$'

	# the watcher and its monitor go away together
	kill "$wpid"
	wait "$wpid" 2>/dev/null || true
	run pgrep -f 'udevadm monitor --udev --property --subsystem-match=dsmil'
	assert_failure
}

@test "bench: dsmilctl list costs at most 3x one cat of every state" {
	run bash "$DSMIL_REPO/tests/bench/dsmilctl-ratio.sh" --runs 5
	assert_success
	assert_line --regexp '^ratio: [0-9]+\.[0-9]+$'
	local r=${lines[-1]#ratio: }
	printf '# %s\n' "${lines[@]}" >&3
	(( ${r%.*} < 3 || (${r%.*} == 3 && 10#${r#*.} == 0) )) || fail "ratio $r > 3"
}

@test "node_exporter scrapes the textfile metrics and the dsmil hwmon temperatures" {
	local ne=/usr/bin/prometheus-node-exporter
	[[ -x $ne ]] || skip "prometheus-node-exporter not installed"
	command -v curl >/dev/null || skip "curl not installed"
	local dir=$BATS_TEST_TMPDIR/textfile
	mkdir -p "$dir"
	d metrics -o "$dir/dsmil.prom"
	assert_success
	"$ne" --web.listen-address=127.0.0.1:9100 --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$dir" --collector.hwmon \
		>"$BATS_TEST_TMPDIR/ne.log" 2>&1 &
	DSMIL_BG_PIDS+=" $!"
	local i ok=
	for ((i = 0; i < 60; i++)); do
		if curl -fsS -o "$BATS_TEST_TMPDIR/scrape" http://127.0.0.1:9100/metrics 2>/dev/null; then
			ok=1
			break
		fi
		dsmil_sleep 0.5
	done
	[[ -n $ok ]] || fail "node_exporter did not answer: $(cat "$BATS_TEST_TMPDIR/ne.log")"
	run grep -E '^dsmil_group_temperature_celsius\{dsmil="dsmil.0",group="0"\} 45$' "$BATS_TEST_TMPDIR/scrape"
	assert_success
	run grep -E '^node_hwmon_chip_names\{chip="[^"]*dsmil[^"]*",chip_name="dsmil"\} 1$' "$BATS_TEST_TMPDIR/scrape"
	assert_success
	run grep -E '^node_hwmon_temp_celsius\{chip="[^"]*dsmil[^"]*",sensor="temp1"\} 45$' "$BATS_TEST_TMPDIR/scrape"
	assert_success
	run grep -c '^node_textfile_scrape_error 0$' "$BATS_TEST_TMPDIR/scrape"
	assert_output 1
}
