#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# DKMS: dkms.conf, `make dkms-install` and `make dkms-uninstall`, and
# `dkms build -k REL` for every test kernel (tests/vm/kernels.sh, against
# the same build trees as the guest suites): both modules, the driver dsmil-84dev and the
# simulated platform dsmil-sim, are built and installed, and their
# vermagic must be REL.
#
# Everything runs in temporary trees: dkms --dkmstree (instead of
# /var/lib/dkms), --sourcetree (instead of /usr/src), --installtree
# (instead of /lib/modules) and --no-depmod; the module signing key dkms
# makes is put there too (mok_signing_key, mok_certificate), so the host's
# dkms state, /usr/src and /lib/modules are never touched (the last test
# checks).  Needs root (dkms add refuses otherwise); skipped when dkms is
# not installed (tests/vm/deps.sh installs it).

load helpers

setup_file() {
	NO_DKMS=
	command -v dkms >/dev/null || NO_DKMS=1
	export NO_DKMS
	[[ -z $NO_DKMS ]] || return 0
	VERSION=$(cat "$REPO/VERSION")
	DK=$(mktemp -d /tmp/dsmil-dkms.XXXXXX)
	test_kernels
	KVERS=$REPLY
	local k
	mkdir -p "$DK/dkms" "$DK/src" "$DK/tmp"
	for k in $KVERS; do mkdir -p "$DK/install/$k"; done
	host_state >"$DK/host.before"
	export VERSION DK KVERS
}

# host_state: what of ours could be on the host; the last test compares.
host_state() {
	find /usr/src /var/lib/dkms -maxdepth 1 -name 'dsmil*' -printf '%p %T@\n'
	find /var/lib/dkms -maxdepth 1 -name 'mok.*' -printf '%p %T@\n'
	find /lib/modules -path '*/updates/dkms/dsmil-*.ko*' -printf '%p %T@\n'
}

MODULES="dsmil-84dev dsmil-sim"

# (bats 1.8 cannot skip from setup_file)
setup() {
	[[ -z $NO_DKMS ]] || skip "dkms is not installed (apt-get install --no-install-recommends dkms)"
}

teardown_file() {
	if [[ -n ${DK:-} && -d $DK ]]; then rm -rf "$DK"; fi
}

# dk ARGS...: dkms on the temporary trees
dk() {
	TMPDIR=$DK/tmp mok_signing_key=$DK/mok.key mok_certificate=$DK/mok.pub \
		dkms --dkmstree "$DK/dkms" --sourcetree "$DK/src" \
		--installtree "$DK/install" --no-depmod "$@"
}

# mk TARGET [VAR=VALUE...]: the top-level make on the temporary trees
mk() {
	TMPDIR=$DK/tmp mok_signing_key=$DK/mok.key mok_certificate=$DK/mok.pub \
		make -C "$REPO" --no-print-directory DKMS_SOURCE_TREE="$DK/src" \
		DKMS_FLAGS="--dkmstree $DK/dkms --installtree $DK/install --no-depmod" "$@"
}

# re TEXT -> REPLY: TEXT as an extended regular expression matching it
re() { REPLY=$(printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'); }

# vermagic FILE: the kernel release a module was built for
vermagic() { modinfo -F vermagic "$1" | cut -d' ' -f1; }

need_kernels() {
	[[ -n ${KVERS// /} ]] || fail "no test kernel (tests/vm/kernels.sh): run 'make deps'"
}

@test "dkms.conf: package dsmil, version from VERSION, dsmil-84dev and dsmil-sim built in driver/ by Kbuild" {
	run bash -c 'kernel_source_dir=/K dkms_tree=/T; . "$1/dkms.conf"
		printf "%s\n" "$PACKAGE_NAME" "$PACKAGE_VERSION" "${#BUILT_MODULE_NAME[@]}" \
			"${BUILT_MODULE_NAME[0]}" "${BUILT_MODULE_LOCATION[0]}" "${DEST_MODULE_LOCATION[0]}" \
			"${BUILT_MODULE_NAME[1]}" "${BUILT_MODULE_LOCATION[1]}" "${DEST_MODULE_LOCATION[1]}" \
			"$AUTOINSTALL" "${MAKE[0]}" "$CLEAN"' sh "$REPO"
	assert_success
	assert_output "dsmil
$VERSION
2
dsmil-84dev
driver/
/updates/dkms
dsmil-sim
driver/
/updates/dkms
yes
make -C /K M=/T/dsmil/$VERSION/build/driver modules
make -C /K M=/T/dsmil/$VERSION/build/driver clean"
	[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "VERSION is not N.N.N: '$VERSION'"
}

@test "make dkms-install DKMS_KERNELS=: module sources copied (no build output), dsmil/VERSION added" {
	run mk dkms-install DKMS_KERNELS=
	assert_success
	local src=$DK/src/dsmil-$VERSION
	[[ -f $src/dkms.conf && -f $src/VERSION && -f $src/driver/Kbuild && -f $src/driver/core.c &&
		-f $src/driver/sim/main.c ]] ||
		fail "sources missing in $src: $(find "$src" | sort)"
	run find "$src" -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name modules.order -o -name Module.symvers
	assert_output ""
	# every source file of the driver made it
	local f
	for f in "$REPO"/driver/*.[ch] "$REPO"/driver/sim/*.[ch]; do
		[[ $f == *.mod.c ]] && continue
		cmp "$f" "$src/${f#"$REPO"/}" || fail "$f not copied"
	done
	run dk status
	assert_success
	assert_output "dsmil/$VERSION: added"
}

@test "dkms build -k REL for every test kernel: both modules, vermagic is REL, version is VERSION" {
	need_kernels
	run mk dkms-install DKMS_KERNELS=
	assert_success
	local k ko m
	for k in $KVERS; do
		kernel_tree "$k"
		run dk build "dsmil/$VERSION" -k "$k" --kernelsourcedir "$REPLY"
		assert_success
		for m in $MODULES; do
			ko=$(find "$DK/dkms/dsmil/$VERSION/$k" -path "*/module/$m.ko*")
			[[ -n $ko ]] || fail "dkms build -k $k: no $m; make.log:
$(cat "$DK/dkms/dsmil/$VERSION/build/make.log" 2>/dev/null)"
			run vermagic "$ko"
			assert_output "$k"
			run modinfo -F version "$ko"
			assert_output "$VERSION"
			run modinfo -F alias "$ko"
			if [[ $m == dsmil-84dev ]]; then
				# its old name and the DMI table (Dell "Rugged" machines)
				assert_line "dsmil-72dev"
				assert_line --regexp '^dmi\*:svn\*DellInc\.\*:pn\*Rugged\*:'
				assert_equal "${#lines[@]}" 2
			else
				# the simulator never autoloads
				assert_output ""
				run modinfo -F depends "$ko"
				assert_output --regexp '(^|,)dsmil-84dev(,|$)'
			fi
		done
	done
	run dk status
	for k in $KVERS; do
		re "dsmil/$VERSION, $k, "
		assert_line --regexp "^${REPLY}[^:]*: built$"
	done
}

@test "make dkms-install DKMS_KERNELS=...: built and installed into each kernel's updates/dkms" {
	need_kernels
	run mk dkms-install DKMS_KERNELS="$KVERS"
	assert_success
	local k ko m
	for k in $KVERS; do
		for m in $MODULES; do
			ko=$(find "$DK/install/$k/updates/dkms" -name "$m.ko*")
			[[ -n $ko ]] || fail "$m not installed for $k: $(find "$DK/install/$k")"
			run vermagic "$ko"
			assert_output "$k"
		done
	done
	run dk status
	for k in $KVERS; do
		re "dsmil/$VERSION, $k, "
		assert_line --regexp "^${REPLY}[^:]*: installed$"
	done
}

@test "make dkms-uninstall: gone from the dkms, source and install trees; a second run is a no-op" {
	run mk dkms-uninstall
	assert_success
	run dk status
	assert_output ""
	[[ ! -e $DK/src/dsmil-$VERSION && ! -e $DK/dkms/dsmil ]] || fail "left behind: $(ls -R "$DK/src" "$DK/dkms")"
	run find "$DK/install" -name 'dsmil-*.ko*'
	assert_output ""
	run mk dkms-uninstall
	assert_success
}

@test "the host's /usr/src, /var/lib/dkms and /lib/modules were not touched" {
	run host_state
	assert_output "$(cat "$DK/host.before")"
}
