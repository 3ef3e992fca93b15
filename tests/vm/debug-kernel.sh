#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once per machine) and cache the dsmil debug kernel: Debian's
# linux-source-6.12, `make allnoconfig` with kvm_guest.config +
# tests/vm/debug.config as its KCONFIG_ALLCONFIG: only what the test guest
# needs (virtio-pci, 9p, overlay, ACPI/WMI, hwmon, thermal, Dell SMBIOS,
# tracing, ...) plus KASAN, lockdep, kmemleak, UBSAN, debug objects and
# KUnit.  No DRM, sound, USB, wireless or disk/NIC drivers: about 14
# CPU-minutes, 8 minutes on 2 idle cores (x86_64_defconfig: 15 minutes).
#
# usage: tests/vm/debug-kernel.sh [--check | --dir | --prune | --help]
#
#   (no option)  build if not cached, then print the environment (below)
#   --check      print the environment if cached and exit 0; exit 1 if not
#                (never builds, never installs, never waits for a build)
#   --dir        print the cache directory for the current key (may not exist)
#   --prune      remove cached builds of other keys (old configs/packages)
#
# On success stdout is exactly three shell-sourceable lines, also stored in
# <cache>/env:
#   KVER=<make -s kernelrelease, e.g. 6.12.117-dsmil-debug>
#   KERNEL=<path to arch/x86/boot/bzImage>
#   KDIR=<built tree; use as 'make -C $KDIR M=... modules'>
# so a caller can do:  eval "$(bash tests/vm/debug-kernel.sh)"
# Everything else goes to stderr; the full build output goes to
# $DSMIL_CACHE/debug-kernel/build.log.
#
# The cache lives in $DSMIL_CACHE/debug-kernel/<key>/ (DSMIL_CACHE defaults to
# /var/cache/dsmil), key = hash of the source package version, debug.config,
# the compiler version and the recipe version below.  A build interrupted
# half-way is resumed (incrementally) by the next run.  Concurrent runs are
# serialised with a lock: the second waits and then uses the first's result.
# Build steps run under 'nice -n 19' with $DSMIL_JOBS jobs (default 2).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fragment=$here/debug.config
cache_root=${DSMIL_CACHE:-/var/cache/dsmil}/debug-kernel
jobs=${DSMIL_JOBS:-2}
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz
build_log=$cache_root/build.log
# Bump when a change below alters what ends up in the built tree.
# 2: allnoconfig + fragment instead of x86_64_defconfig + fragment.
recipe=2

log() { echo "debug-kernel: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

usage() {
	sed -n '3,/^$/{s/^# \{0,1\}//;p}' "$0" >&2
	exit "${1:-0}"
}

mode=build
case "${1:-}" in
"") ;;
--check) mode=check ;;
--dir) mode=dir ;;
--prune) mode=prune ;;
-h | --help) usage 0 ;;
*) usage 2 ;;
esac

[ -r "$fragment" ] || die "missing $fragment"

pkg_version() {
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		awk '$3 == "installed" { print $4 }'
}

apt_install() {
	[ "$(id -u)" -eq 0 ] || die "need root to install: $*"
	log "installing: $*"
	# shellcheck disable=SC2015 # retry after refreshing the lists, on purpose
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
		{ apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends "$@" >&2; } ||
		die "apt-get install $* failed"
}

# The key needs the source package's version, so the package comes first
# (except for --check/--dir, which must stay side-effect free).
src_ver=$(pkg_version "$pkg")
if [ -z "$src_ver" ]; then
	[ "$mode" = build ] || die "$pkg is not installed (run without options to build)"
	apt_install "$pkg"
	src_ver=$(pkg_version "$pkg")
	[ -n "$src_ver" ] || die "$pkg did not install"
fi

key=$(
	{
		echo "recipe=$recipe"
		echo "package=$pkg $src_ver"
		echo "cc=$(gcc --version 2>/dev/null | head -n1)"
		cat "$fragment"
	} | sha256sum | cut -c1-16
)
dir=$cache_root/$key
tree=$dir/$pkg
env_file=$dir/env

case $mode in
dir)
	echo "$dir"
	exit 0
	;;
check)
	[ -s "$env_file" ] || {
		log "not built yet for key $key ($dir)"
		exit 1
	}
	cat "$env_file"
	exit 0
	;;
prune)
	shopt -s nullglob
	for d in "$cache_root"/*/; do
		d=${d%/}
		[ "$d" = "$dir" ] && continue
		log "removing $d"
		rm -rf -- "$d"
	done
	exit 0
	;;
esac

# Fast path: already built (env is written last, atomically).
if [ -s "$env_file" ]; then
	cat "$env_file"
	exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
if ! flock -n 9; then
	log "another build is running (log: $build_log); waiting for it"
	flock 9
fi
# The build we waited for may have been this one.
if [ -s "$env_file" ]; then
	cat "$env_file"
	exit 0
fi

missing=()
for p in gcc make bc flex bison libelf-dev libssl-dev xz-utils; do
	[ -n "$(pkg_version "$p")" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
[ -r "$tarball" ] || die "$tarball missing although $pkg is installed"

start=$(date +%s)
: >"$build_log"
log "building $pkg $src_ver (key $key) in $tree"
log "this takes about 8 minutes on 2 idle cores; follow it with: tail -f $build_log"

run() {
	echo "+ $*" >>"$build_log"
	nice -n 19 "$@" >>"$build_log" 2>&1 || {
		tail -n 40 "$build_log" >&2
		die "'$*' failed (full log: $build_log)"
	}
}

mkdir -p "$dir"
if [ ! -e "$dir/.extracted" ]; then
	rm -rf -- "$tree"
	log "extracting $tarball"
	run tar -C "$dir" -xJf "$tarball"
	[ -f "$tree/Makefile" ] || die "$tarball did not unpack to $tree"
	touch "$dir/.extracted"
fi

kmake() { run make -C "$tree" -j"$jobs" "$@"; }

log "configuring"
# KCONFIG_ALLCONFIG: the fragment's values, and every other option that
# has a prompt off (a plain allnoconfig + merge would give the options
# that only become visible after the merge their defaults: IPv6,
# wireless, ...).  Later lines win: debug.config overrides kvm_guest.config.
cat "$tree/kernel/configs/kvm_guest.config" "$fragment" >"$dir/allno.config"
kmake KCONFIG_ALLCONFIG="$dir/allno.config" allnoconfig
kmake olddefconfig

# Kconfig drops options whose dependencies are not met without a word:
# every line of the fragment must be in the final .config as written.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		opt=${line%%=*}
		grep -qxF -- "$line" "$tree/.config" || {
			log "requested $line, got: $(grep -E "^(# )?${opt}[= ]" "$tree/.config" || echo "(absent)")"
			bad=1
		}
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -qE "^$opt=" "$tree/.config"; then
			log "requested '$line', got: $(grep -E "^$opt=" "$tree/.config")"
			bad=1
		fi
		;;
	esac
done <"$fragment"
[ "$bad" -eq 0 ] || die "tests/vm/debug.config options did not survive olddefconfig (see above)"
log "config verified: every option of debug.config is in .config"

log "building bzImage and modules (make -j$jobs, nice 19)"
kmake bzImage modules

kver=$(make -s -C "$tree" kernelrelease)
kernel=$tree/arch/x86/boot/bzImage
[ -s "$kernel" ] || die "no $kernel after the build"
[ -s "$tree/Module.symvers" ] || die "no Module.symvers: out-of-tree modpost would fail"
[ -x "$tree/scripts/mod/modpost" ] || die "no scripts/mod/modpost"

printf 'KVER=%s\nKERNEL=%s\nKDIR=%s\n' "$kver" "$kernel" "$tree" >"$env_file.tmp"
mv "$env_file.tmp" "$env_file"
log "built $kver in $(($(date +%s) - start)) s"
cat "$env_file"
