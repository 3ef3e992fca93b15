#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [--plan]
#
# Install everything `make demo` and `make check` need on a Debian 12 host:
# build tools, QEMU, the guest userland pieces, bats, and what builds the
# module against the three test kernels (6.1, the newest 6.12 backport
# and its PREEMPT_RT flavour) and boots them.
#
# The kernels the guests boot are never installed on the host: no kernel
# image package, no boot entry, nothing under /boot changes.  Each image
# package is fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` into the kernel cache, $DSMIL_CACHE_DIR/kernels/REL/
# (default /var/cache/dsmil/kernels/REL/):
#   boot/vmlinuz-REL, boot/config-REL, ...  what QEMU boots
#   lib/modules/REL/                        the modules, indexed by depmod
#   .package                                "PACKAGE VERSION" per package
# The headers are installed on the host (/lib/modules/REL/build) when
# their package allows it; the 6.12 backports' headers depend on their
# image package, so those (linux-headers-REL, its -common and
# linux-kbuild) are unpacked into the cache as well (usr/src, usr/lib,
# with lib/modules/REL/build pointing there) and only their other
# dependencies (gcc-12, pahole, ...) are installed.  A release is
# unpacked once: a directory there is complete (it is moved into place
# last).  tests/vm/kernels.sh, tests/vm/run-guest.sh and the module builds
# (kernel_kdir in tests/vm/lib.sh) read this cache; the guest sees its
# lib/modules/REL at /lib/modules/REL.  As a last guard, an install that
# would pull a kernel image package (apt-get -s) is refused.
#
# Idempotent and fast when nothing is missing: every package is checked with
# dpkg first, and `apt-get update` runs at most once, only when something has
# to be installed or fetched (or a kernel cannot be resolved from the local
# lists).
#
# --plan prints what a run on this host ensures, whatever is already
# there, and changes nothing (no root needed, no network): one
# "install PACKAGE" line per package installed on the host and one
# "unpack PACKAGE REL" line per package unpacked into the cache of REL
# (tests/host/deps.bats checks that installing the first ones on a fresh
# machine pulls no kernel image).
#
# A 6.12 kernel that cannot be fetched is not fatal: a "SKIP: 6.12 ..."
# line is printed and the 6.1 kernel is still usable.
set -euo pipefail

BASE_PKGS=(gcc make libc6-dev qemu-system-x86 busybox-static bats bats-assert
	bats-support kmod udev cpio xz-utils zstd
	sparse shellcheck linux-source-6.12 lm-sensors
	libsysfs-dev pkg-config jq valgrind strace dash curl groff-base man-db
	prometheus prometheus-node-exporter python3 acpica-tools
	dkms python3-docutils debhelper dh-dkms dpkg-dev lintian)

KCACHE=${DSMIL_CACHE_DIR:-/var/cache/dsmil}/kernels
APT_UPDATED=0 PLAN=0

log() { printf 'deps: %s\n' "$*" >&2; }

# is_installed PKG: true when dpkg has PKG fully installed.
is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# apt_update_once: refresh the package lists the first time only (never
# with --plan).
apt_update_once() {
	[ "$APT_UPDATED" = 0 ] && [ "$PLAN" = 0 ] || return 0
	log "apt-get update"
	apt-get -q -o DPkg::Lock::Timeout=300 update >&2
	APT_UPDATED=1
}

# apt_install PKG...: install (or upgrade) without recommends.  Never a
# kernel image: those go to the cache (unpack_kernel).
apt_install() {
	local p
	for p in "$@"; do
		case $p in
		linux-image-*) log "refusing to install the kernel image $p on the host"; return 1 ;;
		esac
	done
	apt_update_once
	# A dependency may pull an image (the 6.12 headers do): refuse.
	p=$(apt-get -s -q --no-install-recommends install "$@" 2>/dev/null |
		sed -n 's/^Inst \(linux-image-[^ ]*\).*/\1/p' | paste -sd' ') || true
	if [ -n "$p" ]; then
		log "refusing: installing $* would install the kernel image(s) $p on the host"
		return 1
	fi
	log "installing: $*"
	DEBIAN_FRONTEND=noninteractive \
		apt-get -q -y --no-install-recommends -o DPkg::Lock::Timeout=300 \
		install "$@" >&2
}

# ensure_installed PKG...: install those not installed yet.
ensure_installed() {
	local p todo=()
	for p in "$@"; do
		[ -n "$p" ] || continue
		if [ "$PLAN" = 1 ]; then
			echo "install $p"
		elif ! is_installed "$p"; then
			todo+=("$p")
		fi
	done
	[ "${#todo[@]}" -eq 0 ] || apt_install "${todo[@]}"
}

# cached REL [PKG...]: true when the cache holds a complete kernel REL,
# unpacked from its image and the PKGs.
cached() {
	local rel=$1 p
	shift
	[ -r "$KCACHE/$rel/boot/vmlinuz-$rel" ] && [ -d "$KCACHE/$rel/lib/modules/$rel/kernel" ] &&
		[ -s "$KCACHE/$rel/.package" ] || return 1
	for p in "$@"; do
		grep -q "^$p " "$KCACHE/$rel/.package" || return 1
	done
}

# image_pkg REL: the image package of REL the apt lists know: the signed
# one (what Debian installs by default), else the unsigned one (same files).
image_pkg() {
	local p
	for p in "linux-image-$1" "linux-image-$1-unsigned"; do
		if [ -n "$(apt-cache madison "$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# fetch DIR PKG...: download the PKGs into DIR.
fetch() {
	local dir=$1
	shift
	# apt downloads as the _apt user: it must be able to write there.
	! id _apt >/dev/null 2>&1 || chown _apt "$dir"
	log "downloading $*"
	(cd "$dir" && apt-get -q download "$@" >&2) || {
		# Stale lists name a version the mirror no longer has.
		[ "$APT_UPDATED" = 0 ] && apt_update_once &&
			(cd "$dir" && apt-get -q download "$@" >&2)
	}
}

# depends PKG...: the packages PKGs depend on (alternatives too), one a line.
depends() {
	apt-cache depends "$@" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: \([^<][^ ]*\)$/\1/p' | sort -u || true
}

# headers_split REL: sort the packages that build against REL into the
# globals HOST_PKGS (installed on the host) and CACHE_PKGS (unpacked into
# the cache).  linux-headers-REL goes to the host unless it depends on a
# kernel image (the 6.12 backports: linux-image-REL | ...-unsigned):
# then it and the linux-headers-*/linux-kbuild-* it depends on go to the
# cache, and what those depend on (gcc-12, pahole, ...) to the host.
headers_split() {
	local rel=$1 deps d
	HOST_PKGS=() CACHE_PKGS=()
	deps=$(depends "linux-headers-$rel")
	if [ -z "$deps" ] && [ "$APT_UPDATED" = 0 ] && [ "$PLAN" = 0 ]; then
		apt_update_once
		headers_split "$rel"
		return
	fi
	[ -n "$deps" ] || { log "linux-headers-$rel: not in the apt lists"; return 1; }
	if ! grep -q '^linux-image-' <<<"$deps"; then
		HOST_PKGS=("linux-headers-$rel")
		return 0
	fi
	CACHE_PKGS=("linux-headers-$rel")
	for d in $deps; do
		case $d in linux-headers-* | linux-kbuild-*) CACHE_PKGS+=("$d") ;; esac
	done
	for d in $(depends "${CACHE_PKGS[@]}"); do
		case $d in
		linux-image-* | linux-headers-* | linux-kbuild-*) ;;
		*) HOST_PKGS+=("$d") ;;
		esac
	done
}

# kernel REL: what builds against REL on the host (headers_split), and
# its image (and headers, if they go there) in the cache.  For a cached
# kernel the split is read back from the cache (.host-packages): no apt
# look-up on a no-op run.
kernel() {
	local rel=$1
	if [ "$PLAN" = 0 ] && cached "$rel" && [ -s "$KCACHE/$rel/.host-packages" ]; then
		mapfile -t HOST_PKGS <"$KCACHE/$rel/.host-packages"
		ensure_installed "${HOST_PKGS[@]}"
		return
	fi
	headers_split "$rel" || return 1
	[ "${#HOST_PKGS[@]}" -eq 0 ] || ensure_installed "${HOST_PKGS[@]}" || return 1
	unpack_kernel "$rel" "${CACHE_PKGS[@]}"
}

# unpack_kernel REL [PKG...]: unpack kernel REL's image package (and the
# PKGs) into the cache; nothing to do when it is there already.
unpack_kernel() {
	local rel=$1 img p
	shift
	if [ "$PLAN" = 1 ]; then
		img=$(image_pkg "$rel") || img=linux-image-$rel
		for p in "$img" "$@"; do echo "unpack $p $rel"; done
		return 0
	fi
	if cached "$rel" "$@"; then
		# (a cache from before .host-packages)
		[ -s "$KCACHE/$rel/.host-packages" ] ||
			printf '%s\n' "${HOST_PKGS[@]}" >"$KCACHE/$rel/.host-packages"
		return 0
	fi
	mkdir -p "$KCACHE"
	# Another deps.sh (another checkout) may be unpacking the same kernel.
	exec 9>"$KCACHE/.lock"
	flock 9
	p=0
	if ! cached "$rel" "$@"; then
		img=$(image_pkg "$rel") || { apt_update_once && img=$(image_pkg "$rel"); } ||
			img=linux-image-$rel
		_unpack "$rel" "$img" "$@" || p=$?
	fi
	exec 9>&-
	return "$p"
}

# _unpack REL IMAGE [PKG...]: the unpack_kernel step under the lock.
_unpack() {
	local rel=$1 dest=$KCACHE/$1 tmp deb root mods hdr
	shift
	tmp=$(mktemp -d "$KCACHE/.unpack-$rel.XXXXXX")
	root=$tmp/root
	mkdir -p "$root"
	if ! fetch "$tmp" "$@"; then
		rm -rf "$tmp"
		return 1
	fi
	log "unpacking $* into $dest"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$root"
		dpkg-deb -f "$deb" Package Version | cut -d' ' -f2 | paste -sd' ' >>"$root/.package"
	done
	rm -rf "${root:?}/usr/share"
	# bookworm ships /lib/modules; later releases /usr/lib/modules.
	mods=$root/lib/modules/$rel
	if [ ! -d "$mods" ] && [ -d "$root/usr/lib/modules/$rel" ]; then
		mkdir -p "$root/lib/modules"
		mv "$root/usr/lib/modules/$rel" "$mods"
	fi
	if [ ! -r "$root/boot/vmlinuz-$rel" ] || [ ! -d "$mods/kernel" ]; then
		log "$1 holds no boot/vmlinuz-$rel or modules"
		rm -rf "$tmp"
		return 1
	fi
	hdr=usr/src/linux-headers-$rel
	if [ -d "$root/$hdr" ]; then
		# Headers where they will live: the Makefile includes its
		# -common by absolute path; build and source point here.
		sed -i "s|^include /usr/src/|include $dest/usr/src/|" "$root/$hdr/Makefile"
		ln -sfn "$dest/$hdr" "$mods/build"
		ln -sfn "$(sed -n "s|^include \(.*\)/Makefile$|\1|p" "$root/$hdr/Makefile")" "$mods/source"
	fi
	depmod -b "$root" "$rel"
	printf '%s\n' "${HOST_PKGS[@]}" >"$root/.host-packages"
	rm -rf "$dest"
	mv "$root" "$dest"
	rm -rf "$tmp"
}

# abi_of_meta META [candidate]: the ABI ("6.1.0-56-amd64") of the
# linux-headers-<abi> a Debian meta package depends on: from dpkg when
# the meta package is installed (no apt lists needed), from the apt
# candidate otherwise or when asked to.
abi_of_meta() {
	local meta=$1 prefix=${1%-amd64} deps
	if is_installed "$meta" && [ "${2:-}" != candidate ]; then
		deps=$(dpkg-query -W -f='${Depends}' "$meta")
	else
		deps=$(apt-cache depends "$meta" 2>/dev/null | sed -n 's/^ *Depends: //p') || true
	fi
	tr ', ' '\n' <<<"$deps" | sed -n "s/^${prefix}-\(6\.1\.[0-9][^ ]*-amd64\)$/\1/p" | head -n1 || true
}

# kernel_61: headers of the 6.1 ABI that linux-headers-amd64 names, and
# its image in the cache; when that ABI is no longer downloadable (the
# installed meta package is older than the archive), move to the
# archive's current one (upgrading the meta package, or the next run
# would go back to the old ABI).
kernel_61() {
	local abi
	abi=$(abi_of_meta linux-headers-amd64)
	if [ -z "$abi" ]; then
		apt_update_once
		abi=$(abi_of_meta linux-headers-amd64 candidate)
	fi
	[ -n "$abi" ] || { log "cannot resolve linux-headers-amd64"; return 1; }
	if ! { ensure_installed linux-headers-amd64 && kernel "$abi"; }; then
		apt_update_once
		abi=$(abi_of_meta linux-headers-amd64 candidate)
		[ -n "$abi" ] || { log "cannot resolve linux-headers-amd64"; return 1; }
		log "retrying with the archive's 6.1 kernel $abi"
		apt_install linux-headers-amd64
		kernel "$abi"
	fi
	log "6.1 kernel: $abi"
}

# The look-ups below print nothing when nothing matches, never fail: with
# pipefail, a failing dpkg-query/apt-cache would end the script.

# newest_612_available FLAVOUR: newest 6.12 release of FLAVOUR (amd64,
# rt-amd64) in the apt lists, or nothing.
newest_612_available() {
	apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
		sed -n "s/^linux-headers-\\(6\\.12\\.[0-9]*+deb12-$1\\)\$/\\1/p" |
		sort -V | tail -n1 || true
}

# newest_612_cached FLAVOUR: newest 6.12 release of FLAVOUR in the cache.
newest_612_cached() {
	local d
	for d in "$KCACHE"/6.12.*; do
		[ ! -d "$d" ] || printf '%s\n' "${d##*/}"
	done | sed -n "s/^\\(6\\.12\\.[0-9]*+deb12-$1\\)\$/\\1/p" | sort -V | tail -n1 || true
}

# kernel_612 [FLAVOUR]: the newest 6.12 of FLAVOUR (default amd64;
# rt-amd64 is PREEMPT_RT), image and headers in the cache (kernel);
# prints SKIP and returns 0 on failure.
kernel_612() {
	local rel inst flavour=${1:-amd64}
	inst=$(newest_612_cached "$flavour")
	rel=$(newest_612_available "$flavour")
	# Nothing to fetch when a 6.12 is cached and the local lists know of
	# nothing newer (no network access on a no-op run).
	if [ -n "$inst" ] && [ "$(printf '%s\n' "$inst" "$rel" | sort -V | tail -n1)" = "$inst" ] &&
		kernel "$inst"; then
		log "6.12 kernel: $inst"
		return 0
	fi
	# 6.12 is optional: a failed update only means older lists.
	apt_update_once || log "apt-get update failed"
	rel=$(newest_612_available "$flavour")
	if [ -z "$rel" ]; then
		echo "SKIP: 6.12 kernel: no linux-headers-6.12.*+deb12-$flavour in the apt lists"
		return 0
	fi
	if ! kernel "$rel"; then
		echo "SKIP: 6.12 kernel $rel could not be installed; testing 6.1 only"
		return 0
	fi
	log "6.12 kernel: $rel"
}

main() {
	case ${1:-} in
	--plan) PLAN=1 ;;
	"") ;;
	*) sed -n '4,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}/usage: /' >&2; exit 2 ;;
	esac
	if [ "$PLAN" = 0 ] && [ "$(id -u)" != 0 ]; then
		log "must run as root (apt-get install)"
		exit 1
	fi
	ensure_installed "${BASE_PKGS[@]}"
	kernel_61
	kernel_612 amd64
	kernel_612 rt-amd64
}

main "$@"; exit
