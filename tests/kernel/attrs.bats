#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Every attribute: mode, exact format, initial content, counters.

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

@test "modes: platform 0444; group state 0644, counts 0444; sim 0600/0600/0400" {
	local f g
	local -a files=("$DSMIL_PDEV"/{backend,group_count,device_count,active_count})
	local exp=''
	for f in "${files[@]}"; do exp+="$f 444"$'\n'; done
	for ((g = 0; g < 7; g++)); do
		files+=("$GRP$g/state" "$GRP$g/device_count" "$GRP$g/active_count")
		exp+="$GRP$g/state 644"$'\n'"$GRP$g/device_count 444"$'\n'"$GRP$g/active_count 444"$'\n'
	done
	files+=("$DSMIL_SIM/latency_us" "$DSMIL_SIM/fault" "$DSMIL_SIM/token_writes")
	exp+="$DSMIL_SIM/latency_us 600"$'\n'"$DSMIL_SIM/fault 600"$'\n'"$DSMIL_SIM/token_writes 400"
	run stat -c '%n %a' "${files[@]}"
	assert_success
	assert_output "$exp"
}

@test "modes: every device file of all 84 devices" {
	local t n exp='' files=()
	local -A mode=([token]=444 [group]=444 [index]=444 [quarantined]=444 [state]=644
		[value]=600 [statistics/reads]=444 [statistics/writes]=444
		[statistics/errors]=444 [statistics/activations]=444)
	for t in "${DSMIL_TOKENS[@]}"; do
		for n in token group index quarantined state value statistics/reads \
			statistics/writes statistics/errors statistics/activations; do
			files+=("$DEV$t/$n")
			exp+="$DEV$t/$n ${mode[$n]}"$'\n'
		done
	done
	run stat -c '%n %a' "${files[@]}"
	assert_success
	assert_output "${exp%$'\n'}"
}

@test "read-only files refuse writes and keep their content" {
	local f
	for f in "$DSMIL_PDEV"/{backend,group_count,device_count,active_count} \
		"${GRP}1"/{device_count,active_count} \
		"${DEV}8000"/{token,group,index,quarantined} \
		"${DEV}8000"/statistics/{reads,writes,errors,activations} \
		"$DSMIL_SIM/token_writes"; do
		if _write_fmt "$f" '0\n'; then fail "write to read-only $f succeeded"; fi
	done
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_content "${DEV}8000/token" 0x8000
	assert_content "${DEV}8000/statistics/writes" 0
	assert_token_writes
}

@test "token, group, index, quarantined of every device" {
	local i t q
	for ((i = 0; i < 84; i++)); do
		t=${DSMIL_TOKENS[i]}
		assert_content "$DEV$t/token" "0x$t"
		assert_content "$DEV$t/group" $((i / 12))
		assert_content "$DEV$t/index" $((i % 12))
		q=0
		is_quarantined "$t" && q=1
		assert_content "$DEV$t/quarantined" $q
	done
	# spot checks written out
	assert_content "${DEV}800a/token" 0x800a
	assert_content "${DEV}8019/group" 2
	assert_content "${DEV}8019/index" 1
	assert_content "${DEV}8053/group" 6
	assert_content "${DEV}8053/index" 11
	assert_content "${DEV}8029/quarantined" 1
	assert_content "${DEV}8028/quarantined" 0
}

@test "state after load: ready, quarantined for the five" {
	local t
	for t in "${DSMIL_TOKENS[@]}"; do
		if is_quarantined "$t"; then assert_state "$t" quarantined; else assert_state "$t" ready; fi
	done
}

@test "statistics are 0 after load; reading metadata and state does not count" {
	local t f
	for t in "${DSMIL_TOKENS[@]}"; do
		for f in token group index quarantined state; do slurp "$DEV$t/$f"; done
		assert_stats "$t" 0 0 0 0
	done
	assert_token_writes
}

@test "value: 0xd5000000|token as 0x%08x for every device; one read counted each" {
	local t
	for t in "${DSMIL_TOKENS[@]}"; do
		initial_value "$t"
		assert_content "$DEV$t/value" "$REPLY"
		assert_stats "$t" 1 0 0 0
	done
	assert_content "${DEV}8000/value" 0xd5008000
	assert_content "${DEV}800a/value" 0xd500800a
	assert_content "${DEV}8053/value" 0xd5008053
	assert_stats 8000 2 0 0 0
	# reads are not writes
	assert_token_writes
}

@test "statistics/reads: exactly one per read, per device" {
	slurp "${DEV}8005/value"
	slurp "${DEV}8005/value"
	slurp "${DEV}8005/value"
	assert_stats 8005 3 0 0 0
	assert_stats 8004 0 0 0 0
	assert_stats 8006 0 0 0 0
}

@test "statistics/activations counts successful activations only; writes counts value writes" {
	activate 8010
	assert_stats 8010 0 0 0 1
	wrn "${DEV}8010/state" active        # no-op
	assert_stats 8010 0 0 0 1
	deactivate 8010
	assert_stats 8010 0 0 0 1
	activate 8010
	wr "${DEV}8010/value" 0x1
	wr "${DEV}8010/value" 2
	assert_stats 8010 0 2 0 2
	assert_content "${DEV}8010/value" 0x00000002
	assert_stats 8010 1 2 0 2
}

@test "active_count: platform and group counts follow device states" {
	activate 8000
	activate 800c
	activate 800d
	assert_content "$DSMIL_PDEV/active_count" 3
	assert_content "${GRP}0/active_count" 1
	assert_content "${GRP}1/active_count" 2
	assert_content "${GRP}2/active_count" 0
	deactivate 800c
	assert_content "$DSMIL_PDEV/active_count" 2
	assert_content "${GRP}1/active_count" 1
	assert_content "${GRP}1/device_count" 12
	assert_content "$DSMIL_PDEV/device_count" 84
}

@test "sim knobs after load: latency_us 0, fault none, token_writes 84 zero lines" {
	assert_content "$DSMIL_SIM/latency_us" 0
	assert_content "$DSMIL_SIM/fault" none
	assert_token_writes
}

@test "sim latency_us and fault read back what was written" {
	sim_latency 1500
	assert_content "$DSMIL_SIM/latency_us" 1500
	wr "$DSMIL_SIM/latency_us" 4294967295
	assert_content "$DSMIL_SIM/latency_us" 4294967295
	wr "$DSMIL_SIM/latency_us" 0
	assert_content "$DSMIL_SIM/latency_us" 0
	sim_fault "timeout 3"
	assert_content "$DSMIL_SIM/fault" "timeout 3"
	wr "$DSMIL_SIM/fault" "eio 12"
	assert_content "$DSMIL_SIM/fault" "eio 12"
	wr "$DSMIL_SIM/fault" none
	assert_content "$DSMIL_SIM/fault" none
}
