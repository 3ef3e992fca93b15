#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# `make dist`: the source tarball dsmil-VERSION.tar.gz holds the tracked
# files (git ls-files) under dsmil-VERSION/, no build output, and builds on
# its own: unpacked in a temporary directory, `make module` builds both
# modules (dsmil-84dev, dsmil-sim) for every test kernel
# (tests/vm/kernels.sh, against the same build trees as the guest suites;
# vermagic = that release) and `make userspace` builds lsdsmil.  The tarball goes to a temporary
# DISTDIR, not build/.

load helpers

setup_file() {
	VERSION=$(cat "$REPO/VERSION")
	DT=$(mktemp -d /tmp/dsmil-dist.XXXXXX)
	TARBALL=$DT/dsmil-$VERSION.tar.gz
	test_kernels
	KVERS=$REPLY
	make -s -C "$REPO" --no-print-directory dist DISTDIR="$DT" >"$DT/dist.out" 2>&1 || true
	export VERSION DT TARBALL KVERS
}

teardown_file() {
	if [[ -n ${DT:-} && -d $DT ]]; then rm -rf "$DT"; fi
}

setup() {
	[[ -f $TARBALL ]] || fail "make dist made no $TARBALL: $(cat "$DT/dist.out")"
}

# tracked: the tracked files that exist in the work tree, sorted
tracked() {
	(cd "$REPO" && git ls-files | while IFS= read -r f; do
		if [[ -e $f || -L $f ]]; then printf '%s\n' "$f"; fi
	done) | LC_ALL=C sort
}

# unpack DIR: the tarball unpacked into DIR (DIR/dsmil-VERSION/...)
unpack() {
	mkdir -p "$1"
	tar -xzf "$TARBALL" -C "$1"
}

@test "make dist prints and writes dsmil-VERSION.tar.gz; every entry is below dsmil-VERSION/" {
	run cat "$DT/dist.out"
	assert_output "$TARBALL"
	run gzip -t "$TARBALL"
	assert_success
	run bash -c 'tar -tzf "$1" | grep -v "^dsmil-$2/"' sh "$TARBALL" "$VERSION"
	assert_output ""
}

@test "the tarball holds exactly the tracked files, as they are in the work tree" {
	run bash -c 'tar -tzf "$1" | sed "s|^dsmil-$2/||" | LC_ALL=C sort' sh "$TARBALL" "$VERSION"
	assert_success
	assert_output "$(tracked)"
	local d=$DT/cmp f
	unpack "$d"
	while IFS= read -r f; do
		if [[ -L $REPO/$f ]]; then
			[[ $(readlink "$d/dsmil-$VERSION/$f") == "$(readlink "$REPO/$f")" ]] ||
				fail "symlink $f differs"
		else
			cmp -s "$REPO/$f" "$d/dsmil-$VERSION/$f" || fail "$f differs from the work tree"
		fi
	done < <(tracked)
	rm -rf "$d"
}

@test "no build output in the tarball (*.o, *.ko, kbuild files, build/, lsdsmil)" {
	run bash -c 'tar -tzf "$1" | sed "s|^[^/]*/||" | grep -E \
		"(^|/)build/|\.(o|ko|mod|mod\.c|a|tar\.gz)$|(^|/)\.[^/]*\.cmd$|(^|/)(modules\.order|Module\.symvers)$|^userspace/lsdsmil$"' \
		sh "$TARBALL"
	assert_output ""
}

@test "make dist is reproducible: a second run gives the same bytes" {
	local again=$DT/again
	mkdir -p "$again"
	run make -s -C "$REPO" --no-print-directory dist DISTDIR="$again"
	assert_success
	cmp "$TARBALL" "$again/dsmil-$VERSION.tar.gz"
	rm -rf "$again"
}

@test "the unpacked tarball builds both modules for every test kernel (vermagic = release)" {
	[[ -n ${KVERS// /} ]] || fail "no test kernel (tests/vm/kernels.sh): run 'make deps'"
	local k d ko m
	for k in $KVERS; do
		# one fresh tree per kernel: kbuild does not always notice a switch
		d=$DT/build-$k
		unpack "$d"
		kernel_tree "$k"
		run make -C "$d/dsmil-$VERSION" --no-print-directory module KVER="$k" KDIR="$REPLY"
		assert_success
		for m in dsmil-84dev dsmil-sim; do
			ko=$d/dsmil-$VERSION/driver/$m.ko
			[[ -f $ko ]] || fail "no $ko after make module for $k"
			run modinfo -F vermagic "$ko"
			assert_output --regexp "^[^ ]+ "
			[[ ${output%% *} == "$k" ]] || fail "$m: vermagic '$output' is not for $k"
			run modinfo -F version "$ko"
			assert_output "$VERSION"
		done
		run modinfo -F depends "$d/dsmil-$VERSION/driver/dsmil-sim.ko"
		assert_output --regexp '(^|,)dsmil-84dev(,|$)'
		[[ -L $d/dsmil-$VERSION/driver/dsmil-72dev.ko ]] || fail "no dsmil-72dev.ko alias link"
		rm -rf "$d"
	done
}

@test "the unpacked tarball builds the userspace; the tools report VERSION" {
	local d=$DT/userspace
	unpack "$d"
	run make -C "$d/dsmil-$VERSION" --no-print-directory userspace
	assert_success
	[[ -x $d/dsmil-$VERSION/userspace/lsdsmil ]] || fail "no lsdsmil"
	run "$d/dsmil-$VERSION/userspace/lsdsmil" --version
	assert_output "lsdsmil $VERSION"
	run "$d/dsmil-$VERSION/userspace/dsmilctl" --version
	assert_output "dsmilctl $VERSION"
	rm -rf "$d"
}
