#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Device "state": every transition of the table and every errno.
#
#   request  from ready           from active            from error
#   active   -> active (activate) no-op                  EBUSY
#   ready    no-op                -> ready (deactivate)  EBUSY
#   reset    EBUSY                EBUSY                  -> ready (deactivate)
#
# Only a confirmed success changes the state: a backend failure
# (-ETIMEDOUT/-EIO) leaves the device in "error" (the firmware may have
# applied the call; unknown is error, never "ready") and increments
# statistics/errors; "reset" switches it off in firmware first.  (-ENODEV needs an absent device, which
# the simulated backend does not provide.)

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

# --- ready <-> active ------------------------------------------------------

@test "ready -> active, with and without trailing newline; only that device changes" {
	assert_state 8000 ready
	wr "${DEV}8000/state" $'active\n'
	assert_state 8000 active
	wr "${DEV}8001/state" active
	assert_state 8001 active
	assert_stats 8000 0 0 0 1
	assert_stats 8001 0 0 0 1
	assert_token_writes 8000=1 8001=1
	assert_state 8002 ready
	assert_state 800c ready
	assert_group_state 0 mixed
	assert_group_state 1 ready
}

@test "active -> active is a no-op success (no backend call)" {
	activate 8002
	wr "${DEV}8002/state" active
	wr "${DEV}8002/state" $'active\n'
	assert_state 8002 active
	assert_stats 8002 0 0 0 1
	assert_token_writes 8002=1
}

@test "active -> ready, with and without newline (backend deactivate each time)" {
	activate 8003
	wr "${DEV}8003/state" $'ready\n'
	assert_state 8003 ready
	assert_token_writes 8003=2
	activate 8003
	wr "${DEV}8003/state" ready
	assert_state 8003 ready
	assert_token_writes 8003=4
	assert_stats 8003 0 0 0 2
	assert_group_state 0 ready
}

@test "ready -> ready is a no-op success (no backend call)" {
	wr "${DEV}8004/state" ready
	wr "${DEV}8004/state" $'ready\n'
	assert_state 8004 ready
	assert_stats 8004 0 0 0 0
	assert_token_writes
}

# --- reset -----------------------------------------------------------------

@test "reset from ready or active -> EBUSY, state unchanged" {
	expect_errno "$E_BUSY" "${DEV}8000/state" 'reset\n'
	expect_errno "$E_BUSY" "${DEV}8000/state" 'reset'
	assert_state 8000 ready
	activate 8000
	expect_errno "$E_BUSY" "${DEV}8000/state" 'reset\n'
	expect_errno "$E_BUSY" "${DEV}8000/state" 'reset'
	assert_state 8000 active
	assert_token_writes 8000=1
	assert_stats 8000 0 0 0 1
}

# --- error state -----------------------------------------------------------

@test "error: a failed value write puts an active device into error" {
	make_error 8000
	assert_stats 8000 0 1 1 1
	assert_content "${GRP}0/active_count" 0
	assert_content "$DSMIL_PDEV/active_count" 0
	assert_group_state 0 error
}

@test "error: active and ready -> EBUSY, state unchanged, no backend call" {
	make_error 8000
	sim_fault "eio 1"
	expect_errno "$E_BUSY" "${DEV}8000/state" 'active\n'
	expect_errno "$E_BUSY" "${DEV}8000/state" 'active'
	expect_errno "$E_BUSY" "${DEV}8000/state" 'ready\n'
	expect_errno "$E_BUSY" "${DEV}8000/state" 'ready'
	assert_content "$DSMIL_SIM/fault" "eio 1"
	assert_state 8000 error
	assert_token_writes 8000=1
	assert_stats 8000 0 1 1 1
}

@test "error: reset -> ready through a backend deactivate; usable again" {
	make_error 8000
	wr "${DEV}8000/state" $'reset\n'
	assert_state 8000 ready
	assert_token_writes 8000=2
	assert_stats 8000 0 1 1 1
	activate 8000
	assert_stats 8000 0 1 1 2
	assert_token_writes 8000=3
	# reset without newline
	make_error 8001
	wr "${DEV}8001/state" reset
	assert_state 8001 ready
}

@test "error: reset failing with EIO or ETIMEDOUT leaves the device in error" {
	make_error 8000
	sim_fault "eio 1"
	expect_errno "$E_IO" "${DEV}8000/state" 'reset\n'
	assert_state 8000 error
	assert_stats 8000 0 1 2 1
	assert_content "$DSMIL_SIM/fault" none
	sim_fault "timeout 1"
	expect_errno "$E_TIMEDOUT" "${DEV}8000/state" 'reset\n'
	assert_state 8000 error
	assert_stats 8000 0 1 3 1
	assert_token_writes 8000=1
	wrn "${DEV}8000/state" reset
	assert_state 8000 ready
	assert_token_writes 8000=2
}

# --- backend failures on activate / deactivate -----------------------------

@test "activate failing with EIO / timeout: errno, device in error, errors+1, fault consumed" {
	sim_fault "eio 1"
	expect_errno "$E_IO" "${DEV}8000/state" 'active\n'
	assert_state 8000 error
	assert_stats 8000 0 0 1 0
	assert_content "$DSMIL_SIM/fault" none
	assert_group_state 0 error
	assert_token_writes
	# reset switches it off in firmware, then it is ready
	wrn "${DEV}8000/state" reset
	assert_state 8000 ready
	assert_token_writes 8000=1
	sim_fault "timeout 1"
	expect_errno "$E_TIMEDOUT" "${DEV}8000/state" 'active\n'
	assert_state 8000 error
	assert_stats 8000 0 0 2 0
	assert_content "$DSMIL_SIM/fault" none
	wrn "${DEV}8000/state" reset
	assert_group_state 0 ready
	# next try succeeds
	activate 8000
	assert_stats 8000 0 0 2 1
	assert_token_writes 8000=3
}

@test "deactivate failing with EIO / timeout: errno, device in error (maybe still on)" {
	activate 8000
	sim_fault "eio 1"
	expect_errno "$E_IO" "${DEV}8000/state" 'ready\n'
	assert_state 8000 error
	expect_errno "$E_BUSY" "${DEV}8000/state" 'ready\n'
	sim_fault "timeout 1"
	expect_errno "$E_TIMEDOUT" "${DEV}8000/state" 'reset\n'
	assert_state 8000 error
	assert_stats 8000 0 0 2 1
	assert_token_writes 8000=1
	wrn "${DEV}8000/state" reset
	assert_state 8000 ready
	assert_token_writes 8000=2
}

@test "fault 'eio 2' fails exactly the next two calls, counting down to none" {
	sim_fault "eio 2"
	expect_errno "$E_IO" "${DEV}8000/state" 'active\n'
	assert_content "$DSMIL_SIM/fault" "eio 1"
	expect_errno "$E_IO" "${DEV}8001/state" 'active\n'
	assert_content "$DSMIL_SIM/fault" none
	activate 8002
	assert_state 8000 error
	assert_state 8001 error
	assert_token_writes 8002=1
}

@test "refused and no-op requests do not consume the fault" {
	sim_fault "eio 1"
	wrn "${DEV}8000/state" ready                          # no-op
	expect_errno "$E_BUSY" "${DEV}8000/state" 'reset\n'   # refused
	expect_errno "$E_INVAL" "${DEV}8000/state" 'bogus\n'  # refused
	expect_errno "$E_PERM" "${DEV}8009/state" 'active\n'  # quarantined
	assert_content "$DSMIL_SIM/fault" "eio 1"
	sim_fault none
	assert_content "$DSMIL_SIM/fault" none
	activate 8000
}

@test "latency above smi_timeout_ms: activate -> ETIMEDOUT after ~100 ms, no effect" {
	sim_latency 150000
	local t0 t1
	now_ms; t0=$REPLY
	expect_errno "$E_TIMEDOUT" "${DEV}8000/state" 'active\n'
	now_ms; t1=$REPLY
	assert_state 8000 error
	assert_stats 8000 0 0 1 0
	assert_token_writes
	# waited about smi_timeout_ms (100), not returned at once
	((t1 - t0 >= 95)) || fail "timed out after $((t1 - t0)) ms, expected >= 100"
	sim_latency 0
	wrn "${DEV}8000/state" reset
	activate 8000
}

@test "latency above smi_timeout_ms: deactivate -> ETIMEDOUT, device in error" {
	activate 8000
	sim_latency 100001
	expect_errno "$E_TIMEDOUT" "${DEV}8000/state" 'ready\n'
	assert_state 8000 error
	assert_token_writes 8000=1
	assert_stats 8000 0 0 1 1
}

@test "latency below smi_timeout_ms: activate succeeds and takes that long" {
	sim_latency 30000
	local t0 t1
	now_ms; t0=$REPLY
	wrn "${DEV}8000/state" active
	now_ms; t1=$REPLY
	assert_state 8000 active
	((t1 - t0 >= 30)) || fail "activation took $((t1 - t0)) ms with latency_us=30000"
	assert_token_writes 8000=1
	assert_stats 8000 0 0 0 1
}

# --- words that are not requests -------------------------------------------

@test "state words and other text are not requests: EINVAL, state unchanged" {
	local w
	activate 8000
	for w in 'absent' 'error' 'quarantined' 'mixed' 'ACTIVE' 'Active' 'READY' 'RESET' \
		'active x' 'activex' 'activ' ' active' 'active ' 'active\n\n' 'on' '1' 'enable' \
		'\n' ' ' '\t' 'ready\r\n'; do
		expect_errno "$E_INVAL" "${DEV}8000/state" "$w"
	done
	assert_state 8000 active
	assert_token_writes 8000=1
	assert_stats 8000 0 0 0 1
}

@test "the state file reads one of the five words" {
	local t
	activate 8000
	make_error 8001
	for t in "${DSMIL_TOKENS[@]}"; do
		get_state "$t"
		case $REPLY in
		absent | ready | active | error | quarantined) ;;
		*) fail "state of $t is '$REPLY'" ;;
		esac
	done
	assert_state 8000 active
	assert_state 8001 error
	assert_state 8009 quarantined
	assert_state 8002 ready
}

@test "concurrent writers and readers on one device keep counters consistent" {
	# 2 togglers, 1 activator, 2 value readers; all requests are valid in
	# every state they can meet, so none may fail
	local d=${DEV}8000 p rc=0
	bash -c 'for ((i = 0; i < 15; i++)); do echo active > "$1/state" && echo ready > "$1/state" || exit 1; done' _ "$d" &
	DSMIL_BG_PIDS+=" $!"
	bash -c 'for ((i = 0; i < 15; i++)); do echo ready > "$1/state" && echo active > "$1/state" || exit 1; done' _ "$d" &
	DSMIL_BG_PIDS+=" $!"
	bash -c 'for ((i = 0; i < 15; i++)); do echo active > "$1/state" || exit 1; done' _ "$d" &
	DSMIL_BG_PIDS+=" $!"
	bash -c 'for ((i = 0; i < 20; i++)); do read -r v < "$1/value" || exit 1; done' _ "$d" &
	DSMIL_BG_PIDS+=" $!"
	bash -c 'for ((i = 0; i < 20; i++)); do read -r v < "$1/value" || exit 1; done' _ "$d" &
	DSMIL_BG_PIDS+=" $!"
	for p in $DSMIL_BG_PIDS; do wait "$p" || rc=1; done
	DSMIL_BG_PIDS=
	((rc == 0)) || fail "a concurrent reader or writer failed"
	local s act n
	get_state 8000; s=$REPLY
	get_stat 8000 activations; act=$REPLY
	tw 8000; n=$REPLY
	assert_stats 8000 40 0 0 "$act"
	# every activation and every deactivation reached the firmware once
	if [[ $s == active ]]; then
		assert_equal "$n" $((2 * act - 1))
	else
		assert_equal "$s" ready
		assert_equal "$n" $((2 * act))
	fi
	((act >= 1)) || fail "no activation counted"
}
