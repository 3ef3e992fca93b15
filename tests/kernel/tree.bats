#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The object tree: platform device, 7 groups, 84 devices, names, parents,
# DEVTYPE, platform files, and that it all goes away on unload.
# Read-only: the module is loaded once for the file.

load helpers

setup_file() {
	DSMIL_SETUP_NOLOAD=1 dsmil_setup
	dsmil_load
}
teardown_file() { dsmil_unload; }
setup() { dsmil_loaded || dsmil_load; }
teardown() { dsmil_kill_bg; dmesg_check; }

@test "modules dsmil_84dev and dsmil_sim are loaded; platform device dsmil.0 bound to driver dsmil" {
	run lsmod
	assert_success
	assert_line --regexp '^dsmil_84dev[[:space:]]'
	assert_line --regexp '^dsmil_sim[[:space:]]'
	[[ -d $DSMIL_PDEV ]]
	resolve "$DSMIL_PDEV/driver"
	local drv=$REPLY
	resolve "$DSMIL_PDRV"
	assert_equal "$drv" "$REPLY"
	resolve "$DSMIL_PDRV/dsmil.0"
	assert_equal "$REPLY" "$DSMIL_PDEV"
	resolve "$DSMIL_PDEV/subsystem"
	assert_equal "$REPLY" /sys/bus/platform
	# exactly one instance
	[[ ! -e /sys/devices/platform/dsmil.1 ]]
	local -a inst=("$DSMIL_PDRV"/dsmil.*)
	assert_equal "${inst[*]}" "$DSMIL_PDRV/dsmil.0"
}

@test "platform files: backend sim, group_count 7, device_count 84, active_count 0" {
	assert_content "$DSMIL_PDEV/backend" sim
	assert_content "$DSMIL_PDEV/group_count" 7
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_content "$DSMIL_PDEV/active_count" 0
}

@test "/sys/class/dsmil lists exactly dsmil0:g0..g6 and dsmil0:8000..8053" {
	local -a got=("$DSMIL_CLASS"/*)
	local exp=() g t
	for ((g = 0; g < 7; g++)); do exp+=("$GRP$g"); done
	for t in "${DSMIL_TOKENS[@]}"; do exp+=("$DEV$t"); done
	assert_equal "${#got[@]}" 91
	# glob order is the locale's; compare as sets
	local -A seen=()
	for t in "${got[@]}"; do seen[$t]=1; done
	for t in "${exp[@]}"; do
		[[ -n ${seen[$t]:-} ]] || fail "missing $t"
	done
	# lowercase hex, nothing beyond the range
	[[ -e ${DEV}800a && ! -e ${DEV}800A && ! -e ${DEV}8054 && ! -e ${GRP}7 ]]
}

@test "class entries are symlinks to directories below the platform device" {
	local e
	for e in "$DSMIL_CLASS"/*; do
		[[ -L $e ]] || fail "$e is not a symlink"
		resolve "$e" || fail "$e does not resolve to a directory"
		[[ $REPLY == "$DSMIL_PDEV"/* ]] || fail "$e -> $REPLY is not below $DSMIL_PDEV"
		resolve "$e/subsystem"
		[[ $REPLY == /sys/class/dsmil ]] || fail "$e/subsystem -> $REPLY"
	done
}

@test "parents: groups -> dsmil.0, device -> its group (token-0x8000)/12" {
	local g t i gpath
	for ((g = 0; g < 7; g++)); do
		[[ -L $GRP$g/device ]] || fail "g$g has no device link"
		resolve "$GRP$g/device"
		[[ $REPLY == "$DSMIL_PDEV" ]] || fail "parent of g$g is $REPLY"
	done
	for ((i = 0; i < 84; i++)); do
		t=${DSMIL_TOKENS[i]}
		g=$((i / 12))
		resolve "$GRP$g"
		gpath=$REPLY
		[[ -L $DEV$t/device ]] || fail "$t has no device link"
		resolve "$DEV$t/device"
		[[ $REPLY == "$gpath" ]] || fail "parent of $t is $REPLY, expected g$g ($gpath)"
		# and the device directory is a child of the group directory
		[[ -d $gpath/dsmil0:$t ]] || fail "dsmil0:$t is not in $gpath"
	done
	for ((g = 0; g < 7; g++)); do
		resolve "$GRP$g"
		local -a kids=("$REPLY"/dsmil0:*)
		[[ ${#kids[@]} -eq 12 ]] || fail "g$g has ${#kids[@]} children"
	done
}

@test "uevent files: DEVTYPE=dsmil_group for groups, dsmil_device for devices" {
	local g t
	for ((g = 0; g < 7; g++)); do
		slurp "$GRP$g/uevent"
		[[ $REPLY == *$'\n'DEVTYPE=dsmil_group$'\n'* || $REPLY == DEVTYPE=dsmil_group$'\n'* ]] ||
			fail "g$g uevent: $REPLY"
	done
	for t in "${DSMIL_TOKENS[@]}"; do
		slurp "$DEV$t/uevent"
		[[ $REPLY == *$'\n'DEVTYPE=dsmil_device$'\n'* || $REPLY == DEVTYPE=dsmil_device$'\n'* ]] ||
			fail "$t uevent: $REPLY"
	done
}

@test "groups: device_count 12, active_count 0, state ready" {
	local g
	for ((g = 0; g < 7; g++)); do
		assert_content "$GRP$g/device_count" 12
		assert_content "$GRP$g/active_count" 0
		assert_content "$GRP$g/state" ready
	done
}

@test "debugfs: sim directory with latency_us, fault, token_writes" {
	[[ -d $DSMIL_SIM && -f $DSMIL_SIM/latency_us && -f $DSMIL_SIM/fault && -f $DSMIL_SIM/token_writes ]]
}

@test "unload removes every class entry, the platform device, the driver and debugfs" {
	dsmil_unload
	local -a left=()
	if [[ -d $DSMIL_CLASS ]]; then left=("$DSMIL_CLASS"/*); fi
	[[ ${#left[@]} -eq 0 || ${left[0]} == "$DSMIL_CLASS/*" ]] || fail "left in class: ${left[*]}"
	[[ ! -e $DSMIL_PDEV ]] || fail "$DSMIL_PDEV still there"
	[[ ! -e $DSMIL_PDRV ]] || fail "$DSMIL_PDRV still there"
	[[ ! -e $DSMIL_DEBUGFS ]] || fail "$DSMIL_DEBUGFS still there"
	[[ ! -d /sys/module/dsmil_84dev ]] || fail "dsmil_84dev still loaded"
	[[ ! -d /sys/module/dsmil_sim ]] || fail "dsmil_sim still loaded"
}

@test "reload recreates the same tree" {
	dsmil_reload
	local -a got=("$DSMIL_CLASS"/*)
	assert_equal "${#got[@]}" 91
	assert_content "$DSMIL_PDEV/device_count" 84
	resolve "${DEV}8053/device"
	local p=$REPLY
	resolve "${GRP}6"
	assert_equal "$p" "$REPLY"
}
