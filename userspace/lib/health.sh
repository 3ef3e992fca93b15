# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: what is wrong with an instance and what to do about it, for
# `status` (listed first, exit status 8) and `doctor`.  Reads sysfs only:
# no process, no firmware call.  Sourced by userspace/dsmilctl.

# problem KIND MESSAGE FIX / note KIND MESSAGE FIX: one more line of
# PROBS / NOTES, "KIND<TAB>MESSAGE<TAB>FIX".
problem() {
	PROBS="$PROBS$1	$2	$3$NL"
	NPROB=$((NPROB + 1))
}

note() {
	NOTES="$NOTES$1	$2	$3$NL"
}

# plural N WORD -> PL: "1 device", "2 devices"
plural() {
	PL="$1 $2"
	[ "$1" = 1 ] || PL=${PL}s
}

# param NAME -> R: dsmil-84dev's module parameter NAME; status 1 when the
# module (or the parameter) is not there.
param() {
	rd "$SYS/module/dsmil_84dev/parameters/$1"
}

# health: PROBS, NPROB and NOTES of instance INST (PDEV); runs count_states.
# The kinds (also the JSON "kind"): error, emergency_stop, emergency,
# thermal_source, thermal_off, read_only; the note: simulated.
health() {
	PROBS='' NOTES='' NPROB=0
	count_states
	rd "$PDEV/backend"
	H_backend=$R
	rd "$PDEV/emergency_stop"
	H_stop=$R
	if [ "$C_error" -gt 0 ]; then
		plural "$C_error" device
		problem error "$PL in state error (a firmware call failed): $L_error" \
			"reset each one: dsmilctl reset ${L_error%% *}"
	fi
	if [ "$H_stop" = 1 ]; then
		problem emergency_stop "emergency stop engaged: $C_emergency devices stopped, requests refused" \
			"release it: dsmilctl resume"
	elif [ "$C_emergency" -gt 0 ]; then
		plural "$C_emergency" device
		problem emergency "$PL in emergency stop (held by temperature or a failing thermal source): $L_emergency" \
			"they return to ready by themselves once the group cools below its limit by the hysteresis: dsmilctl thermal"
	fi
	H_source=
	rd "$PDEV/thermal_source" && H_source=$R
	if [ "$H_source" = none ]; then
		problem thermal_off "thermal protection is off (thermal_zone=none): nothing is ever stopped for heat" \
			"load dsmil-84dev without thermal_zone=none"
	else
		# a group that gives no temperature: its source fails
		H_blind='' _old=$IFS
		groups_of_inst
		IFS=$NL
		for _g in $GRPS; do
			rd "$_g/temperature" && is_int "$R" && continue
			H_blind="$H_blind${H_blind:+ }g${_g##*:g}"
		done
		IFS=$_old
		if [ -n "$H_blind" ]; then
			case $H_backend in
			sim) _fix="the simulated sensors fail (debugfs sim/sensor_fault): write 0 to it" ;;
			*) _fix="load dsmil-84dev with thermal_zone= a zone type of /sys/class/thermal/thermal_zone*/type ('dsmilctl doctor' lists them)" ;;
			esac
			problem thermal_source "thermal source ${H_source:-(unknown)} gives no reading for $H_blind: activations are refused" "$_fix"
		fi
	fi
	if [ "$H_backend" != sim ] && param allow_writes; then
		case $R in
		N | n | 0)
			problem read_only "the firmware is read-only (allow_writes=0): activations and writes fail" \
				"load dsmil-84dev with allow_writes=1 (modprobe -r dsmil-84dev; modprobe dsmil-84dev allow_writes=1)"
			;;
		esac
	fi
	if [ "$H_backend" = sim ]; then
		note simulated "simulated platform (backend sim, dsmil-sim): nothing reaches the Dell firmware" \
			"on a Dell DSMIL machine dsmil-84dev binds the firmware by itself"
	fi
	return 0
}

# health_text PREFIX WORD LINES: one "PREFIX: MESSAGE; WORD FIX" line per
# entry ("problem: ...; fix: ...", "note: ...; ...")
health_text() {
	_old=$IFS
	IFS=$NL
	for _h in $3; do
		IFS='	'
		# shellcheck disable=SC2086 # split into fields on purpose
		set -- "$1" "$2" $_h
		printf '%s: %s; %s%s\n' "$1" "$4" "$2" "$5"
		IFS=$NL
	done
	IFS=$_old
}

# health_json LINES -> J: a JSON array of {"kind","message","fix"}
health_json() {
	_hj='' _old=$IFS
	IFS=$NL
	for _h in $1; do
		_k=${_h%%	*}
		_h=${_h#*	}
		js "${_h%%	*}"
		_hj="$_hj${_hj:+,}{\"kind\":\"$_k\",\"message\":$J"
		js "${_h#*	}"
		_hj="$_hj,\"fix\":$J}"
	done
	IFS=$_old
	J="[$_hj]"
}
