# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: reading and writing attributes; instances, devices, groups.
# Sourced by userspace/dsmilctl.

# rd FILE -> R: the first line of FILE; R=? and status 1 when unreadable.
rd() {
	R=
	IFS= read -r R 2>/dev/null <"$1" || [ -n "$R" ] || {
		R='?'
		return 1
	}
}

# wr FILE VALUE: write VALUE and a newline to FILE in one write(2), as
# `echo VALUE > FILE` does (O_TRUNC, no O_CREAT).  On failure ERRTXT is the
# kernel's strerror text and the status is 1.
wr() {
	ERRTXT=$(dd of="$1" bs=4096 iflag=fullblock conv=nocreat status=none 2>&1 <<EOF
$2
EOF
	) && return 0
	errtxt
	return 1
}

# rdfw FILE -> R: a read that reaches the firmware ("value"), through dd so
# that a failure keeps its errno text in ERRTXT; status 1 on failure.
rdfw() {
	R=$(dd if="$1" bs=4096 count=1 status=none 2>&1) && {
		R=${R%%"$NL"*}
		return 0
	}
	ERRTXT=$R
	R=
	errtxt
	return 1
}

# errtxt: reduce a dd/mkdir/rmdir message in ERRTXT to its strerror part.
errtxt() {
	ERRTXT=${ERRTXT##*"$NL"}
	case $ERRTXT in
	*': '*) ERRTXT=${ERRTXT##*: } ;;
	'') ERRTXT="unknown error" ;;
	esac
}

# errclass TEXT -> E: the errno name of a strerror text.
errclass() {
	case $1 in
	"Operation not permitted") E=EPERM ;;
	"Permission denied") E=EACCES ;;
	"Device or resource busy") E=EBUSY ;;
	"Invalid argument") E=EINVAL ;;
	"Numerical result out of range") E=ERANGE ;;
	"No such device") E=ENODEV ;;
	"No such file or directory") E=ENOENT ;;
	"Connection timed out") E=ETIMEDOUT ;;
	"Input/output error") E=EIO ;;
	"File exists") E=EEXIST ;;
	"Read-only file system") E=EROFS ;;
	"Operation canceled") E=ECANCELED ;;
	"No data available") E=ENODATA ;;
	"Resource temporarily unavailable") E=EAGAIN ;;
	*) E=OTHER ;;
	esac
}

# set_inst N: the instance given with -i
set_inst() {
	is_uint "$1" || usage_error "-i wants an instance number, got '$1'"
	INST=$1
	INST_SET=1
}

# need_module: the class exists at all
need_module() {
	[ -d "$CLASS" ] && return
	die "$EX_NOENT" "no DSMIL devices: $CLASS does not exist (is the dsmil-84dev module loaded? without DSMIL hardware: modprobe dsmil-sim)"
}

# need_inst: PDEV = the platform device of INST, which must exist.
need_inst() {
	PDEV=$PLATFORM/dsmil.$INST
	[ -d "$PDEV" ] && return
	need_module
	# The driver loads everywhere but creates an instance only on DSMIL
	# firmware: with none at all, say where a simulated one comes from.
	for _p in "$PLATFORM"/dsmil.*; do
		[ -d "$_p" ] && die "$EX_NOENT" "no DSMIL instance dsmil.$INST ('dsmilctl instance list' shows them)"
	done
	die "$EX_NOENT" "no DSMIL instance: no DSMIL firmware found (the simulated platform: modprobe dsmil-sim)"
}

# label NAME -> LABEL: how messages name a device or group: "0x8000" and
# "g0" on instance 0, the full class name on the others.
label() {
	case $1 in
	dsmil0:g*) LABEL=${1#dsmil0:} ;;
	dsmil0:*) LABEL=0x${1#dsmil0:} ;;
	*) LABEL=$1 ;;
	esac
}

# parse_dev ARG [CMD]: DEVN (class name), DEVP (class path), LABEL, with INST
# taken from a "dsmilN:" prefix.  Exits when ARG is no token or no device.
parse_dev() {
	_a=$1
	case $_a in
	dsmil*:*)
		_i=${_a%%:*}
		_i=${_i#dsmil}
		is_uint "$_i" || usage_error "${2:-dsmilctl}" "not a device: '$1' (expected 8000, 0x8000 or dsmil0:8000)"
		INST=$_i
		_a=${_a#*:}
		;;
	esac
	case $_a in 0x* | 0X*) _a=${_a#0[xX]} ;; esac
	while :; do
		case $_a in 0?*) _a=${_a#0} ;; *) break ;; esac
	done
	case $_a in
	'' | *[!0-9a-fA-F]* | ?????*)
		usage_error "${2:-dsmilctl}" "not a device: '$1' (expected a token like 8000, 0x8000 or dsmil0:8000)"
		;;
	esac
	lower "$_a"
	_a=$L
	while [ ${#_a} -lt 4 ]; do _a=0$_a; done
	DEVN=dsmil$INST:$_a
	DEVP=$CLASS/$DEVN
	label "$DEVN"
	[ -d "$DEVP" ] && return
	need_inst
	die "$EX_NOENT" "no device with token 0x$_a on dsmil.$INST ('dsmilctl -i $INST list' shows them)"
}

# parse_group ARG [CMD]: GRPN, GRPP, GRPI (group index), LABEL.
parse_group() {
	_a=$1
	case $_a in
	dsmil*:*)
		_i=${_a%%:*}
		_i=${_i#dsmil}
		is_uint "$_i" || usage_error "${2:-dsmilctl}" "not a group: '$1' (expected g0 or dsmil0:g0)"
		INST=$_i
		_a=${_a#*:}
		;;
	esac
	GRPI=${_a#[gG]}
	{ [ "$GRPI" != "$_a" ] && is_uint "$GRPI"; } ||
		usage_error "${2:-dsmilctl}" "not a group: '$1' (expected g0 or dsmil0:g0)"
	GRPN=dsmil$INST:g$GRPI
	GRPP=$CLASS/$GRPN
	label "$GRPN"
	[ -d "$GRPP" ] && return
	need_inst
	die "$EX_NOENT" "no group g$GRPI on dsmil.$INST"
}

# is_group_arg ARG: looks like a group (g0, dsmil0:g0)
is_group_arg() {
	case $1 in [gG]* | dsmil*:[gG]*) return 0 ;; esac
	return 1
}

# devices_of_inst -> DEVS: the class paths of INST's devices, in token order.
devices_of_inst() {
	DEVS=
	for _d in "$CLASS/dsmil$INST":*; do
		case ${_d##*:} in g* | '*') continue ;; esac
		DEVS=$DEVS$_d$NL
	done
}

# groups_of_inst -> GRPS: class paths of INST's groups, by index.
groups_of_inst() {
	GRPS='' _g=0
	while [ -d "$CLASS/dsmil$INST:g$_g" ]; do
		GRPS=$GRPS$CLASS/dsmil$INST:g$_g$NL
		_g=$((_g + 1))
	done
}

# instances -> INSTS: the numbers of every instance, ascending.
instances() {
	INSTS='' _max=-1
	for _p in "$PLATFORM"/dsmil.*; do
		_n=${_p##*/dsmil.}
		is_uint "$_n" || continue
		[ -d "$_p" ] || continue
		[ "$_n" -gt "$_max" ] && _max=$_n
	done
	_n=0
	while [ "$_n" -le "$_max" ]; do
		[ -d "$PLATFORM/dsmil.$_n" ] && INSTS="$INSTS $_n"
		_n=$((_n + 1))
	done
}

# count_states: C_<state> for every state of INST's devices; L_error and
# L_emergency the labels of the devices in these states ("0x8002 0x8003").
count_states() {
	C_absent=0 C_ready=0 C_active=0 C_error=0 C_quarantined=0 C_emergency=0 C_other=0
	L_error='' L_emergency=''
	for _d in "$CLASS/dsmil$INST":*; do
		case ${_d##*:} in g* | '*') continue ;; esac
		rd "$_d/state"
		case $R in
		absent) C_absent=$((C_absent + 1)) ;;
		ready) C_ready=$((C_ready + 1)) ;;
		active) C_active=$((C_active + 1)) ;;
		error)
			C_error=$((C_error + 1))
			label "${_d##*/}"
			L_error="$L_error${L_error:+ }$LABEL"
			;;
		quarantined) C_quarantined=$((C_quarantined + 1)) ;;
		emergency)
			C_emergency=$((C_emergency + 1))
			label "${_d##*/}"
			L_emergency="$L_emergency${L_emergency:+ }$LABEL"
			;;
		*) C_other=$((C_other + 1)) ;;
		esac
	done
}

# alarm TEMP LIMIT THRESHOLD -> A: - / limit / critical
alarm() {
	A=-
	is_int "$1" || return 0
	is_int "$2" && [ "$1" -ge "$2" ] && A=limit
	is_int "$3" && [ "$1" -ge "$3" ] && A=critical
	return 0
}
