#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: debian/ builds dsmil-dkms (the sources of both modules for
# DKMS) and dsmil-tools (dsmilctl, lsdsmil, man pages, udev rules,
# sysusers, modprobe.d, the metrics units) with dpkg-buildpackage -us -uc
# -b, and lintian finds no error and no warning in them and their .changes.
# DEB_VERSION=V builds a rebuilt version V (what the system test upgrades
# to).  Everything goes to a temporary DEBDIR/DISTDIR, not build/.  Skipped
# when dpkg-buildpackage, debhelper, dh-dkms or lintian is missing
# (tests/vm/deps.sh installs them).

load helpers

setup_file() {
	NO_DEB=
	for t in dpkg-buildpackage dh dh_dkms lintian; do
		command -v "$t" >/dev/null || NO_DEB="$NO_DEB $t"
	done
	export NO_DEB
	[[ -z $NO_DEB ]] || return 0
	VERSION=$(cat "$REPO/VERSION")
	DB=$(mktemp -d /tmp/dsmil-deb.XXXXXX)
	# one build each, timed: make check prints what packaging costs
	local t0=$SECONDS
	make -s -C "$REPO" --no-print-directory deb DEBDIR="$DB/v1" DISTDIR="$DB" >"$DB/v1.out" 2>&1 || true
	make -s -C "$REPO" --no-print-directory deb DEBDIR="$DB/v2" DISTDIR="$DB" \
		DEB_VERSION="$VERSION+1" >"$DB/v2.out" 2>&1 || true
	DEB_SECONDS=$((SECONDS - t0))
	export VERSION DB DEB_SECONDS
}

teardown_file() {
	if [[ -n ${DB:-} && -d $DB ]]; then rm -rf "$DB"; fi
}

setup() {
	[[ -z $NO_DEB ]] || skip "missing:$NO_DEB (apt-get install debhelper dh-dkms dpkg-dev lintian)"
}

# field DEB FIELD: one control field of a .deb
field() { dpkg-deb -f "$1" "$2"; }

# files DEB: the paths a .deb installs, sorted, directories left out
files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print substr($6, 2)}' | LC_ALL=C sort; }

@test "make deb builds dsmil-dkms and dsmil-tools into DEBDIR, and nothing in the checkout" {
	printf '# two builds (%s and %s+1): %d s\n' "$VERSION" "$VERSION" "$DEB_SECONDS" >&3
	run cat "$DB/v1.out"
	assert_line "$DB/v1/dsmil-dkms_${VERSION}_all.deb"
	assert_line --regexp "^$DB/v1/dsmil-tools_${VERSION}_[a-z0-9]+\.deb$"
	assert_line --regexp "^$DB/v1/dsmil_${VERSION}_[a-z0-9]+\.changes$"
	# the scratch copy is gone
	run find "$DB/v1" -mindepth 1 -type d
	assert_output ""
	# nothing of the build is left in the checkout's debian/
	run git -C "$REPO" ls-files --others -- debian
	assert_output ""
}

@test "lintian: no error and no warning on the packages and the .changes" {
	run lintian --fail-on error,warning "$DB"/v1/*.changes
	printf '# %s\n' "${lines[@]}" >&3
	assert_success
	refute_output --regexp '^[EW]: '
}

@test "dsmil-dkms: Architecture all, Section kernel, the DKMS sources of both modules, dkms.conf with AUTOINSTALL" {
	local deb=$DB/v1/dsmil-dkms_${VERSION}_all.deb src=usr/src/dsmil-$VERSION
	run field "$deb" Architecture
	assert_output all
	run field "$deb" Section
	assert_output kernel
	run field "$deb" Depends
	assert_output --regexp '(^|, )dkms( |,|$)'
	# exactly what `make install-dkms-sources` copies, plus the docs
	run files "$deb"
	assert_line "/$src/dkms.conf"
	assert_line "/$src/VERSION"
	assert_line "/$src/driver/Kbuild"
	assert_line "/$src/driver/core.c"
	assert_line "/$src/driver/sim/main.c"
	refute_line --regexp '\.(o|ko|mod\.c|cmd)$'
	refute_line --regexp '^/usr/(bin|lib)/'
	local x=$BATS_TEST_TMPDIR/x
	dpkg-deb -x "$deb" "$x"
	run bash -c '. "$1/dkms.conf"; echo "$PACKAGE_NAME $PACKAGE_VERSION $AUTOINSTALL ${BUILT_MODULE_NAME[*]}"' sh "$x/$src"
	assert_output "dsmil $VERSION yes dsmil-84dev dsmil-sim"
	# the maintainer scripts are dh_dkms's: dkms builds on install
	dpkg-deb -e "$deb" "$x/DEBIAN.ctl"
	run grep -h 'common.postinst\|dkms remove' "$x/DEBIAN.ctl/postinst" "$x/DEBIAN.ctl/prerm"
	assert_line --partial 'common.postinst'
	assert_line --partial 'dkms remove'
	# autopkgtest: autodep8's DKMS test and ours (load dsmil-sim)
	run grep -E '^Testsuite: autopkgtest-pkg-dkms$' "$REPO/debian/control"
	assert_success
	run grep -E '^Tests: load-sim$' "$REPO/debian/tests/control"
	assert_success
}

@test "dsmil-tools: the tools, man pages, udev rules, sysusers, modprobe.d and units; group on install, timer enabled" {
	local deb
	deb=$(echo "$DB"/v1/dsmil-tools_"${VERSION}"_*.deb)
	run field "$deb" Recommends
	assert_output "dsmil-dkms, prometheus-node-exporter"
	run files "$deb"
	assert_line /usr/bin/dsmilctl
	assert_line /usr/bin/lsdsmil
	assert_line /usr/share/man/man8/dsmilctl.8.gz
	assert_line /usr/share/man/man8/lsdsmil.8.gz
	assert_line /lib/udev/rules.d/60-dsmil.rules
	assert_line /usr/lib/sysusers.d/dsmil.conf
	assert_line /lib/modprobe.d/dsmil.conf
	assert_line /lib/systemd/system/dsmil-metrics.service
	assert_line /lib/systemd/system/dsmil-metrics.timer
	assert_line /usr/lib/dsmil/metrics.sh
	refute_line --partial /usr/local/
	local x=$BATS_TEST_TMPDIR/x
	dpkg-deb -x "$deb" "$x"
	# the installed files are the repo's (the service with its paths filled in)
	cmp "$x/lib/udev/rules.d/60-dsmil.rules" "$REPO/userspace/udev/60-dsmil.rules"
	cmp "$x/usr/lib/sysusers.d/dsmil.conf" "$REPO/userspace/sysusers.d/dsmil.conf"
	run grep '^ExecStart=' "$x/lib/systemd/system/dsmil-metrics.service"
	assert_output --regexp '^ExecStart=/usr/bin/dsmilctl metrics '
	run grep -c '/usr/lib/dsmil' "$x/usr/bin/dsmilctl"
	refute_output 0
	dpkg-deb -e "$deb" "$x/DEBIAN.ctl"
	run grep -h 'systemd-sysusers\|enable .dsmil-metrics.timer\|groupdel dsmil' "$x/DEBIAN.ctl/postinst" "$x/DEBIAN.ctl/postrm"
	assert_line --partial 'systemd-sysusers ${DPKG_ROOT:+--root="$DPKG_ROOT"} dsmil.conf'
	assert_line --partial "deb-systemd-helper enable 'dsmil-metrics.timer'"
	assert_line --partial 'groupdel dsmil'
}

@test "DEB_VERSION builds a rebuilt version: both packages and the DKMS tree carry it" {
	local v=$VERSION+1
	run cat "$DB/v2.out"
	assert_line "$DB/v2/dsmil-dkms_${v}_all.deb"
	run field "$DB/v2/dsmil-dkms_${v}_all.deb" Version
	assert_output "$v"
	run files "$DB/v2/dsmil-dkms_${v}_all.deb"
	assert_line "/usr/src/dsmil-$v/VERSION"
	run bash -c 'dpkg-deb --fsys-tarfile "$1" | tar -xO "./usr/src/dsmil-$2/VERSION"' sh "$DB/v2/dsmil-dkms_${v}_all.deb" "$v"
	assert_output "$v"
	run dpkg-deb -f "$(echo "$DB"/v2/dsmil-tools_"${v}"_*.deb)" Version
	assert_output "$v"
	# the checkout keeps its version
	run cat "$REPO/VERSION"
	assert_output "$VERSION"
}

@test "debian/rules refuses a changelog version that is not the VERSION file's" {
	local w=$BATS_TEST_TMPDIR/w
	mkdir -p "$w"
	tar -xzf "$DB/dsmil-$VERSION.tar.gz" -C "$w"
	echo 9.9.9 >"$w/dsmil-$VERSION/VERSION"
	run bash -c 'cd "$1" && dpkg-buildpackage -us -uc -b 2>&1' sh "$w/dsmil-$VERSION"
	assert_failure
	assert_output --partial "VERSION 9.9.9 != debian/changelog $VERSION"
}
