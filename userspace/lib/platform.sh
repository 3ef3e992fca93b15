# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: status, thermal, stop, resume.
# Sourced by userspace/dsmilctl for these commands.

cmd_status() {
	need_inst
	rd "$PDEV/backend"
	_be=$R
	rd "$PDEV/group_count"
	_gc=$R
	rd "$PDEV/device_count"
	_dc=$R
	rd "$PDEV/active_count"
	_ac=$R
	rd "$PDEV/emergency_stop"
	_es=$R
	rd "$PDEV/thermal_threshold"
	_th=$R
	rd "$PDEV/thermal_hysteresis"
	_hy=$R
	health
	groups_of_inst
	_old=$IFS
	IFS=$NL
	if [ -n "$JSON" ]; then
		_gj='' _sep=''
		for _g in $GRPS; do
			_gn=${_g##*/}
			rd "$_g/state"
			js "$R"
			_gs=$J
			rd "$_g/active_count"
			jn "$R"
			_ga=$J
			rd "$_g/device_count"
			jn "$R"
			_gd=$J
			rd "$_g/temperature"
			_t=$R
			rd "$_g/thermal_limit"
			_l=$R
			alarm "$_t" "$_l" "$_th"
			_al=false
			[ "$A" != - ] && _al=true
			jn "$_t"
			_t=$J
			jn "$_l"
			_gj="$_gj$_sep{\"name\":\"$_gn\",\"group\":${_gn##*:g},\"state\":$_gs,\"active_count\":$_ga,\"device_count\":$_gd,\"temperature_mc\":$_t,\"thermal_limit_mc\":$J,\"alarm\":$_al}"
			_sep=","
		done
		IFS=$_old
		_st=
		for _s in thermal_trips emergency_stops last_stop_latency_ns max_stop_latency_ns; do
			rd "$PDEV/statistics/$_s"
			jn "$R"
			_st="$_st${_st:+,}\"$_s\":$J"
		done
		js "$_be"
		_be=$J
		jn "$_gc"
		_gc=$J
		jn "$_dc"
		_dc=$J
		jn "$_ac"
		_ac=$J
		jb "$_es"
		_es=$J
		jn "$_th"
		_th=$J
		jn "$_hy"
		_hy=$J
		health_json "$PROBS"
		printf '{"instance":%s,"problems":%s,' "$INST" "$J"
		health_json "$NOTES"
		printf '"notes":%s,"backend":%s,"group_count":%s,"device_count":%s,"active_count":%s,' \
			"$J" "$_be" "$_gc" "$_dc" "$_ac"
		printf '"states":{"absent":%s,"ready":%s,"active":%s,"error":%s,"quarantined":%s,"emergency":%s},' \
			"$C_absent" "$C_ready" "$C_active" "$C_error" "$C_quarantined" "$C_emergency"
		printf '"emergency_stop":%s,"threshold_mc":%s,"hysteresis_mc":%s,"groups":[%s],"statistics":{%s}}\n' \
			"$_es" "$_th" "$_hy" "$_gj" "$_st"
		[ "$NPROB" -eq 0 ] || exit "$EX_PROBLEM"
		return 0
	fi
	_rows=
	for _g in $GRPS; do
		_gn=${_g##*/}
		rd "$_g/state"
		_gs=$R
		rd "$_g/active_count"
		_ga=$R
		rd "$_g/device_count"
		_ga=$_ga/$R
		rd "$_g/temperature"
		_t=$R
		rd "$_g/thermal_limit"
		_l=$R
		alarm "$_t" "$_l" "$_th"
		degc "$_t"
		_t=${D}C
		degc "$_l"
		_rows="$_rows  g${_gn##*:g}	$_gs	$_ga	$_t	${D}C	$A$NL"
	done
	IFS=$_old
	case $_es in 1) _es=ON ;; 0) _es=off ;; esac
	degc "$_th"
	_th=${D}C
	degc "$_hy"
	_hy=${D}C
	rd "$PDEV/statistics/thermal_trips"
	_s_trips=$R
	rd "$PDEV/statistics/emergency_stops"
	_s_stops=$R
	rd "$PDEV/statistics/last_stop_latency_ns"
	_s_last=$R
	rd "$PDEV/statistics/max_stop_latency_ns"
	_s_max=$R
	health_text problem "fix: " "$PROBS"
	health_text note "" "$NOTES"
	printf 'dsmil.%s: backend %s, %s groups, %s devices, %s active\n' "$INST" "$_be" "$_gc" "$_dc" "$_ac"
	printf 'states: %s active, %s ready, %s error, %s emergency, %s quarantined, %s absent\n' \
		"$C_active" "$C_ready" "$C_error" "$C_emergency" "$C_quarantined" "$C_absent"
	printf 'emergency stop: %s\n' "$_es"
	printf 'thermal: threshold %s, hysteresis %s, %s trips, %s emergency stops, stop latency %s ns (max %s ns)\n' \
		"$_th" "$_hy" "$_s_trips" "$_s_stops" "$_s_last" "$_s_max"
	table "  GROUP	STATE	ACTIVE	TEMP	LIMIT	ALARM$NL$_rows"
	[ "$NPROB" -eq 0 ] || exit "$EX_PROBLEM"
}

cmd_thermal() {
	if [ "$NARGS" -gt 0 ]; then
		[ "$P1" = set ] || usage_error thermal "unknown argument '$P1' (did you mean 'thermal set'?)"
		[ -z "$JSON" ] || usage_error thermal "--json is for the table, not for 'thermal set'"
		[ "$NARGS" -eq 3 ] || usage_error thermal "'thermal set' wants TARGET and MILLIDEG"
		thermal_set "$P2" "$P3"
		return
	fi
	need_inst
	rd "$PDEV/thermal_threshold"
	_th=$R
	rd "$PDEV/thermal_hysteresis"
	_hy=$R
	rd "$PDEV/emergency_stop"
	_es=$R
	groups_of_inst
	_out='' _sep='' _old=$IFS
	IFS=$NL
	for _g in $GRPS; do
		_gn=${_g##*/}
		rd "$_g/temperature"
		_t=$R
		rd "$_g/thermal_limit"
		_l=$R
		alarm "$_t" "$_l" "$_th"
		if [ -n "$JSON" ]; then
			_al=false _cr=false
			[ "$A" != - ] && _al=true
			[ "$A" = critical ] && _cr=true
			jn "$_t"
			_t=$J
			jn "$_l"
			_out="$_out$_sep{\"name\":\"$_gn\",\"group\":${_gn##*:g},\"temperature_mc\":$_t,\"thermal_limit_mc\":$J,\"alarm\":$_al,\"critical\":$_cr}"
			_sep=,
		else
			degc "$_t"
			_t=${D}C
			degc "$_l"
			_out="${_out}g${_gn##*:g}	$_t	${D}C	$A$NL"
		fi
	done
	IFS=$_old
	if [ -n "$JSON" ]; then
		jb "$_es"
		_es=$J
		jn "$_th"
		_th=$J
		jn "$_hy"
		printf '{"instance":%s,"threshold_mc":%s,"hysteresis_mc":%s,"emergency_stop":%s,"groups":[%s]}\n' \
			"$INST" "$_th" "$J" "$_es" "$_out"
		return 0
	fi
	case $_es in 1) _es=ON ;; 0) _es=off ;; esac
	degc "$_th"
	_th=${D}C
	degc "$_hy"
	table "GROUP	TEMP	LIMIT	ALARM$NL$_out"
	printf 'threshold %s, hysteresis %sC, emergency stop %s\n' "$_th" "$D" "$_es"
}

thermal_set() {
	millideg "$2" || die "$EX_INVAL" "not a temperature: '$2' (millidegrees Celsius, or degrees with a C suffix: 85C)"
	case $1 in
	threshold | hysteresis)
		need_inst
		wr "$PDEV/thermal_$1" "$M" || plat_fail "thermal_$1" "$M"
		;;
	*)
		if is_group_arg "$1"; then
			parse_group "$1" thermal
			wr "$GRPP/thermal_limit" "$M" || group_fail thermal_limit "$M"
		else
			parse_dev "$1" thermal
			wr "$DEVP/thermal_limit" "$M" || dev_fail thermal_limit "$M"
		fi
		;;
	esac
}

cmd_stop() {
	[ "$NARGS" -eq 0 ] || usage_error stop "takes no arguments"
	need_inst
	wr "$PDEV/emergency_stop" 1 || plat_fail emergency_stop 1
}

cmd_resume() {
	[ "$NARGS" -eq 0 ] || usage_error resume "takes no arguments"
	need_inst
	wr "$PDEV/emergency_stop" 0 || plat_fail emergency_stop 0
	count_states
	[ "$C_emergency" -eq 0 ] && return 0
	printf 'dsmilctl: dsmil.%s: emergency stop released; %s devices are still held by temperature (see '\''dsmilctl thermal'\'')\n' \
		"$INST" "$C_emergency" >&2
}
