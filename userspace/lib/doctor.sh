# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl doctor: one screen that says what is wrong and what to do.
# Each check prints "ok", "PROBLEM" or "note", a topic and what it found;
# a PROBLEM line is followed by "  fix: ...".  Exit 0 only when there is no
# PROBLEM, else 8.  Unlike the other commands it may run a few programs
# (id, stat).  Sourced by userspace/dsmilctl for doctor (with health.sh).

# dr LEVEL TOPIC TEXT [FIX]
dr() {
	printf '%-8s %s: %s\n' "$1" "$2" "$3"
	[ "$1" != PROBLEM ] || D_PROBS=$((D_PROBS + 1))
	[ -z "${4-}" ] || printf '         fix: %s\n' "$4"
}

# doctor_platform: the module and the instance; status 1 when there is no
# instance to look at (the reason printed).
doctor_platform() {
	_mod=$SYS/module/dsmil_84dev
	if [ ! -d "$CLASS" ] && [ ! -d "$_mod" ]; then
		dr PROBLEM module "dsmil-84dev is not loaded" \
			"on a Dell DSMIL machine: modprobe dsmil-84dev (udev loads it at boot); anywhere else: modprobe dsmil-sim"
		return 1
	fi
	_ver=
	rd "$_mod/version" && _ver=" $R"
	_sim=
	[ -d "$SYS/module/dsmil_sim" ] && _sim=", dsmil-sim loaded"
	dr ok module "dsmil-84dev$_ver loaded$_sim"
	[ -d "$PDEV" ] && return 0
	instances
	if [ -n "$INSTS" ]; then
		_il=''
		for _i in $INSTS; do _il="$_il dsmil.$_i"; done
		dr PROBLEM platform "no instance dsmil.$INST; there are:$_il" \
			"dsmilctl -i N doctor for one of them"
		return 1
	fi
	rd "$SYS/class/dmi/id/sys_vendor"
	_v=$R
	rd "$SYS/class/dmi/id/product_name"
	_p=$R
	case $_v:$_p in
	"Dell Inc.:"*Rugged*)
		dr PROBLEM platform "no DSMIL firmware found on this $_v $_p: its SMBIOS token table lacks the DSMIL tokens, or the Dell SMBIOS interface is missing" \
			"the kernel log says why (dmesg | grep -i dsmil); check that dell-smbios is loaded"
		;;
	*)
		dr PROBLEM platform "no DSMIL firmware found: this machine ($_v $_p) is not a Dell DSMIL machine (Dell Inc., a \"Rugged\" product)" \
			"without the hardware use the simulated platform: modprobe dsmil-sim; a Dell machine with the DSMIL tokens but not in the driver's list: force=1 (taints the kernel)"
		;;
	esac
	return 1
}

# doctor_thermal: the thermal source, and the zones a smbios instance can use
doctor_thermal() {
	case $H_source in
	none)
		dr PROBLEM "thermal source" "none: thermal protection is off (thermal_zone=none)" \
			"load dsmil-84dev without thermal_zone=none"
		return
		;;
	esac
	_zones=''
	for _z in "$SYS"/class/thermal/thermal_zone*/type; do
		rd "$_z" || continue
		_zones="$_zones${_zones:+, }$R"
	done
	if [ -n "$H_blind" ]; then
		_fix="the simulated sensors fail: echo 0 > $DBG_ROOT/dsmil/dsmil.$INST/sim/sensor_fault"
		[ "$H_backend" = sim ] ||
			_fix="load dsmil-84dev with thermal_zone= one of the zone types here: ${_zones:-none found in $SYS/class/thermal}"
		dr PROBLEM "thermal source" "${H_source:-(unknown)} gives no reading for $H_blind: activations are refused, devices stop after thermal_grace_ms" "$_fix"
		return
	fi
	if [ -z "$H_source" ]; then
		dr ok "thermal source" "every group reads a temperature (this driver does not name its source: no thermal_source file)"
	else
		dr ok "thermal source" "$H_source, every group reads a temperature"
	fi
}

# doctor_lockdown: kernel lockdown and what it refuses
doctor_lockdown() {
	if ! rd "$SYS/kernel/security/lockdown"; then
		dr ok lockdown "not available (no $SYS/kernel/security/lockdown)"
		return
	fi
	case $R in
	*'[none]'*) dr ok lockdown "none" ;;
	*)
		_l=${R#*[}
		_l=${_l%%]*}
		param mmio_size
		if is_uint "$R" && [ "$R" -ne 0 ]; then
			dr PROBLEM lockdown "$_l: the mmio_base/mmio_size options are refused (mmio_size=$R)" \
				"drop mmio_base= and mmio_size=, or boot without lockdown"
		else
			dr ok lockdown "$_l (the mmio_base/mmio_size options would be refused; none set)"
		fi
		;;
	esac
}

# doctor_params: dsmil-84dev's parameters, one line
doctor_params() {
	_pl=''
	for _f in "$SYS"/module/dsmil_84dev/parameters/*; do
		rd "$_f" || continue
		_pl="$_pl${_pl:+ }${_f##*/}=$R"
	done
	if [ -z "$_pl" ]; then
		[ -d "$SYS/module/dsmil_84dev" ] || return 0
		dr note parameters "dsmil-84dev's parameters are not visible ($SYS/module/dsmil_84dev/parameters)"
		return
	fi
	dr ok parameters "$_pl"
	param force
	case $R in Y | 1) dr note parameters "force=1: bound without the DMI check; the kernel is tainted" ;; esac
}

# doctor_access: can the caller use the devices (udev rule 60-dsmil.rules)
doctor_access() {
	_uid=$(id -u 2>/dev/null)
	if [ "$_uid" = 0 ]; then
		dr ok permissions "root: every file can be written"
		return
	fi
	_user=$(id -un 2>/dev/null)
	_st=
	devices_of_inst
	for _d in $DEVS; do
		_st=$_d/state
		break
	done
	[ -n "$_st" ] || return 0
	if [ -w "$_st" ]; then
		dr ok permissions "$_user can write state and thermal_limit (group dsmil); value and the platform files are root only"
		return
	fi
	_grp=$(stat -c %G "$_st" 2>/dev/null)
	if [ "$_grp" != dsmil ]; then
		dr PROBLEM permissions "$_user can not write device state: the files belong to group ${_grp:-?}, not dsmil (the udev rule 60-dsmil.rules did not run)" \
			"install the udev rules (make install) and run: udevadm trigger --subsystem-match=dsmil"
	else
		dr PROBLEM permissions "$_user can not write device state: not in group dsmil" \
			"usermod -aG dsmil $_user, then log in again"
	fi
}

cmd_doctor() {
	[ "$NARGS" -eq 0 ] || usage_error doctor "unknown argument '$P1'"
	D_PROBS=0
	PDEV=$PLATFORM/dsmil.$INST
	if doctor_platform; then
		health
		rd "$PDEV/device_count"
		case $H_backend in
		sim) dr note platform "dsmil.$INST, backend sim: simulated (dsmil-sim), nothing reaches the Dell firmware; $R devices" ;;
		*) dr ok platform "dsmil.$INST, backend $H_backend (Dell firmware), $R devices" ;;
		esac
		if [ "$H_backend" = sim ]; then
			dr ok writes "simulated: always allowed"
		elif param allow_writes; then
			case $R in
			N | n | 0)
				dr PROBLEM writes "allow_writes=0: the firmware is read-only, activations and writes fail (EROFS)" \
					"load dsmil-84dev with allow_writes=1 (modprobe -r dsmil-84dev; modprobe dsmil-84dev allow_writes=1)"
				;;
			*) dr ok writes "allow_writes=1: writes reach the firmware" ;;
			esac
		else
			dr note writes "allow_writes is not visible"
		fi
		doctor_thermal
	fi
	doctor_lockdown
	doctor_params
	if [ -d "$PDEV" ]; then
		doctor_access
		if [ "$H_stop" = 1 ]; then
			dr PROBLEM devices "emergency stop engaged: $C_emergency devices stopped, requests refused" "dsmilctl resume"
		elif [ "$C_emergency" -gt 0 ]; then
			plural "$C_emergency" device
			dr PROBLEM devices "$PL in emergency stop (temperature or thermal source): $L_emergency" \
				"they return to ready once the group cools: dsmilctl thermal"
		fi
		if [ "$C_error" -gt 0 ]; then
			plural "$C_error" device
			dr PROBLEM devices "$PL in state error (a firmware call failed): $L_error" \
				"dsmilctl reset DEV for each; the kernel log names the failed call"
		fi
		if [ "$C_error" -eq 0 ] && [ "$C_emergency" -eq 0 ]; then
			dr ok devices "$C_active active, $C_ready ready, $C_quarantined quarantined, $C_absent absent; none in error or emergency"
		fi
	fi
	if [ "$D_PROBS" -eq 0 ]; then
		printf 'healthy\n'
		return 0
	fi
	plural "$D_PROBS" problem
	printf '%s found\n' "$PL"
	exit "$EX_PROBLEM"
}
