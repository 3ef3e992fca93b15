#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dsmilctl for operators on the fake tree (fixture.bash), under dash and
# bash: `status` lists the problems first and exits 8 with any, `doctor`
# says what is wrong and what to do (exit 0 only when healthy), and the
# messages that name the way out.  The problems: devices in state error or
# emergency, the emergency stop, a thermal source that gives no reading,
# thermal_zone=none, a read-only firmware (allow_writes=0); the note: a
# simulated platform.

load helpers

setup_file() { host_setup_file; }
teardown_file() { host_teardown_file; }
setup() { fresh; }

# firmware [ALLOW_WRITES]: dsmil.0 is on the Dell firmware (backend
# smbios), dsmil-84dev's parameters visible, allow_writes Y (default) or N
firmware() {
	put devices/platform/dsmil.0/backend smbios
	mkdir -p "$S/module/dsmil_84dev/parameters"
	put module/dsmil_84dev/parameters/allow_writes "${1:-Y}"
	put module/dsmil_84dev/parameters/thermal_zone x86_pkg_temp
	put module/dsmil_84dev/parameters/mmio_size 0
	put module/dsmil_84dev/version 0.1.0
	put devices/platform/dsmil.0/thermal_source x86_pkg_temp
	mkdir -p "$S/class/thermal/thermal_zone0" "$S/kernel/security"
	put class/thermal/thermal_zone0/type x86_pkg_temp
	put kernel/security/lockdown '[none] integrity confidentiality'
}

# a group sensor that gives no reading (the read fails)
blind() {
	rm "$C/dsmil0:g$1/temperature"
	mkdir "$C/dsmil0:g$1/temperature"
}

@test "status: healthy firmware instance: no problem line, exit 0" {
	for sh in $SHELLS; do
		fresh
		firmware Y
		dsm "$sh" status
		assert_success
		assert_line --index 0 "dsmil.0: backend smbios, 7 groups, 84 devices, 0 active"
		refute_output --partial "problem:"
		refute_output --partial "note:"
		dsm "$sh" status --json
		assert_success
		run jq -c '[.problems, .notes]' <<<"$output"
		assert_output '[[],[]]'
	done
}

@test "status: the simulated platform is a note, not a problem (exit 0)" {
	for sh in $SHELLS; do
		fresh
		dsm "$sh" status
		assert_success
		assert_line --index 0 "note: simulated platform (backend sim, dsmil-sim): nothing reaches the Dell firmware; on a Dell DSMIL machine dsmil-84dev binds the firmware by itself"
		assert_line --index 1 --partial "dsmil.0: backend sim"
		dsm "$sh" status --json
		assert_success
		run jq -c '[.problems, [.notes[].kind]]' <<<"$output"
		assert_output '[[],["simulated"]]'
	done
}

@test "status: read-only firmware (allow_writes=0) is a problem naming allow_writes=1, exit 8" {
	for sh in $SHELLS; do
		fresh
		firmware N
		dsm "$sh" status
		assert_failure 8
		assert_line --index 0 "problem: the firmware is read-only (allow_writes=0): activations and writes fail; fix: load dsmil-84dev with allow_writes=1 (modprobe -r dsmil-84dev; modprobe dsmil-84dev allow_writes=1)"
		assert_line --index 1 --partial "dsmil.0: backend smbios"
		dsm "$sh" status --json
		assert_failure 8
		run jq -r '.problems[] | [.kind, .fix] | join("|")' <<<"$output"
		assert_output "read_only|load dsmil-84dev with allow_writes=1 (modprobe -r dsmil-84dev; modprobe dsmil-84dev allow_writes=1)"
	done
}

@test "status: devices in error and in emergency are listed by token, exit 8" {
	for sh in $SHELLS; do
		fresh
		firmware Y
		dev 8003 state error
		dev 8010 state error
		dev 8020 state emergency
		dsm "$sh" status
		assert_failure 8
		assert_line --index 0 "problem: 2 devices in state error (a firmware call failed): 0x8003 0x8010; fix: reset each one: dsmilctl reset 0x8003"
		assert_line --index 1 --partial "problem: 1 device in emergency stop (held by temperature or a failing thermal source): 0x8020; fix: "
		assert_line --index 2 --partial "dsmil.0: backend smbios"
		dsm "$sh" status --json
		run jq -c '[.problems[].kind], .states.error, .states.emergency' <<<"$output"
		assert_line --index 0 '["error","emergency"]'
		assert_line --index 1 2
		assert_line --index 2 1
	done
}

@test "status: after an emergency stop, the stop is the problem (dsmilctl resume)" {
	for sh in $SHELLS; do
		fresh
		firmware Y
		put devices/platform/dsmil.0/emergency_stop 1
		dev 8000 state emergency
		dev 8001 state emergency
		dsm "$sh" status
		assert_failure 8
		assert_line --index 0 "problem: emergency stop engaged: 2 devices stopped, requests refused; fix: release it: dsmilctl resume"
		assert_line --index 1 --partial "dsmil.0: backend smbios"
	done
}

@test "status: a thermal source that gives no reading, or none at all" {
	for sh in $SHELLS; do
		fresh
		firmware Y
		blind 2
		blind 5
		dsm "$sh" status
		assert_failure 8
		assert_line --index 0 --partial "problem: thermal source x86_pkg_temp gives no reading for g2 g5: activations are refused; fix: load dsmil-84dev with thermal_zone="
		dsm "$sh" status --json
		run jq -r '.problems[].kind, .groups[2].temperature_mc' <<<"$output"
		assert_output "thermal_source
null"
		# an older driver without thermal_source: still found, "(unknown)"
		rm "$P/thermal_source"
		dsm "$sh" status
		assert_failure 8
		assert_line --index 0 --partial "problem: thermal source (unknown) gives no reading for g2 g5"
		# thermal_zone=none: protection off
		fresh
		firmware Y
		put devices/platform/dsmil.0/thermal_source none
		dsm "$sh" status
		assert_failure 8
		assert_line --index 0 "problem: thermal protection is off (thermal_zone=none): nothing is ever stopped for heat; fix: load dsmil-84dev without thermal_zone=none"
		# no thermal_source file and every group reads: no problem
		fresh
		firmware Y
		rm "$P/thermal_source"
		dsm "$sh" status
		assert_success
	done
}

@test "status: still no process, also with problems" {
	command -v strace >/dev/null || skip "strace not installed"
	firmware N
	dev 8003 state error
	blind 1
	local sh n
	for sh in $SHELLS; do
		strace -f -qq -e trace=execve,clone,clone3,fork,vfork -o "$W/trace" "$sh" "$DSMILCTL" status >/dev/null || true
		n=$(grep -cE 'execve\(|clone|fork' "$W/trace")
		[[ $n == 1 ]] || fail "$sh: $(cat "$W/trace")"
	done
}

# ---------------------------------------------------------------------------
# doctor

@test "doctor: healthy firmware instance: every check ok, 'healthy', exit 0" {
	for sh in $SHELLS; do
		fresh
		firmware Y
		dsm "$sh" doctor
		assert_success
		assert_line --index 0 "ok       module: dsmil-84dev 0.1.0 loaded"
		assert_line --index 1 "ok       platform: dsmil.0, backend smbios (Dell firmware), 84 devices"
		assert_line --index 2 "ok       writes: allow_writes=1: writes reach the firmware"
		assert_line --index 3 "ok       thermal source: x86_pkg_temp, every group reads a temperature"
		assert_line --index 4 "ok       lockdown: none"
		assert_line --index 5 "ok       parameters: allow_writes=Y mmio_size=0 thermal_zone=x86_pkg_temp"
		assert_line --index 6 --regexp "^ok       permissions: "
		assert_line --index 7 "ok       devices: 0 active, 79 ready, 5 quarantined, 0 absent; none in error or emergency"
		assert_line --index 8 healthy
		assert_equal "${#lines[@]}" 9
		assert_equal "$stderr" ""
	done
}

@test "doctor: the simulator is healthy (a note), exit 0" {
	for sh in $SHELLS; do
		fresh
		dsm "$sh" doctor
		assert_success
		assert_line --index 1 "note     platform: dsmil.0, backend sim: simulated (dsmil-sim), nothing reaches the Dell firmware; 84 devices"
		assert_line --index 2 "ok       writes: simulated: always allowed"
		assert_output --partial "ok       thermal source: every group reads a temperature (this driver does not name its source"
		refute_output --partial PROBLEM
		assert_line --index $((${#lines[@]} - 1)) healthy
	done
}

@test "doctor: broken: read-only, thermal source, error, emergency stop; each with its fix, exit 8" {
	for sh in $SHELLS; do
		fresh
		firmware N
		blind 4
		dev 8003 state error
		put devices/platform/dsmil.0/emergency_stop 1
		dev 8000 state emergency
		dsm "$sh" doctor
		assert_failure 8
		assert_line "PROBLEM  writes: allow_writes=0: the firmware is read-only, activations and writes fail (EROFS)"
		assert_line "         fix: load dsmil-84dev with allow_writes=1 (modprobe -r dsmil-84dev; modprobe dsmil-84dev allow_writes=1)"
		assert_line "PROBLEM  thermal source: x86_pkg_temp gives no reading for g4: activations are refused, devices stop after thermal_grace_ms"
		assert_line "         fix: load dsmil-84dev with thermal_zone= one of the zone types here: x86_pkg_temp"
		assert_line "PROBLEM  devices: emergency stop engaged: 1 devices stopped, requests refused"
		assert_line "         fix: dsmilctl resume"
		assert_line "PROBLEM  devices: 1 device in state error (a firmware call failed): 0x8003"
		assert_line --index $((${#lines[@]} - 1)) "4 problems found"
		# every PROBLEM line is followed by its fix
		local i
		for ((i = 0; i < ${#lines[@]}; i++)); do
			[[ ${lines[i]} != PROBLEM* ]] || [[ ${lines[i + 1]} == "         fix: "* ]] ||
				fail "no fix after: ${lines[i]}"
		done
	done
}

@test "doctor: no module, no instance (and why), another instance" {
	for sh in $SHELLS; do
		fresh
		rm -rf "$S/class/dsmil" "$S/devices/platform/dsmil.0"
		dsm "$sh" doctor
		assert_failure 8
		assert_line --index 0 "PROBLEM  module: dsmil-84dev is not loaded"
		assert_line --index 1 --partial "fix: on a Dell DSMIL machine: modprobe dsmil-84dev"
		# loaded, but no DSMIL firmware on this machine: the DMI says why
		mkdir -p "$S/class/dsmil" "$S/class/dmi/id"
		put class/dmi/id/sys_vendor "QEMU"
		put class/dmi/id/product_name "Standard PC (i440FX + PIIX, 1996)"
		dsm "$sh" doctor
		assert_failure 8
		assert_line --index 1 'PROBLEM  platform: no DSMIL firmware found: this machine (QEMU Standard PC (i440FX + PIIX, 1996)) is not a Dell DSMIL machine (Dell Inc., a "Rugged" product)'
		assert_line --index 2 --partial "fix: without the hardware use the simulated platform: modprobe dsmil-sim"
		put class/dmi/id/sys_vendor "Dell Inc."
		put class/dmi/id/product_name "Latitude 5430 Rugged"
		dsm "$sh" doctor
		assert_failure 8
		assert_line --index 1 --partial "PROBLEM  platform: no DSMIL firmware found on this Dell Inc. Latitude 5430 Rugged: its SMBIOS token table lacks the DSMIL tokens"
		# another instance exists
		fresh
		dsm "$sh" -i 3 doctor
		assert_failure 8
		assert_line --index 1 "PROBLEM  platform: no instance dsmil.3; there are: dsmil.0"
	done
}

@test "doctor: lockdown with mmio options, force=1, thermal_zone=none" {
	for sh in $SHELLS; do
		fresh
		firmware Y
		put kernel/security/lockdown 'none [integrity] confidentiality'
		dsm "$sh" doctor
		assert_success
		assert_line "ok       lockdown: integrity (the mmio_base/mmio_size options would be refused; none set)"
		put module/dsmil_84dev/parameters/mmio_size 4096
		put module/dsmil_84dev/parameters/force Y
		put devices/platform/dsmil.0/thermal_source none
		dsm "$sh" doctor
		assert_failure 8
		assert_line "PROBLEM  lockdown: integrity: the mmio_base/mmio_size options are refused (mmio_size=4096)"
		assert_line "note     parameters: force=1: bound without the DMI check; the kernel is tainted"
		assert_line "PROBLEM  thermal source: none: thermal protection is off (thermal_zone=none)"
	done
}

@test "doctor: udev permissions for the caller (user nobody)" {
	need_root
	for sh in $SHELLS; do
		fresh
		# the files as the kernel makes them, no udev rule: root's group
		dsm_nobody "$sh" doctor
		assert_failure 8
		assert_line "PROBLEM  permissions: nobody can not write device state: the files belong to group root, not dsmil (the udev rule 60-dsmil.rules did not run)"
		assert_line "         fix: install the udev rules (make install) and run: udevadm trigger --subsystem-match=dsmil"
		# a state file the caller may write (as the rule makes it for group dsmil)
		chmod 0666 "$C/dsmil0:8000/state"
		dsm_nobody "$sh" doctor
		assert_success
		assert_line --partial "ok       permissions: nobody can write state and thermal_limit (group dsmil); value and the platform files are root only"
		dsm "$sh" doctor
		assert_line "ok       permissions: root: every file can be written"
	done
}

@test "doctor: usage, help" {
	for sh in $SHELLS; do
		dsm "$sh" doctor extra
		fails 2 "doctor: unknown argument 'extra'"
		dsm "$sh" doctor --json
		fails 2 "--json is not supported by doctor"
		dsm "$sh" doctor --help
		assert_success
		assert_line --index 0 "Usage: dsmilctl [-i N] doctor"
	done
}

# ---------------------------------------------------------------------------
# messages that name the way out

@test "EACCES writing value says root only; reading value names group dsmil" {
	need_root
	for sh in $SHELLS; do
		fresh
		dsm_nobody "$sh" set 8000 1
		fails 4 "0x8000: permission denied writing value (root only)"
		dsm_nobody "$sh" get 8000
		fails 4 "0x8000: permission denied reading value (root or group dsmil needed)"
	done
}

@test "EINVAL on a well-formed value: the firmware refused it, not a bad number" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/value EINVAL
		local v
		for v in 0x1234 4294967295 0xffffffff 0x00000000ff 7; do
			dsm "$sh" set 8000 "$v"
			fails 7 "0x8000: the firmware refused value '$v' (invalid argument): the number is well-formed"
		done
		for v in banana 4294967296 0x1ffffffff -1 0x; do
			dsm "$sh" set 8000 "$v"
			fails 7 "invalid value '$v' for 0x8000: expected an unsigned 32-bit number"
		done
	done
}

@test "ENODATA (no thermal reading): exit 5, points at doctor" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:8000/state ENODATA
		dsm "$sh" activate 8000
		fails 5 "0x8000: the thermal source gives no reading: activations are refused until it does ('dsmilctl doctor' says why)"
		inject class/dsmil/dsmil0:g1/state ENODATA
		dsm "$sh" activate g1
		fails 5 "g1: the thermal source gives no reading: no member was switched on ('dsmilctl doctor' says why)"
	done
}

@test "EROFS names allow_writes=1; the modprobe.d example that activates on the firmware says so" {
	for sh in $SHELLS; do
		fresh
		inject class/dsmil/dsmil0:g0/state EROFS
		dsm "$sh" activate g0
		fails 4 "g0: the firmware is read-only: load dsmil-84dev with allow_writes=1"
	done
	run grep -B3 -E '^#options dsmil-84dev .*activate=[0-9]' "$REPO/userspace/modprobe.d/dsmil.conf"
	assert_output --partial "allow_writes=1"
	run grep -E '^#options dsmil-84dev activate=$' -B2 "$REPO/userspace/modprobe.d/dsmil.conf"
	assert_output --partial "needs allow_writes=1"
}
