#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Device "value": round trip, number syntax, ERANGE, EBUSY, injected
# ETIMEDOUT/EIO (device -> error, then reset), read failures.

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

# --- round trip ------------------------------------------------------------

@test "write then read round-trips on an active device" {
	activate 8000
	wr "${DEV}8000/value" 0x12345678
	assert_content "${DEV}8000/value" 0x12345678
	assert_stats 8000 1 1 0 1
	assert_token_writes 8000=2
	assert_state 8000 active
}

@test "number syntax: 0x/0X hex (either case), decimal, a leading zero is decimal" {
	activate 8001
	local -a cases=(
		'0x12345678' 0x12345678
		$'0x12345678\n' 0x12345678
		'305419896' 0x12345678
		$'305419896\n' 0x12345678
		'0XABCDEF' 0x00abcdef
		'0xabcdef' 0x00abcdef
		'0xDeadBeef' 0xdeadbeef
		'010' 0x0000000a
		$'010\n' 0x0000000a
		'0x010' 0x00000010
		'0' 0x00000000
		'0x0' 0x00000000
		'4294967295' 0xffffffff
		'0xffffffff' 0xffffffff
		'0x00000001' 0x00000001
		'1' 0x00000001
	)
	local i n=0
	for ((i = 0; i < ${#cases[@]}; i += 2)); do
		wr "${DEV}8001/value" "${cases[i]}"
		assert_content "${DEV}8001/value" "${cases[i + 1]}"
		n=$((n + 1))
	done
	assert_stats 8001 $n $n 0 1
}

@test "values are per token and persist across deactivate/activate" {
	activate 8000
	activate 8001
	wr "${DEV}8000/value" 0x1111
	wr "${DEV}8001/value" 0x2222
	assert_content "${DEV}8000/value" 0x00001111
	assert_content "${DEV}8001/value" 0x00002222
	assert_content "${DEV}8002/value" 0xd5008002
	deactivate 8000
	assert_content "${DEV}8000/value" 0x00001111
	activate 8000
	assert_content "${DEV}8000/value" 0x00001111
}

@test "values persist until unload, then start from the initial value again" {
	activate 8000
	wr "${DEV}8000/value" 7
	assert_content "${DEV}8000/value" 0x00000007
	dsmil_reload
	assert_content "${DEV}8000/value" 0xd5008000
	assert_token_writes
}

@test "reads are allowed in ready, active, error and quarantined states" {
	assert_content "${DEV}8000/value" 0xd5008000        # ready
	activate 8000
	assert_content "${DEV}8000/value" 0xd5008000        # active
	make_error 8000
	assert_content "${DEV}8000/value" 0xd5008000        # error (the failed write had no effect)
	assert_content "${DEV}8009/value" 0xd5008009        # quarantined
	assert_content "${DEV}8029/value" 0xd5008029
	assert_stats 8000 3 1 1 1
}

# --- refused writes --------------------------------------------------------

@test "write to a ready device -> EBUSY, nothing reaches the backend" {
	sim_fault "eio 1"
	expect_errno "$E_BUSY" "${DEV}8000/value" '0x1\n'
	expect_errno "$E_BUSY" "${DEV}8000/value" '5'
	assert_content "$DSMIL_SIM/fault" "eio 1"
	sim_fault none
	assert_state 8000 ready
	assert_content "${DEV}8000/value" 0xd5008000
	assert_stats 8000 1 0 0 0
	assert_token_writes
}

@test "write to a device in error -> EBUSY" {
	make_error 8000
	expect_errno "$E_BUSY" "${DEV}8000/value" '0x1\n'
	assert_state 8000 error
	assert_token_writes 8000=1
	assert_stats 8000 0 1 1 1
}

@test "above u32 -> ERANGE, value unchanged" {
	activate 8000
	wr "${DEV}8000/value" 0x5a5a
	local w
	for w in '0x1ffffffff' '0x1ffffffff\n' '4294967296' '4294967296\n' '0x100000000' \
		'99999999999999999999' '0xffffffffffffffffff'; do
		expect_errno "$E_RANGE" "${DEV}8000/value" "$w"
	done
	assert_content "${DEV}8000/value" 0x00005a5a
	assert_state 8000 active
	assert_stats 8000 1 1 0 1
}

@test "unparsable -> EINVAL, value unchanged" {
	activate 8000
	wr "${DEV}8000/value" 0x5a5a
	local w
	for w in '\n' ' ' ' \n' '\t' 'x' 'zero' '-1' '-0x1' '0x' '0x\n' '0xg' '12a' '1 2' \
		' 12' '12 ' '12\n\n' '0x-1' '1.5' '0b101' '0xx1' '0x 1' '12\00034' 'ac\000tive'; do
		expect_errno "$E_INVAL" "${DEV}8000/value" "$w"
	done
	assert_content "${DEV}8000/value" 0x00005a5a
	assert_state 8000 active
	assert_stats 8000 1 1 0 1
}

@test "parse errors come before EBUSY (ready device)" {
	expect_errno "$E_INVAL" "${DEV}8000/value" 'zz\n'
	expect_errno "$E_RANGE" "${DEV}8000/value" '0x1ffffffff\n'
	expect_errno "$E_BUSY" "${DEV}8000/value" '1\n'
}

# --- backend failures on write ---------------------------------------------

@test "injected timeout on write: ETIMEDOUT, device -> error, value unchanged" {
	activate 8000
	sim_fault "timeout 1"
	expect_errno "$E_TIMEDOUT" "${DEV}8000/value" '0x42\n'
	assert_state 8000 error
	assert_content "$DSMIL_SIM/fault" none
	assert_content "${DEV}8000/value" 0xd5008000
	assert_stats 8000 1 1 1 1
	assert_token_writes 8000=1
	assert_content "${GRP}0/active_count" 0
}

@test "injected EIO on write: EIO, device -> error; reset, activate, write works" {
	activate 8000
	sim_fault "eio 1"
	expect_errno "$E_IO" "${DEV}8000/value" '0x42\n'
	assert_state 8000 error
	assert_content "${DEV}8000/value" 0xd5008000
	wrn "${DEV}8000/state" reset
	assert_state 8000 ready
	activate 8000
	wr "${DEV}8000/value" 0x42
	assert_content "${DEV}8000/value" 0x00000042
	assert_stats 8000 2 2 1 2
	# activate, deactivate (reset), activate, write
	assert_token_writes 8000=4
}

@test "latency above smi_timeout_ms on write: ETIMEDOUT after ~100 ms, error, no effect" {
	activate 8000
	sim_latency 120000
	local t0 t1
	now_ms; t0=$REPLY
	expect_errno "$E_TIMEDOUT" "${DEV}8000/value" '0x77\n'
	now_ms; t1=$REPLY
	((t1 - t0 >= 95)) || fail "timed out after $((t1 - t0)) ms"
	assert_state 8000 error
	sim_latency 0
	assert_content "${DEV}8000/value" 0xd5008000
	assert_token_writes 8000=1
	assert_stats 8000 1 1 1 1
}

@test "latency below smi_timeout_ms: write succeeds" {
	activate 8000
	sim_latency 20000
	wr "${DEV}8000/value" 0x77
	assert_state 8000 active
	assert_content "${DEV}8000/value" 0x00000077
	assert_token_writes 8000=2
}

# --- backend failures on read ----------------------------------------------

@test "injected EIO / timeout on read: errno, state unchanged, reads+1 errors+1" {
	activate 8000
	sim_fault "eio 1"
	expect_read_errno "$E_IO" "${DEV}8000/value"
	assert_state 8000 active
	assert_stats 8000 1 0 1 1
	assert_content "$DSMIL_SIM/fault" none
	assert_content "${DEV}8000/value" 0xd5008000
	assert_stats 8000 2 0 1 1
	# ready device, timeout
	sim_fault "timeout 1"
	expect_read_errno "$E_TIMEDOUT" "${DEV}8001/value"
	assert_state 8001 ready
	assert_stats 8001 1 0 1 0
	assert_content "${DEV}8001/value" 0xd5008001
}

@test "latency timeout on read: ETIMEDOUT, state unchanged" {
	activate 8000
	sim_latency 100001
	expect_read_errno "$E_TIMEDOUT" "${DEV}8000/value"
	assert_state 8000 active
	assert_stats 8000 1 0 1 1
}

@test "failed read on an error device keeps it in error; quarantined read failure too" {
	make_error 8000
	sim_fault "eio 2"
	expect_read_errno "$E_IO" "${DEV}8000/value"
	expect_read_errno "$E_IO" "${DEV}8009/value"
	assert_state 8000 error
	assert_state 8009 quarantined
	assert_content "$DSMIL_SIM/fault" none
}
