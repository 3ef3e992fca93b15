#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Group "state": derivation (emergency/error first, then active/ready/mixed),
# writes applied to every eligible member; "active" is all-or-nothing (EBUSY
# on a member in error, a rollback that only deactivates), "ready" is best
# effort (every member asked, none switched back on).  A member whose call
# fails is in error.
#
# Group members: g0 0x8000-0x800b (0x8009-0x800b quarantined),
# g1 0x800c-0x8017, g2 0x8018-0x8023 (0x8019 quarantined),
# g3 0x8024-0x802f (0x8029 quarantined), g4 0x8030-0x803b,
# g5 0x803c-0x8047, g6 0x8048-0x8053.

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

ALL_ACTIVE="active active active active active active active active active active active active"
ALL_READY="ready ready ready ready ready ready ready ready ready ready ready ready"

# --- derivation ------------------------------------------------------------

@test "derivation: ready after load; none active = ready, some = mixed, all = active" {
	local g t
	for ((g = 0; g < 7; g++)); do assert_group_state "$g" ready; done
	activate 8030
	assert_group_state 4 mixed
	for t in "${DSMIL_TOKENS[@]:4*12:12}"; do [[ $t == 8030 ]] || activate "$t"; done
	assert_group_state 4 active
	assert_content "${GRP}4/active_count" 12
	deactivate 803b
	assert_group_state 4 mixed
	assert_content "${GRP}4/active_count" 11
}

@test "derivation ignores quarantined members (g0: 9 eligible)" {
	local t
	for t in 8000 8001 8002 8003 8004 8005 8006 8007 8008; do activate "$t"; done
	assert_group_state 0 active
	assert_content "${GRP}0/active_count" 9
}

@test "derivation: a member in error makes the group read error, before active/mixed" {
	make_error 8030
	assert_group_state 4 error
	local t
	for t in "${DSMIL_TOKENS[@]:4*12:12}"; do [[ $t == 8030 ]] || activate "$t"; done
	assert_group_state 4 error
	assert_content "${GRP}4/active_count" 11
	wrn "${DEV}8030/state" reset
	assert_group_state 4 mixed
}

# --- writes ----------------------------------------------------------------

@test "group active activates every member (g1) with one backend call each" {
	wr "${GRP}1/state" $'active\n'
	assert_group_state 1 active
	assert_group_members 1 "$ALL_ACTIVE"
	assert_content "${GRP}1/active_count" 12
	assert_content "$DSMIL_PDEV/active_count" 12
	tw_group 1 1
	# shellcheck disable=SC2086
	assert_token_writes $REPLY
	assert_stats 800c 0 0 0 1
	assert_stats 8017 0 0 0 1
	assert_group_state 0 ready
	assert_group_state 2 ready
}

@test "group ready deactivates every member; both words work without newline" {
	wr "${GRP}6/state" active
	assert_group_state 6 active
	wr "${GRP}6/state" ready
	assert_group_state 6 ready
	assert_group_members 6 "$ALL_READY"
	tw_group 6 2
	# shellcheck disable=SC2086
	assert_token_writes $REPLY
	assert_content "$DSMIL_PDEV/active_count" 0
}

@test "group active skips quarantined members (g0, g2, g3)" {
	local g all=
	for g in 0 2 3; do
		wr "$GRP$g/state" $'active\n'
		assert_group_state "$g" active
		tw_group "$g" 1
		all+=" $REPLY"
	done
	assert_group_members 0 "active active active active active active active active active quarantined quarantined quarantined"
	assert_state 8019 quarantined
	assert_state 8029 quarantined
	assert_content "${GRP}0/active_count" 9
	assert_content "${GRP}2/active_count" 11
	assert_content "${GRP}3/active_count" 11
	assert_content "$DSMIL_PDEV/active_count" 31
	# shellcheck disable=SC2086
	assert_token_writes $all
}

@test "group active on a mixed group leaves already-active members alone" {
	activate 803c
	activate 803d
	assert_group_state 5 mixed
	wr "${GRP}5/state" active
	assert_group_state 5 active
	# 803c/803d: one activation each, not two
	tw_group 5 1
	# shellcheck disable=SC2086
	assert_token_writes $REPLY
	assert_stats 803c 0 0 0 1
}

@test "group write of the state it already has: success, no backend call" {
	wr "${GRP}1/state" ready
	assert_group_state 1 ready
	assert_token_writes
	wr "${GRP}1/state" active
	wr "${GRP}1/state" active
	tw_group 1 1
	# shellcheck disable=SC2086
	assert_token_writes $REPLY
}

@test "group write: reset and other words -> EINVAL, nothing changes" {
	activate 800c
	local w
	for w in 'reset\n' 'reset' 'mixed\n' 'error' 'quarantined' 'absent' 'ACTIVE' \
		'active x' '\n' ' ' 'on'; do
		expect_errno "$E_INVAL" "${GRP}1/state" "$w"
	done
	assert_group_state 1 mixed
	assert_token_writes 800c=1
}

@test "member in error: active -> EBUSY before any call; ready switches the others off, EBUSY" {
	make_error 8035
	sim_fault "eio 1"
	expect_errno "$E_BUSY" "${GRP}4/state" 'active\n'
	assert_group_members 4 "ready ready ready ready ready error ready ready ready ready ready ready"
	assert_content "$DSMIL_SIM/fault" "eio 1"
	sim_fault none
	assert_token_writes 8035=1
	activate 8030
	expect_errno "$E_BUSY" "${GRP}4/state" 'ready\n'
	assert_state 8030 ready
	assert_state 8035 error
	assert_group_state 4 error
	assert_token_writes 8035=1 8030=2
}

# --- all-or-nothing ----------------------------------------------------------

@test "injected EIO on the first member: EIO, it is in error, the others still ready" {
	sim_fault "eio 1"
	expect_errno "$E_IO" "${GRP}1/state" 'active\n'
	assert_group_state 1 error
	assert_group_members 1 "error ready ready ready ready ready ready ready ready ready ready ready"
	assert_content "$DSMIL_SIM/fault" none
	assert_token_writes
	assert_content "$DSMIL_PDEV/active_count" 0
}

@test "injected timeout: ETIMEDOUT, pre-active members keep their state" {
	activate 803c
	activate 803d
	sim_fault "timeout 1"
	expect_errno "$E_TIMEDOUT" "${GRP}5/state" 'active\n'
	assert_group_members 5 "active active error ready ready ready ready ready ready ready ready ready"
	assert_group_state 5 error
	assert_token_writes 803c=1 803d=1
}

@test "group ready with injected EIO on the first member: best effort, none switched back on" {
	wr "${GRP}6/state" active
	sim_fault "eio 1"
	expect_errno "$E_IO" "${GRP}6/state" 'ready\n'
	assert_group_state 6 error
	assert_group_members 6 "error ready ready ready ready ready ready ready ready ready ready ready"
	tw_group 6 2
	# shellcheck disable=SC2086
	assert_token_writes $REPLY 8048=1
	assert_content "$DSMIL_PDEV/active_count" 0
}

@test "rollback, deterministic: 'eio 1 after 3' fails the 4th member of g5, the first 3 are put back" {
	sim_fault "eio 1 after 3"
	assert_content "$DSMIL_SIM/fault" "eio 1 after 3"
	expect_errno "$E_IO" "${GRP}5/state" 'active\n'
	assert_content "$DSMIL_SIM/fault" none
	assert_group_state 5 error
	assert_group_members 5 "ready ready ready error ready ready ready ready ready ready ready ready"
	# activated then deactivated: 2 each; the failing 4th and the rest: 0
	assert_token_writes 803c=2 803d=2 803e=2
	assert_stats 803c 0 0 0 1
	assert_stats 803f 0 0 1 0
	assert_stats 8040 0 0 0 0
	assert_content "$DSMIL_PDEV/active_count" 0
}

@test "group ready failing at the 3rd member of g6: the others are switched off all the same" {
	wr "${GRP}6/state" active
	sim_fault "timeout 1 after 2"
	expect_errno "$E_TIMEDOUT" "${GRP}6/state" 'ready\n'
	assert_group_state 6 error
	assert_group_members 6 "ready ready error ready ready ready ready ready ready ready ready ready"
	tw_group 6 2
	# shellcheck disable=SC2086
	assert_token_writes $REPLY 804a=1
	assert_stats 804a 0 0 1 1
	assert_content "$DSMIL_PDEV/active_count" 0
}

@test "rollback, deterministic: quarantined members of g0 stay out of it" {
	sim_fault "eio 1 after 8"
	expect_errno "$E_IO" "${GRP}0/state" 'active\n'
	assert_group_members 0 "ready ready ready ready ready ready ready ready error quarantined quarantined quarantined"
	assert_token_writes 8000=2 8001=2 8002=2 8003=2 8004=2 8005=2 8006=2 8007=2
	assert_stats 8008 0 0 1 0
	# the member in error blocks a retry until it is reset
	expect_errno "$E_BUSY" "${GRP}0/state" 'active\n'
	wrn "${DEV}8008/state" reset
	wrn "${GRP}0/state" active
	assert_group_state 0 active
	assert_token_writes 8000=3 8001=3 8002=3 8003=3 8004=3 8005=3 8006=3 8007=3 8008=2
}

# rollback_mid_op G REQUEST BASE: start a group activation with 40 ms per
# firmware call, inject "eio 1" once the third member (index 2) has changed,
# and check that every member is back in its old state but the one whose call
# failed, which is in error.  BASE is every member's
# token_writes count before.  Relies on members being changed in index order
# (abi/sysfs-class-dsmil) and on a device's "state" being readable and the
# fault knob writable while the group write holds the instance (both
# lockless in the driver: plain device reads never wait for firmware).
rollback_mid_op() {
	local g=$1 req=$2 base=$3
	local before out pid i t n2=0 n0=0 errs=0 rc=0 e seen=
	local third=${DSMIL_TOKENS[g * 12 + 2]}
	group_states "$g"
	before=$REPLY
	sim_latency 40000
	out=$BATS_TEST_TMPDIR/group-write.out
	bash -c 'printf "%s\n" "$1" > "$2"' _ "$req" "$GRP$g/state" >"$out" 2>&1 &
	pid=$!
	DSMIL_BG_PIDS=$pid
	for ((i = 0; i < 4000; i++)); do
		rd "$DEV$third/state"
		if [[ $REPLY == "$req" ]]; then seen=1; break; fi
		kill -0 "$pid" 2>/dev/null || break
	done
	wrn "$DSMIL_SIM/fault" "eio 1"
	wait "$pid" || rc=$?
	DSMIL_BG_PIDS=
	sim_latency 0
	slurp "$out"
	e=$REPLY
	[[ -n $seen ]] || fail "member $third never reached '$req' while the group write ran (rc $rc: $e)"
	((rc != 0)) || fail "group write '$req' succeeded: the fault was injected only after it finished; output: $e"
	[[ $e == *"$E_IO"* ]] || fail "group write failed with: $e, expected $E_IO"
	assert_content "$DSMIL_SIM/fault" none
	# every member back to its old state, but the failed one: in error
	group_states "$g"
	local -a now=($REPLY) was=($before)
	local nerr=0
	for ((i = 0; i < 12; i++)); do
		if [[ ${now[i]} == error ]]; then
			nerr=$((nerr + 1))
		elif [[ ${now[i]} != "${was[i]}" ]]; then
			fail "member $i of g$g: '${now[i]}', was '${was[i]}' (states now: $REPLY)"
		fi
	done
	assert_equal "$nerr" 1
	# changed members: 2 more token writes (change + rollback); the failed
	# one and the ones never reached: none
	for t in "${DSMIL_TOKENS[@]:g*12:12}"; do
		tw "$t"
		case $REPLY in
		"$base") n0=$((n0 + 1)) ;;
		"$((base + 2))") n2=$((n2 + 1)) ;;
		*) fail "token_writes of $t is $REPLY, expected $base or $((base + 2))" ;;
		esac
		get_stat "$t" errors
		errs=$((errs + REPLY))
	done
	((n2 >= 3)) || fail "only $n2 members were changed and rolled back"
	((n0 >= 1)) || fail "no member failed"
	assert_equal "$errs" 1
}

@test "rollback under real concurrency: EIO injected while g5 is being activated puts all back" {
	rollback_mid_op 5 active 0
	assert_group_state 5 error
	assert_content "$DSMIL_PDEV/active_count" 0
}
