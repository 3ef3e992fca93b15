# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: list, show, get, set, activate, deactivate, reset.
# Sourced by userspace/dsmilctl for these commands.

cmd_list() {
	need_inst
	devices_of_inst
	_out='' _old=$IFS
	IFS=$NL
	if [ -n "$JSON" ]; then
		_sep=
		for _d in $DEVS; do
			_n=${_d##*/}
			rd "$_d/state"
			_st=$R
			rd "$_d/group"
			jn "$R"
			_gr=$J
			_q=false
			[ "$_st" = quarantined ] && _q=true
			js "$_st"
			_out="$_out$_sep{\"name\":\"$_n\",\"instance\":$INST,\"token\":\"0x${_n#*:}\",\"group\":$_gr,\"state\":$J,\"quarantined\":$_q}"
			_sep=",$NL"
		done
		IFS=$_old
		printf '[%s]\n' "$_out"
		return 0
	fi
	# The group is the parent directory of each device (devices/platform/
	# dsmil.N/dsmil/dsmilN:gG/dsmilN:TTTT): walking the groups saves a read
	# of every device's "group" file, half the opens of a listing.
	rd "$PDEV/group_count"
	_ng=$R _g=0
	while [ "$_g" -lt "$_ng" ] 2>/dev/null; do
		for _d in "$PDEV/dsmil/dsmil$INST:g$_g/dsmil$INST":*; do
			[ -e "$_d/state" ] || continue
			_n=${_d##*/}
			rd "$_d/state"
			_st=$R
			_q=no
			[ "$_st" = quarantined ] && _q=yes
			_out="$_out$_n	0x${_n#*:}	g$_g	$_st	$_q$NL"
		done
		_g=$((_g + 1))
	done
	IFS=$_old
	table "DEVICE	TOKEN	GROUP	STATE	QUARANTINED$NL$_out"
}

cmd_show() {
	[ "$NARGS" -eq 1 ] || usage_error show "wants one DEV or GROUP"
	if is_group_arg "$P1"; then
		show_group
		return
	fi
	parse_dev "$P1" show
	rd "$DEVP/token"
	_v_token=$R
	rd "$DEVP/group"
	_v_group=$R
	rd "$DEVP/index"
	_v_index=$R
	rd "$DEVP/state"
	_v_state=$R
	rd "$DEVP/quarantined"
	_v_quarantined=$R
	rd "$DEVP/thermal_limit"
	_v_limit=$R
	rd "$DEVP/statistics/reads"
	_s_reads=$R
	rd "$DEVP/statistics/writes"
	_s_writes=$R
	rd "$DEVP/statistics/errors"
	_s_errors=$R
	rd "$DEVP/statistics/activations"
	_s_activations=$R
	_regs=0
	[ -e "$DEVP/registers" ] && _regs=1
	if [ -n "$JSON" ]; then
		js "$_v_token"
		_tok=$J
		jn "$_v_group"
		_gr=$J
		jn "$_v_index"
		_ix=$J
		js "$_v_state"
		_st=$J
		jb "$_v_quarantined"
		_q=$J
		jn "$_v_limit"
		_tl=$J
		jb "$_regs"
		_rg=$J
		jn "$_s_reads"
		_stats="\"reads\":$J"
		jn "$_s_writes"
		_stats="$_stats,\"writes\":$J"
		jn "$_s_errors"
		_stats="$_stats,\"errors\":$J"
		jn "$_s_activations"
		_stats="$_stats,\"activations\":$J"
		printf '{"name":"%s","instance":%s,"token":%s,"group":%s,"index":%s,"state":%s,"quarantined":%s,"thermal_limit_mc":%s,"registers":%s,"statistics":{%s}}\n' \
			"$DEVN" "$INST" "$_tok" "$_gr" "$_ix" "$_st" "$_q" "$_tl" "$_rg" "$_stats"
		return 0
	fi
	case $_v_quarantined in 1) _q=yes ;; 0) _q=no ;; *) _q=$_v_quarantined ;; esac
	case $_regs in 1) _regs="4096-byte window (file registers)" ;; *) _regs=none ;; esac
	degc "$_v_limit"
	printf '%s\n  token:          %s\n  group:          g%s (index %s)\n  state:          %s\n  quarantined:    %s\n' \
		"$DEVN" "$_v_token" "$_v_group" "$_v_index" "$_v_state" "$_q"
	printf '  thermal limit:  %sC (%s millidegrees)\n  registers:      %s\n' "$D" "$_v_limit" "$_regs"
	printf '  statistics:     %s reads, %s writes, %s errors, %s activations\n' \
		"$_s_reads" "$_s_writes" "$_s_errors" "$_s_activations"
}

show_group() {
	parse_group "$P1" show
	rd "$GRPP/state"
	_v_state=$R
	rd "$GRPP/device_count"
	_v_device_count=$R
	rd "$GRPP/active_count"
	_v_active_count=$R
	rd "$GRPP/temperature"
	_v_temperature=$R
	rd "$GRPP/thermal_limit"
	_v_limit=$R
	devices_of_inst
	_mem='' _old=$IFS
	IFS=$NL
	for _d in $DEVS; do
		rd "$_d/group"
		[ "$R" = "$GRPI" ] || continue
		if [ -n "$JSON" ]; then
			_mem="$_mem${_mem:+,}\"${_d##*/}\""
		else
			_mem="$_mem${_mem:+ }${_d##*:}"
		fi
	done
	IFS=$_old
	if [ -n "$JSON" ]; then
		js "$_v_state"
		_st=$J
		jn "$_v_device_count"
		_dc=$J
		jn "$_v_active_count"
		_ac=$J
		jn "$_v_temperature"
		_t=$J
		jn "$_v_limit"
		printf '{"name":"%s","instance":%s,"group":%s,"state":%s,"device_count":%s,"active_count":%s,"temperature_mc":%s,"thermal_limit_mc":%s,"devices":[%s]}\n' \
			"$GRPN" "$INST" "$GRPI" "$_st" "$_dc" "$_ac" "$_t" "$J" "$_mem"
		return 0
	fi
	degc "$_v_temperature"
	_t=$D
	degc "$_v_limit"
	printf '%s\n  state:          %s\n  devices:        %s (%s active)\n  temperature:    %sC\n  thermal limit:  %sC (lowest member limit)\n  members:        %s\n' \
		"$GRPN" "$_v_state" "$_v_device_count" "$_v_active_count" "$_t" "$D" "$_mem"
}

cmd_get() {
	[ "$NARGS" -eq 1 ] || usage_error get "wants one DEV"
	is_group_arg "$P1" && usage_error get "a group has no value: give a device"
	parse_dev "$P1" get
	rdfw "$DEVP/value" && {
		printf '%s\n' "$R"
		return 0
	}
	errclass "$ERRTXT"
	case $E in
	EACCES) die "$EX_PERM" "$LABEL: permission denied reading value (root or group dsmil needed)" ;;
	ENODEV) die "$EX_NOENT" "$LABEL is absent: the firmware does not provide this token" ;;
	ENOENT) die "$EX_NOENT" "$LABEL: value does not exist (device removed?)" ;;
	ETIMEDOUT) die "$EX_FW" "$LABEL: the firmware token read timed out" ;;
	EIO) die "$EX_FW" "$LABEL: the firmware token read failed: I/O error" ;;
	EPERM) die "$EX_PERM" "$LABEL: reading value is not permitted (kernel lockdown?)" ;;
	ECANCELED) die "$EX_BUSY" "$LABEL: the read was cancelled by an emergency stop (nothing reached the firmware)" ;;
	esac
	die "$EX_ERR" "$LABEL: reading value failed: $ERRTXT"
}

cmd_set() {
	[ "$NARGS" -eq 2 ] || usage_error set "wants DEV and VALUE"
	is_group_arg "$P1" && usage_error set "a group has no value: give a device"
	parse_dev "$P1" set
	wr "$DEVP/value" "$P2" || dev_fail value "$P2"
}

# request CMD WORD: write WORD to the state of a device or a group.
request() {
	[ "$NARGS" -eq 1 ] || usage_error "$1" "wants one DEV or GROUP"
	if is_group_arg "$P1"; then
		[ "$2" = reset ] && usage_error reset "a group can not be reset: reset its members"
		parse_group "$P1" "$1"
		wr "$GRPP/state" "$2" || group_fail state "$2"
	else
		parse_dev "$P1" "$1"
		wr "$DEVP/state" "$2" || dev_fail state "$2"
	fi
}
