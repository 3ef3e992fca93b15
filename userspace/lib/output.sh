# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: errors, numbers and output formats (tables, JSON).
# Sourced by userspace/dsmilctl; no side effect but defining functions.

# die CODE MESSAGE: one line on stderr, nothing on stdout, exit CODE.
die() {
	printf 'dsmilctl: %s\n' "$2" >&2
	exit "$1"
}

# usage_error [CMD] MESSAGE
usage_error() {
	if [ $# -ge 2 ]; then
		printf 'dsmilctl: %s: %s\nTry '\''dsmilctl %s --help'\''.\n' "$1" "$2" "$1" >&2
	else
		printf 'dsmilctl: %s\nTry '\''dsmilctl --help'\''.\n' "$1" >&2
	fi
	exit "$EX_USAGE"
}

# lower S -> L: S with A-F in lower case (hex digits only).
lower() {
	L='' _s=$1
	while [ -n "$_s" ]; do
		_c=${_s%"${_s#?}"}
		_s=${_s#?}
		case $_c in
		A) _c=a ;; B) _c=b ;; C) _c=c ;; D) _c=d ;; E) _c=e ;; F) _c=f ;;
		esac
		L=$L$_c
	done
}

# is_uint S
is_uint() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
}

# is_u32 S: an unsigned 32-bit number, decimal or 0x hexadecimal, as the
# driver's "value" parses it
is_u32() {
	case $1 in
	0[xX]*)
		_h=${1#0[xX]}
		while :; do
			case $_h in 0?*) _h=${_h#0} ;; *) break ;; esac
		done
		case $_h in '' | *[!0-9a-fA-F]* | ?????????*) return 1 ;; esac
		;;
	*)
		is_uint "$1" || return 1
		_h=$1
		while :; do
			case $_h in 0?*) _h=${_h#0} ;; *) break ;; esac
		done
		[ ${#_h} -lt 10 ] || { [ ${#_h} -eq 10 ] && [ "$_h" -le 4294967295 ]; }
		;;
	esac
}

# is_int S
is_int() {
	is_uint "${1#-}"
}

# degc MILLIDEG -> D: degrees with one decimal ("45.5"), for humans.
degc() {
	if ! is_int "$1"; then
		D='?'
		return
	fi
	_v=$1 _sign=
	case $_v in -*) _sign=- _v=${_v#-} ;; esac
	_v=$(((_v + 50) / 100))
	D=$_sign$((_v / 10)).$((_v % 10))
}

# fixed VALUE DIGITS -> D: VALUE / 10^DIGITS exactly, trailing zeros
# dropped ("45000" 3 -> "45", "1500" 3 -> "1.5"), for Prometheus.
fixed() {
	if ! is_int "$1"; then
		D=NaN
		return
	fi
	_v=$1 _sign='' _div=1 _n=0
	case $_v in -*) _sign=- _v=${_v#-} ;; esac
	while [ "$_n" -lt "$2" ]; do
		_div=$((_div * 10))
		_n=$((_n + 1))
	done
	_f=$((_v % _div))
	D=$_sign$((_v / _div))
	[ "$_f" -eq 0 ] && return
	_f=$((_f + _div))
	_f=${_f#1}
	while :; do
		case $_f in *0) _f=${_f%0} ;; *) break ;; esac
	done
	D=$D.$_f
}

# millideg ARG -> M: millidegrees from "85000", "85C", "85.5C", "-5C".
millideg() {
	case $1 in
	*[cC])
		_v=${1%[cC]}
		_sign=
		case $_v in -*) _sign=- _v=${_v#-} ;; esac
		_i=${_v%%.*} _f=
		[ "$_i" != "$_v" ] && _f=${_v#*.}
		is_uint "$_i" || return 1
		[ -z "$_f" ] || is_uint "$_f" || return 1
		[ ${#_f} -le 3 ] || return 1
		while [ ${#_f} -lt 3 ]; do _f=${_f}0; done
		while :; do
			case $_i in 0?*) _i=${_i#0} ;; *) break ;; esac
		done
		while :; do
			case $_f in 0?*) _f=${_f#0} ;; *) break ;; esac
		done
		M=$_sign$((_i * 1000 + _f))
		;;
	*)
		is_int "$1" || return 1
		M=$1
		;;
	esac
}

# table TEXT: print TEXT, lines of tab-separated fields, in aligned columns
# (two spaces between them).  Fields must not be empty.
table() {
	_tbl=$1 _i=1
	while [ "$_i" -le 9 ]; do
		eval "_w$_i=0"
		_i=$((_i + 1))
	done
	_old=$IFS _nc=0
	set -f
	IFS=$NL
	for _line in $_tbl; do
		IFS='	'
		# shellcheck disable=SC2086 # split into fields on purpose
		set -- $_line
		_i=1
		for _f; do
			eval "[ \${#_f} -gt \$_w$_i ] && _w$_i=\${#_f}"
			_i=$((_i + 1))
		done
		[ $# -gt "$_nc" ] && _nc=$#
		IFS=$NL
	done
	_fmt='' _i=1
	while [ "$_i" -lt "$_nc" ]; do
		eval "_fmt=\"\$_fmt%-\${_w$_i}s  \""
		_i=$((_i + 1))
	done
	_fmt="$_fmt%s\n"
	for _line in $_tbl; do
		IFS='	'
		# shellcheck disable=SC2086
		set -- $_line
		# shellcheck disable=SC2059 # the format is built above
		printf "$_fmt" "$@"
		IFS=$NL
	done
	IFS=$_old
	set +f
}

# js S -> J: S as a JSON string.
js() {
	case $1 in
	*[\"\\]* | *[![:print:]]*) ;;
	*)
		J="\"$1\""
		return
		;;
	esac
	J='' _s=$1
	while [ -n "$_s" ]; do
		_c=${_s%"${_s#?}"}
		_s=${_s#?}
		case $_c in
		\") _c='\"' ;;
		\\) _c="\\\\" ;;
		"$NL") _c='\n' ;;
		"	") _c='\t' ;;
		[[:cntrl:]]) _c= ;;
		esac
		J=$J$_c
	done
	J="\"$J\""
}

# jn S -> J: S as a JSON number, or null.
jn() {
	if is_int "$1"; then J=$1; else J=null; fi
}

# jb 0|1 -> J: false/true
jb() {
	case $1 in 1) J=true ;; 0) J=false ;; *) J=null ;; esac
}
