#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# What userspace is told about thermal trips and emergency stops
# (Documentation/thermal.rst, "Notifications" and "Tracepoints"):
#  - KOBJ_CHANGE uevents, seen by `udevadm monitor --kernel --property`, on
#    every affected device (DSMIL_EVENT, DSMIL_STATE, DSMIL_TEMP) and one on
#    the platform device per instance-wide event;
#  - poll() wake-ups (sysfs_notify) on device state and emergency_stop;
#  - the dsmil tracepoints in tracefs.
#
# A trip is evaluated inside the debugfs write, so its uevents are sent
# before the write returns.  To know udevadm has printed them all, a test
# then sends a synthetic uevent (a write to 8053's "uevent" file with a
# unique SYNTH_ARG_FENCE) and waits for it: uevents arrive in order.

load helpers

TRACEFS=/sys/kernel/tracing

setup() { dsmil_setup; }

teardown() {
	mon_stop
	if [[ -d $TRACEFS/events/dsmil ]]; then
		echo 0 >"$TRACEFS/events/dsmil/enable" || true
	fi
	: >"$TRACEFS/trace" 2>/dev/null || true
	dsmil_teardown
}

# set_temp G MILLIDEG: the simulated sensor of group G (evaluated at once)
set_temp() { wrn "$DSMIL_SIM/temp_g$1" "$2"; }

# --- uevents -------------------------------------------------------------------

MON_PID=
MON_OUT=
FENCE_N=0

# fence_send -> REPLY: id of a synthetic "change" uevent sent on 8053
fence_send() {
	FENCE_N=$((FENCE_N + 1))
	printf 'change 00000000-0000-4000-8000-%012d FENCE=%d' "$FENCE_N" "$FENCE_N" \
		>"${DEV}8053/uevent" || fail "synthetic uevent on 8053 refused"
	REPLY=$FENCE_N
}

# fence_seen ID [TRIES]: wait until udevadm printed fence ID (0.05 s a try)
fence_seen() {
	local id=$1 tries=${2:-400} i
	for ((i = 0; i < tries; i++)); do
		slurp "$MON_OUT"
		[[ $REPLY == *"SYNTH_ARG_FENCE=$id"$'\n'* ]] && return 0
		dsmil_sleep 0.05
	done
	return 1
}

# fence: every uevent sent before it is in MON_OUT afterwards
fence() {
	fence_send
	fence_seen "$REPLY" || fail "udevadm did not report fence $FENCE_N; got:
$(cat "$MON_OUT")"
}

# mon_start [SUBSYSTEM...]: udevadm monitor for the subsystems (default
# dsmil) in the background, into MON_OUT; returns once it receives events
mon_start() {
	local s i
	local -a subs=("$@")
	[[ ${#subs[@]} -gt 0 ]] || subs=(dsmil)
	MON_OUT=$BATS_TEST_TMPDIR/uevents.$((++MON_N))
	local -a cmd=(udevadm monitor --kernel --property)
	for s in "${subs[@]}"; do cmd+=("--subsystem-match=$s"); done
	command -v stdbuf >/dev/null && cmd=(stdbuf -oL "${cmd[@]}")
	"${cmd[@]}" >"$MON_OUT" 2>&1 &
	MON_PID=$!
	DSMIL_BG_PIDS="${DSMIL_BG_PIDS:-} $MON_PID"
	# a fence every 0.5 s until one arrives: then the socket listens
	for ((i = 0; i < 40; i++)); do
		fence_send
		fence_seen "$REPLY" 10 && return 0
	done
	fail "udevadm monitor does not report events: $(cat "$MON_OUT")"
}
MON_N=0

mon_stop() {
	[[ -n ${MON_PID:-} ]] || return 0
	kill "$MON_PID" 2>/dev/null || true
	wait "$MON_PID" 2>/dev/null || true
	MON_PID=
	DSMIL_BG_PIDS=
}

# mon_events -> one line per event but the fences:
#   "ACTION NAME SUBSYSTEM EVENT STATE TEMP"   (missing property: "-")
# NAME is the last DEVPATH component (dsmil0:8000, dsmil0:g0, dsmil.0).
mon_events() {
	awk 'BEGIN { RS = ""; FS = "\n" }
	{
		a = ""; n = ""; s = ""; e = "-"; st = "-"; t = "-"; synth = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ACTION=/) a = substr($i, 8)
			else if ($i ~ /^DEVPATH=/) { n = substr($i, 9); sub(/.*\//, "", n) }
			else if ($i ~ /^SUBSYSTEM=/) s = substr($i, 11)
			else if ($i ~ /^DSMIL_EVENT=/) e = substr($i, 13)
			else if ($i ~ /^DSMIL_STATE=/) st = substr($i, 13)
			else if ($i ~ /^DSMIL_TEMP=/) t = substr($i, 12)
			else if ($i ~ /^SYNTH_UUID=/) synth = 1
		}
		if (a != "" && !synth) print a, n, s, e, st, t
	}' "$MON_OUT"
}

# EVENTS: mon_events, once, after a fence
collect() {
	fence
	EVENTS=$(mon_events)
}

# count REGEX -> number of lines of EVENTS matching
count() { grep -cE -- "$1" <<<"$EVENTS" || true; }

# dev_events EVENT STATE TEMP G... -> the events every eligible member of
# groups G must have sent, sorted
dev_events() {
	local ev=$1 st=$2 tp=$3 g t
	shift 3
	for g in "$@"; do
		for t in "${DSMIL_TOKENS[@]:g*12:12}"; do
			is_quarantined "$t" || echo "change dsmil0:$t dsmil $ev $st $tp"
		done
	done | LC_ALL=C sort
}

# got_dev_events [EVENT] -> the device events (with DSMIL_EVENT=EVENT), sorted
got_dev_events() {
	awk -v e="${1:-}" '$3 == "dsmil" && $2 ~ /^dsmil0:[0-9a-f]+$/ && (e == "" || $4 == e)' \
		<<<"$EVENTS" | LC_ALL=C sort
}

@test "uevents: a g0 trip sends thermal_trip/emergency/90000 on each eligible member, nothing else" {
	wrn "${GRP}0/state" active
	mon_start dsmil platform
	set_temp 0 90000
	collect
	mon_stop
	assert_equal "$(got_dev_events thermal_trip)" "$(dev_events thermal_trip emergency 90000 0)"
	# no other device event: none for the quarantined members, none elsewhere
	assert_equal "$(got_dev_events)" "$(dev_events thermal_trip emergency 90000 0)"
	# a group trip is not instance-wide: no platform event
	assert_equal "$(count ' platform ')" 0
}

@test "uevents: clearing g0 sends thermal_clear/ready with the temperature that cleared it" {
	set_temp 0 90000
	mon_start
	set_temp 0 85001
	set_temp 0 85000
	collect
	mon_stop
	assert_equal "$(got_dev_events)" "$(dev_events thermal_clear ready 85000 0)"
}

@test "uevents: platform threshold: one platform thermal_trip with DSMIL_TEMP, every eligible device told" {
	mon_start dsmil platform
	set_temp 3 100000
	collect
	mon_stop
	assert_equal "$(grep ' platform ' <<<"$EVENTS")" "change dsmil.0 platform thermal_trip - 100000"
	# each device reports its own group's temperature
	assert_equal "$(got_dev_events)" "$( {
		dev_events thermal_trip emergency 45000 0 1 2 4 5 6
		dev_events thermal_trip emergency 100000 3
	} | LC_ALL=C sort)"
	assert_equal "$(count ' dsmil0:(8009|800a|800b|8019|8029) ')" 0
}

@test "uevents: a failing sensor past the grace: one platform thermal_fault, every eligible device told" {
	# grace 0: the first failed reading is the fault
	dsmil_reload thermal_grace_ms=0
	mon_start dsmil platform
	wrn "$DSMIL_SIM/sensor_fault" 1
	collect
	mon_stop
	assert_equal "$(grep ' platform ' <<<"$EVENTS")" "change dsmil.0 platform thermal_fault - -"
	assert_equal "$(got_dev_events)" "$(dev_events thermal_trip emergency 45000 0 1 2 3 4 5 6)"
	wrn "$DSMIL_SIM/sensor_fault" 0
	assert_state 8000 ready
}

@test "uevents: platform clear at 95000: platform thermal_clear, the cool groups cleared, g3 held" {
	set_temp 3 100000
	mon_start dsmil platform
	set_temp 3 95001
	set_temp 3 95000
	collect
	mon_stop
	assert_equal "$(grep ' platform ' <<<"$EVENTS")" "change dsmil.0 platform thermal_clear - 95000"
	# g3 (8024..802f) is still above its own limit band: nothing for it
	assert_equal "$(got_dev_events)" "$(dev_events thermal_clear ready 45000 0 1 2 4 5 6)"
}

@test "uevents: manual stop and clear: emergency_stop / emergency_clear, no DSMIL_TEMP" {
	mon_start dsmil platform
	wrn "$DSMIL_PDEV/emergency_stop" 1
	collect
	assert_equal "$(grep ' platform ' <<<"$EVENTS")" "change dsmil.0 platform emergency_stop - -"
	assert_equal "$(got_dev_events)" "$(dev_events emergency_stop emergency - 0 1 2 3 4 5 6)"
	# writing 1 again sends nothing
	wrn "$DSMIL_PDEV/emergency_stop" 1
	wrn "$DSMIL_PDEV/emergency_stop" 0
	collect
	mon_stop
	assert_equal "$(grep ' platform ' <<<"$EVENTS")" "change dsmil.0 platform emergency_stop - -
change dsmil.0 platform emergency_clear - -"
	assert_equal "$(got_dev_events emergency_clear)" "$(dev_events emergency_clear ready - 0 1 2 3 4 5 6)"
	assert_equal "$(got_dev_events emergency_stop)" "$(dev_events emergency_stop emergency - 0 1 2 3 4 5 6)"
}

@test "uevents: manual clear while g0 is hot: g0 sends nothing, the others emergency_clear" {
	set_temp 0 90000
	wrn "$DSMIL_PDEV/emergency_stop" 1
	mon_start
	wrn "$DSMIL_PDEV/emergency_stop" 0
	collect
	mon_stop
	assert_equal "$(got_dev_events)" "$(dev_events emergency_clear ready - 1 2 3 4 5 6)"
}

@test "uevents: refused writes, temperature changes that cross nothing and repeated writes send nothing" {
	set_temp 0 90000
	mon_start dsmil platform
	expect_errno "$E_BUSY" "${DEV}8000/state" 'active\n'
	expect_errno "$E_BUSY" "${DEV}8000/value" '1\n'
	expect_errno "$E_BUSY" "${GRP}0/state" 'active\n'
	set_temp 0 95000     # hotter, already tripped
	set_temp 0 86000     # inside the band, still held
	set_temp 1 89999     # just below the limit
	set_temp 2 -1000
	wrn "$DSMIL_PDEV/emergency_stop" 0   # already 0
	expect_errno "$E_INVAL" "$DSMIL_PDEV/emergency_stop" '2\n'
	expect_errno "$E_INVAL" "$DSMIL_SIM/temp_g4" 'x\n'
	dsmil_sleep 0.3      # the monitor polls meanwhile
	collect
	mon_stop
	assert_equal "$EVENTS" ""
}

# --- poll() -----------------------------------------------------------------------

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
	for ((i = 0; i < 400; i++)); do
		slurp "$3"
		[[ $REPLY == *ready* ]] && return 0
		dsmil_sleep 0.05
	done
	fail "poller did not start: $REPLY"
}

# poll_result OUT -> REPLY: the poller's last line
poll_result() {
	slurp "$1"
	REPLY=${REPLY%$'\n'}
	REPLY=${REPLY##*$'\n'}
}

@test "poll(): a thermal trip wakes the state file of a tripped device, not of an untouched one" {
	[[ -x /usr/bin/python3 ]] || skip "no /usr/bin/python3 in the guest"
	local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	poll_file "${DEV}8001/state" 20000 "$a"
	poll_file "${DEV}800c/state" 2000 "$b"
	set_temp 0 90000
	wait
	DSMIL_BG_PIDS=
	poll_result "$a"
	assert_equal "$REPLY" event
	poll_result "$b"
	assert_equal "$REPLY" timeout
	# and the clear
	poll_file "${DEV}8001/state" 20000 "$a"
	set_temp 0 45000
	wait
	DSMIL_BG_PIDS=
	poll_result "$a"
	assert_equal "$REPLY" event
}

@test "poll(): emergency_stop wakes on a manual stop and on its clear" {
	[[ -x /usr/bin/python3 ]] || skip "no /usr/bin/python3 in the guest"
	local a=$BATS_TEST_TMPDIR/a s=$BATS_TEST_TMPDIR/s
	poll_file "$DSMIL_PDEV/emergency_stop" 20000 "$a"
	poll_file "${DEV}8053/state" 20000 "$s"
	wrn "$DSMIL_PDEV/emergency_stop" 1
	wait
	DSMIL_BG_PIDS=
	poll_result "$a"
	assert_equal "$REPLY" event
	poll_result "$s"
	assert_equal "$REPLY" event
	poll_file "$DSMIL_PDEV/emergency_stop" 20000 "$a"
	wrn "$DSMIL_PDEV/emergency_stop" 0
	wait
	DSMIL_BG_PIDS=
	poll_result "$a"
	assert_equal "$REPLY" event
}

# --- tracepoints ------------------------------------------------------------------

trace_on() {
	[[ -d $TRACEFS/events/dsmil ]] || fail "no $TRACEFS/events/dsmil (tracefs mounted? module loaded?)"
	echo 0 >"$TRACEFS/events/dsmil/enable"
	: >"$TRACEFS/trace"
	echo 1 >"$TRACEFS/events/dsmil/enable"
}

trace_off() { echo 0 >"$TRACEFS/events/dsmil/enable"; }

# TRACE: the dsmil events in the buffer, "event: payload" per line
trace_get() {
	TRACE=$(sed -n 's/^.* \(dsmil_[a-z_]*: .*\)$/\1/p' "$TRACEFS/trace")
}

# tcount REGEX -> number of lines of TRACE matching
tcount() { grep -cE -- "$1" <<<"$TRACE" || true; }

@test "tracefs: the four dsmil events exist with their fields" {
	local e
	for e in dsmil_token_read dsmil_token_write dsmil_state_change dsmil_thermal_trip; do
		[[ -d $TRACEFS/events/dsmil/$e ]] || fail "no tracepoint $e"
	done
	slurp "$TRACEFS/events/dsmil/dsmil_thermal_trip/format"
	[[ $REPLY == *"field:unsigned int group;"* && $REPLY == *"field:int temp;"* &&
		$REPLY == *"field:int limit;"* ]] || fail "dsmil_thermal_trip fields: $REPLY"
	slurp "$TRACEFS/events/dsmil/dsmil_state_change/format"
	[[ $REPLY == *"field:int reason;"* && $REPLY == *"field:int old;"* &&
		$REPLY == *"field:int new;"* ]] || fail "dsmil_state_change fields: $REPLY"
	slurp "$TRACEFS/events/dsmil/dsmil_token_write/format"
	[[ $REPLY == *"token;"* && $REPLY == *"value;"* && $REPLY == *"result;"* ]] ||
		fail "dsmil_token_write fields: $REPLY"
}

@test "tracepoints: value write and read, then a g0 trip and its clear" {
	activate 8000
	trace_on
	wr "${DEV}8000/value" 0x5
	assert_content "${DEV}8000/value" 0x00000005
	set_temp 0 90000
	set_temp 0 85000
	trace_off
	trace_get
	run printf '%s\n' "$TRACE"
	assert_line 'dsmil_token_write: dsmil0:8000 value=0x00000005 result=0'
	assert_line 'dsmil_token_read: dsmil0:8000 value=0x00000005 result=0'
	assert_line 'dsmil_thermal_trip: dsmil0:g0 temp=90000 limit=90000'
	assert_line 'dsmil_state_change: dsmil0:8000 active -> emergency reason=thermal_trip'
	assert_line 'dsmil_state_change: dsmil0:8001 ready -> emergency reason=thermal_trip'
	assert_line 'dsmil_state_change: dsmil0:8000 emergency -> ready reason=thermal_clear'
	assert_line 'dsmil_state_change: dsmil0:8008 emergency -> ready reason=thermal_clear'
	refute_line --partial 'dsmil0:8009'
	refute_line --partial 'dsmil0:800c'
	refute_line --partial 'dsmil0:g1 '
	assert_equal "$(tcount 'reason=thermal_trip$')" 9
	assert_equal "$(tcount 'reason=thermal_clear$')" 9
	assert_equal "$(tcount '^dsmil_thermal_trip: ')" 1
	assert_equal "$(tcount '^dsmil_token_write: ')" 1
	# in order: the write, then the trip, then the stops, then the clear
	local w t s c
	w=$(grep -n '^dsmil_token_write: ' <<<"$TRACE" | cut -d: -f1)
	t=$(grep -n '^dsmil_thermal_trip: ' <<<"$TRACE" | cut -d: -f1)
	s=$(grep -n 'active -> emergency' <<<"$TRACE" | cut -d: -f1)
	c=$(grep -n 'reason=thermal_clear' <<<"$TRACE" | head -n1 | cut -d: -f1)
	((w < s && s < c && t < c)) || fail "trace out of order: write $w, trip $t, stop $s, clear $c:
$TRACE"
}

@test "tracepoints: a refused value write in emergency leaves no dsmil_token_write" {
	activate 8000
	set_temp 0 90000
	trace_on
	expect_errno "$E_BUSY" "${DEV}8000/value" '7\n'
	expect_errno "$E_BUSY" "${DEV}8000/state" 'active\n'
	expect_errno "$E_BUSY" "${GRP}0/state" 'active\n'
	trace_off
	trace_get
	assert_equal "$TRACE" ""
}

@test "tracepoints: platform trip names the threshold as the limit; manual stop and clear reasons" {
	trace_on
	set_temp 3 100000
	trace_get
	run printf '%s\n' "$TRACE"
	assert_line 'dsmil_thermal_trip: dsmil0:g3 temp=100000 limit=100000'
	assert_line 'dsmil_state_change: dsmil0:8053 ready -> emergency reason=thermal_trip'
	assert_equal "$(tcount 'ready -> emergency reason=thermal_trip$')" 79
	set_temp 3 45000
	: >"$TRACEFS/trace"
	wrn "$DSMIL_PDEV/emergency_stop" 1
	wrn "$DSMIL_PDEV/emergency_stop" 0
	trace_off
	trace_get
	run printf '%s\n' "$TRACE"
	assert_line 'dsmil_state_change: dsmil0:8000 ready -> emergency reason=emergency_stop'
	assert_line 'dsmil_state_change: dsmil0:8000 emergency -> ready reason=emergency_clear'
	assert_equal "$(tcount 'reason=emergency_stop$')" 79
	assert_equal "$(tcount 'reason=emergency_clear$')" 79
	refute_line --partial 'dsmil_thermal_trip'
}

@test "tracepoints: unloading with the events enabled is clean" {
	trace_on
	set_temp 0 90000
	dsmil_unload
	[[ ! -d $TRACEFS/events/dsmil ]] || fail "events/dsmil still there after unload"
	dsmil_load
	trace_on
	set_temp 1 90000
	trace_get
	assert_equal "$(tcount 'ready -> emergency reason=thermal_trip$')" 12
}
