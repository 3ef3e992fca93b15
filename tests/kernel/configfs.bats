#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Simulated instances declared through dsmil-sim's configfs subsystem
# (/sys/kernel/config/dsmil/, see abi/configfs-dsmil-sim): defaults, every
# attribute's accepted and refused values, enable/disable/rmdir (also
# under open files and busy writers), the quarantine whatever the token
# base, the load-time instance, simulated instances only (no backend
# choice, dell-smbios left alone), overlapping sim instances, the register
# windows in kernel memory, and a create/enable/disable/remove stress loop
# with leak checks.
#
# The simulator never touches physical memory: its windows live in kernel
# memory (tests/kernel/region.bats covers reserved memory and the
# firmware instance's region).
#
# Knobs: DSMIL_CONFIGFS_LOOPS (stress cycles, default 100),
# DSMIL_CONFIGFS_SLAB_NOISE_KB (default 1024), DSMIL_CONFIGFS_AVAIL_NOISE_KB
# (default 32768): how much SUnreclaim / vmalloc (and twice that Slab) may
# grow and MemAvailable fall over the stress loop.

load helpers
load configfs-helpers

E_EXIST="File exists"
E_NOENT="No such file or directory"
E_2BIG="Argument list too long"
FEATURES=groups,devices_per_group,token_base,thermal_threshold,sim_absent,enable,instance

setup() {
	dsmil_setup
	cfs_op_start
}

teardown() {
	local fd rc=0
	for fd in ${HELD_FDS:-}; do exec {fd}<&-; done
	HELD_FDS=
	# background loops first, then the items (they pin the module)
	dsmil_kill_bg
	cfs_remove_all || rc=1
	cfs_op_stop
	dsmil_teardown || rc=1
	return $rc
}

# --- helpers -----------------------------------------------------------------

# instance_gone M: no trace of dsmil.M is left (platform device, class
# entries, debugfs)
instance_gone() {
	[[ ! -e $PLAT/dsmil.$1 ]] || fail "$PLAT/dsmil.$1 still exists"
	[[ ! -e /sys/bus/platform/devices/dsmil.$1 ]] || fail "dsmil.$1 still on the platform bus"
	count "$DSMIL_CLASS/dsmil$1:"*
	[[ $REPLY == 0 ]] || fail "$REPLY class entries of dsmil$1 left"
	[[ ! -e $DSMIL_DEBUGFS/dsmil.$1 ]] || fail "debugfs dsmil.$1 left"
}

# names DIR -> REPLY: the entries of DIR, space separated
names() {
	local e out=
	for e in "$1"/*; do out+=" ${e##*/}"; done
	REPLY=${out# }
}

# same_names DIR0 DIR1: the same entries (dsmil0:* named dsmil1:* in DIR1)
same_names() {
	local a
	names "$1"
	a=${REPLY//dsmil0:/dsmil1:}
	names "$2"
	[[ $REPLY == "$a" ]] || fail "entries differ: $1: '$a'; $2: '$REPLY'"
}

# snapshot PREFIX -> REPLY: "entry/file:value" for the device and group
# files of the class entries PREFIX* that read without a firmware call
# (one grep for all of them)
snapshot() {
	REPLY=$(cd "$DSMIL_CLASS" && grep -H . \
		"$1"[0-9a-f][0-9a-f][0-9a-f][0-9a-f]/{token,group,index,quarantined,state,thermal_limit} \
		"$1"g[0-9]*/{state,device_count,active_count,thermal_limit,temperature}) ||
		fail "reading the class files of $1* failed"
}

# _reject FILE ERRTEXT FORMAT...: each write fails with ERRTEXT and FILE
# reads the same afterwards; reject: the same, quick
_reject() {
	local file=$1 err=$2 f before m
	shift 2
	slurp "$file"
	before=$REPLY
	for f in "$@"; do
		expect_errno "$err" "$file" "$f"
		slurp "$file"
		if [[ $REPLY != "$before" ]]; then
			printf -v m '%s changed after the refused write %q: %q -> %q' "$file" "${f:0:40}" "$before" "$REPLY"
			fail "$m"
		fi
	done
}
reject() { quick _reject "$@"; }

# accept FILE FORMAT EXPECTED: the write succeeds and FILE reads EXPECTED
accept() {
	expect_ok "$1" "$2"
	assert_content "$1" "$3"
}

# bg FUNC ARGS...: FUNC in the background, forked without an exec and
# without bats' errexit and traps; killed by the teardown
bg() {
	(
		set +eE
		trap - ERR DEBUG EXIT RETURN
		"$@"
	) </dev/null >/dev/null 2>&1 3>&- &
	DSMIL_BG_PIDS+=" $!"
}

# wait_for FILE MIN: FILE (a counter) reaches MIN within 30 s
wait_for() {
	local i
	for ((i = 0; i < 300; i++)); do
		REPLY=0
		IFS= read -r REPLY <"$1" 2>/dev/null || true
		((${REPLY:-0} >= $2)) && return 0
		dsmil_sleep 0.1
	done
	fail "$1 did not reach $2 within 30 s (last: '$REPLY')"
}

# --- defaults and attribute input --------------------------------------------

@test "mkdir creates an item with the documented defaults and nothing else" {
	assert_content "$CFS/features" "$FEATURES"
	names "$CFS"
	assert_equal "$REPLY" features
	cfs_mkdir a
	names "$CFS/a"
	assert_equal "$REPLY" "devices_per_group enable groups instance sim_absent thermal_threshold token_base"
	slurp "$CFS/features"
	local f
	for f in ${REPLY//,/ }; do [[ -e $CFS/a/$f ]] || fail "features names $f, the item has none"; done
	assert_content "$CFS/a/groups" 7
	assert_content "$CFS/a/devices_per_group" 12
	assert_content "$CFS/a/token_base" 0x8000
	assert_content "$CFS/a/thermal_threshold" 100000
	assert_content "$CFS/a/sim_absent" ""
	assert_content "$CFS/a/enable" 0
	assert_content "$CFS/a/instance" ""
	# a description only: no instance yet
	[[ ! -e $PLAT/dsmil.1 ]] || fail "mkdir alone created dsmil.1"
	count "$DSMIL_CLASS"/*
	assert_equal "$REPLY" 91
	cfs_op mkdir "$CFS/a"
	assert_equal "$REPLY" "$E_EXIST"
	cfs_rmdir a
	names "$CFS"
	assert_equal "$REPLY" features
	cfs_op rmdir "$CFS/a"
	assert_equal "$REPLY" "$E_NOENT"
}

@test "groups and devices_per_group: 1..16, decimal or 0x-hex; refused values change nothing" {
	cfs_mkdir a
	local f
	for f in groups devices_per_group; do
		f=$CFS/a/$f
		accept "$f" '1' 1
		accept "$f" '16\n' 16
		accept "$f" '0x3' 3
		accept "$f" '0X10' 16
		accept "$f" '010' 10          # decimal, not octal
		accept "$f" '5' 5
		junk_digits 4095
		reject "$f" "$E_RANGE" '0' '0\n' '17' '0x11' '4294967297' '18446744073709551615' \
			'99999999999999999999' "$REPLY"
		junk_x
		reject "$f" "$E_INVAL" '\n' ' ' ' 5' '5 ' '5\n\n' 'abc' '-1' '-0x1' '0x' '0xg' '5x' \
			'5.0' '1\0002' '\0005' '5\000' "$REPLY"
		assert_content "$f" 5
	done
}

@test "token_base: 0..0xffff, shown as 0x%04x; refused values change nothing" {
	cfs_mkdir a
	local f=$CFS/a/token_base
	accept "$f" '0' 0x0000
	accept "$f" '0xffff' 0xffff
	accept "$f" '36864\n' 0x9000
	accept "$f" '0X8001' 0x8001
	reject "$f" "$E_RANGE" '0x10000' '65536' '0xffffffff' '99999999999999999999'
	reject "$f" "$E_INVAL" '\n' '-1' 'abc' '0x' '0x9000 ' ' 0x9000' '0x9000\n\n' '8000h' \
		'0x8\0000'
	assert_content "$f" 0x8001
}

@test "thermal_threshold: 20000..150000 millidegrees; refused values change nothing" {
	cfs_mkdir a
	local f=$CFS/a/thermal_threshold
	accept "$f" '20000' 20000
	accept "$f" '150000\n' 150000
	accept "$f" '75000' 75000
	reject "$f" "$E_RANGE" '19999' '150001' '0' '-1' '-75000' '2147483648'
	reject "$f" "$E_INVAL" '\n' ' ' '75C' '75.0' '0x124f8' 'abc' '75000 ' '7\0005000'
	assert_content "$f" 75000
}

@test "sim_absent: comma-separated tokens, shown as 0x%04x; refused lists change nothing" {
	cfs_mkdir a
	local f=$CFS/a/sim_absent all exp
	accept "$f" '0x8003,0x8004' 0x8003,0x8004
	accept "$f" '32771\n' 0x8003
	accept "$f" '0xffff,0,0X9000' 0xffff,0x0000,0x9000
	accept "$f" '\n' ""
	accept "$f" '0x8053,0x8000' 0x8053,0x8000
	reject "$f" "$E_RANGE" '0x10000' '65536' '0x8000,0x10000' '0x1ffffffff'
	junk_x
	reject "$f" "$E_INVAL" '0x8003,' ',0x8003' '0x8003,,0x8004' '0x8003 0x8004' \
		'0x8003;0x8004' ' 0x8003' 'abc' '-1' '0x' '0x8003\n\n' '0x80\00003' '0x8003,\n' "$REPLY"
	# at most 256 tokens, as many as an instance can have devices
	printf -v all '%d,' {1..256}
	printf -v exp '0x%04x,' {1..256}
	accept "$f" "${all%,}" "${exp%,}"
	printf -v all '%d,' {1..257}
	reject "$f" "$E_2BIG" "${all%,}"
	accept "$f" '0x8001' 0x8001
}

@test "enable accepts 0 and 1 only; instance and features are read-only" {
	cfs_mkdir a
	reject "$CFS/a/enable" "$E_INVAL" '2' '-1' '4294967296' '0x100000001' 'yes' 'on' 'true' \
		'1 ' ' 1' '1\n\n' '\n' '1\000' '01x'
	assert_content "$CFS/a/instance" ""
	[[ ! -e $PLAT/dsmil.1 ]] || fail "a refused enable created dsmil.1"
	accept "$CFS/a/enable" '0\n' 0
	[[ ! -e $PLAT/dsmil.1 ]] || fail "enable=0 created dsmil.1"
	reject "$CFS/a/instance" "$E_ACCES" 'dsmil.5' '\n'
	reject "$CFS/features" "$E_ACCES" 'backend'
	accept "$CFS/a/enable" '0x1' 1
	assert_content "$CFS/a/instance" dsmil.1
	reject "$CFS/a/instance" "$E_ACCES" 'dsmil.5'
	reject "$CFS/a/enable" "$E_INVAL" '2' 'yes'
	assert_content "$CFS/a/instance" dsmil.1
	cfs_rmdir a
}

# --- instances ---------------------------------------------------------------

# like_load_time: dsmil.1 looks exactly like dsmil.0 (files, values, links)
like_load_time() {
	local p0=$PLAT/dsmil.0 p=$PLAT/dsmil.1 f g a
	resolve "$p/driver"
	assert_equal "$REPLY" /sys/bus/platform/drivers/dsmil
	for f in backend group_count device_count active_count thermal_threshold \
		thermal_hysteresis emergency_stop mmio_base statistics/thermal_trips \
		statistics/emergency_stops statistics/max_stop_latency_ns; do
		rd "$p0/$f"
		a=$REPLY
		rd "$p/$f"
		[[ $REPLY == "$a" ]] || fail "dsmil.1/$f: '$REPLY', dsmil.0/$f: '$a'"
	done
	assert_content "$p/group_count" 7
	assert_content "$p/device_count" 84
	# simulated: no region on either
	assert_content "$p/mmio_base" 0x0
	assert_content "$p/mmio_size" 0
	assert_content "$p/mmio_chunks_mapped" 0
	same_names "$p0" "$p"
	same_names "$p0/statistics" "$p/statistics"
	for g in 0 1 2 3 4 5 6; do
		same_names "${GRP}$g" "$DSMIL_CLASS/dsmil1:g$g"
		resolve "$DSMIL_CLASS/dsmil1:g$g/device"
		assert_equal "$REPLY" "$p"
	done
	same_names "${DEV}8000" "$DSMIL_CLASS/dsmil1:8000"
	same_names "${DEV}8000/statistics" "$DSMIL_CLASS/dsmil1:8000/statistics"
	same_names "${DEV}8019" "$DSMIL_CLASS/dsmil1:8019"
	resolve "$DSMIL_CLASS/dsmil1:8019/device"
	assert_equal "$REPLY" "$p/dsmil/dsmil1:g2"
	slurp "$DSMIL_CLASS/dsmil1:8019/uevent"
	[[ $REPLY == *DEVTYPE=dsmil_device* ]] || fail "dsmil1:8019 uevent: $REPLY"
	slurp "$DSMIL_CLASS/dsmil1:g6/uevent"
	[[ $REPLY == *DEVTYPE=dsmil_group* ]] || fail "dsmil1:g6 uevent: $REPLY"
	count "$DSMIL_CLASS/dsmil1:"*
	assert_equal "$REPLY" 91
	[[ ! -e $DSMIL_CLASS/dsmil1:g7 && ! -e $DSMIL_CLASS/dsmil1:8054 ]] || fail "entries beyond 7 x 12"
	count "$p"/hwmon/hwmon*
	assert_equal "$REPLY" 1
	# every device and group file reads as dsmil.0's
	snapshot dsmil0:
	a=${REPLY//dsmil0:/dsmil1:}
	snapshot dsmil1:
	assert_text "class files of dsmil1 (dsmil0's renamed)" "$a" "$REPLY"
	# its own simulated firmware, with the same knobs
	same_names "$DSMIL_SIM" "$DSMIL_DEBUGFS/dsmil.1/sim"
	slurp "$DSMIL_DEBUGFS/dsmil.1/sim/token_writes"
	assert_text "dsmil.1 token_writes" "$DSMIL_TW_ZERO" "$REPLY"
}

@test "enable=1 creates dsmil.1 exactly like the load-time instance" {
	cfs_mkdir a
	cfs_enable a
	assert_equal "$INST" 1
	assert_content "$CFS/a/enable" 1
	quick like_load_time
	assert_content "$DSMIL_CLASS/dsmil1:8053/value" 0xd5008053
	# independent of dsmil.0
	wrn "$DSMIL_CLASS/dsmil1:8000/state" active
	wrn "$DSMIL_CLASS/dsmil1:8000/value" 0x1234
	assert_content "$DSMIL_CLASS/dsmil1:8000/value" 0x00001234
	assert_content "$PLAT/dsmil.1/active_count" 1
	assert_state 8000 ready
	assert_content "${DEV}8000/value" 0xd5008000
	assert_token_writes
	run dmesg
	assert_output --partial "dsmil dsmil.1: 84 devices in 7 groups on the sim backend"
	cfs_rmdir a
	instance_gone 1
}

# geometry_is M GROUPS PER_GROUP BASE LIMIT: the class files of dsmil.M
geometry_is() {
	local m=$1 g=$2 n=$3 base=$4 limit=$5 i t f v exp=
	local -a gs=()
	for f in token group index quarantined state thermal_limit; do
		for ((i = 0; i < g * n; i++)); do
			printf -v t '%04x' $((base + i))
			case $f in
			token) v=0x$t ;;
			group) v=$((i / n)) ;;
			index) v=$((i % n)) ;;
			quarantined) v=0 ;;
			state) v=ready ;;
			thermal_limit) v=$limit ;;
			esac
			exp+="dsmil$m:$t/$f:$v"$'\n'
		done
	done
	# groups in the order the glob lists them: g0 g1 g10 .. g15 g2 .. g9
	for i in 0 1 10 11 12 13 14 15 2 3 4 5 6 7 8 9; do ((i >= g)) || gs+=("$i"); done
	for f in state device_count active_count thermal_limit temperature; do
		for i in "${gs[@]}"; do
			case $f in
			state) v=ready ;;
			device_count) v=$n ;;
			active_count) v=0 ;;
			thermal_limit) v=$limit ;;
			temperature) v=45000 ;;
			esac
			exp+="dsmil$m:g$i/$f:$v"$'\n'
		done
	done
	snapshot "dsmil$m:"
	assert_text "class files of dsmil$m" "${exp%$'\n'}" "$REPLY"
	count "$DSMIL_CLASS/dsmil$m:"*
	assert_equal "$REPLY" $((g + g * n))
}

@test "groups, devices_per_group, token_base and thermal_threshold shape the instance" {
	cfs_mkdir a groups=3 devices_per_group=5 token_base=0x9000 thermal_threshold=80000
	cfs_enable a
	local p=$PLAT/dsmil.$INST d=$DSMIL_CLASS/dsmil$INST: i exp=
	assert_content "$p/group_count" 3
	assert_content "$p/device_count" 15
	assert_content "$p/thermal_threshold" 80000
	quick geometry_is "$INST" 3 5 0x9000 70000
	assert_content "${d}900e/value" 0xd500900e
	names "$DSMIL_DEBUGFS/dsmil.$INST/sim"
	assert_equal "$REPLY" "asleep_calls fault latency_us resume_drop_states resume_temp sensor_fault temp_g0 temp_g1 temp_g2 token_writes"
	for ((i = 0; i < 15; i++)); do printf -v exp '%s0x%04x 0\n' "$exp" $((0x9000 + i)); done
	slurp "$DSMIL_DEBUGFS/dsmil.$INST/sim/token_writes"
	assert_text "token_writes" "$exp" "$REPLY"
	cfs_rmdir a
	instance_gone "$INST"

	# the extremes: 16 x 16 ending at token 0xffff, and 1 x 1 at token 0
	cfs_mkdir big groups=16 devices_per_group=16 token_base=0xff00
	cfs_mkdir one groups=1 devices_per_group=1 token_base=0
	cfs_enable big
	assert_content "$PLAT/dsmil.$INST/device_count" 256
	quick geometry_is "$INST" 16 16 0xff00 90000
	cfs_enable one
	quick geometry_is "$INST" 1 1 0 90000
	assert_content "$DSMIL_CLASS/dsmil$INST:0000/value" 0xd5000000
	cfs_rmdir big
	cfs_rmdir one
}

@test "the last token must fit in 16 bits: enable is ERANGE and leaves nothing behind" {
	cfs_mkdir a token_base=0xffad    # 84 devices: 0xffad..0x10000
	expect_errno "$E_RANGE" "$CFS/a/enable" '1\n'
	assert_content "$CFS/a/enable" 0
	assert_content "$CFS/a/instance" ""
	instance_gone 1
	count "$DSMIL_CLASS"/*
	assert_equal "$REPLY" 91
	wrn "$CFS/a/groups" 16
	wrn "$CFS/a/devices_per_group" 16
	wrn "$CFS/a/token_base" 0xff01
	expect_errno "$E_RANGE" "$CFS/a/enable" '1'
	wrn "$CFS/a/token_base" 0xff00
	cfs_enable a
	# the failed attempts used up no instance number
	assert_equal "$INST" 1
	[[ -d $DSMIL_CLASS/dsmil1:ffff ]] || fail "no dsmil1:ffff"
	wrn "$CFS/a/enable" 0
	wrn "$CFS/a/groups" 7
	wrn "$CFS/a/devices_per_group" 12
	wrn "$CFS/a/token_base" 0xffac  # 0xffac..0xffff
	cfs_enable a
	assert_content "$DSMIL_CLASS/dsmil1:ffff/index" 11
	assert_content "$DSMIL_CLASS/dsmil1:ffac/group" 0
	cfs_rmdir a
}

# frozen ITEM ATTR=VALUE...: each write is EBUSY, the attribute unchanged
frozen() {
	local item=$1 kv f before
	shift
	for kv in "$@"; do
		f=$CFS/$item/${kv%%=*}
		slurp "$f"
		before=$REPLY
		expect_errno "$E_BUSY" "$f" "${kv#*=}\n"
		slurp "$f"
		[[ $REPLY == "$before" ]] || fail "$f changed after EBUSY: '$before' -> '$REPLY'"
	done
}

@test "while enabled every configuration write is EBUSY and changes nothing" {
	cfs_mkdir a groups=2 devices_per_group=3
	cfs_enable a
	wrn "$DSMIL_CLASS/dsmil1:8000/state" active
	quick frozen a groups=3 groups=2 devices_per_group=4 \
		token_base=0x9000 token_base=0x8000 thermal_threshold=90000 thermal_threshold=100000 \
		sim_absent=0x8001 'sim_absent='
	# enable=1 again is a no-op: the same instance, not a new one
	accept "$CFS/a/enable" '1' 1
	assert_content "$CFS/a/instance" dsmil.1
	assert_content "$DSMIL_CLASS/dsmil1:8000/state" active
	assert_content "$PLAT/dsmil.1/device_count" 6
	[[ ! -e $PLAT/dsmil.2 ]] || fail "enable=1 twice created dsmil.2"
	# disabled, the description can change again
	accept "$CFS/a/enable" '0\n' 0
	assert_content "$CFS/a/instance" ""
	instance_gone 1
	accept "$CFS/a/groups" 4 4
	accept "$CFS/a/sim_absent" 0x8001 0x8001
	cfs_enable a
	assert_content "$PLAT/dsmil.1/device_count" 12
	assert_content "$DSMIL_CLASS/dsmil1:8001/state" absent
	cfs_rmdir a
}

@test "enable=0 and rmdir remove everything; each enable is a fresh instance; numbers are reused" {
	local hw0
	count /sys/class/hwmon/*
	hw0=$REPLY
	cfs_mkdir a
	cfs_enable a
	wrn "$DSMIL_CLASS/dsmil1:8000/state" active
	wrn "$DSMIL_CLASS/dsmil1:8000/value" 7
	wrn "$CFS/a/enable" 0
	assert_content "$CFS/a/instance" ""
	assert_content "$CFS/a/enable" 0
	instance_gone 1
	count /sys/class/hwmon/*
	assert_equal "$REPLY" "$hw0"
	# again: a new instance with a new simulated firmware
	cfs_enable a
	assert_equal "$INST" 1
	assert_content "$DSMIL_CLASS/dsmil1:8000/state" ready
	assert_content "$DSMIL_CLASS/dsmil1:8000/value" 0xd5008000
	DEV=$DSMIL_CLASS/dsmil1: assert_stats 8000 1 0 0 0
	# numbers: the lowest free one, from 1
	cfs_mkdir b
	cfs_enable b
	assert_equal "$INST" 2
	wrn "$CFS/a/enable" 0
	cfs_mkdir c
	cfs_enable c
	assert_equal "$INST" 1
	# rmdir of an enabled item tears the instance down
	cfs_rmdir b
	instance_gone 2
	cfs_rmdir c
	instance_gone 1
	cfs_rmdir a
	count /sys/class/hwmon/*
	assert_equal "$REPLY" "$hw0"
	count "$DSMIL_CLASS"/*
	assert_equal "$REPLY" 91
	names "$DSMIL_DEBUGFS"
	assert_equal "$REPLY" dsmil.0
	# dsmil.0 saw none of it
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_token_writes
}

@test "disable and rmdir while another process holds the instance's files open" {
	cfs_mkdir a
	cfs_enable a
	local d=$DSMIL_CLASS/dsmil1: fs fp fv fr fc fsim x
	exec {fs}<"${d}8000/state" {fp}<"$PLAT/dsmil.1/active_count" {fv}<>"${d}8001/value" \
		{fr}<"${d}8002/registers" {fc}<"$CFS/a/instance" {fsim}<"$DSMIL_DEBUGFS/dsmil.1/sim/fault"
	HELD_FDS="$fs $fp $fv $fr $fc $fsim"
	IFS= read -r x <&"$fs"
	assert_equal "$x" ready
	wrn "$CFS/a/enable" 0
	instance_gone 1
	# the open files are dead: -ENODEV, nothing reaches a device
	if IFS= read -r x <&"$fp" 2>"$DSMIL_ERRF"; then fail "read of a removed active_count: '$x'"; fi
	_read_errf x
	[[ $x == *": $E_NODEV"* ]] || fail "read of a removed active_count: $x"
	if printf 'active' 1>&"$fv" 2>"$DSMIL_ERRF"; then fail "write to a removed value succeeded"; fi
	_read_errf x
	[[ $x == *": $E_NODEV"* ]] || fail "write to a removed value: $x"
	# a new instance with the same name is not reached through them
	cfs_enable a
	assert_equal "$INST" 1
	if printf '5' 1>&"$fv" 2>/dev/null; then fail "an old fd reached the new dsmil1:8001/value"; fi
	DEV=$d assert_stats 8001 0 0 0 0
	assert_content "${d}8001/value" 0xd5008001
	# rmdir with the configfs file and the new instance's files held open
	exec {x}<"${d}8000/state"
	HELD_FDS+=" $x"
	cfs_rmdir a
	instance_gone 1
	if IFS= read -r x <&"$fc" 2>/dev/null; then fail "read of a removed item's instance: '$x'"; fi
	for x in $HELD_FDS; do exec {x}<&-; done
	HELD_FDS=
}

# background loops on the files of instance dsmil<N>: (prefix D)
loop_writer() {
	local d=$1
	while :; do
		echo active >"${d}8000/state"
		echo 0x1 >"${d}8000/value"
		echo ready >"${d}8000/state"
		echo ready >"${d}g1/state"
		printf 'ABCD' >"${d}8004/registers"
	done
}

loop_reader() {
	local d=$1 p=$2 c=$3 x
	while :; do
		read -r x <"${d}8000/value"
		read -r x <"${d}8000/state"
		read -r x <"${d}g0/state"
		read -r x <"$p/active_count"
		read -r -N 4 x <"${d}8005/registers"
		read -r x <"$c/instance"
		read -r x <"$c/enable"
	done
}

@test "disable and rmdir while writers and readers loop on the instance's files" {
	cfs_mkdir a
	cfs_enable a
	local d=$DSMIL_CLASS/dsmil1: t0
	bg loop_writer "$d"
	bg loop_writer "$d"
	bg loop_reader "$d" "$PLAT/dsmil.1" "$CFS/a"
	bg loop_reader "$d" "$PLAT/dsmil.1" "$CFS/a"
	wait_for "${d}8000/statistics/activations" 3
	now_ms
	t0=$REPLY
	wrn "$CFS/a/enable" 0
	now_ms
	((REPLY - t0 < 30000)) || fail "disable took $((REPLY - t0)) ms under load"
	instance_gone 1
	# the loops now find a new instance under the same names
	cfs_enable a
	wait_for "${d}8000/statistics/activations" 3
	now_ms
	t0=$REPLY
	cfs_rmdir a
	now_ms
	((REPLY - t0 < 30000)) || fail "rmdir took $((REPLY - t0)) ms under load"
	instance_gone 1
	dsmil_kill_bg
	count "$DSMIL_CLASS"/*
	assert_equal "$REPLY" 91
}

# --- quarantine, the load-time instance, backends, overlap --------------------

# states_are M -> STATES: "token:state ..." of dsmil.M's devices;
# QUARANTINED: "token ..." of those whose quarantined file reads 1
states_are() {
	local m=$1 line out='' qs=''
	snapshot "dsmil$m:"
	while IFS= read -r line; do
		[[ $line =~ ^dsmil[0-9]+:([0-9a-f]{4})/state:(.*)$ ]] && out+=" ${BASH_REMATCH[1]}:${BASH_REMATCH[2]}"
		[[ $line =~ ^dsmil[0-9]+:([0-9a-f]{4})/quarantined:1$ ]] && qs+=" ${BASH_REMATCH[1]}"
	done <<<"$REPLY"
	STATES=${out# } QUARANTINED=${qs# }
}

@test "the quarantine applies to the five tokens whatever the token base, and only to them" {
	# 0x8005..0x8010 holds 0x8009-0x800b; 2 x 16 from 0x8010 holds 0x8019 and
	# 0x8029; 0x9000.. holds none
	cfs_mkdir q1 groups=1 devices_per_group=12 token_base=0x8005 sim_absent=0x8009,0x8006
	cfs_mkdir q2 groups=2 devices_per_group=16 token_base=0x8010
	cfs_mkdir none groups=1 devices_per_group=12 token_base=0x9000
	local t d
	cfs_enable q1
	d=$DSMIL_CLASS/dsmil$INST:
	states_are "$INST"
	assert_equal "$QUARANTINED" "8009 800a 800b"
	# sim_absent cannot turn the quarantine into "absent"; nothing lifts it
	assert_equal "$STATES" "8005:ready 8006:absent 8007:ready 8008:ready 8009:quarantined 800a:quarantined 800b:quarantined 800c:ready 800d:ready 800e:ready 800f:ready 8010:ready"
	for t in 8009 800a 800b; do
		expect_errno "$E_PERM" "$d$t/state" 'active'
		expect_errno "$E_PERM" "$d$t/value" '1'
	done
	# 0x8009 is sim_absent too: its window has no header, so no registers
	[[ ! -e ${d}8009/registers ]] || fail "${d}8009/registers exists without a window header"
	expect_errno "$E_PERM" "${d}800a/registers" 'ABCD'
	expect_errno "$E_PERM" "${d}800b/registers" 'ABCD'
	wrn "${d}g0/state" active
	assert_content "${d}g0/active_count" 8
	states_are "$INST"
	assert_equal "$STATES" "8005:active 8006:absent 8007:active 8008:active 8009:quarantined 800a:quarantined 800b:quarantined 800c:active 800d:active 800e:active 800f:active 8010:active"
	slurp "$DSMIL_DEBUGFS/dsmil.$INST/sim/token_writes"
	[[ $REPLY == *$'0x8009 0\n0x800a 0\n0x800b 0\n'* ]] || fail "quarantined tokens reached the firmware: $REPLY"

	cfs_enable q2
	d=$DSMIL_CLASS/dsmil$INST:
	states_are "$INST"
	assert_equal "$QUARANTINED" "8019 8029"
	assert_content "${d}8019/group" 0
	assert_content "${d}8029/group" 1
	assert_content "${d}8029/index" 9
	expect_errno "$E_PERM" "${d}8029/state" 'active'

	cfs_enable none
	d=$DSMIL_CLASS/dsmil$INST:
	states_are "$INST"
	assert_equal "$QUARANTINED" ""
	wrn "${d}g0/state" active
	assert_content "${d}g0/active_count" 12
	assert_content "${d}9009/state" active
	wrn "${d}9009/value" 0x5
	assert_content "${d}9009/value" 0x00000005
	cfs_rmdir q1
	cfs_rmdir q2
	cfs_rmdir none
}

@test "the load-time instance is not in configfs and cannot be removed through it" {
	activate 8000
	names "$CFS"
	assert_equal "$REPLY" features
	cfs_op rmdir "$CFS/dsmil.0"
	assert_equal "$REPLY" "$E_NOENT"
	# an item that happens to be called dsmil.0 is a new instance
	cfs_mkdir dsmil.0
	cfs_enable dsmil.0
	assert_equal "$INST" 1
	cfs_rmdir dsmil.0
	instance_gone 1
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_content "$DSMIL_PDEV/mmio_size" 0
	count "$DEV"*
	assert_equal "$REPLY" 91
	assert_state 8000 active
	# an item pins dsmil-sim (which pins the driver)
	cfs_mkdir a
	run rmmod "$DSMIL_SIM_MODNAME"
	assert_failure
	assert_output --partial "in use"
	cfs_rmdir a
	dsmil_unload_sim
	[[ ! -e $CFS ]] || fail "$CFS left after unloading dsmil-sim"
}

@test "configfs makes simulated instances only: no backend choice, dell-smbios left alone" {
	local m before=
	for m in dcdbas dell_wmi_descriptor wmi dell_smbios; do
		[[ ! -d /sys/module/$m ]] || before+=" $m"
	done
	cfs_mkdir a
	[[ ! -e $CFS/a/backend ]] || fail "configfs items have a backend attribute"
	cfs_enable a
	assert_content "$PLAT/dsmil.$INST/backend" sim
	[[ -d $DSMIL_DEBUGFS/dsmil.$INST/sim ]] || fail "no sim knobs for dsmil.$INST"
	cfs_rmdir a
	for m in dcdbas dell_wmi_descriptor wmi dell_smbios; do
		[[ ! -d /sys/module/$m || " $before " == *" $m "* ]] || fail "an instance loaded $m"
	done
}

@test "two sim instances with overlapping token ranges coexist, each with its own firmware" {
	cfs_mkdir a groups=2
	cfs_mkdir b groups=1 token_base=0x8006
	cfs_enable a
	assert_equal "$INST" 1
	cfs_enable b
	assert_equal "$INST" 2
	local a=$DSMIL_CLASS/dsmil1: b=$DSMIL_CLASS/dsmil2:
	wrn "${a}8007/state" active
	wrn "${a}8007/value" 0x77
	assert_content "${a}8007/value" 0x00000077
	assert_content "${b}8007/value" 0xd5008007
	assert_content "${DEV}8007/value" 0xd5008007
	assert_content "${b}8007/state" ready
	wrn "${b}8007/state" active
	wrn "${b}8007/value" 0x22
	assert_content "${a}8007/value" 0x00000077
	assert_content "${b}8007/value" 0x00000022
	assert_token_writes
	# the same token is quarantined on all of them
	assert_content "${a}8009/quarantined" 1
	assert_content "${b}8009/quarantined" 1
	cfs_rmdir a
	instance_gone 1
	assert_content "${b}8007/value" 0x00000022
	cfs_rmdir b
}

# --- register windows in kernel memory ----------------------------------------

@test "register windows: dsmil.0 and configfs instances read theirs from kernel memory, nothing claimed" {
	local got n
	assert_content "$DSMIL_PDEV/mmio_base" 0x0
	assert_content "$DSMIL_PDEV/mmio_size" 0
	assert_content "$DSMIL_PDEV/mmio_chunks_mapped" 0
	sig_tokens "$DEV" "${DSMIL_TOKENS[@]}"
	got=$REPLY
	exp_sig_tokens "${DSMIL_TOKENS[@]}"
	assert_text "dsmil.0 window headers" "$REPLY" "$got"
	run wc -c "${DEV}8001/registers"
	assert_output "4096 ${DEV}8001/registers"
	expect_errno "$E_PERM" "${DEV}8019/registers" 'WXYZ'
	# a configfs instance: its own windows; sim_absent ones hold no header,
	# so those devices have no registers file
	cfs_mkdir none groups=2 token_base=0x9000 sim_absent=0x9003,0x9017
	cfs_enable none
	n=$INST
	assert_content "$PLAT/dsmil.$n/mmio_size" 0
	assert_content "$PLAT/dsmil.$n/mmio_chunks_mapped" 0
	local -a toks=(9000 9001 9002 9004 9005 9006 9007 9008 9009 900a 900b
		900c 900d 900e 900f 9010 9011 9012 9013 9014 9015 9016)
	sig_tokens "$DSMIL_CLASS/dsmil$n:" "${toks[@]}"
	got=$REPLY
	exp_sig_tokens "${toks[@]}"
	assert_text "dsmil.$n window headers" "$REPLY" "$got"
	[[ ! -e $DSMIL_CLASS/dsmil$n:9003/registers && ! -e $DSMIL_CLASS/dsmil$n:9017/registers ]] ||
		fail "sim_absent devices of dsmil.$n have a registers file"
	assert_content "$DSMIL_CLASS/dsmil$n:9003/state" absent
	assert_content "$DSMIL_CLASS/dsmil$n:9017/state" absent
	iomem_dsmil
	assert_equal "$REPLY" ""
	cfs_rmdir none
}

# --- stress ------------------------------------------------------------------

# meminfo -> MI_AVAIL MI_SLAB MI_SUNRECL MI_VMALLOC (kB), caches dropped
meminfo() {
	local k v _
	echo 3 >/proc/sys/vm/drop_caches
	while read -r k v _; do
		case $k in
		MemAvailable:) MI_AVAIL=$v ;;
		Slab:) MI_SLAB=$v ;;
		SUnreclaim:) MI_SUNRECL=$v ;;
		VmallocUsed:) MI_VMALLOC=$v ;;
		esac
	done </proc/meminfo
}

# stress_cycle NAME I: configure, enable, check, use, disable and remove
# item NAME, the geometry from I; odd I disable first, even I rmdir while
# enabled
stress_cycle() {
	local name=$1 i=$2 g=$((1 + $2 % 7)) n=$((1 + $2 % 12))
	cfs_op mkdir "$CFS/$name"
	[[ $REPLY == ok ]] || fail "cycle $i: mkdir: $REPLY"
	wrn "$CFS/$name/groups" $g
	wrn "$CFS/$name/devices_per_group" $n
	wrn "$CFS/$name/enable" 1
	rd "$CFS/$name/instance"
	[[ $REPLY == dsmil.1 ]] || fail "cycle $i: instance '$REPLY'"
	rd "$PLAT/dsmil.1/device_count"
	[[ $REPLY == $((g * n)) ]] || fail "cycle $i: device_count $REPLY, expected $((g * n))"
	wrn "$DSMIL_CLASS/dsmil1:8000/state" active
	if ((i % 2)); then wrn "$CFS/$name/enable" 0; fi
	cfs_op rmdir "$CFS/$name"
	[[ $REPLY == ok ]] || fail "cycle $i: rmdir: $REPLY"
}

stress_loop() {
	local i
	for ((i = 1; i <= $1; i++)); do stress_cycle "s$i" "$i"; done
}

# stress_reader COUNTFILE: reads every file kind of dsmil.1 while it
# exists, counting the rounds that found it; yields while it does not
stress_reader() {
	local d=$DSMIL_CLASS/dsmil1: n=0 x f
	while :; do
		if ! read -r x <"${d}8000/value"; then
			read -r -t 0.002 -u "$DSMIL_SLEEP_FD" x
			continue
		fi
		read -r x <"${d}8000/state"
		read -r -N 4 x <"${d}8000/registers"
		read -r x <"${d}8000/statistics/reads"
		read -r x <"${d}g0/state"
		read -r x <"${d}g0/temperature"
		read -r x <"$PLAT/dsmil.1/active_count"
		read -r x <"$PLAT/dsmil.1/emergency_stop"
		for f in "$CFS"/*/instance; do read -r x <"$f"; done
		((++n % 10)) || echo "$n" >"$1"
	done
}

@test "stress: create, enable, disable and remove instances while a reader hammers them; nothing leaks" {
	local loops=${DSMIL_CONFIGFS_LOOPS:-100} hw0 t0 a0 s0 u0 v0 msgs=0 line
	local slab_noise=${DSMIL_CONFIGFS_SLAB_NOISE_KB:-1024}
	local avail_noise=${DSMIL_CONFIGFS_AVAIL_NOISE_KB:-32768}
	count /sys/class/hwmon/*
	hw0=$REPLY
	# warm-up: first-use allocations (caches, ids) belong to the baseline
	quick stress_loop 2
	dmesg_check
	dsmil_sleep 0   # opens DSMIL_SLEEP_FD for the reader
	meminfo
	a0=$MI_AVAIL s0=$MI_SLAB u0=$MI_SUNRECL v0=$MI_VMALLOC
	bg stress_reader "$BATS_TEST_TMPDIR/reads"
	bg stress_reader "$BATS_TEST_TMPDIR/reads2"
	now_ms
	t0=$REPLY
	quick stress_loop "$loops"
	now_ms
	t0=$((REPLY - t0))
	dsmil_kill_bg
	local r1 r2
	rd "$BATS_TEST_TMPDIR/reads"
	r1=$REPLY
	rd "$BATS_TEST_TMPDIR/reads2"
	r2=$REPLY
	printf '# %d cycles in %d ms; the readers found the instance in %s + %s rounds\n' "$loops" "$t0" "$r1" "$r2" >&3
	((r1 >= 10 && r2 >= 10)) || fail "a reader hardly ever found an instance"
	# every cycle probed one instance; nothing is left
	while IFS= read -r line; do
		[[ $line != *"dsmil dsmil.1: "*" devices in "*" groups on the sim backend"* ]] || ((++msgs))
	done < <(dmesg)
	assert_equal "$msgs" "$loops"
	names "$CFS"
	assert_equal "$REPLY" features
	instance_gone 1
	count "$DSMIL_CLASS"/*
	assert_equal "$REPLY" 91
	count /sys/bus/platform/devices/dsmil.*
	assert_equal "$REPLY" 1
	names "$DSMIL_DEBUGFS"
	assert_equal "$REPLY" dsmil.0
	count /sys/class/hwmon/*
	assert_equal "$REPLY" "$hw0"
	assert_token_writes
	meminfo
	printf '# MemAvailable %d -> %d kB (%+d), Slab %d -> %d kB (%+d), SUnreclaim %d -> %d kB (%+d), VmallocUsed %d -> %d kB (%+d)\n' \
		"$a0" "$MI_AVAIL" $((MI_AVAIL - a0)) "$s0" "$MI_SLAB" $((MI_SLAB - s0)) \
		"$u0" "$MI_SUNRECL" $((MI_SUNRECL - u0)) "$v0" "$MI_VMALLOC" $((MI_VMALLOC - v0)) >&3
	if [[ -e /sys/kernel/debug/kmemleak ]]; then
		# KASAN's quarantine holds freed objects: kmemleak judges leaks there
		printf '# debug kernel: memory figures not judged (kmemleak is)\n' >&3
		return 0
	fi
	((MI_SUNRECL - u0 <= slab_noise)) || fail "SUnreclaim grew by $((MI_SUNRECL - u0)) kB (noise: $slab_noise kB)"
	((MI_SLAB - s0 <= 2 * slab_noise)) || fail "Slab grew by $((MI_SLAB - s0)) kB (noise: $((2 * slab_noise)) kB)"
	((MI_VMALLOC - v0 <= slab_noise)) || fail "VmallocUsed grew by $((MI_VMALLOC - v0)) kB (noise: $slab_noise kB)"
	((a0 - MI_AVAIL <= avail_noise)) || fail "MemAvailable fell by $((a0 - MI_AVAIL)) kB (noise: $avail_noise kB)"
}
