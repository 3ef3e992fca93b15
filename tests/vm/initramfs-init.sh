#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# /init of the guest initramfs built by tests/vm/run-guest.sh (PID 1).
#
# Stage 1 (in the initramfs): load the virtio/9p/overlay modules shipped in
# the initramfs, mount the host's root read-only over 9p (tag "hostroot"),
# put a tmpfs overlay on top so the guest may write anywhere, bind the
# kernel's modules from the kernel cache at /lib/modules/REL (below), mount
# the per-run results share (tag "results") at /.dsmil-run inside it, and
# switch_root into it.
#
# With dsmil.upper=FILE, the upper layer starts as the tar FILE of the
# results share; with dsmil.init=systemd, stage 2 is systemd instead
# (tests/system/run.sh, the whole-system test).
#
# Stage 2 (PID 1 in the new root, this same script run by a copy of
# busybox): run /.dsmil-run/guest-run.sh (the real work, read fresh from the
# host each run so that changing it never needs a new initramfs), then
# power the machine off so that QEMU exits, whatever happened.
#
# switch_root, not chroot: systemd tools (udevadm monitor/settle/trigger)
# refuse to work when / differs from PID 1's root ("Running in chroot,
# ignoring request").
#
# Kept busybox-only: nothing from the host is usable before the 9p mount.

BB=/bin/busybox
[ "${1:-}" != stage2 ] || BB=/.dsmil-init/busybox

say() { echo "dsmil-init: $*"; }

# halt: flush and power off; the host reads results from the 9p share.
halt() {
	$BB sync
	$BB poweroff -f
	echo o >/proc/sysrq-trigger
	$BB sleep 5
}

die() {
	say "FAILED: $*"
	halt
}

if [ "${1:-}" = stage2 ]; then
	say "starting guest-run.sh"
	# env -i: the command must not inherit PID 1's kernel-provided
	# environment.
	/usr/bin/env -i /bin/bash /.dsmil-run/guest-run.sh
	say "guest-run.sh exited $?"
	halt
	exit 1 # not reached: PID 1 exiting would panic the kernel
fi

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# The kernel may have found no /dev/console in the cpio; make sure we talk
# to the serial console from here on.
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1

# Modules are listed in load order (dependencies first) by the builder.
while read -r ko; do
	[ -n "$ko" ] || continue
	insmod "/lib/modules/$ko" || say "insmod $ko failed"
done </lib/modules/load-order

# 9p over virtio: large msize for throughput.  The host root is read-only
# here and a run is short, so cache it (cache=loose: fewer round trips for
# bash/bats, which stat and open a lot; host changes made during a run may
# go unseen); dsmil.hostcache=none|mmap on the kernel command line
# (run-guest.sh --append) picks another mode.  The results share is written
# by the guest and read by the host while it runs: no caching there.
P9="trans=virtio,version=9p2000.L,msize=512000"
HOSTCACHE=loose MODULES="" UPPER="" INIT=""
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	dsmil.hostcache=*) HOSTCACHE=${arg#*=} ;;
	dsmil.modules=*) MODULES=${arg#*=} ;;
	dsmil.upper=*) UPPER=${arg#*=} ;;
	dsmil.init=*) INIT=${arg#*=} ;;
	esac
done
mkdir -p /lower /rw /newroot /results
mount -t 9p -o "$P9,ro,cache=$HOSTCACHE" hostroot /lower || die "mount hostroot"
mount -t 9p -o "$P9,cache=none" results /results || die "mount results"
mount -t tmpfs -o mode=0755 tmpfs /rw || die "mount tmpfs"
mkdir -p /rw/upper /rw/work
# dsmil.upper=FILE (the whole-system test, tests/system/run.sh): a tar of
# an overlay upper layer made on the host against the same lower (the
# host's /, with packages installed), in the results share; it becomes
# this guest's upper layer.
[ -n "$UPPER" ] || [ "$INIT" != systemd ] || die "dsmil.init=systemd needs dsmil.upper="
if [ -n "$UPPER" ]; then
	tar -xf "/results/$UPPER" --numeric-owner -C /rw/upper || die "unpack $UPPER"
fi
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work \
	overlay /newroot || die "mount overlay"
# The host has the kernels' headers but not their images: the modules are
# in the kernel cache (tests/vm/deps.sh), whose lib/modules/REL run-guest.sh
# names with dsmil.modules=DIR.  Bound at /lib/modules/REL, it is
# writable (through the overlay) like the rest; the headers package's
# build and source links of the host's /lib/modules/REL are kept.
if [ -n "$MODULES" ]; then
	md=/newroot/lib/modules/$(uname -r)
	mkdir -p "$md"
	build=$(readlink "$md/build") source=$(readlink "$md/source")
	mount --bind "/newroot$MODULES" "$md" || die "bind $MODULES"
	[ -z "$build" ] || [ -L "$md/build" ] || ln -s "$build" "$md/build"
	[ -z "$source" ] || [ -L "$md/source" ] || ln -s "$source" "$md/source"
fi
mkdir -p /newroot/.dsmil-run
mount --move /results /newroot/.dsmil-run || die "move results"

# Cheap here (static busybox), costly from the guest's dynamic binaries.
hostname dsmil-vm
ip link set lo up 2>/dev/null

# Into the new root: a copy of busybox and of this script run stage 2 as
# PID 1; the pseudo filesystems come along (stdio is on /dev/console).
mkdir -p /newroot/.dsmil-init
cp /bin/busybox /init /newroot/.dsmil-init/ || die "copy busybox"
for fs in dev proc sys; do
	mount --move "/$fs" "/newroot/$fs" || die "move /$fs"
done
# dsmil.init=systemd: systemd is PID 1 (the unit it starts is named by
# systemd.unit= on the command line; tests/system/run.sh).
# A host that is itself a container (/.dockerenv) would make systemd
# believe it runs in one: it would take its arguments from its own argv,
# not from the kernel command line; the guest is a machine.
if [ "$INIT" = systemd ]; then
	rm -f /newroot/.dockerenv /newroot/run/.containerenv
	exec switch_root /newroot /lib/systemd/systemd
fi
exec switch_root /newroot /.dsmil-init/busybox sh /.dsmil-init/init stage2
