# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: watch (udevadm monitor).
# Sourced by userspace/dsmilctl for watch.

watch_cleanup() {
	if [ -n "${W_PID:-}" ]; then
		kill "$W_PID" 2>/dev/null
		wait "$W_PID" 2>/dev/null
	fi
	[ -n "${W_DIR:-}" ] && rm -rf "$W_DIR"
	W_PID='' W_DIR=''
}

# watch_time UPTIME -> T: local time of day of a CLOCK_MONOTONIC stamp
# ("17:54:20.567"), with --json the full ISO 8601 local time with its
# zone ("2026-12-05T17:54:20.567+01:00")
watch_time() {
	_sec=${1%%.*} _frac=${1#*.}
	if ! is_uint "$_sec" || [ -z "$W_BASE" ]; then
		T=$1
		return
	fi
	[ "$_frac" = "$1" ] && _frac=000
	_frac=${_frac}000
	_frac=${_frac%"${_frac#???}"}
	_t=$(((W_BASE + _sec + W_TZ) % 86400))
	_days=$(((W_BASE + _sec + W_TZ) / 86400))
	_h=$((_t / 3600)) _m=$((_t / 60 % 60)) _t=$((_t % 60))
	[ "$_h" -lt 10 ] && _h=0$_h
	[ "$_m" -lt 10 ] && _m=0$_m
	[ "$_t" -lt 10 ] && _t=0$_t
	T=$_h:$_m:$_t.$_frac
	[ -n "$JSON" ] || return 0
	# ISO 8601 for JSON: the civil date of day _days since 1970-01-01
	# (days_from_civil inverted, proleptic Gregorian), local time, zone
	_z=$((_days + 719468))
	_era=$((_z / 146097))
	_doe=$((_z - _era * 146097))
	_yoe=$(((_doe - _doe / 1460 + _doe / 36524 - _doe / 146096) / 365))
	_y=$((_yoe + _era * 400))
	_doy=$((_doe - (365 * _yoe + _yoe / 4 - _yoe / 100)))
	_mp=$(((5 * _doy + 2) / 153))
	_d=$((_doy - (153 * _mp + 2) / 5 + 1))
	if [ "$_mp" -lt 10 ]; then _mo=$((_mp + 3)); else _mo=$((_mp - 9)); fi
	[ "$_mo" -le 2 ] && _y=$((_y + 1))
	[ "$_mo" -lt 10 ] && _mo=0$_mo
	[ "$_d" -lt 10 ] && _d=0$_d
	T=$_y-$_mo-${_d}T$T$W_ZONE
}

watch_emit() {
	_name=${EV_PATH##*/}
	case $EV_SUB in
	platform)
		case $_name in dsmil.*) ;; *) return 0 ;; esac
		_i=${_name#dsmil.}
		case $EV_ACT in
		add | remove) _ev=$EV_ACT ;;
		change) _ev=$EV_EVENT ;;
		*) _ev= ;;
		esac
		;;
	dsmil)
		_i=${_name%%:*}
		_i=${_i#dsmil}
		_ev=
		[ "$EV_ACT" = change ] && _ev=${EV_EVENT:-${EV_STATE:+change}}
		;;
	*) return 0 ;;
	esac
	[ -n "$_ev" ] || return 0
	[ -n "$INST_SET" ] && [ "$_i" != "$INST" ] && return 0
	watch_time "$EV_TS"
	if [ -n "$JSON" ]; then
		_tj=null
		[ -z "$W_BASE" ] || _tj="\"$T\""
		_l="{\"time\":$_tj,\"uptime\":${EV_TS:-null},\"name\":\"$_name\",\"event\":\"$_ev\""
		if [ -n "$EV_STATE" ]; then
			js "$EV_STATE"
			_l="$_l,\"state\":$J"
		else
			_l="$_l,\"state\":null"
		fi
		jn "$EV_TEMP"
		_l="$_l,\"temperature_mc\":$J}"
	else
		_l="$T $_name $_ev"
		[ -n "$EV_STATE" ] && _l="$_l state=$EV_STATE"
		if [ -n "$EV_TEMP" ]; then
			degc "$EV_TEMP"
			_l="$_l temp=${D}C"
		fi
	fi
	printf '%s\n' "$_l"
	W_N=$((W_N + 1))
}

cmd_watch() {
	[ "$NARGS" -eq 0 ] || usage_error watch "unknown argument '$P1'"
	W_BASE='' W_TZ=0 W_N=0 W_ZONE=
	# wall clock = W_BASE + uptime; W_TZ = the local offset in seconds
	if IFS=' .' read -r _up _ </proc/uptime 2>/dev/null && _now=$(date '+%s %z' 2>/dev/null); then
		_z=${_now#* }
		_now=${_now% *}
		W_BASE=$((_now - _up))
		_zs=${_z%????}
		_z=${_z#?}
		_zh=${_z%??}
		_zm=${_z#??}
		W_TZ=$((${_zh#0} * 3600 + ${_zm#0} * 60))
		[ "$_zs" = - ] && W_TZ=$((-W_TZ))
		W_ZONE=$_zs$_zh:$_zm
	fi
	W_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dsmilctl.XXXXXX") || die "$EX_ERR" "watch: can not create a temporary directory"
	trap 'watch_cleanup; exit 130' INT
	trap 'watch_cleanup; exit 143' TERM HUP
	mkfifo "$W_DIR/events" || {
		watch_cleanup
		die "$EX_ERR" "watch: mkfifo failed"
	}
	_src=--udev
	[ -n "$W_KERNEL" ] && _src=--kernel
	udevadm monitor "$_src" --property --subsystem-match=dsmil --subsystem-match=platform \
		>"$W_DIR/events" 2>"$W_DIR/err" </dev/null &
	W_PID=$!
	exec 3<"$W_DIR/events"
	EV_PATH=
	while IFS= read -r _line <&3; do
		case $_line in
		'UDEV  ['* | 'KERNEL['*)
			EV_TS=${_line#*[}
			EV_TS=${EV_TS%%]*}
			EV_TS=${EV_TS# }
			EV_ACT='' EV_PATH='' EV_SUB='' EV_STATE='' EV_EVENT='' EV_TEMP=''
			;;
		ACTION=*) EV_ACT=${_line#*=} ;;
		DEVPATH=*) EV_PATH=${_line#*=} ;;
		SUBSYSTEM=*) EV_SUB=${_line#*=} ;;
		DSMIL_STATE=*) EV_STATE=${_line#*=} ;;
		DSMIL_EVENT=*) EV_EVENT=${_line#*=} ;;
		DSMIL_TEMP=*) EV_TEMP=${_line#*=} ;;
		'')
			if [ -n "$EV_PATH" ]; then
				watch_emit
				EV_PATH=
				if [ -n "$W_COUNT" ] && [ "$W_N" -ge "$W_COUNT" ]; then
					exec 3<&-
					watch_cleanup
					return 0
				fi
			fi
			;;
		'UDEV - '* | 'KERNEL - '*)
			_what="dsmil events"
			[ -n "$INST_SET" ] && _what="events of dsmil.$INST"
			printf 'dsmilctl: watching %s (udevadm monitor %s; interrupt to stop)\n' "$_what" "$_src" >&2
			;;
		esac
	done
	exec 3<&-
	_rc=0
	wait "$W_PID" || _rc=$?
	W_PID=
	_err=
	[ -s "$W_DIR/err" ] && IFS= read -r _err <"$W_DIR/err"
	watch_cleanup
	[ "$_rc" -eq 0 ] && return 0
	[ "$_rc" -eq 127 ] && die "$EX_ERR" "watch: udevadm not found (install udev)"
	die "$EX_ERR" "watch: udevadm monitor failed (exit $_rc)${_err:+: $_err}"
}
