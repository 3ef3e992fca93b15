# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: a failed write -> one message naming the way out and an exit code.
# Sourced by userspace/dsmilctl.

# dev_fail ATTR VALUE: a write of VALUE to device ATTR failed (ERRTXT).
dev_fail() {
	errclass "$ERRTXT"
	case $E in
	EPERM)
		rd "$DEVP/quarantined"
		[ "$R" = 1 ] && die "$EX_PERM" "$LABEL is quarantined: writes are refused"
		die "$EX_PERM" "$LABEL: the kernel refused to write $1 (operation not permitted; kernel lockdown?)"
		;;
	EACCES)
		[ "$1" = value ] && die "$EX_PERM" "$LABEL: permission denied writing value (root only)"
		die "$EX_PERM" "$LABEL: permission denied writing $1 (root or group dsmil needed)"
		;;
	EROFS) die "$EX_PERM" "$LABEL: the firmware is read-only: load dsmil-84dev with allow_writes=1 to let writes reach it" ;;
	EBUSY)
		rd "$DEVP/state"
		case $1:$R in
		*:emergency) die "$EX_BUSY" "$LABEL is in emergency stop: requests are refused until it clears ('dsmilctl thermal' shows why)" ;;
		value:*) die "$EX_BUSY" "$LABEL is not active (state $R): activate it before setting its value" ;;
		state:error) die "$EX_BUSY" "$LABEL is in state error: reset it first ('dsmilctl reset $LABEL')" ;;
		state:*) [ "$2" = reset ] && die "$EX_BUSY" "$LABEL is not in state error (state $R): nothing to reset" ;;
		esac
		die "$EX_BUSY" "$LABEL is busy (state $R): $1 not changed"
		;;
	EINVAL)
		case $1 in
		value)
			# a well-formed number: the firmware refused it, not the parser
			is_u32 "$2" && die "$EX_INVAL" "$LABEL: the firmware refused value '$2' (invalid argument): the number is well-formed, this token does not take it"
			die "$EX_INVAL" "invalid value '$2' for $LABEL: expected an unsigned 32-bit number, decimal or 0x hexadecimal"
			;;
		thermal_limit) die "$EX_INVAL" "invalid limit '$2' for $LABEL: expected millidegrees Celsius" ;;
		esac
		die "$EX_INVAL" "$LABEL: the kernel refused '$2' for $1 (invalid argument)"
		;;
	ERANGE)
		case $1 in
		value) die "$EX_INVAL" "value '$2' is out of range for $LABEL: token values are 32 bits (0..0xffffffff)" ;;
		thermal_limit)
			rd "$PLATFORM/dsmil.$INST/thermal_threshold"
			die "$EX_INVAL" "limit $2 is out of range for $LABEL: 20000..$R (20 C up to the platform threshold, millidegrees Celsius)"
			;;
		esac
		die "$EX_INVAL" "$LABEL: '$2' is out of range for $1"
		;;
	ENODEV) die "$EX_NOENT" "$LABEL is absent: the firmware does not provide this token" ;;
	ENOENT) die "$EX_NOENT" "$LABEL: $1 does not exist (device removed?)" ;;
	ECANCELED) die "$EX_BUSY" "$LABEL: cancelled by an emergency stop ('dsmilctl status' shows it)" ;;
	ENODATA) die "$EX_BUSY" "$LABEL: the thermal source gives no reading: activations are refused until it does ('dsmilctl doctor' says why)" ;;
	EAGAIN) die "$EX_BUSY" "$LABEL: dsmil.$INST is still reading the device states from the firmware (its ready file reads 0): try again in a moment" ;;
	ETIMEDOUT)
		rd "$DEVP/state"
		die "$EX_FW" "$LABEL: the firmware call timed out (state now $R)"
		;;
	EIO)
		rd "$DEVP/state"
		die "$EX_FW" "$LABEL: the firmware call failed: I/O error (state now $R)"
		;;
	esac
	die "$EX_ERR" "$LABEL: writing $1 failed: $ERRTXT"
}

# group_fail ATTR VALUE: a write to group ATTR failed.
group_fail() {
	errclass "$ERRTXT"
	case $E in
	EPERM) die "$EX_PERM" "$LABEL: the kernel refused to write $1 (operation not permitted; kernel lockdown?)" ;;
	EACCES) die "$EX_PERM" "$LABEL: permission denied writing $1 (root or group dsmil needed)" ;;
	EROFS) die "$EX_PERM" "$LABEL: the firmware is read-only: load dsmil-84dev with allow_writes=1 to let writes reach it" ;;
	EBUSY)
		devices_of_inst
		_old=$IFS
		IFS=$NL
		for _d in $DEVS; do
			rd "$_d/group"
			[ "$R" = "$GRPI" ] || continue
			rd "$_d/state"
			case $R in error | emergency)
				IFS=$_old
				label "${_d##*/}"
				_m=$LABEL
				label "$GRPN"
				case $R in
				error) die "$EX_BUSY" "$LABEL: member $_m is in state error: nothing changed (reset it first)" ;;
				*) die "$EX_BUSY" "$LABEL: member $_m is in emergency stop: nothing changed" ;;
				esac
				;;
			esac
		done
		IFS=$_old
		die "$EX_BUSY" "$LABEL is busy: nothing changed"
		;;
	EINVAL) die "$EX_INVAL" "invalid ${1%_*} '$2' for group $LABEL" ;;
	ERANGE)
		rd "$PLATFORM/dsmil.$INST/thermal_threshold"
		die "$EX_INVAL" "limit $2 is out of range for group $LABEL: 20000..$R (20 C up to the platform threshold, millidegrees Celsius)"
		;;
	ENOENT) die "$EX_NOENT" "$LABEL: $1 does not exist (instance removed?)" ;;
	ECANCELED) die "$EX_BUSY" "$LABEL: cancelled by an emergency stop ('dsmilctl status' shows it)" ;;
	ENODATA) die "$EX_BUSY" "$LABEL: the thermal source gives no reading: no member was switched on ('dsmilctl doctor' says why)" ;;
	EAGAIN) die "$EX_BUSY" "$LABEL: dsmil.$INST is still reading the device states from the firmware (its ready file reads 0): try again in a moment" ;;
	ETIMEDOUT) die "$EX_FW" "$LABEL: a firmware call timed out: every member was put back into its previous state" ;;
	EIO) die "$EX_FW" "$LABEL: a firmware call failed (I/O error): every member was put back into its previous state" ;;
	esac
	die "$EX_ERR" "$LABEL: writing $1 failed: $ERRTXT"
}

# plat_fail ATTR VALUE: a write to a platform attribute failed.
plat_fail() {
	errclass "$ERRTXT"
	case $E in
	EPERM) die "$EX_PERM" "dsmil.$INST: the kernel refused to write $1 (operation not permitted; kernel lockdown?)" ;;
	EACCES) die "$EX_PERM" "dsmil.$INST: permission denied writing $1 (root needed)" ;;
	EROFS) die "$EX_PERM" "dsmil.$INST: the firmware is read-only: load dsmil-84dev with allow_writes=1 to let writes reach it" ;;
	EBUSY) die "$EX_BUSY" "dsmil.$INST: $1 is busy" ;;
	EINVAL) die "$EX_INVAL" "invalid value '$2' for $1 of dsmil.$INST" ;;
	ERANGE)
		case $1 in
		thermal_threshold) die "$EX_INVAL" "threshold $2 is out of range: 20000..150000 millidegrees Celsius" ;;
		thermal_hysteresis) die "$EX_INVAL" "hysteresis $2 is out of range: 0..50000 millidegrees Celsius" ;;
		esac
		die "$EX_INVAL" "value '$2' is out of range for $1 of dsmil.$INST"
		;;
	ENOENT | ENODEV) die "$EX_NOENT" "dsmil.$INST: $1 does not exist (instance removed?)" ;;
	ETIMEDOUT | EIO) die "$EX_FW" "dsmil.$INST: writing $1 failed: $ERRTXT" ;;
	esac
	die "$EX_ERR" "dsmil.$INST: writing $1 failed: $ERRTXT"
}

# cfs_fail WHAT NAME: a configfs operation on item NAME failed.
cfs_fail() {
	errclass "$ERRTXT"
	case $E in
	EACCES | EPERM) die "$EX_PERM" "instance $2: $1: permission denied (root needed)" ;;
	EBUSY) die "$EX_BUSY" "instance $2 is enabled: its configuration is frozen ($1)" ;;
	EEXIST) die "$EX_BUSY" "instance $2 already exists" ;;
	EINVAL) die "$EX_INVAL" "instance $2: invalid $1" ;;
	ERANGE) die "$EX_INVAL" "instance $2: $1 is out of range" ;;
	ENOENT) die "$EX_NOENT" "instance $2: $1: no such setting or instance" ;;
	ENODEV) die "$EX_NOENT" "instance $2: $1: no such device" ;;
	ETIMEDOUT | EIO) die "$EX_FW" "instance $2: $1: firmware error: $ERRTXT" ;;
	esac
	die "$EX_ERR" "instance $2: $1 failed: $ERRTXT"
}
