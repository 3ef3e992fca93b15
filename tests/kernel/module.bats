#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Module metadata of both modules (dsmil-84dev.ko, the driver; dsmil-sim.ko,
# the simulated platform), the dsmil-72dev and DMI aliases, what each
# module does alone and together on a plain (non-Dell) guest, modprobe of
# the installed modules, module parameters (good and bad, each module's),
# load/unload cycles and unload with files held open or calls in flight.

load helpers

setup() {
	DSMIL_SETUP_NOLOAD=1 dsmil_setup
}

teardown() {
	local rc=0
	# fds 13..17 (bats owns 3 and 4)
	exec 13<&- 14<&- 15<&- 16<&- 17<&- 2>/dev/null || true
	dsmil_teardown || rc=1
	dsmil_uninstall_modules || rc=1
	return $rc
}

# class_empty: /sys/class/dsmil is gone or empty
class_empty() {
	[[ -d $DSMIL_CLASS ]] || return 0
	local -a e=("$DSMIL_CLASS"/*)
	[[ ${e[0]} == "$DSMIL_CLASS/*" ]]
}

# class_count -> REPLY: entries in /sys/class/dsmil
class_count() {
	local -a e=("$DSMIL_CLASS"/*)
	REPLY=${#e[@]}
	[[ ${e[0]} != "$DSMIL_CLASS/*" ]] || REPLY=0
}

# no_instance: no dsmil.* platform device and an empty class
no_instance() {
	local -a p=(/sys/bus/platform/devices/dsmil.*)
	[[ ! -e ${p[0]} ]] || fail "platform device(s) ${p[*]} exist"
	class_empty || fail "/sys/class/dsmil is not empty: $(ls "$DSMIL_CLASS")"
}

assert_loaded() { dsmil_driver_loaded || fail "module dsmil_84dev is not loaded"; }
assert_sim_loaded() { dsmil_sim_loaded || fail "module dsmil_sim is not loaded"; }
refute_loaded() { if dsmil_loaded; then fail "dsmil_84dev or dsmil_sim is still loaded"; fi; }

# parm_desc KO NAME -> the MODULE_PARM_DESC text modinfo shows for NAME
parm_desc() {
	modinfo -F parm "$1" | awk -v p="$2" '
		index($0, p ":") == 1 {
			d = substr($0, length(p) + 2)
			sub(/[[:space:]]*\([^()]*\)[[:space:]]*$/, "", d)   # " (type)"
			gsub(/^[[:space:]]+|[[:space:]]+$/, "", d)
			print d; found = 1
		}
		END { exit !found }'
}

# assert_params KO NAME...: KO has exactly the parameters NAME..., each
# with a description
assert_params() {
	local ko=$1 p d got want
	shift
	got=$(modinfo -F parm "$ko" | sed -n 's/^\([a-z_0-9]*\):.*/\1/p' | LC_ALL=C sort -u | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
	assert_equal "${ko##*/} parameters: $got" "${ko##*/} parameters: $want"
	for p in "$@"; do
		d=$(parm_desc "$ko" "$p") || fail "modinfo shows no parameter $p of $ko"
		[[ -n $d ]] || fail "parameter $p of ${ko##*/} has no description"
	done
}

# load_fails ERRTEXT PARAM...: insmod of the driver must fail with ERRTEXT
# and leave no trace.  kmod's insmod words some errnos its own way: EINVAL
# is "Invalid parameters".
load_fails() {
	local err=$1
	shift
	[[ $err != "$E_INVAL" ]] || err="Invalid parameters"
	run insmod "$DSMIL_KO" "$@"
	[[ $status -ne 0 ]] || { dsmil_unload; fail "insmod dsmil-84dev.ko $* succeeded"; }
	[[ $output == *"$err"* ]] || fail "insmod dsmil-84dev.ko $*: expected '$err', got: $output"
	! dsmil_loaded || fail "module still loaded after failed insmod $*"
	[[ ! -e $DSMIL_PDEV ]] || fail "$DSMIL_PDEV exists after failed insmod $*"
	class_empty || fail "/sys/class/dsmil not empty after failed insmod $*"
}

# sim_load_fails ERRTEXT PARAM...: with the driver loaded, insmod of the
# sim must fail with ERRTEXT, leave no instance and the driver loaded.
sim_load_fails() {
	local err=$1
	shift
	[[ $err != "$E_INVAL" ]] || err="Invalid parameters"
	dsmil_driver_loaded || dsmil_load_driver
	run insmod "$DSMIL_SIM_KO" "$@"
	[[ $status -ne 0 ]] || { dsmil_unload_sim; fail "insmod dsmil-sim.ko $* succeeded"; }
	[[ $output == *"$err"* ]] || fail "insmod dsmil-sim.ko $*: expected '$err', got: $output"
	! dsmil_sim_loaded || fail "dsmil_sim still loaded after failed insmod $*"
	assert_loaded
	no_instance
}

# dsmil_lines -> REPLY: the kernel log lines naming dsmil, the kernel's
# one-time taint notices (out-of-tree, unsigned) left out
dsmil_lines() {
	local line
	REPLY=
	while IFS= read -r line; do
		[[ $line == *dsmil* && $line != *"taints kernel"* && $line != *"tainting kernel"* ]] || continue
		REPLY+=$line$'\n'
	done < <(dmesg)
}

# --- metadata --------------------------------------------------------------

@test "modinfo: name, license GPL, version, description, author (driver); name, license, description (sim)" {
	assert_equal "$(modinfo -F name "$DSMIL_KO")" dsmil_84dev
	assert_equal "$(modinfo -F license "$DSMIL_KO")" GPL
	[[ -n $(modinfo -F version "$DSMIL_KO") ]] || fail "no version"
	[[ -n $(modinfo -F description "$DSMIL_KO") ]] || fail "no description"
	[[ -n $(modinfo -F author "$DSMIL_KO") ]] || fail "no author"
	[[ -f $DSMIL_SIM_KO ]] || fail "no $DSMIL_SIM_KO"
	assert_equal "$(modinfo -F name "$DSMIL_SIM_KO")" dsmil_sim
	assert_equal "$(modinfo -F license "$DSMIL_SIM_KO")" GPL
	[[ -n $(modinfo -F description "$DSMIL_SIM_KO") ]] || fail "dsmil-sim has no description"
}

@test "modinfo: both built for the running kernel" {
	run modinfo -F vermagic "$DSMIL_KO"
	assert_success
	[[ $output == "$DSMIL_KVER "* ]] || fail "driver vermagic: $output"
	run modinfo -F vermagic "$DSMIL_SIM_KO"
	assert_success
	[[ $output == "$DSMIL_KVER "* ]] || fail "sim vermagic: $output"
}

@test "modinfo: driver aliases dsmil-72dev and a DMI alias for Dell Rugged machines only; dsmil-sim has none" {
	run modinfo -F alias "$DSMIL_KO"
	assert_success
	assert_line dsmil-72dev
	local a rugged=0 others=0
	# modaliases as /sys/class/dmi/id/modalias reads them
	local dmi_rugged='dmi:bvnDellInc.:bvr1.2.3:bd01/01/2024:br1.2:svnDellInc.:pnLatitude5430Rugged:pvr:rvnDellInc.:rn0ABCDE:rvrA00:cvnDellInc.:ct9:cvr:sku0A1B:'
	local dmi_toughbook='dmi:bvnDellInc.:bvr1.2.3:bd01/01/2024:br1.2:svnDellInc.:pnLatitude7330RuggedExtreme:pvr:cvnDellInc.:ct9:cvr:'
	local -a no=(
		'dmi:bvnDellInc.:bvr1.2.3:bd01/01/2024:br1.2:svnDellInc.:pnLatitude5430:pvr:cvnDellInc.:ct9:cvr:sku0B04:'
		'dmi:bvnSeaBIOS:bvr1.16.2-debian-1.16.2-1:bd04/01/2014:br0.0:svnQEMU:pnStandardPC(i440FX+PIIX,1996):pvrpc-i440fx-7.2:cvnQEMU:ct1:cvrpc-i440fx-7.2:'
		'dmi:bvnLENOVO:bvrN1.0:bd01/01/2024:br1.0:svnLENOVO:pnThinkPadRugged:pvr:cvnLENOVO:ct10:cvr:'
	)
	[[ ! -r /sys/class/dmi/id/modalias ]] || no+=("$(</sys/class/dmi/id/modalias)")
	for a in "${lines[@]}"; do
		[[ $a == dmi* ]] || continue
		# kmod matches aliases as fnmatch(3) patterns, as [[ == ]] does
		# shellcheck disable=SC2053
		[[ $dmi_rugged == $a && $dmi_toughbook == $a ]] && rugged=1
		local m
		for m in "${no[@]}"; do
			# shellcheck disable=SC2053
			[[ $m != $a ]] || { others=1; echo "alias $a matches $m"; }
		done
	done
	((rugged)) || fail "no DMI alias matches a Dell Rugged machine: $output"
	((!others)) || fail "a DMI alias matches a machine it must not"
	run modinfo -F alias "$DSMIL_SIM_KO"
	assert_success
	assert_output ""
}

@test "modinfo: every parameter of both modules, each with a description; no backend=" {
	assert_params "$DSMIL_KO" activate smi_timeout_ms thermal_threshold thermal_poll_ms \
		thermal_grace_ms allow_writes smi_rate thermal_zone group_zones mmio_base mmio_size force
	assert_params "$DSMIL_SIM_KO" instances activate smi_timeout_ms thermal_threshold thermal_poll_ms \
		thermal_grace_ms
}

@test "modinfo: dsmil-sim depends on dsmil-84dev, the driver on nothing of ours" {
	run modinfo -F depends "$DSMIL_SIM_KO"
	assert_success
	[[ ,$output, == *,dsmil_84dev,* || ,$output, == *,dsmil-84dev,* ]] ||
		fail "depends of dsmil-sim: '$output'"
	run modinfo -F depends "$DSMIL_KO"
	assert_success
	refute_output --partial dsmil
}

@test "loaded modules expose the driver's version in /sys/module" {
	dsmil_load
	assert_content /sys/module/dsmil_84dev/version "$(modinfo -F version "$DSMIL_KO")"
	assert_sim_loaded
}

@test "a dsmil-72dev.ko symlink to dsmil-84dev.ko sits beside the built module" {
	# beside DSMIL_KO when it is the build output, else in the repo's driver/
	local d=${DSMIL_KO%/*}
	[[ -e $d/dsmil-72dev.ko ]] || d=${DSMIL_REPO:-.}/driver
	local l=$d/dsmil-72dev.ko
	[[ -L $l ]] || fail "$l is not a symlink"
	assert_equal "$(readlink "$l")" dsmil-84dev.ko
	# (driver/ is shared with concurrent builds, which clean it: its
	# dsmil-84dev.ko may be gone for a moment)
	[[ -f $d/dsmil-84dev.ko || $d == */driver ]] || fail "$d/dsmil-84dev.ko missing"
}

# --- the plain guest: the driver alone, then the sim ---------------------------

@test "plain guest: the driver alone loads with no dsmil.* device, an empty class, at most one log line" {
	dmesg -C
	dsmil_load_driver
	assert_loaded
	! dsmil_sim_loaded || fail "loading the driver loaded dsmil_sim"
	no_instance
	[[ ! -e $DSMIL_DEBUGFS/dsmil.0 ]] || fail "debugfs has dsmil.0"
	# configfs instances are dsmil-sim's
	[[ ! -e /sys/kernel/config/dsmil ]] || fail "configfs dsmil exists with the driver alone"
	dsmil_lines
	local n=0 line
	while IFS= read -r line; do [[ -z $line ]] || ((++n)); done <<<"$REPLY"
	((n <= 1)) || fail "the driver logged $n lines on a non-Dell machine:
$REPLY"
	dsmil_unload
	refute_loaded
}

@test "plain guest: the driver then the sim: dsmil.0 on sim, 84 devices, 7 groups, configfs" {
	dsmil_load
	assert_loaded
	assert_sim_loaded
	assert_content "$DSMIL_PDEV/backend" sim
	assert_content "$DSMIL_PDEV/device_count" 84
	assert_content "$DSMIL_PDEV/group_count" 7
	class_count
	assert_equal "$REPLY" 91
	[[ -d /sys/kernel/config/dsmil ]] || fail "no configfs subsystem dsmil with dsmil-sim loaded"
	[[ -d $DSMIL_SIM ]] || fail "no $DSMIL_SIM"
	[[ ! -e /sys/bus/platform/devices/dsmil.1 ]] || fail "a second instance exists"
	# the sim goes, the driver stays and has nothing
	dsmil_unload_sim
	assert_loaded
	no_instance
	[[ ! -e /sys/kernel/config/dsmil ]] || fail "configfs dsmil outlived dsmil-sim"
	# and comes back; the simulated firmware has no state to read back:
	# ready as soon as the insmod returns (dsmil_load_sim does not wait)
	dsmil_load_sim
	assert_content "$DSMIL_PDEV/backend" sim
	assert_content "$DSMIL_PDEV/ready" 1
}

@test "rmmod of the driver while dsmil-sim is loaded is refused; both keep working" {
	dsmil_load
	run rmmod dsmil_84dev
	assert_failure
	assert_output --partial "in use"
	assert_loaded
	assert_sim_loaded
	assert_content "${DEV}8000/state" ready
}

@test "instances=0 creates no instance, instances=2 two simulated ones" {
	dsmil_load instances=0
	assert_sim_loaded
	no_instance
	dsmil_reload instances=2
	assert_content /sys/devices/platform/dsmil.0/backend sim
	assert_content /sys/devices/platform/dsmil.1/backend sim
	assert_content /sys/devices/platform/dsmil.1/device_count 84
	class_count
	assert_equal "$REPLY" 182
	[[ ! -e /sys/devices/platform/dsmil.2 ]] || fail "instances=2 made a third instance"
}

@test "modprobe of the installed modules: dsmil-sim pulls in the driver, dsmil-72dev loads the driver, -r is clean" {
	dsmil_install_modules
	local md=/lib/modules/$DSMIL_KVER
	run grep -x 'alias dsmil-72dev dsmil_84dev' "$md/modules.alias"
	assert_success
	run grep -c ' dsmil_sim$' "$md/modules.alias"
	assert_output 0
	run grep -x 'extra/dsmil-sim.ko: extra/dsmil-84dev.ko' "$md/modules.dep"
	assert_success
	run modprobe dsmil-sim
	assert_success
	assert_loaded
	assert_sim_loaded
	assert_content "$DSMIL_PDEV/backend" sim
	assert_content "$DSMIL_PDEV/device_count" 84
	run modprobe -r dsmil-sim dsmil-84dev
	assert_success
	refute_loaded
	no_instance
	# the old name loads the driver, alone
	run modprobe dsmil-72dev
	assert_success
	assert_loaded
	! dsmil_sim_loaded || fail "modprobe dsmil-72dev loaded dsmil_sim"
	no_instance
	run modprobe -r dsmil-72dev
	assert_success
	refute_loaded
	# the real name, and a sim parameter through modprobe
	run modprobe dsmil-sim activate=1
	assert_success
	assert_group_state 1 active
	run modprobe -r dsmil-sim dsmil-84dev
	assert_success
	refute_loaded
}

# --- the driver's parameters ------------------------------------------------

@test "driver: bad parameter values fail the load with EINVAL on a non-Dell machine" {
	local v
	for v in activate=9 activate=x 'activate=0,,1' smi_timeout_ms=49 smi_timeout_ms=201 \
		thermal_threshold=5 thermal_threshold=151 thermal_poll_ms=9 thermal_poll_ms=10001 \
		allow_writes=maybe mmio_size=x mmio_base=0x1g; do
		load_fails "$E_INVAL" "$v"
	done
}

@test "driver: smi_rate outside 1..1000 fails the load with EINVAL on a non-Dell machine" {
	local v
	for v in smi_rate=0 smi_rate=1001 smi_rate=x; do
		load_fails "$E_INVAL" "$v"
	done
}

@test "driver: good parameter values load on a non-Dell machine, with no instance" {
	dsmil_load_driver activate=0,1 smi_timeout_ms=200 thermal_threshold=20 thermal_poll_ms=10 \
		allow_writes=1 smi_rate=1000 thermal_zone=acpitz
	no_instance
	assert_content /sys/module/dsmil_84dev/parameters/smi_rate 1000
	dsmil_unload
	dsmil_load_driver smi_timeout_ms=50 thermal_threshold=150 thermal_poll_ms=10000 smi_rate=1
	no_instance
}

@test "driver: backend= is gone (an unknown parameter: ignored, logged)" {
	dmesg -C
	dsmil_load_driver backend=sim
	[[ ! -e /sys/module/dsmil_84dev/parameters/backend ]] || fail "the driver still has a backend parameter"
	no_instance
	run dmesg
	assert_output --partial "unknown parameter 'backend' ignored"
}

@test "driver: force=1 taints the kernel and creates no instance on a non-Dell machine" {
	dmesg -C
	dsmil_load_driver force=1
	no_instance
	run dmesg
	assert_output --partial "Setting dangerous option force - tainting kernel"
	local t
	t=$(</proc/sys/kernel/tainted)
	(((t & 64) != 0)) || fail "kernel not tainted (TAINT_USER) after force=1: tainted=$t"
}

# --- the sim's parameters -----------------------------------------------------

@test "sim: bad parameter values fail its load with EINVAL; the driver stays" {
	local v
	for v in smi_timeout_ms=10 smi_timeout_ms=49 smi_timeout_ms=201 smi_timeout_ms=300 \
		smi_timeout_ms=0 smi_timeout_ms=-1 smi_timeout_ms=abc thermal_threshold=5 \
		thermal_threshold=151 thermal_poll_ms=9 thermal_poll_ms=10001 instances=abc instances=9; do
		sim_load_fails "$E_INVAL" "$v"
	done
}

# --- smi_timeout_ms= -------------------------------------------------------

@test "smi_timeout_ms=50 and =200 load" {
	dsmil_load smi_timeout_ms=50
	dsmil_unload
	dsmil_load smi_timeout_ms=200
}

@test "smi_timeout_ms=200: a 150 ms firmware call succeeds" {
	dsmil_load smi_timeout_ms=200
	sim_latency 150000
	activate 8000
	assert_token_writes 8000=1
}

@test "smi_timeout_ms=50: a 60 ms firmware call times out, a 10 ms one does not" {
	dsmil_load smi_timeout_ms=50
	sim_latency 60000
	local t0 t1
	now_ms; t0=$REPLY
	expect_errno "$E_TIMEDOUT" "${DEV}8000/state" 'active\n'
	now_ms; t1=$REPLY
	(( t1 - t0 >= 45 )) || fail "timed out after $((t1 - t0)) ms, expected ~50"
	# the timed-out call counts as a failed one (state.bats: the device
	# is in error then, or as it was); a 10 ms call, the reset included,
	# then succeeds
	sim_latency 10000
	local writes=1
	get_state 8000
	if [[ $REPLY == error ]]; then
		wrn "${DEV}8000/state" reset
		writes=2
	fi
	assert_state 8000 ready
	activate 8000
	assert_token_writes 8000=$writes
}

# --- activate= -------------------------------------------------------------

@test "activate=0,1 activates groups 0 and 1 at load" {
	dsmil_load activate=0,1
	assert_group_state 0 active
	assert_group_state 1 active
	local g
	for g in 2 3 4 5 6; do assert_group_state "$g" ready; done
	assert_content "$DSMIL_PDEV/active_count" 21
	assert_content "${GRP}0/active_count" 9
	assert_content "${GRP}1/active_count" 12
	local all
	tw_group 0 1; all=$REPLY
	tw_group 1 1; all+=" $REPLY"
	# shellcheck disable=SC2086
	assert_token_writes $all
	assert_stats 8000 0 0 0 1
	assert_state 8009 quarantined
}

@test "activate=6 activates only group 6" {
	dsmil_load activate=6
	assert_group_state 6 active
	assert_group_state 5 ready
	assert_content "$DSMIL_PDEV/active_count" 12
}

@test "activate= bad lists fail the sim's load with EINVAL and one dmesg line naming activate" {
	local v n before
	dsmil_load_driver
	for v in 7 x '0,,1' '0,7' 10 -1 '0,' ',0'; do
		before=$(dmesg | grep -c activate || true)
		sim_load_fails "$E_INVAL" "activate=$v"
		n=$(($(dmesg | grep -c activate || true) - before))
		[[ $n -eq 1 ]] || fail "activate=$v: $n new dmesg lines mention activate, expected 1:
$(dmesg | tail -n 5)"
	done
}

# --- load/unload -----------------------------------------------------------

@test "10 load/unload cycles of both modules" {
	local i
	for ((i = 0; i < 10; i++)); do
		dsmil_load
		class_count
		[[ $REPLY -eq 91 ]] || fail "cycle $i: class has $REPLY entries"
		rd "$DSMIL_PDEV/device_count"
		[[ $REPLY == 84 ]] || fail "cycle $i: device_count $REPLY"
		dsmil_unload
		[[ ! -e $DSMIL_PDEV ]] || fail "cycle $i: $DSMIL_PDEV still there"
		class_empty || fail "cycle $i: class not empty after unload"
	done
}

@test "20 sim load/unload cycles beside the driver, with activate=0,1 and a value write in between" {
	local i
	dsmil_load_driver
	for ((i = 0; i < 20; i++)); do
		dsmil_load_sim activate=0,1
		rd "${DEV}8000/value"
		[[ $REPLY == 0xd5008000 ]] || fail "cycle $i: value $REPLY (not reset by reload)"
		wr "${DEV}8000/value" 0x1
		dsmil_unload_sim
		[[ ! -e $DSMIL_PDEV ]] || fail "cycle $i: $DSMIL_PDEV still there"
	done
	assert_loaded
}

@test "unload while sysfs and debugfs files are held open" {
	dsmil_load
	exec 13<"${DEV}8000/state"
	exec 14<>"${DEV}8001/value"
	exec 15<"${GRP}0/state"
	exec 16<"$DSMIL_PDEV/active_count"
	dsmil_unload
	refute_loaded
	[[ ! -e $DSMIL_PDEV ]]
	class_empty || fail "class not empty after unload"
	# accesses through the stale descriptors fail cleanly
	run bash -c 'read -r x <&13'
	assert_failure
	assert_output --partial "$E_NODEV"
	run bash -c 'printf "0x1\n" >&14'
	assert_failure
	run bash -c 'read -r x <&15'
	assert_failure
	run bash -c 'read -r x <&16'
	assert_failure
	exec 13<&- 14<&- 15<&- 16<&-
	# and the module comes back
	dsmil_load
	assert_content "${DEV}8000/state" ready
}

@test "a debugfs file held open: rmmod either refuses (in use) or works; no splat" {
	dsmil_load
	exec 17<"$DSMIL_SIM/fault"
	run timeout 60 rmmod dsmil_sim
	if [[ $status -ne 0 ]]; then
		assert_output --partial "in use"
		assert_sim_loaded
		assert_content "$DSMIL_SIM/fault" none
		exec 17<&-
		dsmil_unload
	else
		! dsmil_sim_loaded || fail "rmmod dsmil_sim succeeded but it is loaded"
		dsmil_unload
		run bash -c 'read -r x <&17'
		assert_failure
		exec 17<&-
	fi
	refute_loaded
	dsmil_load
}

@test "unload while a value read is waiting in a slow firmware call" {
	dsmil_load
	sim_latency 90000
	local out=$BATS_TEST_TMPDIR/reader
	cat "${DEV}8000/value" >"$out" 2>&1 &
	local pid=$!
	DSMIL_BG_PIDS=$pid
	dsmil_unload
	local rc=0
	wait "$pid" || rc=$?
	DSMIL_BG_PIDS=
	# either the read finished before the device went away, or it failed
	if ((rc == 0)); then
		assert_content "$out" 0xd5008000
	fi
	refute_loaded
}

@test "unload while a group write is in progress" {
	dsmil_load
	sim_latency 40000
	local out=$BATS_TEST_TMPDIR/writer
	bash -c 'printf "active\n" > "$1"' _ "${GRP}1/state" >"$out" 2>&1 &
	local pid=$!
	DSMIL_BG_PIDS=$pid
	# let it start
	local i
	for ((i = 0; i < 200; i++)); do
		rd "${GRP}1/active_count"
		((REPLY >= 1)) && break
	done
	dsmil_unload
	wait "$pid" || true
	DSMIL_BG_PIDS=
	refute_loaded
}

@test "unload while readers and writers are busy on several devices" {
	dsmil_load
	sim_latency 5000
	local out=$BATS_TEST_TMPDIR/busy
	# loops that stop at the first error (the files go away under them)
	bash -c 'while echo active > "$1/state" && echo ready > "$1/state"; do :; done' _ "${DEV}8000" 2>/dev/null &
	DSMIL_BG_PIDS+=" $!"
	bash -c 'while read -r v < "$1/value"; do :; done' _ "${DEV}8000" 2>/dev/null &
	DSMIL_BG_PIDS+=" $!"
	bash -c 'while echo active > "$1/state" && echo ready > "$1/state"; do :; done' _ "${GRP}2" 2>/dev/null &
	DSMIL_BG_PIDS+=" $!"
	# (sysfs only: an open debugfs file pins the module, see the test above)
	bash -c 'while read -r v < "$1/active_count" && read -r v < "$2/state"; do :; done' _ "$DSMIL_PDEV" "${GRP}3" 2>/dev/null &
	DSMIL_BG_PIDS+=" $!"
	# let them run a little
	local i
	for ((i = 0; i < 100; i++)); do
		get_stat 8000 activations
		((REPLY >= 2)) && break
		dsmil_sleep 0.05
	done
	dsmil_unload
	local p
	for p in $DSMIL_BG_PIDS; do
		# every loop must end by itself once the files are gone
		wait "$p" || true
	done
	DSMIL_BG_PIDS=
	refute_loaded
	dsmil_load
	assert_content "$DSMIL_PDEV/active_count" 0
}
