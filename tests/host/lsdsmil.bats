#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# lsdsmil on the fake tree.  libsysfs 2.1 only accepts a mounted sysfs
# (sysfs_get_mnt_path() looks for a "sysfs" entry at SYSFS_PATH in
# /proc/mounts), so SYSFS_PATH can not point at a plain directory.  The
# tests therefore run lsdsmil in a private mount namespace (unshare -m)
# with the fake tree bind-mounted over /sys: /proc/mounts still lists the
# sysfs at /sys, and every access lands in the fake tree.  The host's /sys
# is not touched (the namespace's mounts are private).  Needs root; skipped
# (visibly) otherwise.

load helpers

setup_file() {
	host_setup_file
	# make, not just "is it there": a binary older than lsdsmil.c is rebuilt
	make -s -C "$REPO" -f userspace/userspace.mk userspace >&2 || true
}
teardown_file() { host_teardown_file; }

setup() {
	fresh
	[[ -x $LSDSMIL ]] || skip "lsdsmil not built (make userspace; needs libsysfs-dev)"
	[[ $(id -u) == 0 ]] || skip "needs root for a private mount namespace (unshare -m)"
	unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"
}

# ls_fake [VALGRIND...] -- ARGS: lsdsmil ARGS with the fake tree as /sys
ls_fake() {
	local pre=()
	while [[ $1 != -- ]]; do
		pre+=("$1")
		shift
	done
	shift
	run --separate-stderr env -u DSMIL_SYSFS -u SYSFS_PATH unshare -m sh -c 'mount --bind "$0" /sys && exec "$@"' \
		"$S" "${pre[@]}" "$LSDSMIL" "$@"
}

@test "lsdsmil: one line per device, in token order" {
	ls_fake -- 
	assert_success
	assert_equal "${#lines[@]}" 84
	assert_line --index 0 'dsmil0:8000  0x8000  g0/0   ready'
	assert_line --index 10 'dsmil0:800a  0x800a  g0/10  quarantined'
	assert_line --index 83 'dsmil0:8053  0x8053  g6/11  ready'
	assert_equal "$stderr" ""
}

@test "lsdsmil shows the states sysfs reports" {
	dev 8000 state active
	dev 8001 state emergency
	ls_fake --
	assert_line --index 0 'dsmil0:8000  0x8000  g0/0   active'
	assert_line --index 1 'dsmil0:8001  0x8001  g0/1   emergency'
}

@test "lsdsmil -t: platform > group > device" {
	grp 2 temperature 91500
	put devices/platform/dsmil.0/emergency_stop 1
	ls_fake -- -t
	assert_success
	assert_equal "${#lines[@]}" $((1 + 7 + 84))
	assert_line --index 0 'dsmil.0  sim, 7 groups, 84 devices, 0 active, threshold 100.0C, emergency stop ON'
	assert_line --index 1 '+-- dsmil0:g0    ready, 0/12 active, 45.0C (limit 90.0C)'
	assert_line --index 2 '|   +-- dsmil0:8000  0x8000  g0/0   ready'
	assert_line --index 13 '|   `-- dsmil0:800b  0x800b  g0/11  quarantined'
	assert_line --index 27 '+-- dsmil0:g2    ready, 0/12 active, 91.5C (limit 90.0C)'
	assert_line --index 79 '`-- dsmil0:g6    ready, 0/12 active, 51.0C (limit 90.0C)'
	assert_line --index 91 '    `-- dsmil0:8053  0x8053  g6/11  ready'
}

@test "lsdsmil -v: every attribute, statistics, binary by size" {
	dev 8000/statistics reads 9
	ls_fake -- -v -s 8000
	assert_success
	assert_output 'dsmil0:8000  0x8000  g0/0   ready
    group: 0
    index: 0
    quarantined: 0
    registers: <binary, 4096 bytes>
    state: ready
    thermal_limit: 90000
    token: 0x8000
    value: 0xd5008000
    statistics/activations: 0
    statistics/errors: 0
    statistics/reads: 9
    statistics/writes: 0'
}

@test "lsdsmil -t -v: attributes of the platform device and groups too" {
	ls_fake -- -t -v -s 0x8053
	assert_success
	assert_line --index 0 --partial 'dsmil.0  sim'
	assert_line '    backend: sim'
	assert_line '    statistics/thermal_trips: 0'
	assert_line '`-- dsmil0:g6    ready, 0/12 active, 51.0C (limit 90.0C)'
	assert_line '        temperature: 51000'
	assert_line '    `-- dsmil0:8053  0x8053  g6/11  ready'
	assert_line '            value: 0xd5008053'
}

@test "lsdsmil -v leaves out what can not be read" {
	rm "$C/dsmil0:8001/registers"
	chmod 0000 "$C/dsmil0:8000/value"
	ls_fake -- -v -s 8001
	assert_success
	refute_line --partial registers
	assert_line '    value: 0xd5008001'
	# a file without read permission for its owner is not read (libsysfs)
	ls_fake -- -v -s 8000
	assert_success
	refute_line --partial value
	# value is 0600 root: another user can not read it and it is left out
	run --separate-stderr env -u DSMIL_SYSFS unshare -m sh -c 'mount --bind "$0" /sys && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$1" -v -s 8001' "$S" "$LSDSMIL"
	assert_success
	refute_line --partial value
	assert_line '    state: ready'
}

@test "lsdsmil -i N and -s TOKEN select; several instances" {
	fake_instance "$S" 1 2 4 0x9000
	ls_fake --
	assert_equal "${#lines[@]}" 92
	assert_line --index 84 'dsmil1:9000  0x9000  g0/0   ready'
	ls_fake -- -i 1
	assert_equal "${#lines[@]}" 8
	ls_fake -- -i 1 -t
	assert_line --index 0 --partial 'dsmil.1  sim, 2 groups, 8 devices'
	assert_equal "${#lines[@]}" 11
	ls_fake -- -s dsmil1:9007
	assert_output 'dsmil1:9007  0x9007  g1/3   ready'
	ls_fake -- -s 0X800A
	assert_output 'dsmil0:800a  0x800a  g0/10  quarantined'
	ls_fake -- -t -s 8000
	assert_equal "${#lines[@]}" 3
}

@test "lsdsmil errors: exit 3 for nothing found, 2 for usage" {
	ls_fake -- -s 9999
	assert_failure 3
	assert_equal "$stderr" "lsdsmil: no device with token 0x9999"
	ls_fake -- -i 7
	assert_failure 3
	assert_equal "$stderr" "lsdsmil: no DSMIL instance dsmil.7"
	ls_fake -- -s zz
	assert_failure 2
	ls_fake -- -i -1
	assert_failure 2
	ls_fake -- --frob
	assert_failure 2
	ls_fake -- extra
	assert_failure 2
	# the driver loaded on a machine without DSMIL firmware: an empty class
	rm -rf "$S"/class/dsmil/*
	ls_fake --
	assert_failure 3
	assert_equal "$stderr" "lsdsmil: no DSMIL devices: no DSMIL firmware found (the simulated platform: modprobe dsmil-sim)"
	assert_equal "$output" ""
	rm -rf "$S/class/dsmil"
	ls_fake --
	assert_failure 3
	assert_equal "$stderr" "lsdsmil: no DSMIL devices: /sys/class/dsmil does not exist (is the dsmil-84dev module loaded? without DSMIL hardware: modprobe dsmil-sim)"
	assert_equal "$output" ""
}

@test "lsdsmil -h, -V" {
	run "$LSDSMIL" -h
	assert_success
	assert_line --index 0 'Usage: lsdsmil [-t] [-v] [-i N] [-s TOKEN]'
	run "$LSDSMIL" --version
	assert_output --regexp '^lsdsmil [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "lsdsmil: SYSFS_PATH must be a mounted sysfs (libsysfs)" {
	run --separate-stderr env SYSFS_PATH="$S" "$LSDSMIL"
	assert_failure 1
	assert_equal "$stderr" "lsdsmil: no sysfs mounted at $S"
	run --separate-stderr env -u SYSFS_PATH DSMIL_SYSFS="$S" "$LSDSMIL"
	assert_failure 1
	assert_equal "$stderr" "lsdsmil: no sysfs mounted at $S"
}

@test "lsdsmil is valgrind-clean (no error, no leak)" {
	command -v valgrind >/dev/null || skip "valgrind not installed"
	local args
	fake_instance "$S" 1 2 4 0x9000
	for args in ":0" "-t:0" "-t -v:0" "-v -s 8000:0" "-i 1 -t -v:0" "-s 9999:3" "-i 5:3" "-h:0"; do
		# shellcheck disable=SC2086
		ls_fake valgrind -q --leak-check=full --show-leak-kinds=all \
			--errors-for-leak-kinds=all --error-exitcode=99 -- ${args%:*}
		[[ $status == "${args##*:}" ]] || fail "valgrind lsdsmil ${args%:*}: exit $status: $stderr"
		[[ -z $stderr || $stderr == lsdsmil:* ]] || fail "valgrind lsdsmil ${args%:*}: $stderr"
		[[ ${args##*:} != 0 ]] || [[ -n $output ]] || fail "valgrind lsdsmil ${args%:*}: no output"
	done
}

@test "lsdsmil builds warning-free with -Wall -Wextra" {
	run cc -Wall -Wextra -Werror -O2 -o "$W/lsdsmil" "$REPO/userspace/lsdsmil.c" -lsysfs
	assert_success
	assert_output ""
}
