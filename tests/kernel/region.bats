#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# dsmil-guest-append: mem=1536M memmap=16M$0x5f000000 no_timer_check
# dsmil-guest-qemu: tests/firmware/qemu-args.sh
#
# The DSMIL register region.  The guest has the emulated Dell firmware
# (Rugged identity: the driver binds dsmil.0 to it by itself) and
# firmware-reserved memory: mem=1536M ends RAM at 0x5f000000 and
# memmap=16M$0x5f000000 reserves 0x5f000000..0x5fffffff, so above it
# (0x60000000..) is a hole nobody claims, below it RAM.  (no_timer_check:
# under TCG on a loaded host the boot-time IO-APIC timer check can fail
# and panic the guest.)
#
# The simulator (dsmil-sim, here dsmil.1 beside the firmware instance)
# keeps its windows in kernel memory: no /proc/iomem line, reserved
# memory left as it was, yet every device has a `registers` file.
#
# The firmware instance maps a region only when mmio_base/mmio_size name
# one that is firmware-reserved throughout.  The tests play the firmware:
# they write window headers into the reserved memory through /dev/mem
# (tools/dsmil-physmem.c; STRICT_DEVMEM allows memory that is neither RAM
# nor claimed), then load the driver.  Window of group g, index i:
# mmio_base + g * 64 KiB + i * 4 KiB; header "DSML" (0x4c4d5344 LE), the
# token, status 1.  A range that is half reserved and half RAM or hole is
# refused.  The last test locks the kernel down (it cannot be lifted).

load helpers
load configfs-helpers

BASE=0x5f000000
SIZE=0x1000000
RESERVED="5f000000-5fffffff : Reserved"
E_ROFS="Read-only file system"

setup_file() {
	local line
	while IFS= read -r line; do
		[[ $line != "$RESERVED" ]] || export DSMIL_REGION_RESERVED=1
	done </proc/iomem
	modprobe dell-smbios || true
	dsmil_build_tool dsmil-physmem
	export PM=$REPLY
}

setup() {
	# the first test says why; the others would only fail confusingly
	[[ -n ${DSMIL_REGION_RESERVED:-} || $BATS_TEST_NUMBER == 1 ]] ||
		skip "no '$RESERVED' in /proc/iomem: boot with mem=1536M memmap=16M\$0x5f000000"
	DSMIL_SETUP_NOLOAD=1 dsmil_setup
	cfs_op_start
}

teardown() {
	local rc=0
	cfs_remove_all || rc=1
	cfs_op_stop
	dsmil_teardown || rc=1
	return $rc
}

# --- helpers (the shared ones are in configfs-helpers.bash) ---------------

# pm OP ARGS...: dsmil-physmem, must succeed; its output in REPLY
pm() {
	REPLY=$("$PM" "$@" 2>&1) || fail "dsmil-physmem $*: $REPLY"
}

# win SLOT -> REPLY: physical address of the window of device slot SLOT
win() { printf -v REPLY '0x%x' $((BASE + ($1 / 12) * 0x10000 + ($1 % 12) * 0x1000)); }

# fw_headers [SLOT...]: write the header of every device (default: all 84)
# into the reserved memory, as firmware would, in one dsmil-physmem run
fw_headers() {
	local s
	local -a args=() slots=("$@")
	((${#slots[@]})) || for ((s = 0; s < 84; s++)); do slots+=("$s"); done
	for s in "${slots[@]}"; do
		win "$s"
		args+=(hdr "$REPLY" $((0x8000 + s)))
	done
	pm "${args[@]}"
}

# sim_inst -> SIM: the number N of the (first) simulated dsmil.N
sim_inst() {
	local p
	SIM=
	for p in "$PLAT"/dsmil.*; do
		[[ -r $p/backend ]] || continue
		rd "$p/backend"
		[[ $REPLY != sim ]] || { SIM=${p##*/dsmil.}; return 0; }
	done
	fail "no simulated instance"
}

# warn_lines -> REPLY: the number of kernel log lines at warning level
# naming dsmil (since the last dmesg -C)
warn_lines() {
	local line n=0
	while IFS= read -r line; do [[ $line != *dsmil* ]] || ((++n)); done < <(dmesg -l warn)
	REPLY=$n
}

# assert_headers PREFIX TOKEN...: every listed window has its header
# (DSML, the token, status 1)
assert_headers() {
	local prefix=$1 got
	shift
	headers "$prefix" "$@"
	got=$REPLY
	expected_headers "$@"
	assert_text "window headers of $prefix*" "$REPLY" "$got"
}

# reg32 FILE OFFSET -> REPLY: the 32-bit register at OFFSET (dd + od)
reg32() {
	REPLY=$(dd if="$1" bs=4 skip=$(($2 / 4)) count=1 status=none | od -A n -t x4) ||
		fail "reading $1 at $2 failed"
	REPLY=${REPLY# }
}

# input NAME BYTES -> REPLY: a file holding the printf BYTES, for dd if=
input() {
	REPLY=$BATS_TEST_TMPDIR/$1
	# shellcheck disable=SC2059
	printf "$2" >"$REPLY"
}

# refused BASE SIZE: the driver loaded with that region has no windows,
# maps nothing, said so in one warning line and left memory alone
refused() {
	dmesg -C
	dsmil_load_driver mmio_base="$1" mmio_size="$2"
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content "$DSMIL_PDEV/mmio_chunks_mapped" 0
	count "$DEV"*/registers
	[[ $REPLY == 0 ]] || fail "$1+$2: $REPLY registers files on a refused region"
	warn_lines
	[[ $REPLY == 1 ]] || fail "$1+$2: $REPLY warning lines, expected 1: $(dmesg)"
	iomem_dsmil
	assert_equal "$REPLY" ""
	# a refused region still leaves a working instance
	assert_content "${DEV}8000/value" 0xd5008000
	dsmil_unload
}

# --- the simulator -------------------------------------------------------------

@test "sim: no /proc/iomem line, mmio files 0x0/0/0, every device's registers reads DSML and its token" {
	local line found=
	while IFS= read -r line; do [[ $line != "$RESERVED" ]] || found=1; done </proc/iomem
	[[ -n $found ]] || fail "no '$RESERVED' in /proc/iomem: the guest was not booted with mem=1536M memmap=16M\$0x5f000000"
	dsmil_load
	sim_inst
	local p=$PLAT/dsmil.$SIM d=$DSMIL_CLASS/dsmil$SIM:
	iomem_dsmil
	assert_equal "$REPLY" ""
	assert_content "$p/mmio_base" 0x0
	assert_content "$p/mmio_size" 0
	assert_content "$p/mmio_chunks_mapped" 0
	count "$d"*/registers
	assert_equal "$REPLY" 84
	sig_tokens "$d" "${DSMIL_TOKENS[@]}"
	local got=$REPLY
	exp_sig_tokens "${DSMIL_TOKENS[@]}"
	assert_text "sim window headers" "$REPLY" "$got"
	run wc -c "${d}8000/registers"
	assert_output "4096 ${d}8000/registers"
	# a configfs instance: the same, and no region attributes any more
	cfs_mkdir a groups=2 token_base=0x9000
	[[ ! -e $CFS/a/mmio_base && ! -e $CFS/a/mmio_size && ! -e $CFS/a/backend ]] ||
		fail "configfs items still have backend/mmio_base/mmio_size"
	cfs_enable a
	sig_tokens "$DSMIL_CLASS/dsmil$INST:" 9000 9017
	assert_equal "$REPLY" " 4c4d5344 00009000
 4c4d5344 00009017"
	iomem_dsmil
	assert_equal "$REPLY" ""
	cfs_rmdir a
}

@test "sim: a pattern written into reserved memory before loading is intact after load, use and unload" {
	pm fill "$BASE" "$SIZE" 0x1234 check "$BASE" "$SIZE" 0x1234
	dsmil_load
	sim_inst
	local d=$DSMIL_CLASS/dsmil$SIM:
	# use the windows: reads, and writes where the sim takes them
	sig_tokens "$d" 8000 8053
	wr "${d}8001/registers" 'WXYZ' 2>/dev/null || true
	cfs_mkdir a groups=7
	cfs_enable a
	wr "$DSMIL_CLASS/dsmil$INST:8002/registers" 'WXYZ' 2>/dev/null || true
	cfs_rmdir a
	dsmil_unload_sim
	dsmil_unload
	run "$PM" check "$BASE" "$SIZE" 0x1234
	assert_success
	assert_output ok
}

# --- the firmware instance -------------------------------------------------------

@test "firmware: no mmio_base/mmio_size: no region, no registers files" {
	dsmil_load_driver
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content "$DSMIL_PDEV/mmio_size" 0
	assert_content "$DSMIL_PDEV/mmio_chunks_mapped" 0
	count "$DEV"*/registers
	assert_equal "$REPLY" 0
	iomem_dsmil
	assert_equal "$REPLY" ""
}

@test "firmware: the reserved region is mapped; every window the firmware wrote is found and read" {
	pm zero "$BASE" 0x100000
	fw_headers
	# firmware data further in two windows
	win 0
	pm w32 $((REPLY + 16)) 0xcafe0001
	win 83
	pm w32 $((REPLY + 4092)) 0xcafe0053
	dsmil_load_driver mmio_base="$BASE" mmio_size="$SIZE"
	assert_content "$DSMIL_PDEV/backend" smbios
	assert_content "$DSMIL_PDEV/mmio_base" "$BASE"
	assert_content "$DSMIL_PDEV/mmio_size" $((SIZE))
	rd "$DSMIL_PDEV/mmio_chunks_mapped"
	((REPLY > 0)) || fail "mmio_chunks_mapped is $REPLY"
	count "$DEV"*/registers
	assert_equal "$REPLY" 84
	quick assert_headers "$DEV" "${DSMIL_TOKENS[@]}"
	reg32 "${DEV}8000/registers" 16
	assert_equal "$REPLY" cafe0001
	reg32 "${DEV}8053/registers" 4092
	assert_equal "$REPLY" cafe0053
	run wc -c "${DEV}802a/registers"
	assert_output "4096 ${DEV}802a/registers"
	# read-only platform files
	expect_errno "$E_ACCES" "$DSMIL_PDEV/mmio_base" '0x60000000'
	expect_errno "$E_ACCES" "$DSMIL_PDEV/mmio_chunks_mapped" '0'
}

# fw_two_bad: every header, but 0x8003 without the signature and 0x8040
# with another device's token (0x8041)
fw_two_bad() {
	pm zero "$BASE" 0x100000
	fw_headers
	win 3
	pm w32 "$REPLY" 0
	win 64
	pm w32 $((REPLY + 4)) 0x8041
}

@test "firmware: a window without the signature or with another token makes its device absent" {
	fw_two_bad
	dsmil_load_driver mmio_base="$BASE" mmio_size="$SIZE"
	assert_state 8003 absent
	assert_state 8040 absent
	assert_state 8002 ready
	assert_state 8041 ready
	assert_headers "$DEV" 8002 8004 803f 8041
	expect_read_errno "$E_NODEV" "${DEV}8003/value"
}

@test "firmware: a window without the signature or with another token has no registers file" {
	fw_two_bad
	dsmil_load_driver mmio_base="$BASE" mmio_size="$SIZE"
	[[ ! -e ${DEV}8003/registers ]] || fail "0x8003 has a registers file without a signature"
	[[ ! -e ${DEV}8040/registers ]] || fail "0x8040 has a registers file with token 0x8041"
	count "$DEV"*/registers
	assert_equal "$REPLY" 82
}

@test "firmware: registers writes are EROFS without allow_writes; with it they reach the memory" {
	pm zero "$BASE" 0x100000
	fw_headers
	dsmil_load_driver mmio_base="$BASE" mmio_size="$SIZE"
	expect_errno "$E_ROFS" "${DEV}8000/registers" 'WXYZ'
	expect_errno "$E_ROFS" "${DEV}8001/registers" 'ABCD'
	assert_headers "$DEV" 8000 8001
	dsmil_unload
	win 0
	pm r32 $((REPLY + 0))
	assert_equal "$REPLY" 0x4c4d5344
	# allow_writes=1: a write lands in the reserved memory itself
	dsmil_load_driver mmio_base="$BASE" mmio_size="$SIZE" allow_writes=1
	input pq 'PQRS'
	dd if="$REPLY" of="${DEV}8001/registers" bs=4 seek=8 conv=notrunc status=none ||
		fail "registers write with allow_writes=1 failed"
	reg32 "${DEV}8001/registers" 32
	assert_equal "$REPLY" 53525150
	# quarantined devices stay EPERM
	expect_errno "$E_PERM" "${DEV}8009/registers" 'ABCD'
	dsmil_unload
	win 1
	pm r32 $((REPLY + 32))
	assert_equal "$REPLY" 0x53525150
	win 9
	pm r32 $((REPLY + 0))
	assert_equal "$REPLY" 0x4c4d5344
}

@test "firmware: a region half reserved and half hole, half RAM, or in RAM is refused; memory untouched" {
	pm zero "$BASE" 0x100000
	fw_headers
	pm fill $((BASE + 0x800000)) 0x800000 0x77
	# 0x5f800000+16M: the second half is a hole (removed RAM, unclaimed)
	refused 0x5f800000 0x1000000
	# 0x5e800000+16M: the first half is RAM
	refused 0x5e800000 0x1000000
	# one byte past the reserved end
	refused "$BASE" $((SIZE + 4096))
	# all RAM
	refused 0x40000000 0x400000
	# nothing was written: the headers and the pattern are as they were
	win 0
	pm r32 "$REPLY"
	assert_equal "$REPLY" 0x4c4d5344
	run "$PM" check $((BASE + 0x800000)) 0x800000 0x77
	assert_output ok
}

# LAST test of this guest: lockdown cannot be lifted, and it refuses
# unsigned modules and hardware parameters from then on.
@test "firmware: under kernel lockdown (integrity) registers reads and writes are EPERM" {
	local lk=/sys/kernel/security/lockdown
	[[ -e $lk ]] || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
	[[ -e $lk ]] || skip "the guest kernel has no lockdown LSM ($lk missing)"
	rd "$lk"
	[[ $REPLY == *"[none]"* ]] || skip "the kernel is locked down already: $REPLY"
	pm zero "$BASE" 0x100000
	fw_headers
	dsmil_load_driver mmio_base="$BASE" mmio_size="$SIZE" allow_writes=1
	assert_headers "$DEV" 8000
	wrn "$lk" integrity
	rd "$lk"
	[[ $REPLY == *"[integrity]"* ]] || fail "lockdown: $REPLY"
	expect_read_errno "$E_PERM" "${DEV}8000/registers"
	expect_errno "$E_PERM" "${DEV}8000/registers" 'WXYZ'
	expect_read_errno "$E_PERM" "${DEV}8053/registers"
	# the rest of the device still works
	assert_content "${DEV}8000/value" 0xd5008000
}
