# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # variables shared with the suites / set by bats
#
# Shared helpers for the dsmil kernel suites (tests/kernel/*.bats).
#
# The suites run inside the QEMU guest as root, cwd = repo root, with
#   DSMIL_KO       absolute path of the built dsmil-84dev.ko (the driver)
#   DSMIL_SIM_KO   absolute path of the built dsmil-sim.ko (the simulated
#                  platform; default: dsmil-sim.ko beside DSMIL_KO)
#   DSMIL_REPO     repo root
#   DSMIL_KVER     uname -r of the guest
#   BATS_LIB_PATH  where bats-support / bats-assert live
# Neither module is loaded when a suite starts.
#
#   load helpers
#   setup()    { dsmil_setup; }      # load driver + sim (DSMIL_SETUP_NOLOAD=1: don't)
#   teardown() { dsmil_teardown; }   # unload both, fail on a new kernel splat
#
# Loading: dsmil_load [PARAM=V ...] inserts dsmil-84dev.ko, then
# dsmil-sim.ko (whose instance is dsmil.0 on a guest without DSMIL
# hardware), each parameter going to the module that has it (DSMIL_SIM_PARAMS
# to the sim, everything else to the driver); dsmil_load_driver [PARAM=V
# ...] inserts the driver alone (firmware suites, plain-guest checks);
# dsmil_unload removes dsmil_sim, then dsmil_84dev.
#
# SPEED: the TCG guest is very slow (one exec of a program ~0.2-0.3 s, a
# fork ~25-50 ms, a bash builtin a few ms).  The helpers therefore use
# builtins only (read/printf with redirections, [[ =~ ]], cd -P instead of
# readlink -f, $EPOCHREALTIME instead of date); tests should avoid $(...),
# external programs and `run` inside loops.  Paths are plain strings:
# "$DEV$t/state" for device token $t (4 lowercase hex digits), "$GRP$g/state"
# for group $g.

# bats-support and bats-assert: their load.bash runs `dirname` 20 times,
# ~4 s per test in the guest; source their src/ files directly instead.
_dsmil_load_bats_libs() {
	local lib dir f ok
	local -a dirs
	IFS=: read -ra dirs <<<"${BATS_LIB_PATH:-/usr/lib/bats}"
	for lib in bats-support bats-assert; do
		ok=
		for dir in "${dirs[@]}"; do
			[[ -f $dir/$lib/src/output.bash || -f $dir/$lib/src/assert.bash ]] || continue
			for f in "$dir/$lib"/src/*.bash; do
				# shellcheck disable=SC1090
				source "$f"
			done
			ok=1
			break
		done
		[[ -n $ok ]] || bats_load_library "$lib"
	done
}
_dsmil_load_bats_libs

# The guest runs the suites in a chroot; udevadm (monitor, trigger, ...)
# refuses to work there ("Running in chroot, ignoring request") unless told.
export SYSTEMD_IGNORE_CHROOT=1

DSMIL_MODNAME=dsmil_84dev
DSMIL_SIM_MODNAME=dsmil_sim
DSMIL_SIM_KO=${DSMIL_SIM_KO:-${DSMIL_KO%/*}/dsmil-sim.ko}
# the parameters dsmil_load gives to dsmil-sim (the rest go to the driver)
DSMIL_SIM_PARAMS=" instances activate smi_timeout_ms thermal_threshold thermal_poll_ms thermal_grace_ms "
DSMIL_CLASS=/sys/class/dsmil
DSMIL_PDEV=/sys/devices/platform/dsmil.0
DSMIL_PDRV=/sys/bus/platform/drivers/dsmil
DSMIL_DEBUGFS=/sys/kernel/debug/dsmil
DSMIL_SIM=$DSMIL_DEBUGFS/dsmil.0/sim
DEV=$DSMIL_CLASS/dsmil0:      # "$DEV$t" = device with token $t
GRP=$DSMIL_CLASS/dsmil0:g     # "$GRP$g" = group $g

# All tokens; group g is "${DSMIL_TOKENS[@]:g*12:12}".
DSMIL_TOKENS=(8000 8001 8002 8003 8004 8005 8006 8007 8008 8009 800a 800b
	800c 800d 800e 800f 8010 8011 8012 8013 8014 8015 8016 8017
	8018 8019 801a 801b 801c 801d 801e 801f 8020 8021 8022 8023
	8024 8025 8026 8027 8028 8029 802a 802b 802c 802d 802e 802f
	8030 8031 8032 8033 8034 8035 8036 8037 8038 8039 803a 803b
	803c 803d 803e 803f 8040 8041 8042 8043 8044 8045 8046 8047
	8048 8049 804a 804b 804c 804d 804e 804f 8050 8051 8052 8053)
DSMIL_QUARANTINED=(8009 800a 800b 8019 8029)

# stderr of the last checked write/read
DSMIL_ERRF=${BATS_TEST_TMPDIR:-/tmp}/.dsmil-stderr

# token_writes right after load (84 lines, a literal: no loop per test)
DSMIL_TW_ZERO='0x8000 0
0x8001 0
0x8002 0
0x8003 0
0x8004 0
0x8005 0
0x8006 0
0x8007 0
0x8008 0
0x8009 0
0x800a 0
0x800b 0
0x800c 0
0x800d 0
0x800e 0
0x800f 0
0x8010 0
0x8011 0
0x8012 0
0x8013 0
0x8014 0
0x8015 0
0x8016 0
0x8017 0
0x8018 0
0x8019 0
0x801a 0
0x801b 0
0x801c 0
0x801d 0
0x801e 0
0x801f 0
0x8020 0
0x8021 0
0x8022 0
0x8023 0
0x8024 0
0x8025 0
0x8026 0
0x8027 0
0x8028 0
0x8029 0
0x802a 0
0x802b 0
0x802c 0
0x802d 0
0x802e 0
0x802f 0
0x8030 0
0x8031 0
0x8032 0
0x8033 0
0x8034 0
0x8035 0
0x8036 0
0x8037 0
0x8038 0
0x8039 0
0x803a 0
0x803b 0
0x803c 0
0x803d 0
0x803e 0
0x803f 0
0x8040 0
0x8041 0
0x8042 0
0x8043 0
0x8044 0
0x8045 0
0x8046 0
0x8047 0
0x8048 0
0x8049 0
0x804a 0
0x804b 0
0x804c 0
0x804d 0
0x804e 0
0x804f 0
0x8050 0
0x8051 0
0x8052 0
0x8053 0
'

# Kernel log lines that fail a test (the VM harness' list and a few more).
DSMIL_SPLAT_RE='BUG[: ]|WARNING[: ]|Oops|general protection|refcount_t|list_del corruption|sleeping function called|UBSAN|INFO: task [^ ]* blocked|circular locking dependency'

# Error texts (glibc strerror) of the errnos the contract uses.
E_INVAL="Invalid argument"
E_PERM="Operation not permitted"
E_BUSY="Device or resource busy"
E_NODEV="No such device"
E_RANGE="Numerical result out of range"
E_TIMEDOUT="Connection timed out"
E_IO="Input/output error"
E_NODATA="No data available"
E_AGAIN="Resource temporarily unavailable"

# junk_x, junk_digits [4095], junk_bin -> REPLY: printf formats of 4 KiB of
# junk ('x' * 4096, '1' * 4096 or 4095, every byte value 0..255 16 times)
junk_x() { printf -v REPLY 'x%.0s' {1..4096}; }
junk_digits() {
	if [[ ${1:-4096} == 4096 ]]; then printf -v REPLY '1%.0s' {1..4096}; else printf -v REPLY '1%.0s' {1..4095}; fi
}
junk_bin() {
	local one i
	printf -v one '\\%03o' {0..255}
	REPLY=
	for ((i = 0; i < 16; i++)); do REPLY+=$one; done
}

# ---------------------------------------------------------------------------
# module load / unload

# dsmil_loaded: either module is loaded (setup/teardown clean both)
dsmil_loaded() { [[ -d /sys/module/$DSMIL_MODNAME || -d /sys/module/$DSMIL_SIM_MODNAME ]]; }
dsmil_driver_loaded() { [[ -d /sys/module/$DSMIL_MODNAME ]]; }
dsmil_sim_loaded() { [[ -d /sys/module/$DSMIL_SIM_MODNAME ]]; }

# _dsmil_insmod KO PARAM...: insmod; fails the test when the load fails.
_dsmil_insmod() {
	[[ -n $1 && -f $1 ]] || fail "module file not set or missing: '$1' (DSMIL_KO/DSMIL_SIM_KO)"
	local e
	if ! insmod "$@" 2>"$DSMIL_ERRF"; then
		_read_errf e
		fail "insmod $* failed: $e"
	fi
}

# dsmil_wait_ready: wait (up to 60 s) until dsmil.0's initial read-back is
# done: its platform file "ready" reads 1.  Before that device states are unknown ("error") and writes
# fail with EAGAIN.  The simulated firmware's instances are ready at once.
dsmil_wait_ready() {
	local f=$DSMIL_PDEV/ready i
	for ((i = 0; i < 6000; i++)); do
		REPLY=
		IFS= read -r REPLY <"$f" 2>/dev/null || true
		[[ $REPLY == 1 ]] && return 0
		[[ -e $f ]] || fail "no $f: the instance is gone"
		dsmil_sleep 0.01
	done
	fail "$f still reads '$REPLY' after 60 s"
}

# dsmil_load_driver [PARAM=VALUE ...]: insmod dsmil-84dev.ko alone (no
# instance on a machine without DSMIL hardware); with an instance (the
# emulated Dell firmware), wait until it is ready (DSMIL_LOAD_NOWAIT=1:
# don't).
dsmil_load_driver() {
	_dsmil_insmod "${DSMIL_KO:-}" "$@"
	[[ -n ${DSMIL_LOAD_NOWAIT:-} || ! -e $DSMIL_PDEV/ready ]] || dsmil_wait_ready
}

# dsmil_load_sim [PARAM=VALUE ...]: insmod dsmil-sim.ko (the driver must
# be loaded).
dsmil_load_sim() {
	_dsmil_insmod "$DSMIL_SIM_KO" "$@"
}

# dsmil_load [PARAM=VALUE ...]: the driver (unless loaded already), then
# the sim, each PARAM to its module; $DSMIL_PDEV must exist afterwards
# unless instances=0.  A driver parameter with the driver already loaded
# fails the test.
dsmil_load() {
	local kv
	local -a drv=() sim=()
	for kv in "$@"; do
		if [[ $DSMIL_SIM_PARAMS == *" ${kv%%=*} "* ]]; then sim+=("$kv"); else drv+=("$kv"); fi
	done
	if ! dsmil_driver_loaded; then
		dsmil_load_driver "${drv[@]}"
	elif ((${#drv[@]})); then
		fail "dsmil_load ${drv[*]}: the driver is loaded already"
	fi
	dsmil_load_sim "${sim[@]}"
	[[ -d $DSMIL_PDEV || " $* " == *" instances=0 "* ]] ||
		fail "modules loaded but $DSMIL_PDEV does not exist"
	[[ ! -e $DSMIL_PDEV/ready ]] || dsmil_wait_ready
}

# _dsmil_rmmod NAME: rmmod NAME if loaded (bounded: a hang in remove fails
# the test).
_dsmil_rmmod() {
	[[ -d /sys/module/$1 ]] || return 0
	local e
	if ! timeout 60 rmmod "$1" 2>"$DSMIL_ERRF"; then
		_read_errf e
		fail "rmmod $1 failed: $e"
	fi
}

# dsmil_unload: rmmod dsmil_sim, then dsmil_84dev (each if loaded).
dsmil_unload() {
	_dsmil_rmmod "$DSMIL_SIM_MODNAME"
	_dsmil_rmmod "$DSMIL_MODNAME"
}

# dsmil_unload_sim: rmmod dsmil_sim only (the driver stays).
dsmil_unload_sim() { _dsmil_rmmod "$DSMIL_SIM_MODNAME"; }

# dsmil_force_unload: best effort, for cleanups (no test failure).
dsmil_force_unload() {
	[[ ! -d /sys/module/$DSMIL_SIM_MODNAME ]] || timeout 60 rmmod "$DSMIL_SIM_MODNAME" || true
	[[ ! -d /sys/module/$DSMIL_MODNAME ]] || timeout 60 rmmod "$DSMIL_MODNAME" || true
}

dsmil_reload() {
	dsmil_unload
	dsmil_load "$@"
}

# dsmil_install_modules: both modules into /lib/modules/$DSMIL_KVER/extra
# (the guest's / is a writable overlay), then depmod, so that modprobe and
# udev find them by name and alias.  A full `depmod -a` takes over two
# minutes under TCG (4000 compressed modules), so unless
# DSMIL_FULL_DEPMOD=1 depmod is given the two files alone: it then writes
# indexes holding only them, and the original modules.* files are set
# aside first and put back by dsmil_uninstall_modules (teardown).
DSMIL_MODSTASH=/run/dsmil-modules-stash
dsmil_install_modules() {
	local md=/lib/modules/$DSMIL_KVER e
	[[ -f $DSMIL_KO && -f $DSMIL_SIM_KO ]] || fail "no $DSMIL_KO or $DSMIL_SIM_KO"
	mkdir -p "$md/extra" "$DSMIL_MODSTASH" || fail "cannot create $md/extra"
	if ! cp "$DSMIL_KO" "$md/extra/dsmil-84dev.ko" || ! cp "$DSMIL_SIM_KO" "$md/extra/dsmil-sim.ko"; then
		fail "cannot copy the modules to $md/extra"
	fi
	if [[ ${DSMIL_FULL_DEPMOD:-0} == 1 ]]; then
		depmod -a "$DSMIL_KVER" 2>"$DSMIL_ERRF" || { _read_errf e; fail "depmod -a: $e"; }
		return 0
	fi
	if [[ ! -e $DSMIL_MODSTASH/.saved ]]; then
		cp -a "$md"/modules.* "$DSMIL_MODSTASH/" || fail "cannot save $md/modules.*"
		: >"$DSMIL_MODSTASH/.saved"
	fi
	depmod "$DSMIL_KVER" "$md/extra/dsmil-84dev.ko" "$md/extra/dsmil-sim.ko" 2>"$DSMIL_ERRF" ||
		{ _read_errf e; fail "depmod: $e"; }
}

# dsmil_uninstall_modules: undo dsmil_install_modules (no-op if not done)
dsmil_uninstall_modules() {
	local md=/lib/modules/$DSMIL_KVER
	[[ -e $md/extra/dsmil-84dev.ko || -e $md/extra/dsmil-sim.ko || -e $DSMIL_MODSTASH/.saved ]] || return 0
	rm -f "$md/extra/dsmil-84dev.ko" "$md/extra/dsmil-sim.ko"
	if [[ -e $DSMIL_MODSTASH/.saved ]]; then
		rm -f "$md"/modules.*
		cp -a "$DSMIL_MODSTASH"/modules.* "$md/" || { echo "cannot restore $md/modules.*" >&2; return 1; }
		rm -rf "$DSMIL_MODSTASH"
	elif [[ ${DSMIL_FULL_DEPMOD:-0} == 1 ]]; then
		depmod -a "$DSMIL_KVER"
	fi
}

# dsmil_udevd_start: a running systemd-udevd, started here unless one
# answers (DSMIL_GUEST_UDEV=1 starts one with the guest); the guest has
# none by default.  dsmil_udevd_stop stops only one started here.
DSMIL_UDEVD_OURS=/run/dsmil-udevd-ours
dsmil_udevd_start() {
	local i
	[[ -S /run/udev/control ]] && udevadm control --ping -t 5 >/dev/null 2>&1 && return 0
	[[ -x /lib/systemd/systemd-udevd ]] || fail "no /lib/systemd/systemd-udevd (make deps installs udev)"
	mkdir -p /run/udev
	/lib/systemd/systemd-udevd --daemon || fail "systemd-udevd --daemon failed"
	: >"$DSMIL_UDEVD_OURS"
	for ((i = 0; i < 100; i++)); do
		udevadm control --ping -t 5 >/dev/null 2>&1 && return 0
		dsmil_sleep 0.2
	done
	fail "systemd-udevd does not answer"
}

dsmil_udevd_stop() {
	[[ -e $DSMIL_UDEVD_OURS ]] || return 0
	udevadm control --exit >/dev/null 2>&1 || true
	rm -f "$DSMIL_UDEVD_OURS"
}

# dsmil_coldplug: what boot does, `udevadm trigger --type=all
# --action=add`, then wait for udev to handle every event
dsmil_coldplug() {
	udevadm trigger --type=all --action=add || fail "udevadm trigger failed"
	udevadm settle -t 300 || fail "udevadm settle timed out"
}

# ---------------------------------------------------------------------------
# kernel log: every test's teardown reads and clears the log (dmesg -c) and
# fails on a splat, so each test starts with an empty log ("run dmesg" in a
# test sees only that test's messages).  The first test of a file checks
# (and clears) what happened before it, e.g. in the previous file's
# teardown_file.

# dmesg_check: fail if the kernel log holds a splat; clears the log.
dmesg_check() {
	local log line bad=
	log=$(dmesg -c) || fail "dmesg -c failed"
	[[ $log =~ $DSMIL_SPLAT_RE ]] || return 0
	while IFS= read -r line; do
		[[ $line =~ $DSMIL_SPLAT_RE ]] && bad+=$line$'\n'
	done <<<"$log"
	fail "kernel log splat:
$bad
full log:
$log"
}

# Standard per-test setup/teardown.
dsmil_setup() {
	# a previous test may have died with the modules loaded
	if dsmil_loaded; then dsmil_force_unload; fi
	if [[ ${BATS_TEST_NUMBER:-1} == 1 ]]; then dmesg_check; fi
	if [[ -z ${DSMIL_SETUP_NOLOAD:-} ]]; then
		dsmil_load
	fi
}

# Background processes a test starts go into DSMIL_BG_PIDS; they are killed
# here if the test did not reap them.
dsmil_kill_bg() {
	local p
	for p in ${DSMIL_BG_PIDS:-}; do kill "$p" 2>/dev/null || true; done
	for p in ${DSMIL_BG_PIDS:-}; do wait "$p" 2>/dev/null || true; done
	DSMIL_BG_PIDS=
}

dsmil_teardown() {
	local rc=0
	dsmil_kill_bg
	dsmil_unload || rc=1
	dmesg_check || rc=1
	return $rc
}

# ---------------------------------------------------------------------------
# small builtins

# _read_errf VAR: the stderr captured in $DSMIL_ERRF -> VAR
_read_errf() {
	local -n _v=$1
	_v=
	IFS= read -r -d '' _v <"$DSMIL_ERRF" || true
}

is_quarantined() { [[ " ${DSMIL_QUARANTINED[*]} " == *" $1 "* ]]; }

# initial_value TOKEN -> REPLY: the simulated firmware's value after load
initial_value() { printf -v REPLY '0x%08x' $((0xd5000000 | 0x$1)); }

# dsmil_sleep SEC: sleep without forking a program
dsmil_sleep() {
	[[ -n ${DSMIL_SLEEP_FD:-} ]] || exec {DSMIL_SLEEP_FD}<> <(:)
	read -r -t "$1" -u "$DSMIL_SLEEP_FD" _ || true
}

# now_ms -> REPLY: wall clock in milliseconds
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	REPLY=$((t / 1000))
}

# resolve DIR -> REPLY: physical path (readlink -f for directories)
resolve() {
	local here=$PWD
	REPLY=
	cd -P -- "$1" 2>/dev/null || return 1
	REPLY=$PWD
	cd -- "$here" || return 1
}

# ---------------------------------------------------------------------------
# C helpers and timing (fuzz, stress and cycles suites)

# dsmil_build_tool NAME [GCC_ARGS...] -> REPLY: compile
# tests/kernel/tools/NAME.c with the host's gcc (visible in the guest)
# into the suite's tmpdir; REPLY is the binary.  For setup_file.
dsmil_build_tool() {
	local name=$1
	shift
	REPLY=$BATS_FILE_TMPDIR/$name
	gcc -O2 -Wall -Wextra "$@" -o "$REPLY" "$DSMIL_REPO/tests/kernel/tools/$name.c" ||
		fail "cannot compile $name"
}

# dsmil_timer_start; ...; dsmil_timer_report WHAT: print the wall time
# since the start as a TAP comment "# WHAT: S.mmm s".
dsmil_timer_start() {
	now_ms
	DSMIL_TIMER_T0=$REPLY
}

dsmil_timer_report() {
	local ms
	now_ms
	ms=$((REPLY - DSMIL_TIMER_T0))
	printf '# %s: %d.%03d s\n' "$1" $((ms / 1000)) $((ms % 1000)) >&3
}

# ---------------------------------------------------------------------------
# reading

# rd FILE -> REPLY: first line of FILE without the newline (one open/show).
rd() {
	REPLY=
	IFS= read -r REPLY <"$1" 2>"$DSMIL_ERRF" || [[ -n $REPLY ]] || {
		local e
		_read_errf e
		fail "cannot read $1: $e"
	}
}

# slurp FILE -> REPLY: the whole content, newlines included (one open/show).
slurp() {
	REPLY=
	IFS= read -r -d '' REPLY <"$1" 2>"$DSMIL_ERRF" || true
}

# assert_content FILE EXPECTED: FILE reads exactly EXPECTED + one newline.
assert_content() {
	slurp "$1"
	if [[ $REPLY != "$2"$'\n' ]]; then
		local e m
		_read_errf e
		printf -v m '%s: expected %q, got %q %s' "$1" "$2"$'\n' "$REPLY" "$e"
		fail "$m"
	fi
}

assert_state() { assert_content "$DEV$1/state" "$2"; }
assert_group_state() { assert_content "$GRP$1/state" "$2"; }

# get_state TOKEN -> REPLY
get_state() { rd "$DEV$1/state"; }
# get_stat TOKEN NAME -> REPLY: statistics/NAME
get_stat() { rd "$DEV$1/statistics/$2"; }

# assert_stats TOKEN READS WRITES ERRORS ACTIVATIONS
assert_stats() {
	local d=$DEV$1/statistics got n
	for n in reads writes errors activations; do
		rd "$d/$n"
		got+=${got:+ }$REPLY
	done
	[[ $got == "$2 $3 $4 $5" ]] ||
		fail "statistics of $1 (reads writes errors activations): expected '$2 $3 $4 $5', got '$got'"
}

# group_states G -> REPLY: the 12 member states, space separated
group_states() {
	local t out=
	for t in "${DSMIL_TOKENS[@]:$1*12:12}"; do
		rd "$DEV$t/state"
		out+=${out:+ }$REPLY
	done
	REPLY=$out
}

assert_group_members() {
	group_states "$1"
	[[ $REPLY == "$2" ]] || fail "member states of g$1: expected '$2', got '$REPLY'"
}

# ---------------------------------------------------------------------------
# writing: every input is written with ONE write(2), like `echo x > file`.
# bash's printf builtin does that for inputs <= 4096 bytes with no newline
# before the end (bash line-buffers stdout: it would split at each
# newline); inputs with an inner newline go through a file and dd.

# _write_fmt FILE FORMAT: write the bytes of printf FORMAT ('\000' is a NUL)
# to FILE; status of the write, error message in $DSMIL_ERRF.
_write_fmt() {
	local body=${2%\\n}
	[[ $body != "$2" ]] || body=${2%$'\n'}
	if [[ $body == *'\n'* || $body == *'\012'* || $body == *$'\n'* ]]; then
		# shellcheck disable=SC2059  # FORMAT is a printf format on purpose
		printf -- "$2" >"$DSMIL_ERRF.in"
		dd if="$DSMIL_ERRF.in" of="$1" bs=65536 count=1 conv=notrunc status=none 2>"$DSMIL_ERRF"
	else
		# shellcheck disable=SC2059
		printf -- "$2" 2>"$DSMIL_ERRF" >"$1"
	fi
}

# _printf_escape STRING -> REPLY: STRING as a printf format printing it
_printf_escape() {
	REPLY=${1//\\/\\\\}
	REPLY=${REPLY//%/%%}
}

# wr FILE STRING: write STRING as is (one write); must succeed.
wr() {
	_printf_escape "$2"
	if ! _write_fmt "$1" "$REPLY"; then
		local e m
		_read_errf e
		printf -v m 'write %q to %s failed: %s' "$2" "$1" "$e"
		fail "$m"
	fi
}

# wrn FILE STRING: like wr with a trailing newline (what echo writes).
wrn() { wr "$1" "$2"$'\n'; }

# expect_errno ERRTEXT FILE FORMAT: writing the bytes of printf FORMAT
# ('\000' is a NUL) to FILE must fail with exactly ERRTEXT.
expect_errno() {
	local m e
	if _write_fmt "$2" "$3"; then
		printf -v m 'write %q to %s succeeded, expected "%s"' "${3:0:64}" "$2" "$1"
		fail "$m"
	fi
	_read_errf e
	if [[ $e != *": $1"* ]]; then
		printf -v m 'write %q to %s: expected "%s", got: %s' "${3:0:64}" "$2" "$1" "$e"
		fail "$m"
	fi
}

# expect_ok FILE FORMAT: the single write must succeed.
expect_ok() {
	local m e
	if ! _write_fmt "$1" "$2"; then
		_read_errf e
		printf -v m 'write %q to %s failed: %s' "$2" "$1" "$e"
		fail "$m"
	fi
}

# expect_read_errno ERRTEXT FILE: reading FILE must fail with ERRTEXT.
expect_read_errno() {
	local got='' e
	IFS= read -r -d '' got <"$2" 2>"$DSMIL_ERRF" || true
	_read_errf e
	[[ -z $got && $e == *": $1"* ]] ||
		fail "read of $2: expected \"$1\", got content '$got', error '$e'"
}

# ---------------------------------------------------------------------------
# device manipulation

activate() { wrn "$DEV$1/state" active; assert_state "$1" active; }
deactivate() { wrn "$DEV$1/state" ready; assert_state "$1" ready; }
sim_fault() { wrn "$DSMIL_SIM/fault" "$1"; }
sim_latency() { wrn "$DSMIL_SIM/latency_us" "$1"; }

# make_error TOKEN: bring an eligible device into "error" through an
# injected EIO on a value write.
make_error() {
	get_state "$1"
	[[ $REPLY == active ]] || activate "$1"
	sim_fault "eio 1"
	expect_errno "$E_IO" "$DEV$1/value" '1'
	assert_state "$1" error
	assert_content "$DSMIL_SIM/fault" none
}

# ---------------------------------------------------------------------------
# simulated firmware: token_writes

# tw TOKEN -> REPLY: count of TOKEN in token_writes
tw() {
	local re="(^|"$'\n'")0x$1 ([0-9]+)"$'\n'
	slurp "$DSMIL_SIM/token_writes"
	[[ $REPLY =~ $re ]] || fail "token $1 not in token_writes"
	REPLY=${BASH_REMATCH[2]}
}

# assert_token_writes [TOKEN=COUNT ...]: the whole token_writes file equals
# the expectation; tokens not named must be 0.
assert_token_writes() {
	local exp=$DSMIL_TW_ZERO kv t i
	# Last one wins: a later TOKEN=N overrides an earlier one for TOKEN.
	for ((i = $#; i >= 1; i--)); do
		kv=${!i}
		t=${kv%%=*}
		exp=${exp/"0x$t 0"$'\n'/"0x$t ${kv#*=}"$'\n'}
	done
	slurp "$DSMIL_SIM/token_writes"
	if [[ $REPLY != "$exp" ]]; then
		fail "token_writes differs (-expected +got):
$(diff -u <(printf '%s' "$exp") <(printf '%s' "$REPLY") | tail -n +3)"
	fi
}

# tw_group G COUNT -> REPLY: "TOKEN=COUNT ..." for the eligible members of G
tw_group() {
	local t out=
	for t in "${DSMIL_TOKENS[@]:$1*12:12}"; do
		is_quarantined "$t" || out+=" $t=$2"
	done
	REPLY=${out# }
}

# ---------------------------------------------------------------------------
# printing variants, for $(...) use outside hot loops (each costs a fork)

dev() { printf '%s' "$DEV$1"; }                 # dev TOKEN -> device path
grp() { printf '%s' "$GRP$1"; }                 # grp G -> group path
tok() { printf '%04x' $((0x8000 + $1)); }       # tok N -> token of device N
all_tokens() { printf '%s\n' "${DSMIL_TOKENS[@]}"; }
group_tokens() { printf '%s\n' "${DSMIL_TOKENS[@]:$1*12:12}"; }
state() { get_state "$1"; printf '%s' "$REPLY"; }
stat_of() { get_stat "$1" "$2"; printf '%s' "$REPLY"; }

# write_raw FILE FORMAT: single write of printf FORMAT (for `run`)
write_raw() {
	local e
	_write_fmt "$1" "$2" && return 0
	_read_errf e
	printf '%s' "$e" >&2
	return 1
}

# junk_4k -> path of a file with 4 KiB of 'x'
junk_4k() {
	local f=${BATS_TEST_TMPDIR:-/tmp}/junk4k
	junk_x
	printf '%s' "$REPLY" >"$f"
	printf '%s' "$f"
}

# expect_errno_file ERRTEXT FILE INPUTFILE: one write of INPUTFILE's bytes
# to FILE must fail with ERRTEXT.
expect_errno_file() {
	local e
	if dd if="$3" of="$2" bs=65536 count=1 conv=notrunc status=none 2>"$DSMIL_ERRF"; then
		fail "write of $3 to $2 succeeded, expected \"$1\""
	fi
	_read_errf e
	[[ $e == *": $1"* ]] || fail "write of $3 to $2: expected \"$1\", got: $e"
}

# ---------------------------------------------------------------------------
# the emulated Dell firmware (tests/firmware): its own view of what reached
# it, through /dev/wmi/dell-smbios, not through dsmil

H=$DSMIL_REPO/build/firmware/dell-wmi-call

# fw_setup: setup() of a suite on the emulated firmware: the firmware is
# there, reset to its boot values and counters; no module loaded.
fw_setup() {
	[ -x "$H" ] || fail "no $H (tests/firmware/qemu-args.sh builds it)"
	[ -e /dev/wmi/dell-smbios ] || fail "guest has no emulated Dell firmware"
	"$H" -q reset
	DSMIL_SETUP_NOLOAD=1 dsmil_setup
}

# Tokens of the emulated firmware's table (tests/firmware/gen-smbios.sh)
# at a location other than 0x0A00 + n: 0x8008 shares quarantined 0x8009's,
# 0x8041 shares 0x8040's (value 2; 0x8040's is 1).
declare -gA FW_LOC=([8008]=0x0a09 [8041]=0x0a40)
# quarantined by the location they share with a listed token
FW_SHARED_QUARANTINED=(8008)

# loc TOKEN(hex, no 0x) -> REPLY: the firmware location of the token
loc() {
	REPLY=${FW_LOC[$1]:-}
	[ -n "$REPLY" ] || printf -v REPLY '0x%04x' $((0x0a00 + 0x$1 - 0x8000))
}

# fw_writes TOKEN -> REPLY: the firmware's write counter of the token
fw_writes() {
	loc "$1"
	REPLY=$("$H" count "$REPLY")
}

# wait_state TOKEN STATE: poll up to 10 s for a device state
wait_state() {
	local i
	for ((i = 0; i < 1000; i++)); do
		rd "$DEV$1/state"
		[[ $REPLY == "$2" ]] && return 0
		dsmil_sleep 0.01
	done
	fail "$1 is $REPLY after 10 s, expected $2"
}

# ---------------------------------------------------------------------------
# a group write running in the background (stop and concurrency tests)

# bg_group_write G REQUEST: write REQUEST to group G's state in the
# background (one write); its pid is in BG_PID and DSMIL_BG_PIDS, its
# error message goes to $BATS_TEST_TMPDIR/group.out.
bg_group_write() {
	bash -c 'printf "%s\n" "$1" > "$2"' _ "$2" "$GRP$1/state" \
		>"$BATS_TEST_TMPDIR/group.out" 2>&1 &
	BG_PID=$!
	DSMIL_BG_PIDS=$BG_PID
}

# wait_state_while_bg TOKEN STATE: wait (up to ~30 s: the writer may take a
# while to start in a loaded guest) until TOKEN reads STATE while the
# background write runs; fails the test if it never does.
wait_state_while_bg() {
	local i
	for ((i = 0; i < 3000; i++)); do
		rd "$DEV$1/state"
		[[ $REPLY == "$2" ]] && return 0
		kill -0 "$BG_PID" 2>/dev/null || break
		dsmil_sleep 0.01
	done
	local now=$REPLY
	slurp "$BATS_TEST_TMPDIR/group.out"
	fail "$1 never reached '$2' while the group write ran ($1: $now; writer: $REPLY)"
}

# bg_group_failed ERRTEXT: wait for the background write; it must have
# failed with ERRTEXT.
bg_group_failed() {
	local rc=0
	wait "$BG_PID" || rc=$?
	DSMIL_BG_PIDS=
	slurp "$BATS_TEST_TMPDIR/group.out"
	((rc != 0)) || fail "the group write succeeded, expected \"$1\""
	[[ $REPLY == *"$1"* ]] || fail "group write: expected \"$1\", got: $REPLY"
}
