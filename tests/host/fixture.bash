# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A fake sysfs/configfs/debugfs tree for the host-side tests of dsmilctl and
# lsdsmil: regular files, directories and symbolic links laid out like the
# kernel's (abi/sysfs-*, Documentation/thermal.rst), so that the tools run
# against it through DSMIL_SYSFS (dsmilctl) and SYSFS_PATH (libsysfs), with
# no kernel and no root.
#
# Sourced by tests/host/*.bats; also runnable to leave a tree behind for
# manual use:
#
#   bash tests/host/fixture.bash DIR          # then: DSMIL_SYSFS=DIR dsmilctl list
#
# Functions (ROOT is the fake /sys):
#   fake_instance ROOT N [GROUPS PER_GROUP TOKEN_BASE BACKEND]
#                       platform device dsmil.N with its groups and devices
#                       (default 7 x 12 from 0x8000 on "sim"), class links,
#                       hwmon, debugfs sim/ knobs
#   fake_configfs ROOT  /kernel/config/dsmil with "features"
#   fake_tree ROOT      fake_instance 0 + fake_configfs
#   fake_put ROOT REL VALUE    write VALUE + newline into ROOT/REL
#
# What a regular file can not do is simulated as follows; each test says
# which one it relies on:
#
# * The kernel's answer to a write (state changes, value parsing): not
#   simulated.  A write just stores the bytes, and the tests check the bytes
#   the tool wrote.  The behaviour of the real driver is covered by the guest
#   suite tests/kernel/userspace.bats.
# * An errno from a write or a read: dsmilctl does every write and every
#   firmware read ("value") through dd(1), which reports the kernel's errno
#   as "dd: error writing 'FILE': <strerror>".  fake_errno ROOT REL ERRNO
#   makes the fake dd in $FAKE_BIN (first in PATH) answer exactly that for
#   FILE, with glibc's strerror text, and exit 1 like the real dd; every
#   other call runs the real dd.  fake_errno_clear ROOT drops the list.
# * EACCES is real: the file is made 0444 (or 0400) and the tool runs as the
#   unprivileged user "nobody" (setpriv), so open(2) itself fails.
# * ENOENT is real: a missing file or directory.
# * configfs mkdir: configfs creates an item's attribute files itself; the
#   fake mkdir in $FAKE_BIN does the same below ROOT/kernel/config/dsmil/
#   (the default values of driver/configfs.c, and "instance" = the value of
#   FAKE_CFS_INSTANCE, since enabling cannot create a platform device here);
#   the fake rmdir removes such an item with its files, as configfs does.
# * Every dd call is logged to ROOT/../dd.log (its arguments), so that the
#   tests can count firmware reads and writes (and check there is no retry).
# * udevadm monitor: the fake udevadm prints the events of the file named by
#   FAKE_UDEV_EVENTS in udevadm's --property format, then sleeps
#   FAKE_UDEV_LINGER seconds (default 0) as a real monitor would.

FAKE_QUARANTINED=" 8009 800a 800b 8019 8029 "

# _p FILE VALUE: FILE holds VALUE and a newline (mkdir -p of its dir).
_p() {
	printf '%s\n' "$2" >"$1"
}

fake_put() {
	printf '%s\n' "$3" >"$1/$2"
}

# fake_instance ROOT N [GROUPS PER_GROUP TOKEN_BASE BACKEND]
fake_instance() {
	local root=$1 n=$2 groups=${3:-7} per=${4:-12} base=${5:-0x8000} backend=${6:-sim}
	local pdev=$root/devices/platform/dsmil.$n g i t tok gdir ddir st q total hw
	total=$((groups * per))
	mkdir -p "$pdev/statistics" "$pdev/dsmil" "$root/class/dsmil" \
		"$root/bus/platform/devices" "$root/bus/platform/drivers/dsmil" \
		"$root/class/hwmon"
	_p "$pdev/backend" "$backend"
	_p "$pdev/group_count" "$groups"
	_p "$pdev/device_count" "$total"
	_p "$pdev/active_count" 0
	_p "$pdev/thermal_threshold" 100000
	_p "$pdev/thermal_hysteresis" 5000
	_p "$pdev/emergency_stop" 0
	# a simulated instance: its windows are in kernel memory, no region
	_p "$pdev/mmio_base" 0x0
	_p "$pdev/mmio_size" 0
	_p "$pdev/mmio_chunks_mapped" 0
	_p "$pdev/modalias" "platform:dsmil"
	printf 'DRIVER=dsmil\nMODALIAS=platform:dsmil\n' >"$pdev/uevent"
	_p "$pdev/statistics/thermal_trips" 0
	_p "$pdev/statistics/emergency_stops" 0
	_p "$pdev/statistics/last_stop_latency_ns" 0
	_p "$pdev/statistics/max_stop_latency_ns" 0
	ln -sfn ../../../bus/platform/drivers/dsmil "$pdev/driver"
	ln -sfn ../../../bus/platform "$pdev/subsystem"
	ln -sfn "../../../devices/platform/dsmil.$n" "$root/bus/platform/devices/dsmil.$n"
	ln -sfn "../../../../devices/platform/dsmil.$n" "$root/bus/platform/drivers/dsmil/dsmil.$n"

	# hwmon: one device named dsmil, temp1..N = groups
	hw=hwmon$((n + 10))
	mkdir -p "$pdev/hwmon/$hw"
	_p "$pdev/hwmon/$hw/name" dsmil
	ln -sfn "../../../dsmil.$n" "$pdev/hwmon/$hw/device"
	ln -sfn "../../devices/platform/dsmil.$n/hwmon/$hw" "$root/class/hwmon/$hw"

	mkdir -p "$root/kernel/debug/dsmil/dsmil.$n/sim"
	_p "$root/kernel/debug/dsmil/dsmil.$n/sim/latency_us" 0
	_p "$root/kernel/debug/dsmil/dsmil.$n/sim/fault" none
	: >"$root/kernel/debug/dsmil/dsmil.$n/sim/token_writes"

	for ((g = 0; g < groups; g++)); do
		gdir=$pdev/dsmil/dsmil$n:g$g
		mkdir -p "$gdir"
		_p "$gdir/state" ready
		_p "$gdir/device_count" "$per"
		_p "$gdir/active_count" 0
		_p "$gdir/temperature" $((45000 + g * 1000))
		_p "$gdir/thermal_limit" 90000
		printf 'DEVTYPE=dsmil_group\n' >"$gdir/uevent"
		ln -sfn "../../../dsmil.$n" "$gdir/device"
		ln -sfn ../../../../../class/dsmil "$gdir/subsystem"
		ln -sfn "../../devices/platform/dsmil.$n/dsmil/dsmil$n:g$g" "$root/class/dsmil/dsmil$n:g$g"
		_p "$root/kernel/debug/dsmil/dsmil.$n/sim/temp_g$g" $((45000 + g * 1000))
		_p "$pdev/hwmon/$hw/temp$((g + 1))_input" $((45000 + g * 1000))
		_p "$pdev/hwmon/$hw/temp$((g + 1))_label" "group$g"
		_p "$pdev/hwmon/$hw/temp$((g + 1))_max" 90000
		_p "$pdev/hwmon/$hw/temp$((g + 1))_crit" 100000
		_p "$pdev/hwmon/$hw/temp$((g + 1))_max_alarm" 0
		_p "$pdev/hwmon/$hw/temp$((g + 1))_crit_alarm" 0
		for ((i = 0; i < per; i++)); do
			t=$((base + g * per + i))
			printf -v tok '%04x' "$t"
			ddir=$gdir/dsmil$n:$tok
			mkdir -p "$ddir/statistics"
			q=0 st=ready
			if [[ $base == 0x8000 && $FAKE_QUARANTINED == *" $tok "* ]]; then
				q=1 st=quarantined
			fi
			_p "$ddir/token" "0x$tok"
			_p "$ddir/group" "$g"
			_p "$ddir/index" "$i"
			_p "$ddir/quarantined" "$q"
			_p "$ddir/state" "$st"
			printf '0x%08x\n' $((0xd5000000 | t)) >"$ddir/value"
			chmod 0600 "$ddir/value"
			_p "$ddir/thermal_limit" 90000
			printf 'DEVTYPE=dsmil_device\n' >"$ddir/uevent"
			head -c 4096 /dev/zero >"$ddir/registers" 2>/dev/null || : >"$ddir/registers"
			chmod 0600 "$ddir/registers"
			_p "$ddir/statistics/reads" 0
			_p "$ddir/statistics/writes" 0
			_p "$ddir/statistics/errors" 0
			_p "$ddir/statistics/activations" 0
			ln -sfn "../../dsmil$n:g$g" "$ddir/device"
			ln -sfn ../../../../../../class/dsmil "$ddir/subsystem"
			ln -sfn "../../devices/platform/dsmil.$n/dsmil/dsmil$n:g$g/dsmil$n:$tok" \
				"$root/class/dsmil/dsmil$n:$tok"
			printf '0x%s 0\n' "$tok" >>"$root/kernel/debug/dsmil/dsmil.$n/sim/token_writes"
		done
	done
}

fake_configfs() {
	mkdir -p "$1/kernel/config/dsmil"
	_p "$1/kernel/config/dsmil/features" \
		"groups,devices_per_group,token_base,thermal_threshold,sim_absent,enable,instance"
}

# fake_cfs_item ROOT NAME [INSTANCE]: what mkdir creates in configfs, with
# dsmil-sim's defaults (driver/sim/configfs.c); INSTANCE non-empty = enabled.
fake_cfs_item() {
	local d=$1/kernel/config/dsmil/$2
	mkdir -p "$d"
	_p "$d/groups" 7
	_p "$d/devices_per_group" 12
	_p "$d/token_base" 0x8000
	_p "$d/thermal_threshold" 100000
	_p "$d/sim_absent" ""
	if [[ -n ${3:-} ]]; then
		_p "$d/enable" 1
		_p "$d/instance" "$3"
	else
		_p "$d/enable" 0
		_p "$d/instance" ""
	fi
}

fake_tree() {
	fake_instance "$1" 0
	fake_configfs "$1"
}

# ---------------------------------------------------------------------------
# errno injection through a fake dd, fake mkdir (configfs) and fake udevadm

# glibc's strerror texts of the errnos the driver returns.
fake_strerror() {
	case $1 in
	EPERM) REPLY="Operation not permitted" ;;
	EACCES) REPLY="Permission denied" ;;
	EBUSY) REPLY="Device or resource busy" ;;
	EINVAL) REPLY="Invalid argument" ;;
	ERANGE) REPLY="Numerical result out of range" ;;
	ENODEV) REPLY="No such device" ;;
	ENOENT) REPLY="No such file or directory" ;;
	ETIMEDOUT) REPLY="Connection timed out" ;;
	EIO) REPLY="Input/output error" ;;
	EEXIST) REPLY="File exists" ;;
	ENOSPC) REPLY="No space left on device" ;;
	EROFS) REPLY="Read-only file system" ;;
	ECANCELED) REPLY="Operation canceled" ;;
	ENODATA) REPLY="No data available" ;;
	EAGAIN) REPLY="Resource temporarily unavailable" ;;
	*) return 1 ;;
	esac
}

# fake_errno ROOT REL ERRNO: the next writes and reads of ROOT/REL through
# dd fail with ERRNO.
fake_errno() {
	local real
	real=$(realpath -m "$1/$2")
	printf '%s %s\n' "$real" "$3" >>"$1/../errno.map"
}

fake_errno_clear() {
	rm -f "$1/../errno.map"
}

# fake_bin DIR ROOT: the fake dd, mkdir and udevadm in DIR.
fake_bin() {
	local dir=$1 root=$2 realdd realmkdir realrmdir sane=/usr/local/bin:/usr/bin:/bin
	realdd=$(PATH=$sane command -v dd)
	realmkdir=$(PATH=$sane command -v mkdir)
	realrmdir=$(PATH=$sane command -v rmdir)
	mkdir -p "$dir"
	cat >"$dir/dd" <<EOF
#!/bin/bash
# fake dd (tests/host/fixture.bash): injected errnos, else the real dd
map="$root/../errno.map"
strerror() { $(declare -f fake_strerror | sed '1,2d;$d'); }
printf '%s\n' "\$*" >>"$root/../dd.log"
file= op=
for a in "\$@"; do
	case \$a in
	of=*) file=\${a#of=} op=writing ;;
	if=*) file=\${a#if=} op=reading ;;
	esac
done
if [[ -n \$file && -f \$map ]]; then
	real=\$(realpath -m "\$file")
	while read -r p e; do
		if [[ \$p == "\$real" ]]; then
			strerror "\$e"
			cat >/dev/null
			printf "dd: error %s '%s': %s\n" "\$op" "\$file" "\$REPLY" >&2
			exit 1
		fi
	done <"\$map"
fi
exec $realdd "\$@"
EOF
	cat >"$dir/mkdir" <<EOF
#!/bin/bash
# fake mkdir (tests/host/fixture.bash): configfs items get their attributes
$realmkdir "\$@" || exit
PATH=$sane
cfs=\$(realpath -m "$root/kernel/config/dsmil")
for a in "\$@"; do
	[[ \$a == -* ]] && continue
	d=\$(realpath -m "\$a")
	[[ \${d%/*} == "\$cfs" ]] || continue
	$(declare -f _p fake_cfs_item)
	fake_cfs_item "$root" "\${d##*/}"
	[[ -z \${FAKE_CFS_INSTANCE:-} ]] || _p "\$d/instance" "\$FAKE_CFS_INSTANCE"
done
EOF
	cat >"$dir/rmdir" <<EOF
#!/bin/bash
# fake rmdir (tests/host/fixture.bash): configfs items go with their files
cfs=\$(realpath -m "$root/kernel/config/dsmil")
for a in "\$@"; do
	[[ \$a == -* ]] && continue
	d=\$(realpath -m "\$a")
	if [[ \${d%/*} == "\$cfs" && -d \$d ]]; then
		rm -rf "\$d"
	else
		$realrmdir "\$a" || exit
	fi
done
EOF
	cat >"$dir/udevadm" <<'EOF'
#!/bin/bash
# fake udevadm (tests/host/fixture.bash): "monitor" replays FAKE_UDEV_EVENTS
[[ $1 == monitor ]] || { echo "fake udevadm: only monitor" >&2; exit 2; }
printf '%s\n' "$*" >"${FAKE_UDEV_ARGS:-/dev/null}"
printf '%s\n' "$$" >"${FAKE_UDEV_PIDFILE:-/dev/null}"
echo "monitor will print the received events for:"
case " $* " in
*" --kernel "*) echo "KERNEL - the kernel uevent" ;;
*) echo "UDEV - the event which udev sends out after rule processing" ;;
esac
echo
[[ -z ${FAKE_UDEV_EVENTS:-} ]] || cat "$FAKE_UDEV_EVENTS"
[[ ${FAKE_UDEV_LINGER:-0} == 0 ]] || exec sleep "$FAKE_UDEV_LINGER"
EOF
	chmod 0755 "$dir/dd" "$dir/mkdir" "$dir/rmdir" "$dir/udevadm"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -eu
	[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
	mkdir -p "$1"
	fake_tree "$1"
	echo "fake tree in $1: DSMIL_SYSFS=$1 SYSFS_PATH=$1"
fi
