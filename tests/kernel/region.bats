#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# dsmil-guest-append: memmap=360M$0x52000000
#
# The DSMIL register region on real reserved memory: the guest boots with
# memmap=360M$0x52000000 (header above; tests/vm/run-suites.sh boots this
# suite's own guest), so 0x52000000..0x687fffff is firmware-reserved and the
# real request_mem_region()/ioremap() path runs.  Covered: the claim in
# /proc/iomem, mmio_base/mmio_size/mmio_chunks_mapped, the window header of
# every device through "registers" (od, dd), bounds and alignment, EPERM
# for quarantined devices and EBUSY during emergency, sim_absent, an
# instance without a region, instances with different regions side by
# side, a region that cannot be claimed, and a range outside the reserved
# memory.  Window layout (region.c, sim.c): group stride 64 KiB, device
# stride 4 KiB; each window starts with "DSML" (0x4c4d5344 LE), the token
# id and the status word 1.
#
# configfs.bats covers the guest without a reserved region (the windows
# then live in an internal buffer).

load helpers
load configfs-helpers

RESERVED="52000000-687fffff : Reserved"
E_FBIG="File too large"

setup_file() {
	local line
	while IFS= read -r line; do
		[[ $line != "$RESERVED" ]] || export DSMIL_REGION_RESERVED=1
	done </proc/iomem
}

setup() {
	# the first test says why; the others would only fail confusingly
	[[ -n ${DSMIL_REGION_RESERVED:-} || $BATS_TEST_NUMBER == 1 ]] ||
		skip "no '$RESERVED' in /proc/iomem: boot with memmap=360M\$0x52000000"
	dsmil_setup
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

# tokens BASE N -> TOKENS: N tokens from BASE (4 hex digits each)
tokens() {
	local i
	TOKENS=()
	for ((i = 0; i < $2; i++)); do printf -v 'TOKENS[i]' '%04x' $(($1 + i)); done
}

# assert_headers PREFIX TOKEN...: every listed window has its header
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

# dd_fails ERRTEXT DD-ARGS...: dd must fail with ERRTEXT
dd_fails() {
	local err=$1
	shift
	run dd status=none "$@"
	assert_failure
	assert_output --regexp "^dd: error (reading|writing) '[^']+': $err\$"
}

# input NAME BYTES -> REPLY: a file holding the printf BYTES, for dd if=
input() {
	REPLY=$BATS_TEST_TMPDIR/$1
	# shellcheck disable=SC2059
	printf "$2" >"$REPLY"
}

# --- tests -------------------------------------------------------------------

@test "the load-time instance claims the reserved region: /proc/iomem, mmio files, one chunk" {
	local line found=
	while IFS= read -r line; do [[ $line != "$RESERVED" ]] || found=1; done </proc/iomem
	[[ -n $found ]] || fail "no '$RESERVED' in /proc/iomem: the guest was not booted with memmap=360M\$0x52000000"
	iomem_dsmil
	assert_equal "$REPLY" "  52000000-687fffff : dsmil"
	assert_content "$DSMIL_PDEV/mmio_base" 0x52000000
	assert_content "$DSMIL_PDEV/mmio_size" 377487360
	# 84 windows span 6 * 64 KiB + 12 * 4 KiB: the first 4 MiB chunk only
	assert_content "$DSMIL_PDEV/mmio_chunks_mapped" 1
	run dmesg
	refute_output --partial "firmware-reserved"
	refute_output --partial "no register windows"
	count "$DEV"*/registers
	assert_equal "$REPLY" 84
	# read-only files
	expect_errno "$E_ACCES" "$DSMIL_PDEV/mmio_base" '0x60000000'
	expect_errno "$E_ACCES" "$DSMIL_PDEV/mmio_size" '0'
	expect_errno "$E_ACCES" "$DSMIL_PDEV/mmio_chunks_mapped" '0'
	# unload releases it; a smaller region is claimed exactly
	dsmil_unload
	iomem_dsmil
	assert_equal "$REPLY" ""
	dsmil_load mmio_base=0x52400000 mmio_size=0x100000
	iomem_dsmil
	assert_equal "$REPLY" "  52400000-524fffff : dsmil"
	assert_content "$DSMIL_PDEV/mmio_base" 0x52400000
	assert_content "$DSMIL_PDEV/mmio_size" 1048576
	assert_content "$DSMIL_PDEV/mmio_chunks_mapped" 1
}

@test "every device's window starts with DSML, its token id and status 1 (od, dd)" {
	quick assert_headers "$DEV" "${DSMIL_TOKENS[@]}"
	# the bytes, little-endian: "DSML", 0x8053, 1
	run od -A x -t x1 -N 12 "${DEV}8053/registers"
	assert_output $'000000 44 53 4d 4c 53 80 00 00 01 00 00 00\n00000c'
	run od -A n -c -N 4 "${DEV}8000/registers"
	assert_output "   D   S   M   L"
	reg32 "${DEV}802a/registers" 4
	assert_equal "$REPLY" 0000802a
	reg32 "${DEV}802a/registers" 8
	assert_equal "$REPLY" 00000001
	# quarantined devices are in the region too
	reg32 "${DEV}8019/registers" 0
	assert_equal "$REPLY" 4c4d5344
}

@test "registers: 4096 bytes, short reads at the end, nothing beyond, 32-bit alignment or EINVAL" {
	local f=${DEV}8000/registers
	run wc -c "$f"
	assert_output "4096 $f"
	# the last register, then the end of the window
	run sh -c 'dd if="$1" bs=4 skip=1023 count=4 status=none | wc -c' _ "$f"
	assert_output 4
	run sh -c 'dd if="$1" bs=16 skip=4088 iflag=skip_bytes count=1 status=none | wc -c' _ "$f"
	assert_output 8
	run sh -c 'dd if="$1" bs=4 skip=1024 count=1 status=none | wc -c' _ "$f"
	assert_output 0
	# unaligned sizes and offsets
	dd_fails "$E_INVAL" if="$f" bs=2 count=1
	dd_fails "$E_INVAL" if="$f" bs=6 count=1
	dd_fails "$E_INVAL" if="$f" bs=4 skip=2 iflag=skip_bytes count=1
	dd_fails "$E_INVAL" if="$f" bs=4 skip=4094 iflag=skip_bytes count=1
	# writes: beyond the end, unaligned, and what lands
	input w4 'ABCD'
	local in4=$REPLY
	input w2 'AB'
	local in2=$REPLY
	input w8 'EFGHIJKL'
	local in8=$REPLY
	reg32 "$f" 16
	local before=$REPLY
	dd_fails "$E_FBIG" if="$in4" of="$f" bs=4 seek=1024 conv=notrunc
	dd_fails "$E_INVAL" if="$in2" of="$f" bs=2 seek=8 conv=notrunc
	dd_fails "$E_INVAL" if="$in4" of="$f" bs=4 seek=18 oflag=seek_bytes conv=notrunc
	reg32 "$f" 16
	assert_equal "$REPLY" "$before"
	dd if="$in4" of="$f" bs=4 seek=4 conv=notrunc status=none
	reg32 "$f" 16
	assert_equal "$REPLY" 44434241
	# a write across the end: the part inside lands, the rest is EFBIG
	dd_fails "$E_FBIG" if="$in8" of="$f" bs=8 seek=4092 oflag=seek_bytes conv=notrunc
	reg32 "$f" 4092
	assert_equal "$REPLY" 48474645
	# the header is still readable and right
	assert_headers "$DEV" 8000
}

@test "registers writes: EPERM on quarantined devices, EBUSY during emergency; nothing written" {
	local t
	for t in "${DSMIL_QUARANTINED[@]}"; do
		expect_errno "$E_PERM" "$DEV$t/registers" 'ABCD'
		expect_errno "$E_PERM" "$DEV$t/registers" 'AB'   # before any other check
	done
	assert_headers "$DEV" "${DSMIL_QUARANTINED[@]}"
	# manual emergency stop: every present device
	wrn "$DSMIL_PDEV/emergency_stop" 1
	assert_state 8000 emergency
	for t in 8000 8001 8053; do expect_errno "$E_BUSY" "$DEV$t/registers" 'ABCD'; done
	expect_errno "$E_PERM" "${DEV}8009/registers" 'ABCD'
	assert_headers "$DEV" 8000 8001 8053
	wrn "$DSMIL_PDEV/emergency_stop" 0
	assert_state 8000 ready
	wr "${DEV}8053/registers" 'WXYZ'
	reg32 "${DEV}8053/registers" 0
	assert_equal "$REPLY" 5a595857
	# a thermal trip of group 1 only (device limit 90 C, platform 100 C)
	wrn "$DSMIL_SIM/temp_g1" 95000
	assert_state 800c emergency
	assert_state 8000 ready
	expect_errno "$E_BUSY" "${DEV}800c/registers" 'ABCD'
	expect_errno "$E_BUSY" "${DEV}8017/registers" 'ABCD'
	wr "${DEV}8000/registers" 'WXYZ'
	assert_headers "$DEV" 800c 8017
	wrn "$DSMIL_SIM/temp_g1" 45000
	assert_state 800c ready
	wr "${DEV}800c/registers" 'WXYZ'
	reg32 "${DEV}800c/registers" 0
	assert_equal "$REPLY" 5a595857
}

@test "registers are the reserved memory itself: what is written survives a reload, headers are rewritten" {
	input pq 'PQRS'
	dd if="$REPLY" of="${DEV}8030/registers" bs=4 seek=8 conv=notrunc status=none
	wr "${DEV}8030/registers" 'XXXX'   # clobber the signature
	reg32 "${DEV}8030/registers" 0
	assert_equal "$REPLY" 58585858
	dsmil_reload
	assert_headers "$DEV" 8030
	reg32 "${DEV}8030/registers" 32
	assert_equal "$REPLY" 53525150
	# a configfs instance on the same memory sees it too
	dsmil_reload mmio_size=0
	assert_content "$DSMIL_PDEV/mmio_chunks_mapped" 0
	cfs_mkdir a mmio_size=377487360
	cfs_enable a
	assert_content "$PLAT/dsmil.$INST/mmio_chunks_mapped" 1
	reg32 "$DSMIL_CLASS/dsmil$INST:8030/registers" 32
	assert_equal "$REPLY" 53525150
	# and dsmil.0, without a region, has its own buffer
	reg32 "${DEV}8030/registers" 32
	assert_equal "$REPLY" 00000000
	cfs_rmdir a
}

@test "sim_absent: the absent device's window loses its header and discovery marks it absent" {
	dsmil_reload mmio_size=0
	cfs_mkdir a mmio_size=377487360
	# first every header is there (also from earlier tests)
	cfs_enable a
	quick assert_headers "$DSMIL_CLASS/dsmil$INST:" "${DSMIL_TOKENS[@]}"
	wrn "$CFS/a/enable" 0
	wrn "$CFS/a/sim_absent" 0x8003,0x8040,0x8009
	cfs_enable a
	local d=$DSMIL_CLASS/dsmil$INST:
	assert_content "$PLAT/dsmil.$INST/mmio_chunks_mapped" 1
	iomem_dsmil
	assert_equal "$REPLY" "  52000000-687fffff : dsmil"
	headers "$d" 8002 8003 8004 8040 8009
	local got=$REPLY
	expected_headers 8002 -8003 8004 -8040 -8009
	assert_text "headers" "$REPLY" "$got"
	assert_content "${d}8003/state" absent
	assert_content "${d}8040/state" absent
	# a quarantined token the firmware does not provide stays quarantined
	assert_content "${d}8009/state" quarantined
	expect_read_errno "$E_NODEV" "${d}8003/value"
	expect_errno "$E_NODEV" "${d}8003/state" 'active'
	assert_content "${d}8004/state" ready
	# present again on the next enable
	wrn "$CFS/a/enable" 0
	wrn "$CFS/a/sim_absent" ''
	cfs_enable a
	assert_headers "$DSMIL_CLASS/dsmil$INST:" 8003 8040
	assert_content "$DSMIL_CLASS/dsmil$INST:8003/state" ready
	cfs_rmdir a
}

@test "an instance with mmio_size=0 claims nothing and keeps its windows in a buffer" {
	cfs_mkdir a groups=2
	cfs_enable a
	local p=$PLAT/dsmil.$INST d=$DSMIL_CLASS/dsmil$INST:
	assert_content "$p/mmio_size" 0
	assert_content "$p/mmio_chunks_mapped" 0
	iomem_dsmil
	assert_equal "$REPLY" "  52000000-687fffff : dsmil"
	tokens 0x8000 24
	quick assert_headers "$d" "${TOKENS[@]}"
	# separate memory: a write there is not seen by dsmil.0
	wr "${d}8001/registers" 'WXYZ'
	reg32 "${d}8001/registers" 0
	assert_equal "$REPLY" 5a595857
	assert_headers "$DEV" 8001
	cfs_rmdir a
}

@test "instances with different regions side by side: each claimed, mapped and populated" {
	dsmil_reload mmio_size=0x400000
	cfs_mkdir a mmio_base=0x52400000 mmio_size=0x400000
	cfs_mkdir b mmio_base=0x52800000 mmio_size=0x4000000 groups=2 devices_per_group=16 \
		token_base=0x9000
	# 16 x 16 windows span exactly 1 MiB
	cfs_mkdir c mmio_base=0x56800000 mmio_size=0x100000 groups=16 devices_per_group=16 \
		token_base=0xa000
	cfs_enable a
	local a=$INST
	cfs_enable b
	local b=$INST
	cfs_enable c
	local c=$INST
	iomem_dsmil
	assert_text "/proc/iomem" "  52000000-523fffff : dsmil
  52400000-527fffff : dsmil
  52800000-567fffff : dsmil
  56800000-568fffff : dsmil" "$REPLY"
	assert_content "$PLAT/dsmil.$b/mmio_size" 67108864
	assert_content "$PLAT/dsmil.$c/mmio_size" 1048576
	local m
	for m in 0 "$a" "$b" "$c"; do assert_content "$PLAT/dsmil.$m/mmio_chunks_mapped" 1; done
	quick assert_headers "$DSMIL_CLASS/dsmil$a:" "${DSMIL_TOKENS[@]}"
	tokens 0x9000 32
	quick assert_headers "$DSMIL_CLASS/dsmil$b:" "${TOKENS[@]}"
	tokens 0xa000 256
	quick assert_headers "$DSMIL_CLASS/dsmil$c:" "${TOKENS[@]}"
	# distinct memory
	wr "$DSMIL_CLASS/dsmil$a:8000/registers" 'WXYZ'
	assert_headers "$DEV" 8000
	assert_headers "$DSMIL_CLASS/dsmil$b:" 9000
	# one goes, the others stay
	wrn "$CFS/b/enable" 0
	iomem_dsmil
	assert_text "/proc/iomem" "  52000000-523fffff : dsmil
  52400000-527fffff : dsmil
  56800000-568fffff : dsmil" "$REPLY"
	cfs_rmdir a
	cfs_rmdir b
	cfs_rmdir c
	iomem_dsmil
	assert_equal "$REPLY" "  52000000-523fffff : dsmil"
}

@test "a region that cannot be claimed is reported; the instance works without register windows" {
	# dsmil.0 holds all 360 MiB
	cfs_mkdir a mmio_size=0x400000
	cfs_enable a
	local p=$PLAT/dsmil.$INST d=$DSMIL_CLASS/dsmil$INST:
	assert_content "$p/mmio_chunks_mapped" 0
	count "$d"*/registers
	assert_equal "$REPLY" 0
	run dmesg
	assert_output --partial "dsmil dsmil.$INST: register region 0x52000000+4194304 unavailable: -16; no register windows"
	iomem_dsmil
	assert_equal "$REPLY" "  52000000-687fffff : dsmil"
	# discovery had no headers to check: every device is there
	assert_content "$p/device_count" 84
	assert_content "${d}8000/state" ready
	assert_content "${d}8053/state" ready
	wrn "${d}8000/state" active
	wrn "${d}8000/value" 0x42
	assert_content "${d}8000/value" 0x00000042
	# dsmil.0 kept its windows
	assert_headers "$DEV" 8000
	# a region too small for the windows is refused the same way
	cfs_mkdir s mmio_base=0x60000000 mmio_size=65536
	cfs_enable s
	assert_content "$PLAT/dsmil.$INST/mmio_chunks_mapped" 0
	count "$DSMIL_CLASS/dsmil$INST:"*/registers
	assert_equal "$REPLY" 0
	run dmesg
	assert_output --partial "dsmil dsmil.$INST: mmio_size 65536 too small for 7 groups: no register windows"
	assert_content "$DSMIL_CLASS/dsmil$INST:8000/state" ready
	cfs_rmdir a
	cfs_rmdir s
	iomem_dsmil
	assert_equal "$REPLY" "  52000000-687fffff : dsmil"
}

@test "a range outside the reserved memory is never touched: the windows are simulated" {
	# 0x40000000 is RAM; 0x68700000 + 2 MiB runs past the reserved end
	cfs_mkdir ram mmio_base=0x40000000 mmio_size=0x400000
	cfs_mkdir edge mmio_base=0x68700000 mmio_size=0x200000
	cfs_enable ram
	local r=$INST
	cfs_enable edge
	local e=$INST
	run dmesg
	assert_output --partial "dsmil dsmil.$r: 0x40000000+4194304 is not firmware-reserved memory; simulating the windows"
	assert_output --partial "dsmil dsmil.$e: 0x68700000+2097152 is not firmware-reserved memory; simulating the windows"
	assert_content "$PLAT/dsmil.$r/mmio_chunks_mapped" 0
	assert_content "$PLAT/dsmil.$e/mmio_chunks_mapped" 0
	iomem_dsmil
	assert_equal "$REPLY" "  52000000-687fffff : dsmil"
	assert_headers "$DSMIL_CLASS/dsmil$r:" 8000 8053
	assert_headers "$DSMIL_CLASS/dsmil$e:" 8000 8053
	cfs_rmdir ram
	cfs_rmdir edge
}
