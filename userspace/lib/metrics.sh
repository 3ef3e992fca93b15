# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: metrics (Prometheus text format).
# Sourced by userspace/dsmilctl for metrics.

# m FAMILY LINE: append a sample to family FAMILY's buffer
m() {
	eval "M_$1=\"\${M_$1}\$2\$NL\""
}

metrics_inst() {
	_pd=$PLATFORM/dsmil.$INST
	_lb="dsmil=\"dsmil.$INST\""
	rd "$_pd/backend"
	js "$R"
	m info "dsmil_info{$_lb,backend=$J} 1"
	rd "$_pd/emergency_stop"
	m emergency_stop "dsmil_emergency_stop{$_lb} $R"
	rd "$_pd/thermal_threshold"
	_th=$R
	fixed "$R" 3
	m threshold "dsmil_thermal_threshold_celsius{$_lb} $D"
	rd "$_pd/thermal_hysteresis"
	fixed "$R" 3
	m hysteresis "dsmil_thermal_hysteresis_celsius{$_lb} $D"
	rd "$_pd/statistics/thermal_trips"
	m trips "dsmil_thermal_trips_total{$_lb} $R"
	rd "$_pd/statistics/emergency_stops"
	m stops "dsmil_emergency_stops_total{$_lb} $R"
	rd "$_pd/statistics/last_stop_latency_ns"
	fixed "$R" 9
	m latency "dsmil_stop_latency_seconds{$_lb,kind=\"last\"} $D"
	rd "$_pd/statistics/max_stop_latency_ns"
	fixed "$R" 9
	m latency "dsmil_stop_latency_seconds{$_lb,kind=\"max\"} $D"

	_gi=0
	while [ -d "$CLASS/dsmil$INST:g$_gi" ]; do
		_g=$CLASS/dsmil$INST:g$_gi
		_gl="$_lb,group=\"$_gi\""
		rd "$_g/temperature"
		_t=$R
		fixed "$R" 3
		m gtemp "dsmil_group_temperature_celsius{$_gl} $D"
		rd "$_g/thermal_limit"
		_l=$R
		fixed "$R" 3
		m glimit "dsmil_group_thermal_limit_celsius{$_gl} $D"
		rd "$_g/active_count"
		m gactive "dsmil_group_active_devices{$_gl} $R"
		alarm "$_t" "$_l" "$_th"
		_a=0
		[ "$A" != - ] && _a=1
		m galarm "dsmil_group_thermal_alarm{$_gl} $_a"
		_gi=$((_gi + 1))
	done

	C_absent=0 C_ready=0 C_active=0 C_error=0 C_quarantined=0 C_emergency=0
	for _d in "$CLASS/dsmil$INST":*; do
		case ${_d##*:} in g* | '*') continue ;; esac
		_n=${_d##*/}
		rd "$_d/group"
		_dl="$_lb,device=\"$_n\",token=\"0x${_n#*:}\",group=\"$R\""
		rd "$_d/state"
		_st=$R
		case $_st in
		absent) C_absent=$((C_absent + 1)) ;;
		ready) C_ready=$((C_ready + 1)) ;;
		active) C_active=$((C_active + 1)) ;;
		error) C_error=$((C_error + 1)) ;;
		quarantined) C_quarantined=$((C_quarantined + 1)) ;;
		emergency) C_emergency=$((C_emergency + 1)) ;;
		esac
		_buf=
		for _s in $STATES; do
			_v=0
			[ "$_s" = "$_st" ] && _v=1
			_buf="${_buf}dsmil_device_state{$_dl,state=\"$_s\"} $_v$NL"
		done
		M_state=$M_state$_buf
		rd "$_d/thermal_limit"
		fixed "$R" 3
		m dlimit "dsmil_device_thermal_limit_celsius{$_dl} $D"
		rd "$_d/statistics/reads"
		m reads "dsmil_device_reads_total{$_dl} $R"
		rd "$_d/statistics/writes"
		m writes "dsmil_device_writes_total{$_dl} $R"
		rd "$_d/statistics/errors"
		m errors "dsmil_device_errors_total{$_dl} $R"
		rd "$_d/statistics/activations"
		m activations "dsmil_device_activations_total{$_dl} $R"
	done
	for _s in $STATES; do
		eval "_v=\$C_$_s"
		m devices "dsmil_devices{$_lb,state=\"$_s\"} $_v"
	done
}

# family NAME TYPE HELP BUFFER
family() {
	eval "_b=\$M_$4"
	[ -n "$_b" ] || return 0
	printf '# HELP %s %s\n# TYPE %s %s\n%s' "$1" "$3" "$1" "$2" "$_b"
}

metrics_all() {
	for _f in info emergency_stop threshold hysteresis trips stops latency \
		gtemp glimit gactive galarm devices state dlimit reads writes errors activations; do
		eval "M_$_f="
	done
	if [ -n "$INST_SET" ]; then
		need_inst
		_list=$INST
	else
		instances
		_list=$INSTS
	fi
	_ninst=0
	for INST in $_list; do
		[ -d "$PLATFORM/dsmil.$INST" ] || continue
		metrics_inst
		_ninst=$((_ninst + 1))
	done
	printf '# HELP dsmil_instances Number of DSMIL instances exported.\n# TYPE dsmil_instances gauge\ndsmil_instances %s\n' "$_ninst"
	family dsmil_info gauge "DSMIL instance; the backend is a label." info
	family dsmil_emergency_stop gauge "1 while the manual emergency stop is engaged." emergency_stop
	family dsmil_thermal_threshold_celsius gauge "Platform thermal ceiling: at or above it every device stops." threshold
	family dsmil_thermal_hysteresis_celsius gauge "Thermal hysteresis for clearing a trip." hysteresis
	family dsmil_thermal_trips_total counter "Thermal evaluations that tripped at least one device." trips
	family dsmil_emergency_stops_total counter "Manual emergency stops." stops
	family dsmil_stop_latency_seconds gauge "Time from trip detection to the last device stopped (last and max)." latency
	family dsmil_group_temperature_celsius gauge "Temperature of the group sensor." gtemp
	family dsmil_group_thermal_limit_celsius gauge "Lowest thermal limit among the group's members." glimit
	family dsmil_group_active_devices gauge "Members of the group in state active." gactive
	family dsmil_group_thermal_alarm gauge "1 when the group temperature is at or above its limit." galarm
	family dsmil_devices gauge "Devices of the instance in each state." devices
	family dsmil_device_state gauge "Device state: 1 for the current state, 0 for the others." state
	family dsmil_device_thermal_limit_celsius gauge "Thermal limit of the device." dlimit
	family dsmil_device_reads_total counter "Token reads that reached the firmware." reads
	family dsmil_device_writes_total counter "Token writes that reached the firmware." writes
	family dsmil_device_errors_total counter "Firmware calls on the device that failed." errors
	family dsmil_device_activations_total counter "Successful activations of the device." activations
}

cmd_metrics() {
	[ "$NARGS" -eq 0 ] || usage_error metrics "unknown argument '$P1'"
	if [ -z "$M_OUT" ]; then
		_txt=$(metrics_all) || exit
		printf '%s\n' "$_txt"
		return 0
	fi
	_dir=.
	case $M_OUT in */*) _dir=${M_OUT%/*} ;; esac
	if [ ! -d "${_dir:-/}" ] || [ ! -w "${_dir:-/}" ]; then
		die "$EX_ERR" "metrics: can not write into ${_dir:-/}"
	fi
	_tmp=$M_OUT.tmp.$$
	(metrics_all) >"$_tmp" || {
		_rc=$?
		rm -f "$_tmp"
		exit "$_rc"
	}
	ERRTXT=$(mv -f "$_tmp" "$M_OUT" 2>&1) || {
		rm -f "$_tmp"
		die "$EX_ERR" "metrics: can not write $M_OUT: ${ERRTXT##*: }"
	}
}
