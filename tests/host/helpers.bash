# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # variables shared with the suites / set by bats
#
# Shared helpers of the host-side suites (tests/host/*.bats): no VM, no
# kernel module, no root needed except where a test says so.  The tools run
# against the fake tree of fixture.bash.
#
#   setup_file()  { host_setup_file; }
#   teardown_file() { host_teardown_file; }
#   setup()       { fresh; }          # a pristine tree for every test
#
# Every dsmilctl test runs under each shell of $SHELLS (default "dash bash";
# DSMIL_TEST_SHELLS overrides): `for sh in $SHELLS; do fresh; dsm ...; done`.

bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
DSMILCTL=$REPO/userspace/dsmilctl
LSDSMIL=$REPO/userspace/lsdsmil
SHELLS=${DSMIL_TEST_SHELLS:-dash bash}

load fixture

_load_libs() {
	local d
	for d in ${BATS_LIB_PATH:-/usr/lib/bats} /usr/lib/bats /usr/local/lib/bats; do
		if [[ -f $d/bats-assert/load.bash ]]; then
			BATS_LIB_PATH=$d
			bats_load_library bats-support
			bats_load_library bats-assert
			return
		fi
	done
	echo "bats-support and bats-assert are needed (apt-get install bats-assert)" >&2
	return 1
}
_load_libs

# test_kernels -> REPLY: the kernels every suite tests, space-separated
# (tests/vm/kernels.sh: those in the kernel cache of `make deps`)
test_kernels() {
	REPLY=$(bash "$REPO/tests/vm/kernels.sh" | tr '\n' ' ')
}

# kernel_tree REL -> REPLY: the build tree of kernel REL, as the guest
# suites build against it (tests/vm/lib.sh, kernel_kdir)
kernel_tree() {
	# shellcheck disable=SC2016 # expanded by that bash
	REPLY=$(bash -c 'VM_DIR=$1 && . "$1/lib.sh" && kernel_kdir "$2"' _ "$REPO/tests/vm" "$1")
}

# host_setup_file: the template tree, the fake programs, the environment.
# HT is a world-readable scratch dir under /tmp (so that "nobody" can reach
# the tree in the EACCES tests) with short paths (libsysfs paths are
# limited to 255 bytes).
host_setup_file() {
	HT=$(mktemp -d /tmp/dsmilh.XXXXXX)
	chmod 0755 "$HT"
	mkdir -p "$HT/template/sys"
	fake_tree "$HT/template/sys"
	fake_bin "$HT/bin" "$HT/w/sys"
	export HT
	export DSMIL_SYSFS=$HT/w/sys
	export PATH=$HT/bin:$PATH
	unset DSMIL_CONFIGFS DSMIL_DEBUGFS SYSFS_PATH
}

host_teardown_file() {
	[[ -n ${HT:-} && -d $HT ]] && rm -rf "$HT"
}

# fresh: W = a pristine copy of the template (W/sys is DSMIL_SYSFS).
fresh() {
	W=$HT/w
	rm -rf "$W"
	cp -a "$HT/template" "$W"
	S=$W/sys
	C=$S/class/dsmil
	P=$S/devices/platform/dsmil.0
	chmod 0755 "$W"
}

# dsm SHELL ARGS...: run dsmilctl under SHELL; $output is stdout only,
# $stderr the error output.
dsm() {
	local sh=$1
	shift
	run --separate-stderr "$sh" "$DSMILCTL" "$@"
}

# dsm_nobody SHELL ARGS...: the same as the unprivileged user nobody.
dsm_nobody() {
	local sh=$1
	shift
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$sh" "$DSMILCTL" "$@"
}

need_root() {
	[[ $(id -u) == 0 ]] || skip "needs root (setpriv to user nobody)"
}

# put REL VALUE: the file REL of the fake tree holds VALUE
put() {
	printf '%s\n' "$2" >"$S/$1"
}

# dev T ATTR VALUE / grp G ATTR VALUE
dev() { printf '%s\n' "$3" >"$C/dsmil0:$1/$2"; }
grp() { printf '%s\n' "$3" >"$C/dsmil0:g$1/$2"; }

# content FILE -> the bytes of FILE, with a visible end: assert_equal
# "$(content F)" "active\n|"
content() {
	local c=
	IFS= read -r -d '' c <"$1" || true
	c+='|'
	printf '%s' "${c//$'\n'/\\n}"
}

# inject REL ERRNO: writes/reads of REL through dd fail with ERRNO
inject() {
	fake_errno "$S" "$1" "$2"
}

# dd_calls -> number of dd runs since fresh
dd_calls() {
	local l=()
	[[ -f $W/dd.log ]] && mapfile -t l <"$W/dd.log"
	echo "${#l[@]}"
}

# gone PID: the process PID has ended (no zombie either), within 5 s
gone() {
	local i st
	for i in $(seq 50); do
		st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
		[[ $st == Z* ]] && return 0
		sleep 0.1
	done
	fail "process $1 still running: $(ps -o pid,stat,cmd -p "$1")"
}

# fails CODE MESSAGE_SUBSTRING: the last dsm run failed with exit CODE,
# printed nothing on stdout and one line (plus a "Try" hint for usage
# errors) starting with "dsmilctl: " and containing MESSAGE_SUBSTRING.
fails() {
	assert_equal "$status" "$1"
	assert_equal "$output" ""
	local first=${stderr%%$'\n'*} rest=${stderr#*$'\n'}
	[[ $first == "dsmilctl: "* ]] || fail "stderr does not start with 'dsmilctl: ': $stderr"
	[[ $first == *"$2"* ]] || fail "stderr lacks '$2': $stderr"
	if [[ $stderr == *$'\n'* ]]; then
		[[ $1 == 2 && $rest == "Try 'dsmilctl"*"--help'." ]] ||
			fail "more than one line on stderr: $stderr"
	fi
}

# events_file: the fake udevadm (fixture.bash) replays these events in
# udevadm's --property format: 0x8000 active at 1000.25, its thermal trip at
# 1001.5 (95.5 C), an unrelated platform device, a group change, dsmil.1's
# emergency stop at 1002, dsmil.2 added at 1003.
events_file() {
	cat >"$W/events" <<'EOF'
UDEV  [1000.250000] change   /devices/platform/dsmil.0/dsmil/dsmil0:g0/dsmil0:8000 (dsmil)
ACTION=change
DEVPATH=/devices/platform/dsmil.0/dsmil/dsmil0:g0/dsmil0:8000
SUBSYSTEM=dsmil
DSMIL_STATE=active
DEVTYPE=dsmil_device
SEQNUM=100

UDEV  [1001.500000] change   /devices/platform/dsmil.0/dsmil/dsmil0:g0/dsmil0:8000 (dsmil)
ACTION=change
DEVPATH=/devices/platform/dsmil.0/dsmil/dsmil0:g0/dsmil0:8000
SUBSYSTEM=dsmil
DSMIL_STATE=emergency
DSMIL_EVENT=thermal_trip
DSMIL_TEMP=95500
DEVTYPE=dsmil_device
SEQNUM=101

UDEV  [1001.600000] change   /devices/platform/serial8250 (platform)
ACTION=change
DEVPATH=/devices/platform/serial8250
SUBSYSTEM=platform
SEQNUM=102

UDEV  [1001.700000] change   /devices/platform/dsmil.0/dsmil/dsmil0:g0 (dsmil)
ACTION=change
DEVPATH=/devices/platform/dsmil.0/dsmil/dsmil0:g0
SUBSYSTEM=dsmil
DEVTYPE=dsmil_group
SEQNUM=103

UDEV  [1002.000000] change   /devices/platform/dsmil.1 (platform)
ACTION=change
DEVPATH=/devices/platform/dsmil.1
SUBSYSTEM=platform
DSMIL_EVENT=emergency_stop
DRIVER=dsmil
SEQNUM=104

UDEV  [1003.000000] add      /devices/platform/dsmil.2 (platform)
ACTION=add
DEVPATH=/devices/platform/dsmil.2
SUBSYSTEM=platform
SEQNUM=105

UDEV  [1003.100000] add      /devices/platform/dsmil.2/dsmil/dsmil2:g0 (dsmil)
ACTION=add
DEVPATH=/devices/platform/dsmil.2/dsmil/dsmil2:g0
SUBSYSTEM=dsmil
DEVTYPE=dsmil_group
SEQNUM=106

EOF
	export FAKE_UDEV_EVENTS=$W/events FAKE_UDEV_ARGS=$W/udev.args FAKE_UDEV_PIDFILE=$W/udev.pid
}
