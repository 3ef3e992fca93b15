#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Uevents (udevadm monitor --kernel --property: kernel netlink events, no
# udevd needed) and sysfs_notify() on "state" (poll() with POLLPRI).

load helpers

setup() { dsmil_setup; }
teardown() {
	MON_PID=
	dsmil_teardown
}

MON_PID=
MON_OUT=
MON_EVENTS=()

mon_start() {
	local i
	MON_OUT=$BATS_TEST_TMPDIR/uevents
	udevadm monitor --kernel --property --subsystem-match=dsmil >"$MON_OUT" 2>&1 &
	MON_PID=$!
	DSMIL_BG_PIDS+=" $MON_PID"
	for ((i = 0; i < 300; i++)); do
		slurp "$MON_OUT"
		[[ $REPLY == *$'\nKERNEL - '* ]] && return 0
		kill -0 "$MON_PID" 2>/dev/null || break
		dsmil_sleep 0.05
	done
	fail "udevadm monitor did not start: $REPLY"
}

# mon_stop: stop the monitor and parse what it received into MON_EVENTS,
# one "ACTION NAME DEVTYPE STATE" string per event (NAME = last DEVPATH
# component, STATE = DSMIL_STATE or "-").
mon_stop() {
	if [[ -n $MON_PID ]]; then
		kill "$MON_PID" 2>/dev/null || true
		wait "$MON_PID" 2>/dev/null || true
		MON_PID=
	fi
	mapfile -t MON_EVENTS < <(awk 'BEGIN { RS = ""; FS = "\n" }
	{
		a = ""; n = ""; t = "-"; s = "-"; ss = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ACTION=/) a = substr($i, 8)
			else if ($i ~ /^DEVPATH=/) { n = substr($i, 9); sub(/.*\//, "", n) }
			else if ($i ~ /^DEVTYPE=/) t = substr($i, 9)
			else if ($i ~ /^DSMIL_STATE=/) s = substr($i, 13)
			else if ($i ~ /^SUBSYSTEM=/) ss = substr($i, 11)
		}
		if (a != "" && ss == "dsmil") print a, n, t, s
	}' "$MON_OUT")
}

# mon_count PATTERN -> REPLY: occurrences of PATTERN in the raw output
mon_count() {
	slurp "$MON_OUT"
	local all=$REPLY rest=${REPLY//"$1"/}
	REPLY=$(((${#all} - ${#rest}) / ${#1}))
}

# mon_wait_count PATTERN N: wait (max ~15 s) for N occurrences
mon_wait_count() {
	local i
	for ((i = 0; i < 300; i++)); do
		mon_count "$1"
		((REPLY >= $2)) && return 0
		dsmil_sleep 0.05
	done
	fail "waited for $2 x '$1' in the uevents, got $REPLY:
$(cat "$MON_OUT")"
}

# fence TOKEN: activate TOKEN and wait until its uevent is complete in the
# output; every uevent sent before it has then been received too (netlink
# delivers them in order).
fence() {
	local i rest
	activate "$1"
	for ((i = 0; i < 300; i++)); do
		slurp "$MON_OUT"
		if [[ $REPLY == *"/dsmil0:$1 (dsmil)"$'\n'* ]]; then
			rest=${REPLY##*"/dsmil0:$1 (dsmil)"}
			[[ $rest == *$'\n\n'* ]] && return 0
		fi
		dsmil_sleep 0.05
	done
	fail "no uevent for the fence $1:
$REPLY"
}

# ev_states NAME -> REPLY: DSMIL_STATE of the change events of NAME
# (dsmil0:8000, dsmil0:g1) in order, space separated
ev_states() {
	local e out=
	for e in "${MON_EVENTS[@]}"; do
		[[ $e == "change $1 "* ]] && out+=${out:+ }${e##* }
	done
	REPLY=$out
}

assert_dev_states() {
	ev_states "dsmil0:$1"
	[[ $REPLY == "$2" ]] || fail "change events of $1: expected '$2', got '$REPLY'
$(printf '%s\n' "${MON_EVENTS[@]}")"
}

assert_grp_states() {
	ev_states "dsmil0:g$1"
	[[ $REPLY == "$2" ]] || fail "change events of g$1: expected '$2', got '$REPLY'
$(printf '%s\n' "${MON_EVENTS[@]}")"
}

# mon_grep REGEX -> REPLY: number of parsed events matching REGEX
mon_grep() {
	local e n=0
	for e in "${MON_EVENTS[@]}"; do [[ $e =~ $1 ]] && n=$((n + 1)); done
	REPLY=$n
}

@test "load: add uevents, 7 with DEVTYPE=dsmil_group, 84 with DEVTYPE=dsmil_device; unload: remove" {
	dsmil_unload
	mon_start
	dsmil_load
	mon_wait_count '] add ' 91
	dsmil_unload
	mon_wait_count '] remove ' 91
	mon_stop
	mon_grep '^add dsmil0:g[0-6] dsmil_group '
	assert_equal "$REPLY" 7
	mon_grep '^add dsmil0:80[0-5][0-9a-f] dsmil_device '
	assert_equal "$REPLY" 84
	mon_grep '^add '
	assert_equal "$REPLY" 91
	mon_grep '^remove dsmil0:g[0-6] dsmil_group '
	assert_equal "$REPLY" 7
	mon_grep '^remove dsmil0:80[0-5][0-9a-f] dsmil_device '
	assert_equal "$REPLY" 84
}

@test "activate: change on the device with DSMIL_STATE=active, DEVTYPE=dsmil_device; group mixed" {
	mon_start
	activate 800c
	fence 8030
	mon_stop
	mon_grep '^change dsmil0:800c dsmil_device active$'
	assert_equal "$REPLY" 1
	assert_dev_states 800c active
	mon_grep '^change dsmil0:g1 dsmil_group mixed$'
	assert_equal "$REPLY" 1
	assert_grp_states 1 mixed
}

@test "every transition sends its new state: active, ready, active, error, ready" {
	mon_start
	activate 8000
	deactivate 8000
	activate 8000
	sim_fault "eio 1"
	expect_errno "$E_IO" "${DEV}8000/value" '1\n'
	wrn "${DEV}8000/state" reset
	fence 8030
	mon_stop
	assert_dev_states 8000 "active ready active error ready"
	# g0: ready->mixed->ready->mixed->error->ready (a member in error
	# makes the group read error until its reset)
	assert_grp_states 0 "mixed ready mixed error ready"
}

@test "refused and no-op writes send no uevent; a failed call announces error" {
	activate 8001
	make_error 8005
	mon_start
	wrn "${DEV}8001/state" active                           # no-op
	wrn "${DEV}8002/state" ready                            # no-op
	expect_errno "$E_BUSY" "${DEV}8001/state" 'reset\n'
	expect_errno "$E_INVAL" "${DEV}8001/state" 'bogus\n'
	expect_errno "$E_BUSY" "${DEV}8005/state" 'active\n'
	expect_errno "$E_PERM" "${DEV}8009/state" 'active\n'
	expect_errno "$E_PERM" "${DEV}8009/value" '1\n'
	expect_errno "$E_BUSY" "${DEV}8002/value" '1\n'
	sim_fault "eio 1"
	expect_read_errno "$E_IO" "${DEV}8001/value"            # failed read
	expect_errno "$E_BUSY" "${GRP}0/state" 'active\n'       # group with a member in error
	# a failed call leaves its device in error (unknown), and says so
	sim_fault "eio 1"
	expect_errno "$E_IO" "${DEV}8002/state" 'active\n'      # failed activate
	sim_fault "timeout 1"
	expect_errno "$E_TIMEDOUT" "${DEV}8001/state" 'ready\n' # failed deactivate
	sim_fault "eio 1"
	expect_errno "$E_IO" "${GRP}1/state" 'active\n'         # failed group write
	fence 8030
	mon_stop
	# the failures' error events and the fence's (order not specified); g0
	# was in error already (8005)
	local got
	got=$(printf '%s\n' "${MON_EVENTS[@]}" | LC_ALL=C sort)
	assert_equal "$got" "change dsmil0:8001 dsmil_device error
change dsmil0:8002 dsmil_device error
change dsmil0:800c dsmil_device error
change dsmil0:8030 dsmil_device active
change dsmil0:g1 dsmil_group error
change dsmil0:g4 dsmil_group mixed"
}

@test "group write: every member reports active, the group ends with active" {
	mon_start
	wrn "${GRP}1/state" active
	fence 8030
	mon_stop
	local t
	for t in "${DSMIL_TOKENS[@]:12:12}"; do assert_dev_states "$t" active; done
	ev_states dsmil0:g1
	[[ $REPLY =~ (^| )active$ ]] || fail "g1 change events: '$REPLY'"
	[[ ! $REPLY =~ ready|error ]] || fail "g1 change events: '$REPLY'"
	# and back
	mon_start
	wrn "${GRP}1/state" ready
	fence 8031
	mon_stop
	for t in "${DSMIL_TOKENS[@]:12:12}"; do assert_dev_states "$t" ready; done
	ev_states dsmil0:g1
	[[ $REPLY =~ (^| )ready$ ]] || fail "g1 change events: '$REPLY'"
}

@test "group write over quarantined members: no uevent for them" {
	mon_start
	wrn "${GRP}0/state" active
	fence 8030
	mon_stop
	local t
	for t in 8009 800a 800b; do assert_dev_states "$t" ""; done
	assert_dev_states 8008 active
	ev_states dsmil0:g0
	[[ $REPLY =~ (^| )active$ ]] || fail "g0 change events: '$REPLY'"
}

# poll_state FILE TIMEOUT_MS OUT: background poller; prints "ready" once
# armed, then "event" or "timeout".
poll_state() {
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
	DSMIL_BG_PIDS+=" $!"
	local i
	for ((i = 0; i < 400; i++)); do
		slurp "$3"
		[[ $REPLY == ready* ]] && return 0
		dsmil_sleep 0.05
	done
	fail "poller did not start: $REPLY"
}

@test "state changes wake poll() on that device's state file only (sysfs_notify)" {
	[[ -x /usr/bin/python3 ]] || skip "no /usr/bin/python3 in the guest"
	local p1=$BATS_TEST_TMPDIR/poll1 p2=$BATS_TEST_TMPDIR/poll2 p
	poll_state "${DEV}8000/state" 20000 "$p1"
	poll_state "${DEV}8001/state" 2000 "$p2"
	activate 8000
	for p in $DSMIL_BG_PIDS; do wait "$p" || true; done
	DSMIL_BG_PIDS=
	assert_content "$p1" $'ready\nevent'
	assert_content "$p2" $'ready\ntimeout'
	# error transition and reset wake it too
	poll_state "${DEV}8000/state" 20000 "$p1"
	sim_fault "eio 1"
	expect_errno "$E_IO" "${DEV}8000/value" '1\n'
	for p in $DSMIL_BG_PIDS; do wait "$p" || true; done
	DSMIL_BG_PIDS=
	assert_content "$p1" $'ready\nevent'
	poll_state "${DEV}8000/state" 20000 "$p1"
	wrn "${DEV}8000/state" reset
	for p in $DSMIL_BG_PIDS; do wait "$p" || true; done
	DSMIL_BG_PIDS=
	assert_content "$p1" $'ready\nevent'
}

@test "activate=1 at load: g1 active, and any uevent sent reports active last" {
	dsmil_unload
	mon_start
	dsmil_load activate=1
	mon_wait_count '] add ' 91
	fence 8030
	mon_stop
	assert_group_state 1 active
	local t
	for t in "${DSMIL_TOKENS[@]:12:12}"; do
		ev_states "dsmil0:$t"
		[[ -z $REPLY || $REPLY =~ (^| )active$ ]] || fail "$t change events: '$REPLY'"
	done
}
