#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Module metadata, the dsmil-72dev alias, module parameters (good and bad),
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

assert_loaded() { dsmil_loaded || fail "module dsmil_84dev is not loaded"; }
refute_loaded() { if dsmil_loaded; then fail "module dsmil_84dev is still loaded"; fi; }

# parm_desc NAME -> the MODULE_PARM_DESC text modinfo shows for NAME
parm_desc() {
	modinfo -F parm "$DSMIL_KO" | awk -v p="$1" '
		index($0, p ":") == 1 {
			d = substr($0, length(p) + 2)
			sub(/[[:space:]]*\([^()]*\)[[:space:]]*$/, "", d)   # " (type)"
			gsub(/^[[:space:]]+|[[:space:]]+$/, "", d)
			print d; found = 1
		}
		END { exit !found }'
}

# load_fails ERRTEXT PARAM...: insmod must fail with ERRTEXT and leave no trace.
# kmod's insmod words some errnos its own way: EINVAL is "Invalid parameters".
load_fails() {
	local err=$1
	shift
	[[ $err != "$E_INVAL" ]] || err="Invalid parameters"
	run insmod "$DSMIL_KO" "$@"
	[[ $status -ne 0 ]] || { dsmil_unload; fail "insmod $* succeeded"; }
	[[ $output == *"$err"* ]] || fail "insmod $*: expected '$err', got: $output"
	! dsmil_loaded || fail "module still loaded after failed insmod $*"
	[[ ! -e $DSMIL_PDEV ]] || fail "$DSMIL_PDEV exists after failed insmod $*"
	class_empty || fail "/sys/class/dsmil not empty after failed insmod $*"
}

# --- metadata --------------------------------------------------------------

@test "modinfo: name, license GPL, version, description, author" {
	assert_equal "$(modinfo -F name "$DSMIL_KO")" dsmil_84dev
	assert_equal "$(modinfo -F license "$DSMIL_KO")" GPL
	[[ -n $(modinfo -F version "$DSMIL_KO") ]] || fail "no version"
	[[ -n $(modinfo -F description "$DSMIL_KO") ]] || fail "no description"
	[[ -n $(modinfo -F author "$DSMIL_KO") ]] || fail "no author"
}

@test "modinfo: built for the running kernel" {
	run modinfo -F vermagic "$DSMIL_KO"
	assert_success
	assert_output --partial "$DSMIL_KVER "
	[[ $output == "$DSMIL_KVER "* ]]
}

@test "modinfo: alias dsmil-72dev" {
	run modinfo -F alias "$DSMIL_KO"
	assert_success
	assert_line dsmil-72dev
}

@test "modinfo: parameters backend, smi_timeout_ms, activate, each with a description" {
	local p d
	for p in backend smi_timeout_ms activate; do
		d=$(parm_desc "$p") || fail "modinfo shows no parameter $p: $(modinfo -F parm "$DSMIL_KO")"
		[[ -n $d ]] || fail "parameter $p has no description"
	done
}

@test "loaded module exposes its version in /sys/module" {
	dsmil_load
	assert_content /sys/module/dsmil_84dev/version "$(modinfo -F version "$DSMIL_KO")"
}

@test "a dsmil-72dev.ko symlink to dsmil-84dev.ko sits beside the built module" {
	# beside DSMIL_KO when it is the build output, else in the repo's driver/
	local d=${DSMIL_KO%/*}
	[[ -e $d/dsmil-72dev.ko ]] || d=${DSMIL_REPO:-.}/driver
	local l=$d/dsmil-72dev.ko
	[[ -L $l ]] || fail "$l is not a symlink"
	assert_equal "$(readlink "$l")" dsmil-84dev.ko
	[[ -f $d/dsmil-84dev.ko ]] || fail "$d/dsmil-84dev.ko missing"
}

@test "modprobe dsmil-72dev loads dsmil_84dev (after depmod)" {
	# A private module root (depmod -b / modprobe -d) instead of
	# /lib/modules/$KVER/extra: depmod -a over the guest's whole module tree
	# takes minutes under TCG.  The alias resolution is the same.
	local base=$BATS_TEST_TMPDIR/modroot
	mkdir -p "$base/lib/modules/$DSMIL_KVER/extra"
	cp "$DSMIL_KO" "$base/lib/modules/$DSMIL_KVER/extra/dsmil-84dev.ko"
	depmod -b "$base" "$DSMIL_KVER" 2>/dev/null
	run grep -x 'alias dsmil-72dev dsmil_84dev' "$base/lib/modules/$DSMIL_KVER/modules.alias"
	assert_success
	run modprobe -d "$base" dsmil-72dev
	assert_success
	run lsmod
	assert_line --regexp '^dsmil_84dev[[:space:]]'
	assert_content "$DSMIL_PDEV/device_count" 84
	run modprobe -d "$base" -r dsmil-72dev
	assert_success
	refute_loaded
	# the real name works too
	run modprobe -d "$base" dsmil-84dev
	assert_success
	assert_loaded
	run modprobe -d "$base" -r dsmil_84dev
	assert_success
	refute_loaded
}

# --- backend= --------------------------------------------------------------

@test "backend=sim (explicit) loads the simulated instance" {
	dsmil_load backend=sim
	assert_content "$DSMIL_PDEV/backend" sim
	class_count
	assert_equal "$REPLY" 91
}

@test "backend=auto on non-DSMIL hardware: module loads, no instance" {
	dsmil_load backend=auto
	assert_loaded
	[[ ! -e $DSMIL_PDEV ]] || fail "an instance was created on QEMU hardware"
	class_empty || fail "/sys/class/dsmil is not empty with backend=auto"
	[[ ! -e $DSMIL_SIM ]]
	dsmil_unload
}

@test "backend=foo fails the load with EINVAL" {
	load_fails "$E_INVAL" backend=foo
	load_fails "$E_INVAL" backend=SIM
	load_fails "$E_INVAL" backend=
}

@test "backend=smbios on a non-Dell guest fails the load with ENODEV and says why" {
	dmesg -C
	load_fails "$E_NODEV" backend=smbios
	run grep -c 'dell-smbios is not available' <(dmesg)
	[[ $output == 1 ]] || fail "expected one dmesg line naming dell-smbios, got $output"
}

# --- smi_timeout_ms= -------------------------------------------------------

@test "smi_timeout_ms outside 50..200 fails the load with EINVAL" {
	local v
	for v in 10 49 201 300 0 -1 abc; do
		load_fails "$E_INVAL" "smi_timeout_ms=$v"
	done
}

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
	assert_state 8000 ready
	sim_latency 10000
	activate 8000
	assert_token_writes 8000=1
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

@test "activate= bad lists fail the load with EINVAL and one dmesg line naming activate" {
	local v n before
	for v in 7 x '0,,1' '0,7' 10 -1 '0,' ',0'; do
		before=$(dmesg | grep -c activate || true)
		load_fails "$E_INVAL" "activate=$v"
		n=$(($(dmesg | grep -c activate || true) - before))
		[[ $n -eq 1 ]] || fail "activate=$v: $n new dmesg lines mention activate, expected 1:
$(dmesg | tail -n 5)"
	done
}

# --- load/unload -----------------------------------------------------------

@test "20 load/unload cycles" {
	local i
	for ((i = 0; i < 20; i++)); do
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

@test "20 load/unload cycles with activate=0,1 and a value write in between" {
	local i
	for ((i = 0; i < 20; i++)); do
		dsmil_load activate=0,1
		rd "${DEV}8000/value"
		[[ $REPLY == 0xd5008000 ]] || fail "cycle $i: value $REPLY (not reset by reload)"
		wr "${DEV}8000/value" 0x1
		dsmil_unload
	done
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
	run timeout 60 rmmod dsmil_84dev
	if [[ $status -ne 0 ]]; then
		assert_output --partial "in use"
		assert_loaded
		assert_content "$DSMIL_SIM/fault" none
		exec 17<&-
		dsmil_unload
	else
		refute_loaded
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
