#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The stop path on the emulated Dell firmware (tests/firmware): the rate
# limiter never delays a stop, and what the stop did is checked through the
# firmware's own counters (build/firmware/dell-wmi-call over
# /dev/wmi/dell-smbios), not through dsmil.  Token 0x8000+n lives at
# location 0x0A00+n.  Same guest as smbios.bats (same header).  Thermal
# fails safe here too: the guest's only thermal zone is the firmware's
# acpitz (no x86_pkg_temp under TCG).
#
# dsmil-guest-qemu: tests/firmware/qemu-args.sh

load helpers

setup_file() {
	modprobe dell-smbios
}

setup() { fw_setup; }
teardown() { dsmil_teardown; }

@test "smbios, smi_rate=1: a stop during a rate-limited group activation returns within a second" {
	dsmil_load_driver allow_writes=1 smi_rate=1
	assert_content "$DSMIL_PDEV/backend" smbios
	local t0 t1 t on=0
	# one call a second: switching g1 on would take 12 s
	bg_group_write 1 active
	wait_state_while_bg 800c active
	# the writer now waits for its next rate slot, holding the instance
	dsmil_sleep 0.2
	now_ms; t0=$REPLY
	wrn "$DSMIL_PDEV/emergency_stop" 1
	now_ms; t1=$REPLY
	bg_group_failed "Operation canceled"
	((t1 - t0 < 1000)) || fail "the stop took $((t1 - t0)) ms behind a 1/s rate limit"
	# through the firmware: each member switched on was switched off once
	# more (2 writes), the rest of g1 was never written
	for t in "${DSMIL_TOKENS[@]:12:12}"; do
		fw_writes "$t"
		case $REPLY in
		0) ;;
		2) on=$((on + 1)) ;;
		*) fail "firmware write counter of $t: $REPLY, expected 0 or 2" ;;
		esac
	done
	((on >= 1 && on < 12)) || fail "$on members of g1 reached the firmware"
	assert_group_state 1 emergency
	printf '# stop under smi_rate=1: %d ms, %d members had been switched on\n' \
		$((t1 - t0)) "$on" >&3
	wrn "$DSMIL_PDEV/emergency_stop" 0
}

@test "smbios: a token set before load reads active, and a stop switches it off in firmware" {
	# the firmware holds 0x8005's table value (1) at its location: it is on
	"$H" -q write 0x0a05 1
	"$H" -q write 0x0a06 2
	dsmil_load_driver allow_writes=1
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_state 8005 active
	# another value at the location is not "on" (the table value is 1)
	assert_state 8006 ready
	assert_state 8004 ready
	assert_group_state 0 mixed
	fw_writes 8005
	assert_equal "$REPLY" 1
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_state 8005 emergency
	# through the firmware: one more write, and the location holds 0
	fw_writes 8005
	assert_equal "$REPLY" 2
	run "$H" read 0x0a05
	assert_output 0x00000000
	# 0x8006 was not on: never written by the stop
	fw_writes 8006
	assert_equal "$REPLY" 1
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_state 8005 ready
}

@test "smbios: a stop during the read-back acts at once, on unread devices too; activate= never reaches the firmware" {
	local t0 t1 t out
	# 0x8051 is on before load; the read of 0x8002 takes 150 ms (and that
	# of 0x8050, the slow location, too), so the stop comes while the
	# read-back runs
	"$H" -q write 0x0a51 1
	"$H" -q inject-slow 150 0x0a02 1
	DSMIL_LOAD_NOWAIT=1 dsmil_load_driver allow_writes=1 activate=1 smi_timeout_ms=200
	assert_content "$DSMIL_PDEV/ready" 0
	now_ms; t0=$REPLY
	wrn "$DSMIL_PDEV/emergency_stop" 1
	now_ms; t1=$REPLY
	# at once, before the read-back ends: the last devices were not read
	assert_state 8051 emergency
	assert_state 8053 emergency
	dsmil_wait_ready
	# through the firmware: the stop did not wait behind the reads still
	# queued.  The last device was never read by the read-back: the stop
	# switched it off as unknown (one write of 0, one read to confirm it),
	# where after a read-back it would have been "ready" and left alone
	# (no write).
	loc 8053
	run "$H" peek "$REPLY"
	assert_output "value=0x00000000 writes=1 reads=1"
	# 0x8051 switched off, and no location of group 1
	# (activate=1) holds its table value
	run "$H" read 0x0a51
	assert_output 0x00000000
	out=$("$H" read 0x0a0c read 0x0a0d read 0x0a0e read 0x0a0f read 0x0a10 read 0x0a11 \
		read 0x0a12 read 0x0a13 read 0x0a14 read 0x0a15 read 0x0a16 read 0x0a17)
	[[ $out != *0x00000001* ]] || fail "a group 1 location holds its token's value: $out"
	for t in "${DSMIL_TOKENS[@]}"; do
		is_quarantined "$t" || [[ $t == 8008 ]] || assert_state "$t" emergency
	done
	run dmesg
	assert_output --partial "activating group 1 failed: -16"
	printf '# stop during the read-back: %d ms\n' $((t1 - t0)) >&3
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_state 8051 ready
}

@test "smbios: thermal_source is the first zone of thermal_zone= that exists; none exists: ENODATA" {
	dsmil_load_driver allow_writes=1
	# the default list is acpitz, the guest's only zone
	assert_content "$DSMIL_PDEV/thermal_source" acpitz
	activate 8000
	dsmil_unload
	"$H" -q reset
	dmesg -C
	dsmil_load_driver allow_writes=1 thermal_zone=nosuch,alsonot thermal_grace_ms=60000
	assert_content "$DSMIL_PDEV/thermal_source" nosuch
	run dmesg
	assert_output --partial "no thermal zone nosuch,alsonot"
	expect_read_errno "$E_NODATA" "${GRP}0/temperature"
	expect_errno "$E_NODATA" "${DEV}8000/state" 'active\n'
	expect_errno "$E_NODATA" "${GRP}1/state" 'active\n'
	assert_state 8000 ready
	assert_group_state 1 ready
	# through the firmware: nothing was written
	fw_writes 8000
	assert_equal "$REPLY" 0
	fw_writes 800c
	assert_equal "$REPLY" 0
}

@test "smbios: no zone past thermal_grace_ms: a token set before load is switched off in firmware" {
	"$H" -q write 0x0a05 1
	dsmil_load_driver allow_writes=1 thermal_zone=nosuch thermal_grace_ms=200
	wait_state 8005 emergency
	assert_group_state 0 emergency
	fw_writes 8005
	assert_equal "$REPLY" 2
	run "$H" read 0x0a05
	assert_output 0x00000000
}

@test "smbios: thermal_zone=none opts out: logged, thermal_source none, activation allowed, never stopped" {
	dmesg -C
	dsmil_load_driver allow_writes=1 thermal_zone=none thermal_grace_ms=0
	assert_content "$DSMIL_PDEV/thermal_source" none
	run dmesg
	assert_output --partial "thermal_zone=none: no thermal protection"
	expect_read_errno "$E_NODATA" "${GRP}0/temperature"
	activate 8000
	dsmil_sleep 0.3
	assert_state 8000 active
	fw_writes 8000
	assert_equal "$REPLY" 1
}
