#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything `make demo` and `make check` need on a Debian 12 host:
# build tools, QEMU, the guest userland pieces, bats, and the two test
# kernels (headers to build the module, image to boot it in QEMU).
#
# Idempotent and fast when nothing is missing: every package is checked with
# dpkg first, and `apt-get update` runs at most once, only when something has
# to be installed (or a kernel cannot be resolved from the local lists).
#
# Kernel images are installed with INITRD=No in the environment: Debian's
# /etc/kernel/postinst.d/initramfs-tools hook honours it and skips the slow
# host initramfs generation.  The host never boots these kernels; the guest
# uses our own small initramfs (tests/vm/run-guest.sh).  Nothing under /etc
# is changed.
#
# A 6.12 kernel that cannot be installed is not fatal: a "SKIP: 6.12 ..."
# line is printed and the 6.1 kernel is still usable.
set -euo pipefail

BASE_PKGS=(gcc make libc6-dev qemu-system-x86 busybox-static bats bats-assert
	bats-support kmod udev cpio xz-utils zstd
	sparse shellcheck linux-source-6.12 lm-sensors
	libsysfs-dev pkg-config jq valgrind strace dash curl groff-base man-db
	prometheus prometheus-node-exporter python3 acpica-tools
	dkms python3-docutils debhelper dh-dkms dpkg-dev lintian)

APT_UPDATED=0

log() { printf 'deps: %s\n' "$*" >&2; }

# is_installed PKG: true when dpkg has PKG fully installed.
is_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# apt_update_once: refresh the package lists the first time only.
apt_update_once() {
	[ "$APT_UPDATED" = 1 ] && return 0
	log "apt-get update"
	apt-get -q -o DPkg::Lock::Timeout=300 update >&2
	APT_UPDATED=1
}

# apt_install PKG...: install without recommends and without a host initramfs.
apt_install() {
	apt_update_once
	log "installing: $*"
	DEBIAN_FRONTEND=noninteractive INITRD=No \
		apt-get -q -y --no-install-recommends -o DPkg::Lock::Timeout=300 \
		install "$@" >&2
}

# missing PKG...: print the packages that are not installed.
missing() {
	local p
	for p in "$@"; do
		is_installed "$p" || printf '%s\n' "$p"
	done
}

# abi_of_meta META [candidate]: the ABI ("6.1.0-56-amd64") of the
# linux-headers-<abi>/linux-image-<abi> a Debian meta package depends on:
# from dpkg when the meta package is installed (no apt lists needed),
# from the apt candidate otherwise or when asked to.
abi_of_meta() {
	local meta=$1 prefix=${1%-amd64} deps
	if is_installed "$meta" && [ "${2:-}" != candidate ]; then
		deps=$(dpkg-query -W -f='${Depends}' "$meta")
	else
		deps=$(apt-cache depends "$meta" 2>/dev/null | sed -n 's/^ *Depends: //p') || true
	fi
	tr ', ' '\n' <<<"$deps" | sed -n "s/^${prefix}-\(6\.1\.[0-9][^ ]*-amd64\)$/\1/p" | head -n1 || true
}

# install_61 ABI SOURCE: install what is missing of the 6.1 kernel ABI.
install_61() {
	local abi=$1 todo
	local want=(linux-headers-amd64 "linux-headers-$abi" "linux-image-$abi")
	# The image meta package only when it names the same ABI, so that we
	# never pull a second, unmatched kernel.
	[ "$(abi_of_meta linux-image-amd64 "$2")" != "$abi" ] || want+=(linux-image-amd64)
	mapfile -t todo < <(missing "${want[@]}")
	# Moving to the archive's ABI: upgrade the installed meta package too,
	# or the next run would go back to the old ABI.
	[ "$2" != candidate ] || todo+=(linux-headers-amd64)
	[ "${#todo[@]}" -eq 0 ] || apt_install "${todo[@]}"
}

# kernel_61: headers and image of the 6.1 ABI that linux-headers-amd64
# names; when that ABI is no longer downloadable (the installed meta
# package is older than the archive), move to the archive's current one.
kernel_61() {
	local abi
	abi=$(abi_of_meta linux-headers-amd64)
	if [ -z "$abi" ]; then
		apt_update_once
		abi=$(abi_of_meta linux-headers-amd64)
	fi
	[ -n "$abi" ] || { log "cannot resolve linux-headers-amd64"; return 1; }
	if ! install_61 "$abi" installed; then
		abi=$(abi_of_meta linux-headers-amd64 candidate)
		[ -n "$abi" ] || { log "cannot resolve linux-headers-amd64"; return 1; }
		log "retrying with the archive's 6.1 kernel $abi"
		install_61 "$abi" candidate
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

# newest_612_installed FLAVOUR: newest 6.12 release of FLAVOUR whose
# headers are installed.
newest_612_installed() {
	dpkg-query -W -f='${db:Status-Status} ${Package}\n' 'linux-headers-6.12.*' 2>/dev/null |
		sed -n "s/^installed linux-headers-\\(6\\.12\\.[0-9]*+deb12-$1\\)\$/\\1/p" |
		sort -V | tail -n1 || true
}

# image_612_installed REL: true when the signed or the unsigned image is in.
image_612_installed() {
	is_installed "linux-image-$1" || is_installed "linux-image-$1-unsigned"
}

# kernel_612 [FLAVOUR]: newest 6.12 headers + image of FLAVOUR (default
# amd64; rt-amd64 is PREEMPT_RT); prints SKIP and returns 0 on failure.
kernel_612() {
	local rel inst img flavour=${1:-amd64}
	inst=$(newest_612_installed "$flavour")
	rel=$(newest_612_available "$flavour")
	# Nothing to do when a complete 6.12 is installed and the local lists
	# know of nothing newer (no network access on a no-op run).
	if [ -n "$inst" ] && image_612_installed "$inst" &&
		[ "$(printf '%s\n' "$inst" "$rel" | sort -V | tail -n1)" = "$inst" ]; then
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
	local todo=()
	is_installed "linux-headers-$rel" || todo+=("linux-headers-$rel")
	if ! image_612_installed "$rel"; then
		# Prefer the signed image (what Debian installs by default); the
		# unsigned one has the same files and conflicts with it.
		if apt-cache show "linux-image-$rel" >/dev/null 2>&1; then
			img="linux-image-$rel"
		else
			img="linux-image-$rel-unsigned"
		fi
		todo+=("$img")
	fi
	if [ "${#todo[@]}" -gt 0 ] && ! apt_install "${todo[@]}"; then
		echo "SKIP: 6.12 kernel $rel could not be installed; testing 6.1 only"
		return 0
	fi
	log "6.12 kernel: $rel"
}

main() {
	if [ "$(id -u)" != 0 ]; then
		log "must run as root (apt-get install)"
		exit 1
	fi
	local todo
	mapfile -t todo < <(missing "${BASE_PKGS[@]}")
	[ "${#todo[@]}" -eq 0 ] || apt_install "${todo[@]}"
	kernel_61
	kernel_612 amd64
	kernel_612 rt-amd64
}

main "$@"; exit
