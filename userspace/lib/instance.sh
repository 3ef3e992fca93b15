# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: instance create|remove|list (configfs).
# Sourced by userspace/dsmilctl for instance.

# arg N -> R: the N-th argument of the command
arg() {
	eval "R=\${P$1-}"
}

need_cfs() {
	[ -d "$CFS" ] && return
	die "$EX_NOENT" "no $CFS: is the dsmil-sim module loaded (modprobe dsmil-sim) and configfs mounted at $CFS_ROOT?"
}

# valid_name NAME
valid_name() {
	case $1 in
	'' | .* | */* | *[!A-Za-z0-9._:+-]*) return 1 ;;
	esac
}

cmd_instance() {
	[ "$NARGS" -ge 1 ] || usage_error instance "wants create, remove or list"
	case $P1 in
	create) instance_create ;;
	remove | rm | delete) instance_remove ;;
	list | ls) instance_list ;;
	*) usage_error instance "unknown subcommand '$P1' (create, remove or list)" ;;
	esac
}

instance_create() {
	[ "$NARGS" -ge 2 ] || usage_error instance "create wants a NAME"
	[ -z "$JSON" ] || usage_error instance "--json is for 'instance list'"
	_name=$P2
	valid_name "$_name" || usage_error instance "not a valid instance name: '$_name' (letters, digits, . _ - : +)"
	need_cfs
	_feat=
	rd "$CFS/features" && _feat=",$R,"
	# check every KEY before touching anything
	_enable=1 _k=3
	while [ "$_k" -le "$NARGS" ]; do
		arg "$_k"
		_kv=$R
		case $_kv in
		*=*) ;;
		*) usage_error instance "not KEY=VALUE: '$_kv'" ;;
		esac
		_key=${_kv%%=*}
		case $_key in
		enable)
			case ${_kv#*=} in 0 | 1) _enable=${_kv#*=} ;; *) usage_error instance "enable wants 0 or 1" ;; esac
			;;
		instance | '') usage_error instance "'$_key' can not be set" ;;
		*)
			case $_feat in
			'' | *",$_key,"*) ;;
			*) usage_error instance "unknown setting '$_key' (settings: $(printf '%s' "${_feat#,}" | sed 's/,enable,instance,$//; s/,$//; s/,/, /g'))" ;;
			esac
			;;
		esac
		_k=$((_k + 1))
	done
	[ -e "$CFS/$_name" ] && die "$EX_BUSY" "instance $_name already exists"
	ERRTXT=$(mkdir "$CFS/$_name" 2>&1) || {
		errtxt
		cfs_fail create "$_name"
	}
	_k=3
	while [ "$_k" -le "$NARGS" ]; do
		arg "$_k"
		_kv=$R
		_key=${_kv%%=*}
		_k=$((_k + 1))
		[ "$_key" = enable ] && continue
		if ! wr "$CFS/$_name/$_key" "${_kv#*=}"; then
			_e=$ERRTXT
			rmdir "$CFS/$_name" 2>/dev/null
			ERRTXT=$_e
			errclass "$ERRTXT"
			case $E in
			EINVAL) die "$EX_INVAL" "instance $_name: invalid value '${_kv#*=}' for $_key" ;;
			ERANGE) die "$EX_INVAL" "instance $_name: $_key=${_kv#*=} is out of range" ;;
			ENOENT) die "$EX_USAGE" "instance $_name: unknown setting '$_key'" ;;
			esac
			cfs_fail "$_key" "$_name"
		fi
	done
	[ "$_enable" = 1 ] || return 0
	if ! wr "$CFS/$_name/enable" 1; then
		_e=$ERRTXT
		rmdir "$CFS/$_name" 2>/dev/null
		ERRTXT=$_e
		errclass "$ERRTXT"
		case $E in
		ERANGE) die "$EX_INVAL" "instance $_name: the tokens do not fit: token_base + groups * devices_per_group exceeds 0xffff" ;;
		EINVAL) die "$EX_INVAL" "instance $_name: the configuration was refused (invalid argument)" ;;
		esac
		cfs_fail enable "$_name"
	fi
	rd "$CFS/$_name/instance"
	printf '%s\n' "$R"
}

instance_remove() {
	[ "$NARGS" -eq 2 ] || usage_error instance "remove wants one NAME"
	_name=$P2
	need_cfs
	case $_name in
	dsmil.*)
		_found=
		for _it in "$CFS"/*/; do
			[ -d "$_it" ] || continue
			rd "${_it}instance"
			[ "$R" = "$_name" ] && _found=${_it%/} && break
		done
		if [ -z "$_found" ]; then
			[ -d "$PLATFORM/$_name" ] &&
				die "$EX_PERM" "$_name was created at module load, not through configfs: unload its module to remove it"
			die "$EX_NOENT" "no instance $_name"
		fi
		_name=${_found##*/}
		;;
	*) valid_name "$_name" || usage_error instance "not a valid instance name: '$_name'" ;;
	esac
	[ -d "$CFS/$_name" ] || die "$EX_NOENT" "no instance $_name in $CFS"
	ERRTXT=$(rmdir "$CFS/$_name" 2>&1) || {
		errtxt
		cfs_fail remove "$_name"
	}
}

instance_list() {
	[ "$NARGS" -eq 1 ] || usage_error instance "list takes no arguments"
	need_module
	instances
	_rows='' _seen=" "
	if [ -d "$CFS" ]; then
		for _it in "$CFS"/*/; do
			[ -d "$_it" ] || continue
			_it=${_it%/}
			_n=${_it##*/}
			rd "$_it/instance"
			_ii=$R
			[ -n "$_ii" ] && _seen="$_seen$_ii "
			rd "$_it/enable"
			_ie=$R
			# configfs instances are always simulated (dsmil-sim)
			_ib=sim
			rd "$_it/groups"
			_ig=$R
			rd "$_it/devices_per_group"
			_ip=$R
			rd "$_it/token_base"
			instance_row "$_n" "$_ii" "$_ie" "$_ib" "$_ig" "$_ip" "$R"
		done
	fi
	for _i in $INSTS; do
		case $_seen in *" dsmil.$_i "*) continue ;; esac
		rd "$PLATFORM/dsmil.$_i/backend"
		_be=$R
		rd "$PLATFORM/dsmil.$_i/group_count"
		_gc=$R
		rd "$PLATFORM/dsmil.$_i/device_count"
		_pg='?'
		is_uint "$R" && is_uint "$_gc" && [ "$_gc" -gt 0 ] && _pg=$((R / _gc))
		_tb='?'
		for _d in "$CLASS/dsmil$_i":*; do
			case ${_d##*:} in g* | '*') continue ;; esac
			_tb=0x${_d##*:}
			break
		done
		instance_row "" "dsmil.$_i" 1 "$_be" "$_gc" "$_pg" "$_tb"
	done
	if [ -n "$JSON" ]; then
		printf '[%s]\n' "$_rows"
	else
		table "NAME	INSTANCE	ENABLED	BACKEND	GROUPS	PER-GROUP	TOKEN-BASE$NL$_rows"
	fi
}

# instance_row NAME INSTANCE ENABLED BACKEND GROUPS PER_GROUP TOKEN_BASE
instance_row() {
	if [ -n "$JSON" ]; then
		if [ -n "$1" ]; then js "$1"; else J=null; fi
		_r="{\"name\":$J"
		jn "${2#dsmil.}"
		_r="$_r,\"instance\":$J"
		jb "$3"
		_r="$_r,\"enabled\":$J"
		js "$4"
		_r="$_r,\"backend\":$J"
		jn "$5"
		_r="$_r,\"groups\":$J"
		jn "$6"
		_r="$_r,\"devices_per_group\":$J"
		js "$7"
		_rows="$_rows${_rows:+,}$_r,\"token_base\":$J}"
	else
		_e=no
		[ "$3" = 1 ] && _e=yes
		_rows="$_rows${1:--}	${2:--}	$_e	${4:--}	${5:--}	${6:--}	${7:--}$NL"
	fi
}
