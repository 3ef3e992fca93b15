# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: sim (the debugfs knobs of the simulated firmware).
# Sourced by userspace/dsmilctl for sim.

cmd_sim() {
	need_inst
	_sd=$DBG_ROOT/dsmil/dsmil.$INST/sim
	[ -d "$_sd" ] || die "$EX_NOENT" "no simulated firmware for dsmil.$INST: $_sd missing (not a dsmil-sim instance, or debugfs not mounted at $DBG_ROOT)"
	if [ "$NARGS" -eq 0 ]; then
		rd "$_sd/latency_us"
		_la=$R
		rd "$_sd/fault"
		printf 'dsmil.%s simulated firmware: latency %s us, fault %s\n' "$INST" "$_la" "$R"
		_g=0
		while [ -e "$_sd/temp_g$_g" ]; do
			rd "$_sd/temp_g$_g"
			degc "$R"
			printf '  temp_g%s  %sC\n' "$_g" "$D"
			_g=$((_g + 1))
		done
		return 0
	fi
	case $P1 in
	temp)
		[ "$NARGS" -eq 3 ] || usage_error sim "temp wants GROUP and MILLIDEG"
		parse_group "$P2" sim
		millideg "$P3" || die "$EX_INVAL" "not a temperature: '$P3' (millidegrees Celsius, or degrees with a C suffix: 95C)"
		_f=$_sd/temp_g$GRPI _v=$M
		;;
	fault)
		case $NARGS:$P2 in
		2:none) _v=none ;;
		3:eio | 3:timeout) _v="$P2 $P3" ;;
		*) usage_error sim "fault wants none, eio K or timeout K" ;;
		esac
		_f=$_sd/fault
		;;
	latency)
		[ "$NARGS" -eq 2 ] || usage_error sim "latency wants MICROSECONDS"
		_f=$_sd/latency_us _v=$P2
		;;
	*) usage_error sim "unknown knob '$P1' (temp, fault or latency)" ;;
	esac
	wr "$_f" "$_v" && return 0
	errclass "$ERRTXT"
	case $E in
	EINVAL | ERANGE) die "$EX_INVAL" "sim: invalid value '$_v' for ${_f##*/}" ;;
	EACCES | EPERM) die "$EX_PERM" "sim: permission denied (root needed)" ;;
	ENOENT) die "$EX_NOENT" "sim: ${_f##*/} does not exist" ;;
	esac
	die "$EX_ERR" "sim: writing ${_f##*/} failed: $ERRTXT"
}
