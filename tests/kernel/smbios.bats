#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dsmil-84dev on the emulated Dell firmware (tests/firmware): the guest
# boots with its DMI identity (SMBIOS type 1 "Dell Inc." / "Latitude 5430
# Rugged", which the driver's device table matches), its SMBIOS token
# table and ACPI-WMI device; mainline dell-smbios binds to it, and the
# driver, loaded with a plain insmod (or by udev, first test), binds
# dsmil.0 to the firmware by itself and makes real calls.
# build/firmware/dell-wmi-call reads the firmware's own counters through
# a second path (/dev/wmi/dell-smbios) to prove what reached it.
#
# Token 0x8000+n lives at location 0x0A00+n; its firmware value starts as
# 0xd5008000+n and its table ("active") value is 1.
#
# dsmil-guest-qemu: tests/firmware/qemu-args.sh

load helpers

setup_file() {
	modprobe dell-smbios
}

setup() { fw_setup; }

teardown() {
	local rc=0
	dsmil_udevd_stop
	dsmil_teardown || rc=1
	dsmil_uninstall_modules || rc=1
	return $rc
}

# fw_load [PARAM=VALUE ...]: insmod the driver alone; dsmil.0 must be the
# firmware instance
fw_load() {
	dsmil_load_driver "$@"
	[[ -d $DSMIL_PDEV ]] || fail "the driver did not bind the firmware: no $DSMIL_PDEV"
	assert_content "$DSMIL_PDEV/backend" smbios
}

@test "smbios: autoload: udev coldplug loads dsmil-84dev by its DMI alias, dsmil.0 reads smbios" {
	local i
	assert_content /sys/class/dmi/id/sys_vendor "Dell Inc."
	assert_content /sys/class/dmi/id/product_name "Latitude 5430 Rugged"
	dsmil_install_modules
	# kmod resolves the machine's modalias to the driver
	run modprobe -R "$(</sys/class/dmi/id/modalias)"
	assert_success
	assert_line dsmil_84dev
	! dsmil_loaded || fail "a dsmil module is loaded before the coldplug"
	dsmil_udevd_start
	dsmil_coldplug
	for ((i = 0; i < 50; i++)); do
		[[ -e $DSMIL_PDEV/backend ]] && break
		dsmil_sleep 0.2
	done
	dsmil_driver_loaded || fail "udev coldplug did not load dsmil_84dev"
	! dsmil_sim_loaded || fail "udev coldplug loaded dsmil_sim"
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_content "$DEV""8000/value" 0xd5008000
}

@test "smbios: a plain insmod binds 84 devices to the firmware's tokens" {
	fw_load
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_state 8000 ready
	assert_state 8053 ready
	local t
	for t in "${DSMIL_QUARANTINED[@]}"; do
		assert_state "$t" quarantined
		assert_content "$DEV$t/quarantined" 1
		assert_content "$DEV$t/quarantine_reason" listed
	done
	# 0x8008 shares quarantined 0x8009's location in the firmware's table
	assert_state 8008 quarantined
	assert_content "$DEV""8008/quarantined" 1
	assert_content "$DEV""8008/quarantine_reason" "shares location 0x0a09 with 0x8009"
	assert_state 8007 ready
	assert_content "$DEV""8007/quarantined" 0
	assert_content "$DEV""8007/quarantine_reason" none
	expect_errno "Permission denied" "$DEV""8008/quarantine_reason" 'none\n'
	[[ ! -e /sys/kernel/debug/dsmil/dsmil.0/sim ]] || fail "the firmware instance has sim knobs"
	# no region was named: no address is mapped, no registers files
	assert_content "$DSMIL_PDEV/mmio_size" 0
	assert_content "$DSMIL_PDEV/mmio_chunks_mapped" 0
	local -a r=("$DSMIL_CLASS"/dsmil0:*/registers)
	[[ ! -e ${r[0]} ]] || fail "registers files without a region: ${r[0]} ..."
	run grep -c ' : dsmil' /proc/iomem
	assert_output 0
}

# mon_platform_start: udevadm monitor of platform uevents (properties)
# into $BATS_TEST_TMPDIR/uevents, running once it printed its header
mon_platform_start() {
	local i
	udevadm monitor --kernel --property --subsystem-match=platform \
		>"$BATS_TEST_TMPDIR/uevents" 2>&1 &
	DSMIL_BG_PIDS+=" $!"
	for ((i = 0; i < 300; i++)); do
		slurp "$BATS_TEST_TMPDIR/uevents"
		[[ $REPLY == *$'\nKERNEL - '* ]] && return 0
		dsmil_sleep 0.05
	done
	fail "udevadm monitor did not start: $REPLY"
}

@test "smbios: the load returns before the read-back ends; until ready states read error, writes fail with EAGAIN" {
	local t0 t1 t2 r0 s0 s1 f w
	# the read-back's first eight reads take 150 ms each: 1.2 s for the
	# plain commands below (asserts come after: the guest is slow at them)
	"$H" -q inject-slow 150 0 8
	mon_platform_start
	now_ms; t0=$REPLY
	DSMIL_LOAD_NOWAIT=1 dsmil_load_driver allow_writes=1 smi_timeout_ms=200
	now_ms; t1=$REPLY
	IFS= read -r r0 <"$DSMIL_PDEV/ready"
	IFS= read -r s0 <"$DEV""8053/state"
	IFS= read -r s1 <"$GRP""6/state"
	# nothing acts on a device whose state is not known yet
	{ printf 'active\n' >"$DEV""8000/state"; } 2>"$BATS_TEST_TMPDIR/w1" || true
	{ printf '1\n' >"$DEV""8001/value"; } 2>"$BATS_TEST_TMPDIR/w2" || true
	{ printf 'active\n' >"$GRP""1/state"; } 2>"$BATS_TEST_TMPDIR/w3" || true
	IFS= read -r w <"$DSMIL_PDEV/ready"
	dsmil_wait_ready
	now_ms; t2=$REPLY
	assert_equal "$r0" 0
	assert_equal "$w" 0
	assert_equal "$s0" error
	assert_equal "$s1" error
	for f in w1 w2 w3; do
		slurp "$BATS_TEST_TMPDIR/$f"
		[[ $REPLY == *"$E_AGAIN"* ]] || fail "write $f before ready: expected \"$E_AGAIN\", got '$REPLY'"
	done
	((t2 - t0 >= 1200)) || fail "ready $((t2 - t0)) ms after the load began, before eight 150 ms reads"
	assert_content "$DSMIL_PDEV/ready" 1
	assert_state 8000 ready
	assert_state 8050 ready
	assert_state 8053 ready
	assert_group_state 6 ready
	# through the firmware: no write reached it, and the load read each
	# unquarantined device once (84 - 5 listed - 0x8008 = 78 reads)
	run "$H" stats
	assert_output "calls=78 writes=0 reads=78"
	run "$H" reads 0x0a50
	assert_output 1
	# the announcement, once
	kill "${DSMIL_BG_PIDS# }" 2>/dev/null || true
	wait "${DSMIL_BG_PIDS# }" 2>/dev/null || true
	DSMIL_BG_PIDS=
	slurp "$BATS_TEST_TMPDIR/uevents"
	[[ $REPLY == *$'DEVPATH=/devices/platform/dsmil.0\n'*$'DSMIL_EVENT=ready\n'* ]] ||
		fail "no DSMIL_EVENT=ready uevent on dsmil.0: $REPLY"
	printf '# insmod returned after %d ms, ready after %d ms\n' $((t1 - t0)) $((t2 - t0)) >&3
	# and now writes work
	wrn "$DEV""8000/state" active
	assert_state 8000 active
}

@test "smbios: unbind, rebind and unload during the read-back: it ends after the call in flight" {
	local t0 t1 t2
	# the read of 0x8002 takes 300 ms (past smi_timeout_ms: "error")
	"$H" -q inject-slow 300 0x0a02 1
	DSMIL_LOAD_NOWAIT=1 dsmil_load_driver smi_timeout_ms=200
	assert_content "$DSMIL_PDEV/ready" 0
	now_ms; t0=$REPLY
	wrn "$DSMIL_PDRV/unbind" dsmil.0
	now_ms; t1=$REPLY
	[[ ! -e $DSMIL_PDEV/ready && ! -e $DEV""8000 ]] || fail "dsmil.0 still bound after unbind"
	# the read-back stopped: the last device was never read
	run "$H" reads 0x0a53
	assert_output 0
	"$H" -q inject-slow 0
	# a new probe, a new read-back
	wrn "$DSMIL_PDRV/bind" dsmil.0
	dsmil_wait_ready
	assert_state 8053 ready
	run "$H" reads 0x0a53
	assert_output 1
	# rmmod during the next read-back, whose first eight reads take 150 ms
	# each (rmmod's two execs take about half a second in the guest)
	dsmil_unload
	"$H" -q inject-slow 150 0 8
	DSMIL_LOAD_NOWAIT=1 dsmil_load_driver smi_timeout_ms=200
	now_ms; t2=$REPLY
	dsmil_unload
	now_ms
	run "$H" reads 0x0a53
	assert_output 1
	printf '# unbind during the read-back: %d ms, rmmod: %d ms\n' $((t1 - t0)) $((REPLY - t2)) >&3
}

@test "smbios: dsmil-sim beside the firmware instance: the next numbers, sim only" {
	fw_load
	dsmil_load_sim
	assert_content /sys/devices/platform/dsmil.1/backend sim
	assert_content /sys/devices/platform/dsmil.1/device_count 84
	assert_content "$DSMIL_PDEV/backend" smbios
	[[ -d /sys/kernel/debug/dsmil/dsmil.1/sim ]] || fail "no sim knobs for dsmil.1"
	# configfs makes simulated instances only, numbered after both
	local c=/sys/kernel/config/dsmil/fw1
	mkdir "$c"
	[[ ! -e $c/backend ]] || fail "configfs items still have a backend attribute"
	wrn "$c/groups" 1
	wrn "$c/enable" 1
	assert_content "$c/instance" dsmil.2
	assert_content /sys/devices/platform/dsmil.2/backend sim
	wrn "$c/enable" 0
	rmdir "$c"
	# the simulated instances never reach the firmware
	wrn /sys/class/dsmil/dsmil1:8001/state active
	fw_writes 8001
	[ "$REPLY" = 0 ] || fail "firmware saw $REPLY writes of 0x8001 from a sim instance"
	dsmil_unload_sim
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content "$DEV""8053/value" 0xd5008053
}

@test "smbios: a value read is a firmware token read" {
	fw_load
	assert_content "$DEV""8000/value" 0xd5008000
	assert_content "$DEV""8053/value" 0xd5008053
	"$H" -q write 0x0a05 0x1234
	assert_content "$DEV""8005/value" 0x00001234
	# read through the quarantined device: reading is allowed
	assert_content "$DEV""8009/value" 0xd5008009
}

@test "smbios: without allow_writes nothing is written (EROFS), counted apart, one dmesg line" {
	fw_load
	expect_errno "Read-only file system" "$DEV""8001/state" 'active\n'
	expect_errno "Read-only file system" "$DEV""8002/state" 'active\n'
	expect_errno "Read-only file system" "$DEV""8002/state" 'active\n'
	expect_errno "Read-only file system" "$GRP""3/state" 'active\n'
	assert_state 8001 ready
	assert_group_state 3 ready
	# refused before the firmware: no write, no error, counted apart
	get_stat 8001 refused_writes; assert_equal "$REPLY" 1
	get_stat 8002 refused_writes; assert_equal "$REPLY" 2
	get_stat 8024 refused_writes; assert_equal "$REPLY" 1
	get_stat 8025 refused_writes; assert_equal "$REPLY" 0
	get_stat 8002 writes; assert_equal "$REPLY" 0
	get_stat 8002 errors; assert_equal "$REPLY" 0
	expect_errno "Permission denied" "$DEV""8002/statistics/refused_writes" '0\n'
	# a value write needs an active device: refused before the firmware
	expect_errno "Device or resource busy" "$DEV""8001/value" '7\n'
	fw_writes 8001; [ "$REPLY" = 0 ] || fail "firmware saw $REPLY writes of 0x8001"
	fw_writes 8002; [ "$REPLY" = 0 ] || fail "firmware saw $REPLY writes of 0x8002"
	run grep -c 'allow_writes=1' <(dmesg)
	[ "$output" = 1 ] || fail "expected one dmesg line about allow_writes, got $output"
}

@test "smbios: allow_writes=1: activation writes the token's value, reads it back; the state follows the location" {
	fw_load allow_writes=1
	activate 8001
	get_stat 8001 refused_writes
	assert_equal "$REPLY" 0
	# through the firmware: the state read at load, the activation's
	# write of the table value (1) and its read-back
	run "$H" peek 0x0a01
	assert_output "value=0x00000001 writes=1 reads=2"
	# off is 0 at the location, read back too
	deactivate 8001
	run "$H" peek 0x0a01
	assert_output "value=0x00000000 writes=2 reads=3"
	expect_errno "Device or resource busy" "$DEV""8001/value" '1\n'
	activate 8001
	# the token's own value through "value": still on
	wrn "$DEV""8001/value" 1
	assert_state 8001 active
	# anything else: the location no longer holds the token's value
	wrn "$DEV""8001/value" 0x12345678
	assert_state 8001 ready
	run "$H" peek 0x0a01
	assert_output "value=0x12345678 writes=5 reads=6"
	assert_content "$DEV""8001/value" 0x12345678
	get_stat 8001 activations
	assert_equal "$REPLY" 2
}

@test "smbios: a write the firmware does not apply is EIO, the device goes to error" {
	fw_load allow_writes=1
	"$H" -q drop-writes 1 0x0a02
	expect_errno "Input/output error" "$DEV""8002/state" 'active\n'
	assert_state 8002 error
	run "$H" peek 0x0a02
	assert_output "value=0xd5008002 writes=1 reads=2"
	run grep -c 'token 0x8002: location 0x0a02 reads 0xd5008002 after writing 0x1$' <(dmesg)
	assert_output 1
	# reset writes 0 and reads it back
	wrn "$DEV""8002/state" reset
	assert_state 8002 ready
	run "$H" read 0x0a02
	assert_output 0x00000000
	activate 8002
	"$H" -q drop-writes 1 0x0a02
	expect_errno "Input/output error" "$DEV""8002/state" 'ready\n'
	assert_state 8002 error
	run "$H" read 0x0a02
	assert_output 0x00000001
}

@test "smbios: a write past smi_timeout_ms that the firmware applied leaves the device in error" {
	fw_load allow_writes=1
	# the firmware's slow location: every write to 0x0a50 takes 150 ms,
	# past the default smi_timeout_ms=100
	expect_errno "Connection timed out" "$DEV""8050/state" 'active\n'
	assert_state 8050 error
	get_stat 8050 errors
	assert_equal "$REPLY" 1
	# the firmware applied it: the location holds the token's value
	run "$H" peek 0x0a50
	assert_output "value=0x00000001 writes=1 reads=2"
}

@test "smbios: quarantined tokens never reach the firmware, even with allow_writes=1" {
	local t
	fw_load allow_writes=1 activate=0
	for t in "${DSMIL_QUARANTINED[@]}" "${FW_SHARED_QUARANTINED[@]}"; do
		expect_errno "Operation not permitted" "$DEV$t/value" '1\n'
		expect_errno "Operation not permitted" "$DEV$t/state" 'active\n'
		expect_errno "Operation not permitted" "$DEV$t/state" 'reset\n'
		assert_state "$t" quarantined
	done
	# group 0 holds 0x8008..0x800b: activating it (at load, then by
	# hand), a stop and a clear leave them alone
	assert_state 8000 active
	wrn "$GRP""0/state" ready
	wrn "$GRP""0/state" active
	wrn "$DSMIL_PDEV/emergency_stop" 1
	wrn "$DSMIL_PDEV/emergency_stop" 0
	for t in "${DSMIL_QUARANTINED[@]}" "${FW_SHARED_QUARANTINED[@]}"; do
		fw_writes "$t"
		[ "$REPLY" = 0 ] || fail "firmware saw $REPLY writes of quarantined 0x$t"
	done
	# through the firmware: nothing wrote 0x8009's location, which
	# 0x8008 shares, and it still holds its boot value
	run "$H" peek 0x0a09
	assert_output "value=0xd5008009 writes=0 reads=0"
	fw_writes 8000
	[ "$REPLY" = 4 ] || fail "0x8000: expected activate, deactivate twice (4 writes), got $REPLY"
}

@test "smbios: 0x8040 and 0x8041 share a location: both usable, states re-read after every call" {
	fw_load allow_writes=1
	assert_content "$DEV""8041/quarantine_reason" none
	activate 8040
	run "$H" read 0x0a40
	assert_output 0x00000001
	# 0x8041's value (2) replaces 0x8040's: 0x8040 is off now
	activate 8041
	run "$H" read 0x0a40
	assert_output 0x00000002
	assert_state 8040 ready
	assert_group_state 5 mixed
	# 0x8040's value written through 0x8041: the states swap
	wrn "$DEV""8041/value" 1
	assert_state 8041 ready
	assert_state 8040 active
	# off is 0 for both
	deactivate 8040
	assert_state 8041 ready
	run "$H" peek 0x0a40
	# reads: 2 at load, each call's read-back or follow-up read and the
	# other token's re-read (8), and this test's own 2
	assert_output "value=0x00000000 writes=4 reads=12"
	fw_writes 8041
	assert_equal "$REPLY" 4
	run "$H" count 0x0a41
	assert_output 0
}

@test "smbios: the shared-location re-read leaves a device in error alone: unknown stays error" {
	fw_load allow_writes=1
	# 0x8041's activation fails in firmware: unknown, error
	"$H" -q inject-error 1 0x0a40
	expect_errno "$E_IO" "$DEV""8041/state" 'active\n'
	assert_state 8041 error
	# calls on 0x8040 re-read the location, but not for 0x8041: only a
	# reset leaves error, even though the location holds 0x8040's value
	activate 8040
	run "$H" read 0x0a40
	assert_output 0x00000001
	assert_state 8041 error
	deactivate 8040
	assert_state 8041 error
	wrn "$DEV""8041/state" reset
	assert_state 8041 ready
	assert_state 8040 ready
}

@test "smbios: nothing reaches a token outside 0x8000..0x8053, not even 0x0175 of the table" {
	[[ -e /sys/devices/platform/dell-smbios.0/tokens/0175_location ]] ||
		fail "the firmware's table does not list 0x0175"
	fw_load allow_writes=1 activate=0,1,2,3,4,5
	dsmil_load_sim
	# configfs makes simulated instances only, whatever their tokens
	local c=/sys/kernel/config/dsmil/t175
	mkdir "$c"
	wrn "$c/token_base" 0x0170
	wrn "$c/groups" 1
	wrn "$c/enable" 1
	assert_content "/sys/class/dsmil/dsmil2:0175/token" 0x0175
	wrn /sys/class/dsmil/dsmil2:0175/state active
	wrn /sys/class/dsmil/dsmil2:0175/value 7
	wrn "$c/enable" 0
	rmdir "$c"
	wrn "$DSMIL_PDEV/emergency_stop" 1
	wrn "$DSMIL_PDEV/emergency_stop" 0
	dsmil_unload_sim
	run "$H" peek 0x0b75
	assert_output "value=0xd5000175 writes=0 reads=0"
}

@test "smbios: a firmware error is EIO and counted; the next call works" {
	fw_load
	"$H" -q inject-error 1 0x0a02 -1
	expect_read_errno "Input/output error" "$DEV""8002/value"
	assert_content "$DEV""8002/value" 0xd5008002
	get_stat 8002 errors
	[ "$REPLY" = 1 ] || fail "errors of 0x8002: $REPLY"
}

@test "smbios: a call slower than smi_timeout_ms is ETIMEDOUT" {
	fw_load smi_timeout_ms=100
	"$H" -q inject-slow 300 0x0a03 1
	expect_read_errno "Connection timed out" "$DEV""8003/value"
	assert_content "$DEV""8003/value" 0xd5008003
}

@test "smbios: thermal_zone=acpitz: group temperatures follow the ACPI zone, a trip stops" {
	fw_load allow_writes=1 thermal_zone=acpitz thermal_poll_ms=100
	"$H" -q set-temp 3132
	activate 8000
	wrn "$DSMIL_PDEV/thermal_threshold" 90000
	assert_content "$GRP""0/temperature" 40000
	# 100 C = 3732 dK: above the 90 C threshold
	"$H" -q set-temp 3732
	local i
	for ((i = 0; i < 50; i++)); do
		get_state 8000
		[ "$REPLY" = emergency ] && break
		dsmil_sleep 0.1
	done
	assert_state 8000 emergency
	run "$H" read 0x0a00
	[ "$output" = 0x00000000 ] || fail "stopped token 0x8000 holds $output"
	"$H" -q set-temp 3132
}

@test "smbios: smi_rate caps the firmware calls per second (callers wait)" {
	local t0 i ms
	fw_load smi_rate=10
	"$H" -q reset
	now_ms
	t0=$REPLY
	# 21 reads at 10 calls/s cannot finish in less than 2 s
	for ((i = 0; i < 21; i++)); do
		rd "$DEV""8004/value"
	done
	now_ms
	ms=$((REPLY - t0))
	((ms >= 1900)) || fail "21 reads took $ms ms: more than 10 calls/s reached the firmware"
	run "$H" reads 0x0a04
	[ "$output" = 21 ] || fail "firmware counted $output reads of 0x8004, not 21"
}

@test "smbios: unload and reload while dell-smbios stays loaded" {
	fw_load
	assert_content "$DEV""8000/value" 0xd5008000
	dsmil_unload
	grep -q '^dell_smbios ' /proc/modules || fail "dell-smbios went away with dsmil"
	fw_load
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content "$DEV""8053/value" 0xd5008053
}
