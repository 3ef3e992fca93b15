#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dsmilctl's error mapping: every errno the driver returns, in every place
# it can come from, turned into one line on stderr, nothing on stdout and
# the documented exit code (dsmilctl --help, dsmilctl(8)):
#   1 other, 2 usage, 3 not found, 4 permission, 5 busy, 6 firmware, 7 value
#
# How each errno is produced (see fixture.bash): EACCES and ENOENT are
# real (a 0444/0600 file and the user nobody; a missing file), EISDIR is
# real (a directory where the attribute is expected); the driver's EPERM,
# EBUSY, EINVAL, ERANGE, ENODEV, ETIMEDOUT, EIO, EROFS and ECANCELED are
# injected through the fake dd, which prints exactly what the real dd
# prints for them.  The state files hold what the kernel would show after
# the failure.

load helpers

setup_file() { host_setup_file; }
teardown_file() { host_teardown_file; }
setup() { fresh; }

@test "EPERM on a quarantined device: exit 4, 'is quarantined'" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8009/state EPERM
		dsm "$sh" activate 8009
		fails 4 "0x8009 is quarantined: writes are refused"
		assert_equal "$stderr" "dsmilctl: 0x8009 is quarantined: writes are refused"
		inject class/dsmil/dsmil0:8019/value EPERM
		dsm "$sh" set 0x8019 1
		fails 4 "0x8019 is quarantined: writes are refused"
		inject class/dsmil/dsmil0:8029/thermal_limit EPERM
		dsm "$sh" thermal set 8029 50000
		fails 4 "0x8029 is quarantined"
	done
}

@test "EPERM on another device (lockdown): exit 4" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/value EPERM
		dsm "$sh" set 8000 1
		fails 4 "0x8000: the kernel refused to write value (operation not permitted; kernel lockdown?)"
		inject class/dsmil/dsmil0:8000/value EPERM
		dsm "$sh" get 8000
		fails 4 "0x8000: reading value is not permitted"
		inject class/dsmil/dsmil0:g0/state EPERM
		dsm "$sh" activate g0
		fails 4 "g0: the kernel refused to write state"
		inject devices/platform/dsmil.0/emergency_stop EPERM
		dsm "$sh" stop
		fails 4 "dsmil.0: the kernel refused to write emergency_stop"
	done
}

@test "EROFS (the Dell firmware without allow_writes=1): exit 4, names allow_writes" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/state EROFS
		dsm "$sh" activate 8000
		fails 4 "0x8000: the firmware is read-only: load dsmil-84dev with allow_writes=1"
		assert_equal "$(content "$C/dsmil0:8000/state")" 'ready\n|'
		inject class/dsmil/dsmil0:8001/value EROFS
		dsm "$sh" set 8001 0x1234
		fails 4 "0x8001: the firmware is read-only"
		inject class/dsmil/dsmil0:g1/state EROFS
		dsm "$sh" activate g1
		fails 4 "g1: the firmware is read-only: load dsmil-84dev with allow_writes=1"
		inject devices/platform/dsmil.0/emergency_stop EROFS
		dsm "$sh" stop
		fails 4 "dsmil.0: the firmware is read-only"
	done
}

@test "ECANCELED (an emergency stop cancelled the request): exit 5" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:g0/state ECANCELED
		dsm "$sh" activate g0
		fails 5 "g0: cancelled by an emergency stop"
		inject class/dsmil/dsmil0:8000/value ECANCELED
		dsm "$sh" set 8000 1
		fails 5 "0x8000: cancelled by an emergency stop"
		inject class/dsmil/dsmil0:8001/value ECANCELED
		dsm "$sh" get 8001
		fails 5 "0x8001: the read was cancelled by an emergency stop"
	done
}

@test "EAGAIN (the states are still being read at load): exit 5, 'try again'" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/state EAGAIN
		dsm "$sh" activate 8000
		fails 5 "0x8000: dsmil.0 is still reading the device states from the firmware"
		inject class/dsmil/dsmil0:g1/state EAGAIN
		dsm "$sh" activate g1
		fails 5 "g1: dsmil.0 is still reading the device states from the firmware"
	done
}

@test "EACCES (real: user nobody): exit 4, 'permission denied'" {
	need_root
	for sh in $SHELLS; do
		fresh
		chmod 0644 "$C/dsmil0:8000/state"
		dsm_nobody "$sh" activate 8000
		fails 4 "0x8000: permission denied writing state (root or group dsmil needed)"
		dsm_nobody "$sh" get 8000
		fails 4 "0x8000: permission denied reading value (root or group dsmil needed)"
		dsm_nobody "$sh" activate g1
		fails 4 "g1: permission denied writing state"
		dsm_nobody "$sh" thermal set g1 80000
		fails 4 "g1: permission denied writing thermal_limit"
		dsm_nobody "$sh" stop
		fails 4 "dsmil.0: permission denied writing emergency_stop (root needed)"
		# reading commands work unprivileged
		dsm_nobody "$sh" list
		assert_success
		dsm_nobody "$sh" status --json
		assert_success
		assert_equal "$(content "$C/dsmil0:8000/state")" 'ready\n|'
	done
}

@test "EBUSY on a device: emergency, error, not active, nothing to reset (exit 5)" {
	for sh in $SHELLS; do
		fresh
		dev 8000 state emergency
		inject class/dsmil/dsmil0:8000/state EBUSY
		dsm "$sh" activate 8000
		fails 5 "0x8000 is in emergency stop: requests are refused until it clears"
		dev 8001 state error
		inject class/dsmil/dsmil0:8001/state EBUSY
		dsm "$sh" activate 8001
		fails 5 "0x8001 is in state error: reset it first ('dsmilctl reset 0x8001')"
		inject class/dsmil/dsmil0:8002/state EBUSY
		dsm "$sh" reset 8002
		fails 5 "0x8002 is not in state error (state ready): nothing to reset"
		inject class/dsmil/dsmil0:8003/value EBUSY
		dsm "$sh" set 8003 7
		fails 5 "0x8003 is not active (state ready): activate it before setting its value"
		dev 8004 state emergency
		inject class/dsmil/dsmil0:8004/value EBUSY
		dsm "$sh" set 8004 7
		fails 5 "0x8004 is in emergency stop"
	done
}

@test "EBUSY on a group names the member in error or emergency (exit 5)" {
	for sh in $SHELLS; do
		fresh
		dev 8003 state error
		inject class/dsmil/dsmil0:g0/state EBUSY
		dsm "$sh" activate g0
		fails 5 "g0: member 0x8003 is in state error: nothing changed (reset it first)"
		dev 8010 state emergency
		inject class/dsmil/dsmil0:g1/state EBUSY
		dsm "$sh" deactivate g1
		fails 5 "g1: member 0x8010 is in emergency stop: nothing changed"
		inject class/dsmil/dsmil0:g2/state EBUSY
		dsm "$sh" activate g2
		fails 5 "g2 is busy: nothing changed"
	done
}

@test "EINVAL and ERANGE: exit 7 with the accepted range" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/value EINVAL
		dsm "$sh" set 8000 banana
		fails 7 "invalid value 'banana' for 0x8000: expected an unsigned 32-bit number, decimal or 0x hexadecimal"
		inject class/dsmil/dsmil0:8001/value ERANGE
		dsm "$sh" set 8001 0x1ffffffff
		fails 7 "value '0x1ffffffff' is out of range for 0x8001: token values are 32 bits (0..0xffffffff)"
		inject class/dsmil/dsmil0:8002/thermal_limit ERANGE
		dsm "$sh" thermal set 8002 120000
		fails 7 "limit 120000 is out of range for 0x8002: 20000..100000"
		inject class/dsmil/dsmil0:g3/thermal_limit ERANGE
		dsm "$sh" thermal set g3 120C
		fails 7 "limit 120000 is out of range for group g3: 20000..100000"
		inject devices/platform/dsmil.0/thermal_threshold ERANGE
		dsm "$sh" thermal set threshold 10000
		fails 7 "threshold 10000 is out of range: 20000..150000"
		inject devices/platform/dsmil.0/thermal_hysteresis ERANGE
		dsm "$sh" thermal set hysteresis 60000
		fails 7 "hysteresis 60000 is out of range: 0..50000"
		inject class/dsmil/dsmil0:8003/state EINVAL
		dsm "$sh" activate 8003
		fails 7 "0x8003: the kernel refused 'active' for state (invalid argument)"
	done
}

@test "ENODEV (absent device): exit 3" {
	for sh in $SHELLS; do
		fresh
		dev 8005 state absent
		inject class/dsmil/dsmil0:8005/state ENODEV
		dsm "$sh" activate 8005
		fails 3 "0x8005 is absent: the firmware does not provide this token"
		inject class/dsmil/dsmil0:8005/value ENODEV
		dsm "$sh" get 8005
		fails 3 "0x8005 is absent"
	done
}

@test "ETIMEDOUT and EIO: exit 6, with the state they left" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/state ETIMEDOUT
		dsm "$sh" activate 8000
		fails 6 "0x8000: the firmware call timed out (state now ready)"
		dev 8001 state error
		inject class/dsmil/dsmil0:8001/value EIO
		dsm "$sh" set 8001 5
		fails 6 "0x8001: the firmware call failed: I/O error (state now error)"
		inject class/dsmil/dsmil0:8002/value ETIMEDOUT
		dsm "$sh" get 8002
		fails 6 "0x8002: the firmware token read timed out"
		inject class/dsmil/dsmil0:8003/value EIO
		dsm "$sh" get 8003
		fails 6 "0x8003: the firmware token read failed: I/O error"
		inject class/dsmil/dsmil0:g4/state EIO
		dsm "$sh" activate g4
		fails 6 "g4: a firmware call failed (I/O error): every member was put back into its previous state"
		inject class/dsmil/dsmil0:g5/state ETIMEDOUT
		dsm "$sh" deactivate g5
		fails 6 "g5: a firmware call timed out"
	done
}

@test "configfs EBUSY and EEXIST: exit 5" {
	for sh in $SHELLS; do
		fresh
		inject kernel/config/dsmil/lab/groups EBUSY
		dsm "$sh" instance create lab groups=2
		fails 5 "instance lab is enabled: its configuration is frozen (groups)"
		[[ ! -e $S/kernel/config/dsmil/lab ]]
		inject kernel/config/dsmil/busy EEXIST
		mkdir() { :; }
		cat >"$W/mkdir" <<'EOF'
#!/bin/sh
echo "mkdir: cannot create directory '$1': File exists" >&2
exit 1
EOF
		chmod +x "$W/mkdir"
		run --separate-stderr env PATH="$W:$PATH" "$sh" "$DSMILCTL" instance create racy
		fails 5 "instance racy already exists"
		unset -f mkdir
	done
}

@test "an errno without a mapping: exit 1 with the kernel's text" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/state ENOSPC
		dsm "$sh" activate 8000
		fails 1 "0x8000: writing state failed: No space left on device"
		# real EISDIR
		rm "$C/dsmil0:8001/state"
		mkdir "$C/dsmil0:8001/state"
		dsm "$sh" activate 8001
		fails 1 "0x8001: writing state failed: Is a directory"
		inject devices/platform/dsmil.0/emergency_stop ENOSPC
		dsm "$sh" stop
		fails 1 "dsmil.0: writing emergency_stop failed: No space left on device"
	done
}

@test "every exit code is distinct and matches --help" {
	for sh in $SHELLS; do
		dsm "$sh" --help
		assert_line "  0  success"
		assert_line "  1  other error"
		assert_line "  2  usage error"
		assert_line --regexp '^  3  not found'
		assert_line --regexp '^  4  permission denied'
		assert_line --regexp '^  5  busy'
		assert_line --regexp '^  6  firmware error'
		assert_line --regexp '^  7  invalid or out-of-range value'
	done
	grep -q '^\.B 7$' "$REPO/userspace/man/dsmilctl.8"
}
