#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The packages' life on a machine, on the host at native speed: install,
# upgrade to a rebuilt version, remove and purge dsmil-dkms and
# dsmil-tools with dpkg in a throwaway overlay root of the host
# (tests/system/root.sh; DKMS builds for REL only).  Every file dpkg -L
# lists is there after install and upgrade and gone after remove; after
# purge the group dsmil is gone too and the root holds no file of the
# packages: everything its upper layer still has is dpkg's own records or
# byte for byte the host's file.  The host itself is unchanged.
# The tests are steps of one life: each builds on the previous one.
#
# Run by tests/system/run.sh (make check-system), which builds the
# packages first: DSMIL_DEB_DIR [build/deb] and DSMIL_DEB_UPGRADE_DIR
# [build/deb-upgrade] hold VERSION and VERSION+1; DSMIL_SYSTEM_KVER the
# kernel [6.1.0-57-amd64].  With DSMIL_SYSTEM_UPPER=TAR the root's upper
# layer right after the install is packed into TAR (root_pack): the
# whole-system boots start from it.  Needs root.

bats_require_minimum_version 1.5.0

VM_DIR=$BATS_TEST_DIRNAME/../vm
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"
# shellcheck source=tests/system/root.sh
. "$BATS_TEST_DIRNAME/root.sh"
BATS_LIB_PATH=${BATS_LIB_PATH:-/usr/lib/bats}
bats_load_library bats-support
bats_load_library bats-assert

REL=${DSMIL_SYSTEM_KVER:-6.1.0-57-amd64}
V1=$(cat "$REPO/VERSION")
V2=$V1+1
D1=${DSMIL_DEB_DIR:-$REPO/build/deb}
D2=${DSMIL_DEB_UPGRADE_DIR:-$REPO/build/deb-upgrade}
R=$BATS_FILE_TMPDIR/r/root

# host_state: what installing in the root must not change on the host.
host_state() {
	local k
	k=$(kernel_root "$REL")
	sha256sum /var/lib/dpkg/status /etc/group /etc/gshadow /etc/passwd
	ls -la /usr/src /var/lib/dkms /etc/systemd/system/timers.target.wants "/lib/modules/$REL" 2>&1
	find "$k/lib/modules/$REL" -newer "$BATS_FILE_TMPDIR/stamp" 2>&1
	findmnt -rn -o TARGET | grep -F "$BATS_FILE_TMPDIR" || true
}

setup_file() {
	[[ $(id -u) == 0 ]] || return 0
	touch "$BATS_FILE_TMPDIR/stamp"
	host_state >"$BATS_FILE_TMPDIR/host.before"
	root_start "$BATS_FILE_TMPDIR/r" "$REL"
	export ROOT_DIR ROOT_PID ROOT_REL
}

teardown_file() {
	root_stop
}

setup() {
	[[ $(id -u) == 0 ]] || skip "needs root (dpkg in an overlay root)"
	[[ -n ${ROOT_PID:-} ]] || fail "the overlay root did not start"
}

# debs DIR: the two packages in DIR (one line each)
debs() {
	local f
	for f in "$1"/dsmil-dkms_*_all.deb "$1"/dsmil-tools_*_amd64.deb; do
		[[ -f $f ]] || fail "no $f: build the packages first (tests/system/run.sh)"
		echo "$f"
	done
}

# install DIR: dpkg -i the packages of DIR in the root
install() {
	local -a p
	mapfile -t p < <(debs "$1")
	root_ns cp "${p[@]}" "$R/tmp/"
	run root_chroot sh -c 'dpkg -i /tmp/dsmil-*.deb; s=$?; rm -f /tmp/dsmil-*.deb; exit $s'
	printf '# %s\n' "${lines[@]}" >&3
	assert_success
}

# listed NAME: the paths dpkg -L lists for package NAME, saved as
# $BATS_FILE_TMPDIR/NAME.list
listed() {
	root_chroot dpkg-query -L dsmil-dkms dsmil-tools >"$BATS_FILE_TMPDIR/$1.list"
	[[ -s $BATS_FILE_TMPDIR/$1.list ]] || fail "dpkg -L lists nothing"
}

# missing LIST: the paths of LIST that the root does not have
missing() {
	root_ns sh -c 'while read -r p; do [ -e "$1$p" ] || [ -L "$1$p" ] || echo "$p"; done' sh "$R" <"$1"
}

# left LIST: the paths of LIST the root has and the host has not
left() {
	root_ns sh -c 'while read -r p; do
		{ [ -e "$1$p" ] || [ -L "$1$p" ]; } && ! [ -e "$p" ] && ! [ -L "$p" ] && echo "$p"
	done' sh "$R" <"$1"
}

# assert_installed V: both packages at version V, modules of version V
# installed by DKMS for REL, every listed file there.
assert_installed() {
	run root_chroot dpkg-query -W -f '${Package} ${Version} ${db:Status-Status}\n' dsmil-dkms dsmil-tools
	assert_line "dsmil-dkms $1 installed"
	assert_line "dsmil-tools $1 installed"
	run root_chroot dkms status dsmil
	assert_output "dsmil/$1, $REL, x86_64: installed"
	# the modules installed for REL are those DKMS built from version V
	local m
	for m in dsmil-84dev dsmil-sim; do
		run root_chroot modinfo -k "$REL" -n "$m"
		assert_output "/lib/modules/$REL/updates/dkms/$m.ko"
		run root_ns cmp "$R/var/lib/dkms/dsmil/$1/$REL/x86_64/module/$m.ko" "$R$output"
		assert_success
		# and say so: MODULE_VERSION is the tree's VERSION
		run root_chroot modinfo -k "$REL" -F version "$m"
		assert_output "$1"
	done
	run root_chroot getent group dsmil
	assert_success
	run root_chroot systemctl is-enabled dsmil-metrics.timer
	assert_output enabled
	run missing "$BATS_FILE_TMPDIR/v.list"
	assert_output ""
}

@test "install: dpkg -i both packages: DKMS builds and installs the modules, group dsmil, timer enabled, every file of dpkg -L there" {
	install "$D1"
	listed v
	cp "$BATS_FILE_TMPDIR/v.list" "$BATS_FILE_TMPDIR/v1.list"
	assert_installed "$V1"
	run grep -x "/usr/src/dsmil-$V1/dkms.conf" "$BATS_FILE_TMPDIR/v1.list"
	assert_success
	# the whole-system boots start from this installed root
	[[ -z ${DSMIL_SYSTEM_UPPER:-} ]] || root_pack "$DSMIL_SYSTEM_UPPER"
}

@test "upgrade to a rebuilt version: VERSION+1 replaces it, nothing of the old one is left" {
	install "$D2"
	listed v
	assert_installed "$V2"
	# what only the old version had (its DKMS sources) is gone
	run bash -c 'LC_ALL=C comm -23 <(sort "$1") <(sort "$2")' sh "$BATS_FILE_TMPDIR/v1.list" "$BATS_FILE_TMPDIR/v.list"
	assert_line "/usr/src/dsmil-$V1/dkms.conf"
	run left <(printf '%s\n' "${lines[@]}")
	assert_output ""
	run root_ns test -e "$R/var/lib/dkms/dsmil/$V1"
	assert_failure
}

@test "remove: every file of dpkg -L is gone, so are the modules; the group stays until purge" {
	run root_chroot dpkg -r dsmil-tools dsmil-dkms
	printf '# %s\n' "${lines[@]}" >&3
	assert_success
	run left "$BATS_FILE_TMPDIR/v.list"
	assert_output ""
	run root_chroot dkms status dsmil
	assert_output ""
	run root_ns sh -c 'ls "$1"/lib/modules/*/updates/dkms/dsmil* 2>/dev/null' sh "$R"
	assert_output ""
	run root_chroot getent group dsmil
	assert_success
}

@test "purge: no group dsmil, no record, no file left: the root's upper layer holds only dpkg's records and the host's files" {
	run root_chroot dpkg -P dsmil-tools dsmil-dkms
	assert_success
	run root_chroot dpkg-query -W dsmil-dkms dsmil-tools
	assert_failure
	run root_chroot getent group dsmil
	assert_failure
	run root_chroot systemctl is-enabled dsmil-metrics.timer
	assert_failure
	# every file of the upper layer: the bookkeeping of dpkg, its
	# triggers and the shadow tools, or identical to the host's
	local up=$ROOT_DIR/rw/upper k
	k=$(kernel_root "$REL")/lib/modules/$REL
	run root_ns sh -c 'cd "$1" && find . ! -type d ! -type c | sed "s,^\.,," | while read -r p; do
		case $p in
		/var/lib/dpkg/*|/var/log/*|/var/cache/man/*|/var/cache/debconf/*) continue ;;
		/etc/.pwd.lock|/etc/group-|/etc/gshadow-|/etc/passwd-|/etc/shadow-) continue ;;
		# DKMS'"'"'s module signing key, made on its first build, for all
		/var/lib/dkms/mok.key|/var/lib/dkms/mok.pub) continue ;;
		"$2/build"|"$2/source") continue ;; # root.sh links them like the guest
		esac
		if [ -L "$1$p" ]; then
			[ "$(readlink "$1$p")" = "$(readlink "$p" 2>/dev/null)" ] || echo "$p"
		else
			cmp -s "$1$p" "$p" || echo "$p"
		fi
	done; find . -type d | sed "s,^\.,," | while read -r p; do
		[ -z "$p" ] || [ -d "$p" ] || echo "$p/"
	done' sh "$up" "$k"
	assert_success
	assert_output ""
}

@test "the host is unchanged: dpkg status, groups, /usr/src, DKMS, units, the kernel cache, no mount left" {
	root_stop
	host_state >"$BATS_FILE_TMPDIR/host.after"
	run diff "$BATS_FILE_TMPDIR/host.before" "$BATS_FILE_TMPDIR/host.after"
	assert_success
	assert_output ""
}
