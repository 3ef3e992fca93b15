#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-guest.sh --kver REL [--timeout SEC] [--append "ARGS"] [--env NAME=VAL]...
#              [--run-dir DIR] -- CMD [ARGS...]
#
# Boot the Debian kernel REL in QEMU and run CMD as root inside it, with
# the repo root as cwd, and return CMD's exit status.  The kernel and its
# modules come from the kernel cache filled by tests/vm/deps.sh
# ($DSMIL_CACHE_DIR/kernels/REL/: boot/vmlinuz-REL, lib/modules/REL/),
# never from the host's /boot or /lib/modules/REL/kernel.
#   --timeout SEC   kill QEMU and fail after SEC s [DSMIL_VM_TIMEOUT or 600]
#   --append ARGS   more kernel command line
#   --env N=V       one more variable for CMD (repeatable)
#   --run-dir DIR   use DIR as the run dir [build/logs/REL/run-<date>-<id>]
#
# The guest sees the host's whole filesystem read-only (9p) under a tmpfs
# overlay, so it can write anywhere (e.g. /lib/modules/REL) without
# touching the host; /tmp and /run are fresh tmpfs.  Its /lib/modules/REL
# is the cache's lib/modules/REL (bound there by the initramfs /init, with
# the host's build and source links of the headers package).  CMD's stdout/stderr
# are streamed to ours while it runs.  Everything of a run is kept in its
# run dir (printed on failure):
#   cmd.sh env guest-run.sh   what the guest ran
#   stdout stderr             CMD's output
#   rc                        CMD's exit status (missing: no result)
#   dmesg                     guest kernel log at the end of the run
#   console.log               serial console (boot log, panics)
#   guest.log                 guest setup notes
#   status                    summary: result= cmd_rc= splat= seconds=
#
# Environment inside the guest: DSMIL_REPO, DSMIL_KO, DSMIL_SIM_KO, DSMIL_KVER,
# DSMIL_RUN_DIR (the run dir as the guest sees it), BATS_LIB_PATH, every
# other exported DSMIL_* variable (suite knobs), plus any --env.  DSMIL_KO defaults to build/REL/dsmil-84dev.ko (an exported
# DSMIL_KO overrides it), DSMIL_SIM_KO to dsmil-sim.ko beside it.
#
# Exit status: CMD's status when the guest ran it and its kernel log is
# clean; otherwise
#   122  the guest kernel log (dmesg, serial console) holds a BUG/WARNING/
#        Oops/KASAN/... report
#   123  the guest returned no result (crash, panic, setup failure)
#   124  host-side timeout (QEMU killed)
#   125  usage or host-side setup error
# (123 and 124 win over 122.)  The kernel log lines that fail a run are
# those of SPLAT_RE below: BUG, WARNING, Oops, general protection,
# refcount_t, list_del corruption, sleeping function called from invalid
# context, KASAN, UBSAN, possible circular locking, kmemleak's "N new
# suspected memory leaks", Kernel panic, Call Trace.
#
# Environment knobs (defaults in brackets):
#   DSMIL_KVM=1          use KVM instead of TCG (nested KVM is broken here)
#   DSMIL_VM_MEM [2G]  DSMIL_VM_SMP [2]  DSMIL_VM_TIMEOUT [600]
#   DSMIL_VM_CONSOLE=1   also show the serial console live (on stderr)
#   DSMIL_QEMU_ARGS      more QEMU arguments (split on whitespace)
#   DSMIL_VM_KERNEL      boot this image instead of the cached
#                        vmlinuz-REL (a self-built kernel: without cached
#                        modules, it must have virtio-pci/9p/overlay built in)
#   DSMIL_LOG_DIR [build/logs]
#   DSMIL_CACHE_DIR [/var/cache/dsmil]  kernels/REL/: the kernel cache;
#                        REL/: the initramfs (or build/cache when not writable)
#   DSMIL_GUEST_LOCK [/run/lock/dsmil-guest.lock]  one guest at a time;
#                        "none": no lock
#   DSMIL_DMESG_IGNORE   ERE of kernel log lines not to fail on
#   DSMIL_GUEST_UDEV=1   start systemd-udevd in the guest (default: none)
#   DSMIL_GUEST_KEEP     colon-separated host paths under /tmp or /run to
#                        keep visible over the guest's fresh tmpfs there
#                        (the repo and DSMIL_KO's dir always are)
set -euo pipefail
shopt -s inherit_errexit

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

# Bump when the initramfs layout changes, to invalidate caches.
INITRAMFS_FORMAT=2
# Modules the initramfs /init needs; their dependencies are added.
INITRAMFS_MODULES=(virtio_pci 9pnet_virtio 9p overlay configfs)
# Kernel log lines that fail a run (matched as extended regexes).
SPLAT_RE='\bBUG\b|\bWARNING\b|Oops|general protection|refcount_t|list_del corruption|sleeping function called from invalid context|KASAN|UBSAN|possible circular locking|kmemleak: [0-9]+ new suspected memory leak|Kernel panic|Call Trace'

# panic=-1: a panic reboots, and -no-reboot turns that into QEMU's exit.
# Under TCG on a busy host a vCPU can stall for many seconds: raise the
# RCU stall and soft-lockup thresholds so that only real hangs report
# (a real hang also ends in the host-side timeout).
BASE_CMDLINE="console=ttyS0 panic=-1 rcupdate.rcu_cpu_stall_timeout=300 watchdog_thresh=60"

KVER="" VMLINUZ="" KROOT="" MODDIR="" TIMEOUT=${DSMIL_VM_TIMEOUT:-600} APPEND="" RUN_DIR=""
EXTRA_ENV=() CMD=()

usage() {
	sed -n '4,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 125
}

die() {
	echo "run-guest: $*" >&2
	exit 125
}

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--kver) KVER=${2:?}; shift 2 ;;
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--append) APPEND=${2?}; shift 2 ;;
		--env) EXTRA_ENV+=("${2:?}"); shift 2 ;;
		--run-dir) RUN_DIR=${2:?}; shift 2 ;;
		--) shift; CMD=("$@"); break ;;
		-h|--help) usage ;;
		*) echo "run-guest: unknown argument '$1'" >&2; usage ;;
		esac
	done
	[ -n "$KVER" ] || usage
	[ "${#CMD[@]}" -gt 0 ] || usage
	[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout wants seconds"
	KROOT=$(kernel_root "$KVER")
	[ "${KROOT#/}" != "$KROOT" ] || KROOT=$PWD/$KROOT
	VMLINUZ=${DSMIL_VM_KERNEL:-$KROOT/boot/vmlinuz-$KVER}
	[ -r "$VMLINUZ" ] || die "no $VMLINUZ: run 'make deps'"
	# A self-built kernel (DSMIL_VM_KERNEL) may have no modules tree when
	# 9p/overlay are built in; a Debian one must have it.
	MODDIR=$KROOT/lib/modules/$KVER
	if [ ! -d "$MODDIR/kernel" ]; then
		[ -n "${DSMIL_VM_KERNEL:-}" ] || die "no $MODDIR/kernel: run 'make deps'"
		MODDIR=""
	fi
}

# modinfo_k ARGS...: modinfo for KVER's modules in the kernel cache.
modinfo_k() {
	modinfo -b "$KROOT" -k "$KVER" "$@"
}

# ---- initramfs ---------------------------------------------------------

# module_closure MOD...: MOD and its dependencies, dependencies first, one
# "name path" per line; built-in modules are left out.
module_closure() {
	local -A seen=()
	local m
	_visit() {
		local mod=$1 dep file
		[ -z "${seen[$mod]:-}" ] || return 0
		seen[$mod]=1
		if ! file=$(modinfo_k -n "$mod" 2>/dev/null); then
			[ -z "$MODDIR" ] || die "module $mod not found for $KVER"
			return 0 # no modules tree: must be built in
		fi
		[ "$file" != "(builtin)" ] || return 0
		for dep in $(modinfo_k -F depends "$mod" | tr ',' ' '); do
			_visit "$dep"
		done
		printf '%s %s\n' "$mod" "$file"
	}
	for m in "$@"; do
		_visit "$m"
	done
}

cache_dir() {
	local d=${DSMIL_CACHE_DIR:-/var/cache/dsmil}
	if ! mkdir -p "$d/$KVER" 2>/dev/null || [ ! -w "$d/$KVER" ]; then
		d=$REPO/build/cache
		mkdir -p "$d/$KVER"
	fi
	printf '%s/%s\n' "$d" "$KVER"
}

# unpack_ko SRC DST: copy a module, decompressing it (busybox insmod and
# older kernels only take plain .ko files).
unpack_ko() {
	case $1 in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# build_initramfs OUT MODLIST: busybox + /init + modules, as a newc cpio.
build_initramfs() {
	local out=$1 modlist=$2 stage i=0 name file ko
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,dev,proc,sys,lib/modules}
	cp /bin/busybox "$stage/bin/busybox"
	cp "$VM_DIR/initramfs-init.sh" "$stage/init"
	chmod 0755 "$stage/init"
	# Needs root; /init copes without it (mounts devtmpfs).
	mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
	while read -r name file; do
		i=$((i + 1))
		ko=$(printf '%02d-%s.ko' "$i" "$name")
		unpack_ko "$file" "$stage/lib/modules/$ko"
		echo "$ko" >>"$stage/lib/modules/load-order"
	done <"$modlist"
	touch "$stage/lib/modules/load-order"
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet) >"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
	rm -rf "$stage"
}

# ensure_initramfs: print the cached initramfs for KVER, rebuilding it
# when any input (init script, busybox, modules, format) changed.
ensure_initramfs() {
	local dir modlist key
	dir=$(cache_dir)
	modlist=$(mktemp)
	module_closure "${INITRAMFS_MODULES[@]}" >"$modlist"
	key=$({
		echo "format $INITRAMFS_FORMAT $KVER"
		# Contents, not paths: checkouts elsewhere share the cache.
		cat "$VM_DIR/initramfs-init.sh" /bin/busybox | sha256sum
		while read -r _ file; do stat -c '%n %s %Y' "$file"; done <"$modlist"
	} | sha256sum | cut -d' ' -f1)
	if [ ! -s "$dir/initramfs.cpio" ] || [ "$(cat "$dir/key" 2>/dev/null)" != "$key" ]; then
		echo "run-guest: building initramfs for $KVER in $dir" >&2
		build_initramfs "$dir/initramfs.cpio" "$modlist"
		echo "$key" >"$dir/key"
	fi
	rm -f "$modlist"
	printf '%s\n' "$dir/initramfs.cpio"
}

# ---- run dir -----------------------------------------------------------

# prepare_run_dir: create the run dir and what the guest reads from it.
prepare_run_dir() {
	[ -n "$RUN_DIR" ] || RUN_DIR=$(new_run_dir "$KVER")
	mkdir -p "$RUN_DIR"
	RUN_DIR=$(cd "$RUN_DIR" && pwd)
	rm -f "$RUN_DIR"/{rc,stdout,stderr,dmesg,console.log,guest.log,status}
	cp "$VM_DIR/guest-run.sh" "$RUN_DIR/guest-run.sh"
	local ko sim e
	ko=${DSMIL_KO:-$(ko_path "$KVER")}
	sim=${DSMIL_SIM_KO:-${ko%/*}/dsmil-sim.ko}
	{
		# Suite knobs (DSMIL_FUZZ_SEED, ...): every exported DSMIL_*
		# goes in; the lines below override the harness's own.
		for e in $(compgen -e | grep '^DSMIL_' || true); do
			printf 'export %s=%q\n' "$e" "${!e}"
		done
		printf 'export DSMIL_REPO=%q\n' "$REPO"
		printf 'export DSMIL_KO=%q\n' "$ko"
		printf 'export DSMIL_SIM_KO=%q\n' "$sim"
		printf 'export DSMIL_KVER=%q\n' "$KVER"
		printf 'export DSMIL_RUN_DIR=%q\n' /.dsmil-run
		printf 'export BATS_LIB_PATH=%q\n' /usr/lib/bats
		printf 'export DSMIL_GUEST_UDEV=%q\n' "${DSMIL_GUEST_UDEV:-0}"
		printf 'export DSMIL_GUEST_KEEP=%q\n' "${DSMIL_GUEST_KEEP:-}"
		for e in "${EXTRA_ENV[@]}"; do
			[[ $e == [A-Za-z_]*=* ]] || die "--env wants NAME=VALUE, got '$e'"
			printf 'export %s=%q\n' "${e%%=*}" "${e#*=}"
		done
	} >"$RUN_DIR/env"
	{
		echo '# generated by run-guest.sh'
		# shellcheck disable=SC2016 # expanded in the guest
		echo 'cd "$DSMIL_REPO" || exit 125'
		printf 'exec'
		printf ' %q' "${CMD[@]}"
		printf '\n'
	} >"$RUN_DIR/cmd.sh"
}

# ---- QEMU ----------------------------------------------------------------

qemu_accel() {
	if [ "${DSMIL_KVM:-0}" = 1 ]; then
		if [ -w /dev/kvm ]; then
			echo "-accel kvm -cpu host"
			return
		fi
		echo "run-guest: DSMIL_KVM=1 but /dev/kvm is not usable; using TCG" >&2
	fi
	echo "-accel tcg"
}

# guest_lock: one guest at a time on this machine.  A TCG guest uses
# every core (-smp 2, MTTCG); two at once starve each other into timer
# and firmware-call timeouts.  The lock (fd 7, DSMIL_GUEST_LOCK, default
# /run/lock/dsmil-guest.lock) is held until this script exits; a second
# run says it waits.  DSMIL_GUEST_LOCK=none turns it off.
guest_lock() {
	local lock=${DSMIL_GUEST_LOCK:-/run/lock/dsmil-guest.lock}
	[ "$lock" != none ] || return 0
	exec 7>>"$lock"
	if ! flock -n 7; then
		echo "run-guest: waiting for another guest on this machine ($lock)" >&2
		flock 7
	fi
}

# run_qemu INITRD: boot, stream CMD's output, return timeout's status.
run_qemu() {
	local initrd=$1 rc=0 qpid tails=()
	local -a accel
	local -a extra=()
	read -ra accel <<<"$(qemu_accel)"
	[ -z "${DSMIL_QEMU_ARGS:-}" ] || read -ra extra <<<"$DSMIL_QEMU_ARGS"
	: >"$RUN_DIR/stdout"
	: >"$RUN_DIR/stderr"
	: >"$RUN_DIR/console.log"
	guest_lock
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 "${accel[@]}" \
		-m "${DSMIL_VM_MEM:-2G}" -smp "${DSMIL_VM_SMP:-2}" \
		-nodefaults -display none -no-reboot -nic none -monitor none \
		-serial "file:$RUN_DIR/console.log" \
		-kernel "$VMLINUZ" -initrd "$initrd" \
		-append "$BASE_CMDLINE${MODDIR:+ dsmil.modules=$MODDIR} $APPEND" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$RUN_DIR,mount_tag=results,security_model=none" \
		"${extra[@]}" \
		</dev/null >"$RUN_DIR/qemu.log" 2>&1 &
	qpid=$!
	# Stream the guest's output while it runs; tail exits after QEMU does
	# (and after a last read).
	tail -s 0.2 -n +1 -f --pid="$qpid" "$RUN_DIR/stdout" & tails+=($!)
	tail -s 0.2 -n +1 -f --pid="$qpid" "$RUN_DIR/stderr" >&2 & tails+=($!)
	if [ "${DSMIL_VM_CONSOLE:-0}" = 1 ]; then
		tail -s 0.2 -n +1 -f --pid="$qpid" "$RUN_DIR/console.log" >&2 & tails+=($!)
	fi
	wait "$qpid" || rc=$?
	wait "${tails[@]}" 2>/dev/null || true
	return "$rc"
}

# ---- verdict ---------------------------------------------------------------

# splats: print the kernel-log lines that fail a run, from the guest's
# dmesg and from the serial console: the console also holds what a crash
# cut short and what a test cleared from the ring buffer (dmesg -C).
splats() {
	local f files=()
	for f in "$RUN_DIR/dmesg" "$RUN_DIR/console.log"; do
		[ ! -s "$f" ] || files+=("$f")
	done
	[ "${#files[@]}" -gt 0 ] || return 0
	cat "${files[@]}" | tr -d '\r' | grep -E "$SPLAT_RE" |
		{ if [ -n "${DSMIL_DMESG_IGNORE:-}" ]; then grep -vE "$DSMIL_DMESG_IGNORE"; else cat; fi; } |
		awk '!seen[$0]++' || true
}

main() {
	parse_args "$@"
	local initrd qrc=0 rc result=ok cmd_rc=none splat=0 start lines
	initrd=$(ensure_initramfs)
	prepare_run_dir
	start=$SECONDS
	run_qemu "$initrd" || qrc=$?
	lines=$(splats)
	[ -z "$lines" ] || splat=1
	if [ -s "$RUN_DIR/rc" ]; then
		cmd_rc=$(cat "$RUN_DIR/rc")
		rc=$cmd_rc
	elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		result=timeout rc=124
	else
		result=noresult rc=123
	fi
	# A missing result or a timeout says more than the splat that came with it.
	[ "$splat" = 0 ] || [ "$result" != ok ] || rc=122
	[ -d "$RUN_DIR" ] || echo "run-guest: $RUN_DIR vanished during the run (make clean?)" >&2
	mkdir -p "$RUN_DIR"
	printf 'result=%s\ncmd_rc=%s\nsplat=%s\nseconds=%s\nkver=%s\n' \
		"$result" "$cmd_rc" "$splat" "$((SECONDS - start))" "$KVER" >"$RUN_DIR/status"
	report "$result" "$lines" "$qrc"
	return "$rc"
}

# report RESULT SPLAT_LINES QEMU_RC: explain a failed run on stderr.
report() {
	local result=$1 lines=$2 qrc=$3
	case $result in
	timeout) echo "run-guest: $KVER: timed out after ${TIMEOUT}s, QEMU killed" >&2 ;;
	noresult)
		echo "run-guest: $KVER: the guest returned no result (QEMU exit $qrc)" >&2
		# Our timeout exits 124; a signal from elsewhere shows up here.
		! grep -q 'terminating on signal' "$RUN_DIR/qemu.log" 2>/dev/null ||
			echo "run-guest: $KVER: QEMU was stopped by a signal sent from outside this run" >&2
		tail -n 30 "$RUN_DIR/console.log" | sed 's/^/  console: /' >&2
		[ ! -s "$RUN_DIR/qemu.log" ] || sed 's/^/  qemu: /' "$RUN_DIR/qemu.log" >&2
		;;
	esac
	if [ -n "$lines" ]; then
		echo "run-guest: $KVER: the kernel log reports problems:" >&2
		printf '%s\n' "$lines" | sed 's/^/  kernel: /' >&2
	fi
	if [ "$result" != ok ] || [ -n "$lines" ]; then
		echo "run-guest: console log: $RUN_DIR/console.log" >&2
		[ ! -s "$RUN_DIR/dmesg" ] || echo "run-guest: guest dmesg:   $RUN_DIR/dmesg" >&2
	fi
}

main "$@"; exit
