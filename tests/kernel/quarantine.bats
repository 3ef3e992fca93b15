#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Quarantine: 0x8009, 0x800a, 0x800b, 0x8019, 0x8029 refuse (-EPERM) or skip
# every write path, and the simulated firmware never sees a write or an
# activation for them (token_writes stays 0).

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

# assert_q_untouched: all five quarantined, counts 0, initial values
assert_q_untouched() {
	local t
	for t in "${DSMIL_QUARANTINED[@]}"; do
		assert_state "$t" quarantined
		assert_content "$DEV$t/quarantined" 1
		tw "$t"
		[[ $REPLY == 0 ]] || fail "token_writes of quarantined $t is $REPLY"
		# reads may have happened; writes, errors, activations never
		get_stat "$t" reads
		assert_stats "$t" "$REPLY" 0 0 0
	done
}

@test "the five tokens are quarantined from probe, nothing else is" {
	local t n=0
	for t in "${DSMIL_TOKENS[@]}"; do
		rd "$DEV$t/quarantined"
		if [[ $REPLY == 1 ]]; then
			n=$((n + 1))
			is_quarantined "$t" || fail "$t is quarantined but should not be"
			assert_state "$t" quarantined
		fi
	done
	assert_equal "$n" 5
	assert_q_untouched
}

@test "state writes -> EPERM for every request, even garbage (checked before parsing)" {
	local t w
	for t in "${DSMIL_QUARANTINED[@]}"; do
		for w in 'active\n' 'active' 'ready\n' 'reset\n' 'quarantined\n' 'garbage' '\n' ' ' \
			'ac\000tive' '0x1ffffffff'; do
			expect_errno "$E_PERM" "$DEV$t/state" "$w"
		done
	done
	junk_x
	expect_errno "$E_PERM" "${DEV}8009/state" "$REPLY"
	junk_bin
	expect_errno "$E_PERM" "${DEV}800b/state" "$REPLY"
	assert_q_untouched
}

@test "value writes -> EPERM for any input, even garbage and out-of-range" {
	local t w
	for t in "${DSMIL_QUARANTINED[@]}"; do
		for w in '0x1\n' '0' '4294967295' '0x1ffffffff' '4294967296' '-1' 'zz' '\n' ' ' \
			'12\00034'; do
			expect_errno "$E_PERM" "$DEV$t/value" "$w"
		done
	done
	junk_x
	expect_errno "$E_PERM" "${DEV}800a/value" "$REPLY"
	junk_digits
	expect_errno "$E_PERM" "${DEV}8019/value" "$REPLY"
	assert_q_untouched
	for t in "${DSMIL_QUARANTINED[@]}"; do
		initial_value "$t"
		assert_content "$DEV$t/value" "$REPLY"
	done
}

@test "EPERM comes before the backend: an armed fault is not consumed" {
	sim_fault "eio 1"
	expect_errno "$E_PERM" "${DEV}8009/state" 'active\n'
	expect_errno "$E_PERM" "${DEV}8009/value" '1\n'
	assert_content "$DSMIL_SIM/fault" "eio 1"
	assert_stats 8009 0 0 0 0
}

@test "reading value of a quarantined device is allowed and counted as a read" {
	assert_content "${DEV}8019/value" 0xd5008019
	assert_content "${DEV}8019/value" 0xd5008019
	assert_stats 8019 2 0 0 0
	assert_q_untouched
}

@test "group active/ready skips quarantined members (g0, g2, g3)" {
	local g
	for g in 0 2 3; do
		wrn "$GRP$g/state" active
		wrn "$GRP$g/state" ready
		wrn "$GRP$g/state" active
	done
	assert_q_untouched
	assert_group_state 0 active
	assert_group_state 2 active
	assert_group_state 3 active
}

@test "quarantine survives errors on the other members of the group" {
	make_error 8008
	expect_errno "$E_BUSY" "${GRP}0/state" 'active\n'
	wrn "${DEV}8008/state" reset
	sim_fault "eio 1"
	expect_errno "$E_IO" "${GRP}0/state" 'active\n'
	assert_state 8000 error
	wrn "${DEV}8000/state" reset
	wrn "${GRP}0/state" active
	assert_q_untouched
}

@test "activate=0,1,2,3 at load skips quarantined members" {
	dsmil_reload activate=0,1,2,3
	assert_q_untouched
	assert_group_state 0 active
	assert_group_state 1 active
	assert_group_state 2 active
	assert_group_state 3 active
	assert_group_state 4 ready
	assert_content "$DSMIL_PDEV/active_count" $((9 + 12 + 11 + 11))
}

@test "after trying every path, token_writes is 0 for all five" {
	local t g
	dsmil_reload activate=0,1,2
	for t in "${DSMIL_QUARANTINED[@]}"; do
		expect_errno "$E_PERM" "$DEV$t/value" '0x1\n'
		expect_errno "$E_PERM" "$DEV$t/state" 'active\n'
		expect_errno "$E_PERM" "$DEV$t/state" 'reset\n'
	done
	for g in 0 1 2 3; do
		wrn "$GRP$g/state" ready
		wrn "$GRP$g/state" active
	done
	assert_q_untouched
	# and everything else did reach the firmware
	local t
	for t in 8000 8018 8024; do
		tw "$t"
		((REPLY >= 1)) || fail "token_writes of $t is $REPLY"
	done
}
