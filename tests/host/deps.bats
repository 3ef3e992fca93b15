#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/deps.sh (`make deps`) never touches how the host boots: no
# kernel image package is installed, nothing under /boot changes; the
# guest kernels are unpacked into the kernel cache instead.
#
# A run on a host that has everything is a no-op, so comparing the host
# before and after it alone could never fail.  The first tests therefore
# check what deps.sh would do on a fresh machine, from the list it acts
# on (`deps.sh --plan`: every package it installs or unpacks, installed
# or not, computed by the same code as a real run): apt resolves the
# install list against an empty package database (a machine with
# nothing installed, `apt-get -s`, nothing is installed) and must pull
# no linux-image-* package, not even as a dependency (the 6.12 headers
# depend on their image, which is why they go to the cache).  The last
# test runs `make deps` for real (root only) and compares
# `dpkg -l 'linux-image*'` and /boot before and after.

load helpers

DEPS=$REPO/tests/vm/deps.sh

# The plan, once for the file: `deps.sh --plan` into $BATS_FILE_TMPDIR/plan.
setup_file() {
	bash "$DEPS" --plan >"$BATS_FILE_TMPDIR/plan" 2>"$BATS_FILE_TMPDIR/plan.err" ||
		echo "deps.sh --plan failed: exit $?" >>"$BATS_FILE_TMPDIR/plan.err"
}

# plan: fail when deps.sh --plan failed, skip when it finds no kernel.
plan() {
	PLAN=$BATS_FILE_TMPDIR/plan
	! grep -q '^deps.sh --plan failed' "$PLAN.err" || fail "$(cat "$PLAN.err")"
	grep -q '^unpack ' "$PLAN" ||
		skip "deps.sh resolves no kernel from the apt lists here: $(cat "$PLAN.err")"
}

# images_and_boot: what `make deps` must leave alone.
images_and_boot() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' 'linux-image*' 2>/dev/null || true
	find /boot -printf '%p %y %s %T@ %l\n' 2>/dev/null | LC_ALL=C sort
}

@test "deps.sh --plan: images only unpacked into the cache, with the headers to build against each" {
	local rel
	plan
	run grep '^install linux-image' "$PLAN"
	assert_failure
	assert_output ""
	# The three kernels in the documented order, each from its image.
	run sed -n 's/^unpack linux-image-[^ ]* //p' "$PLAN"
	assert_success
	assert_line --index 0 --regexp '^6\.1\.[0-9]+-[0-9]+-amd64$'
	while read -r rel; do
		grep -qxF -e "install linux-headers-$rel" -e "unpack linux-headers-$rel $rel" \
			"$PLAN" || fail "no headers for $rel in the plan: $(cat "$PLAN")"
	done < <(sed -n 's/^unpack linux-image-[^ ]* //p' "$PLAN")
}

@test "on a machine with nothing installed, the packages deps.sh installs pull no kernel image" {
	local pkgs
	plan
	pkgs=$(sed -n 's/^install //p' "$PLAN" | sort -u)
	[[ -n $pkgs ]] || fail "the plan installs nothing"
	# shellcheck disable=SC2086 # one package per word
	run apt-get -s -q --no-install-recommends -o Dir::State::status=/dev/null install $pkgs
	assert_success
	# The resolution did happen (headers and their dependencies).
	assert_line --regexp '^Inst linux-headers-'
	refute_line --regexp '^Inst linux-image-'
}

# apt_install_fresh PKG: deps.sh's apt_install PKG (its functions sourced,
# main left out) on a simulated fresh machine: apt-get is a stub on PATH
# that runs the real `apt-get -s` against an empty package database and
# only prints "apt-get install ..." for anything else (nothing installed).
apt_install_fresh() {
	local stub=$BATS_TEST_TMPDIR/bin real
	real=$(command -v apt-get)
	mkdir -p "$stub"
	cat >"$stub/apt-get" <<-STUB
		#!/bin/bash
		if [[ " \$* " == *" -s "* ]]; then
			exec "$real" -o Dir::State::status=/dev/null "\$@"
		fi
		echo "apt-get install ran: \$*"
	STUB
	chmod +x "$stub/apt-get"
	run env PATH="$stub:$PATH" bash -c \
		'source <(sed "s/^main \"\$@\"; exit\$//" "$1"); APT_UPDATED=1; apt_install "$2"' \
		_ "$DEPS" "$1"
}

@test "deps.sh refuses an install that would pull a kernel image" {
	local rel
	plan
	rel=$(sed -n 's/^unpack linux-headers-\([^ ]*\) \1$/\1/p' "$PLAN" | head -n1)
	[[ -n $rel ]] || skip "no kernel here has headers that depend on their image"
	# The headers of such a kernel (they depend on its image), as if
	# deps.sh installed them on a fresh machine: refused before
	# apt-get install runs.
	apt_install_fresh "linux-headers-$rel"
	assert_failure
	assert_output --partial "would install the kernel image(s) linux-image-$rel"
	refute_output --partial "apt-get install ran"
	apt_install_fresh "linux-image-$rel"
	assert_failure
	assert_output --partial "refusing to install the kernel image linux-image-$rel"
	refute_output --partial "apt-get install ran"
	# What deps.sh does install goes through (the stub says so).
	apt_install_fresh make
	assert_success
	assert_output --partial "apt-get install ran"
}

@test "make deps leaves dpkg -l 'linux-image*' and /boot as they were" {
	[[ $(id -u) == 0 ]] || skip "make deps needs root"
	images_and_boot >"$BATS_TEST_TMPDIR/before"
	run make -s -C "$REPO" deps
	assert_success
	images_and_boot >"$BATS_TEST_TMPDIR/after"
	run diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	assert_success
	assert_output ""
}

@test "kernels.sh lists only kernels of the cache, never one installed in /boot" {
	local cache rel
	cache=$(mktemp -d "$BATS_TEST_TMPDIR/cache.XXXXXX")
	run env DSMIL_CACHE_DIR="$cache" bash "$REPO/tests/vm/kernels.sh"
	assert_success
	assert_output ""
	# A cached kernel whose headers are installed is listed.
	rel=$(find /lib/modules -mindepth 2 -maxdepth 2 -name build -printf '%h\n' | sed 's|.*/||' |
		grep -m1 -E '^6\.1\.[0-9]+-[0-9]+-amd64$' || true)
	[[ -n $rel ]] || skip "no 6.1 headers installed"
	mkdir -p "$cache/kernels/$rel/boot" "$cache/kernels/$rel/lib/modules/$rel/kernel"
	: >"$cache/kernels/$rel/boot/vmlinuz-$rel"
	echo "linux-image-$rel 1" >"$cache/kernels/$rel/.package"
	run env DSMIL_CACHE_DIR="$cache" bash "$REPO/tests/vm/kernels.sh"
	assert_success
	assert_output "$rel"
}
