#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Second stage inside the guest, run by the initramfs /init (PID 1) after
# it switched root to the overlay of the host root.  run-guest.sh copies it into the run dir,
# which the guest sees at /.dsmil-run.
#
# Sets up a normal-looking system (pseudo filesystems, /dev links, PATH),
# then runs /.dsmil-run/cmd.sh with stdout/stderr going to files in the
# run dir (the host streams them), saves the kernel log and finally writes
# the exit status to /.dsmil-run/rc.  The host treats a missing rc file as
# "the guest returned no result".
#
# Deliberately no `set -e`: a failing optional mount must not stop the run.
set -uo pipefail

RUN=/.dsmil-run

# note MSG: log with guest uptime, to see where boot time goes.
note() {
	local up
	read -r up _ </proc/uptime 2>/dev/null || up='?'
	echo "[$up] guest-run: $*" >>"$RUN/guest.log"
}

# try CMD...: run a setup step, log (not abort) on failure; its status.
try() {
	local rc=0
	"$@" >>"$RUN/guest.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || note "failed ($rc): $*"
	return "$rc"
}

# mounted DIR: true when DIR is a mount point (bash only: no process).
mounted() {
	local dir
	while read -r _ dir _; do
		[ "$dir" != "$1" ] || return 0
	done </proc/mounts 2>/dev/null
	return 1
}

# mnt TYPE DIR [OPTS]: mount a pseudo/tmp filesystem on DIR (created if
# needed) unless there is one already (/init brings /dev, /proc, /sys).
mnt() {
	local type=$1 dir=$2 opts=${3:-}
	mounted "$dir" && return 0
	[ -d "$dir" ] || mkdir -p "$dir" 2>/dev/null
	try mount -t "$type" ${opts:+-o "$opts"} "$type" "$dir"
}

# mount_tmpfs_keeping: tmpfs on /tmp and /run.  Fresh ones would hide host
# paths the run needs (a repo cloned under /tmp, a module or suite there),
# so those are bound aside first and moved back on top after, staying
# visible and writable (through the root overlay).  They are DSMIL_REPO,
# the dir of DSMIL_KO and DSMIL_GUEST_KEEP (colon-separated).  Bash only,
# no pipelines: every process costs under TCG.
mount_tmpfs_keeping() {
	local p k e i=0
	local -a paths kept=() stashed=()
	IFS=: read -ra paths <<<"$DSMIL_REPO:${DSMIL_KO%/*}:${DSMIL_GUEST_KEEP:-}"
	for p in "${paths[@]}"; do
		while [[ $p == */ ]]; do p=${p%/}; done
		case $p in /tmp/?*|/run/?*) ;; *) continue ;; esac
		[ -d "$p" ] || continue
		for k in "${kept[@]}"; do
			case $p/ in "$k"/*) continue 2 ;; esac # inside one already kept
		done
		kept+=("$p")
		i=$((i + 1))
		mkdir -p "/.dsmil-keep/$i" &&
			try mount --bind "$p" "/.dsmil-keep/$i" && stashed+=("$i:$p")
	done
	mnt tmpfs /tmp mode=1777
	mnt tmpfs /run mode=0755
	for e in "${stashed[@]}"; do
		p=${e#*:}
		mkdir -p "$p" && try mount --move "/.dsmil-keep/${e%%:*}" "$p"
	done
}

setup_mounts() {
	mnt proc /proc
	mnt sysfs /sys
	mnt devtmpfs /dev mode=0755
	# bash process substitution needs /dev/fd (bats: "/dev/fd/63: No such file").
	ln -sfn /proc/self/fd /dev/fd
	ln -sfn /proc/self/fd/0 /dev/stdin
	ln -sfn /proc/self/fd/1 /dev/stdout
	ln -sfn /proc/self/fd/2 /dev/stderr
	mnt devpts /dev/pts gid=5,mode=620,ptmxmode=666
	mnt tmpfs /dev/shm mode=1777
	mnt debugfs /sys/kernel/debug
	mnt tracefs /sys/kernel/tracing
	# configfs is a module on Debian kernels: the initramfs loads it, and
	# modprobe (host's /lib/modules tree) is the fallback.
	[ -d /sys/kernel/config ] || try modprobe configfs
	mnt configfs /sys/kernel/config
	note "pseudo filesystems mounted"
	mount_tmpfs_keeping
	[ -e /dev/ptmx ] || ln -sfn pts/ptmx /dev/ptmx
}

setup_env() {
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export HOME=/root TERM=dumb LANG=C.UTF-8 USER=root LOGNAME=root
	# /init switches root (no chroot), so systemd tools such as udevadm
	# see no chroot; should they ever, this keeps them from refusing
	# ("Running in chroot, ignoring request").
	export SYSTEMD_IGNORE_CHROOT=1
	[ -d /root ] || mkdir -p /root
}

# start_udevd: only with DSMIL_GUEST_UDEV=1.  The suites need no udevd
# (udevadm monitor --kernel reads kernel uevents directly), and rules
# reacting to the driver's uevents would cost time under TCG and could
# touch the devices under test.  Only new events are handled: no coldplug.
start_udevd() {
	[ "${DSMIL_GUEST_UDEV:-0}" = 1 ] || return 0
	local udevd=/lib/systemd/systemd-udevd
	[ -x "$udevd" ] || return 0
	mkdir -p /run/udev
	try "$udevd" --daemon
	note "udevd started"
}

main() {
	local rc
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	# DSMIL_* and BATS_LIB_PATH, written by run-guest.sh.
	# shellcheck source=/dev/null
	. "$RUN/env"
	note "start"
	setup_mounts
	setup_env
	start_udevd
	note "setup done"
	note "running: $(tail -n1 "$RUN/cmd.sh")"
	bash "$RUN/cmd.sh" </dev/null >"$RUN/stdout" 2>"$RUN/stderr"
	rc=$?
	note "command exited $rc"
	if [ "${DSMIL_GUEST_UDEV:-0}" = 1 ] && command -v udevadm >/dev/null; then
		udevadm settle -t 5 >/dev/null 2>&1
	fi
	dmesg >"$RUN/dmesg" 2>&1 || note "dmesg failed"
	note "done"
	# rc last: its presence tells the host everything above is complete.
	echo "$rc" >"$RUN/rc.tmp" && mv "$RUN/rc.tmp" "$RUN/rc"
	sync
}

main "$@"
