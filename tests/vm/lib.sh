# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the tests/vm scripts and tests/run-check.sh; sourced,
# never run.  Expects VM_DIR (this directory) to be set by the caller.

REPO=$(cd "$VM_DIR/../.." && pwd)
MODULE=dsmil-84dev

# log_base REL: where the run dirs of kernel REL go.
log_base() {
	printf '%s/%s\n' "${DSMIL_LOG_DIR:-$REPO/build/logs}" "$1"
}

# new_run_dir REL: create and print a fresh run dir for REL, point
# "latest" at it and prune old ones.
new_run_dir() {
	local base dir
	base=$(log_base "$1")
	mkdir -p "$base"
	dir=$(mktemp -d "$base/run-$(date +%Y%m%d-%H%M%S)-XXXX")
	ln -sfn "$(basename "$dir")" "$base/latest"
	prune_runs "$base"
	printf '%s\n' "$dir"
}

# prune_runs BASE: beyond the 10 newest run dirs, remove those that are
# finished (have a status file) or older than a day; a run still going on
# in parallel (another user, another kernel) is left alone.
prune_runs() {
	local old
	# Names sort by time (run-YYYYmmdd-HHMMSS-XXXX).
	find "$1" -maxdepth 1 -type d -name 'run-*' | sort | head -n -10 |
		while read -r old; do
			if [ -e "$old/status" ] || [ -n "$(find "$old" -maxdepth 0 -mmin +1440)" ]; then
				rm -rf "$old"
			fi
		done
}

# kernel_root REL: the kernel cache dir of REL (tests/vm/deps.sh unpacks
# Debian's image package there): boot/vmlinuz-REL and lib/modules/REL/.
kernel_root() {
	printf '%s/kernels/%s\n' "${DSMIL_CACHE_DIR:-/var/cache/dsmil}" "$1"
}

# kernel_kdir REL: the kernel build tree of REL: the headers in the cache
# (the 6.12 backports' headers depend on their image, so deps.sh unpacks
# them there), else the installed ones (/lib/modules/REL/build).
kernel_kdir() {
	local kdir
	kdir=$(kernel_root "$1")/lib/modules/$1/build
	[ -d "$kdir" ] || kdir=/lib/modules/$1/build
	printf '%s\n' "$kdir"
}

# kernel_usable REL: true when REL can be booted (image and modules in
# the cache) and built against (kernel_kdir).
kernel_usable() {
	local root
	root=$(kernel_root "$1")
	[ -s "$root/.package" ] && [ -r "$root/boot/vmlinuz-$1" ] &&
		[ -d "$root/lib/modules/$1/kernel" ] && [ -d "$(kernel_kdir "$1")" ]
}

# ko_path REL: where the module built for REL is kept.
ko_path() {
	printf '%s/build/%s/%s.ko\n' "$REPO" "$1" "$MODULE"
}

# ko_matches KO REL: true when KO was built for kernel REL.
ko_matches() {
	[ -f "$1" ] && [ "$(modinfo -F vermagic "$1" 2>/dev/null | cut -d' ' -f1)" = "$2" ]
}

# with_driver_tree TAG KDIR CMD...: run CMD holding the lock on driver/
# (kbuild builds in place, so concurrent runs must take turns).  When
# the tree was last built under another TAG it is cleaned first: kbuild
# does not always notice a kernel switch.  TAG is the kernel release for
# a normal build; TAG "-" always cleans (a build that must see every
# file compile, e.g. for warnings).
with_driver_tree() {
	local tag=$1 kdir=$2 last=$REPO/build/.module-kver
	shift 2
	mkdir -p "$REPO/build"
	(
		flock 8
		if [ "$tag" = - ] || [ "$(cat "$last" 2>/dev/null)" != "$tag" ]; then
			make -s -C "$kdir" M="$REPO/driver" clean >/dev/null 2>&1 || true
			make -s -C "$kdir" M="$REPO/tests/modules" clean >/dev/null 2>&1 || true
		fi
		echo "$tag" >"$last"
		"$@"
	) 8>"$REPO/build/.module.lock"
}

# build_module REL: `make module` for REL and keep the results in build/REL/
# (dsmil-84dev.ko, dsmil-sim.ko, dsmil-kunit.ko for a kernel with KUnit,
# and the test modules of tests/modules/), so that kernels don't clobber each other.  A build already kept
# there from the same sources for the same kernel tree (module_key: e.g.
# the W=1 build of tests/hygiene.sh earlier in the same `make check`) is
# reused instead of built again.
# DSMIL_KDIR overrides the kernel build tree (default: kernel_kdir REL),
# e.g. for a self-built debug kernel.
build_module() {
	local rel=$1 kdir=${DSMIL_KDIR:-$(kernel_kdir "$1")}
	mkdir -p "$REPO/build/$rel"
	with_driver_tree "$rel" "$kdir" _reuse_or_build "$rel" "$kdir"
}

# module_key KDIR: a hash of everything a module build depends on: the
# contents of the driver sources (driver/: *.c, *.h, Kbuild, Makefiles),
# of the test modules (tests/modules/) and of the top Makefile, and the kernel tree (its path, .config and
# Module.symvers).  Make flags such as W=1 and C=2 only add warnings and
# checks, so they are not part of it.
module_key() {
	local kdir=$1 f
	{
		echo "kdir=$kdir"
		cat "$kdir/.config" "$kdir/Module.symvers" 2>/dev/null | sha256sum
		sha256sum "$REPO/Makefile"
		find "$REPO/driver" "$REPO/tests/modules" -type f \
			\( -name '*.[ch]' -o -name Kbuild -o -name 'Makefile*' \) \
			! -name '*.mod.c' -print0 | LC_ALL=C sort -z |
			while IFS= read -r -d '' f; do
				sha256sum "$f"
			done
	} | sha256sum | cut -c1-32
}

# _reuse_or_build REL KDIR: the build_module step under the lock.
_reuse_or_build() {
	local rel=$1 kdir=$2 key
	key=$(module_key "$kdir")
	if [ "$(cat "$REPO/build/$rel/module.key" 2>/dev/null)" = "$key" ] &&
		ko_matches "$REPO/build/$rel/$MODULE.ko" "$rel"; then
		echo "== $MODULE.ko for $rel: reusing build/$rel/ (same sources and kernel tree)"
		return 0
	fi
	_build_and_keep "$rel" "$kdir"
}

# _build_and_keep REL KDIR [MAKE ARGS...]: `make module` for REL (with
# $DSMIL_JOBS jobs, default: every CPU) under the driver/ lock, and keep
# every module of the build in build/REL/ with its module_key in
# build/REL/module.key (written only when the sources did not change
# during the build).
_build_and_keep() {
	local rel=$1 kdir=$2 ko=$REPO/driver/$MODULE.ko key
	shift 2
	rm -f "$REPO/build/$rel/module.key"
	key=$(module_key "$kdir")
	echo "== building $MODULE.ko for $rel${*:+ ($*)}"
	make -C "$REPO" -j"${DSMIL_JOBS:-$(nproc)}" module KVER="$rel" KDIR="$kdir" "$@" || return 1
	# the test modules the guest suites load (tests/modules/Kbuild)
	make -C "$kdir" M="$REPO/tests/modules" -j"${DSMIL_JOBS:-$(nproc)}" "$@" modules || return 1
	if ! ko_matches "$ko" "$rel"; then
		echo "build: $ko is not built for $rel (vermagic: $(modinfo -F vermagic "$ko" 2>/dev/null))" >&2
		return 1
	fi
	local m
	# dsmil-sim.ko always comes with the driver; the KUnit module only
	# for kernels with CONFIG_KUNIT.
	mkdir -p "$REPO/build/$rel"
	for m in driver/"$MODULE" driver/dsmil-sim driver/dsmil-kunit tests/modules/dsmil-test-zone \
		tests/modules/dsmil-keep9p; do
		rm -f "$REPO/build/$rel/${m##*/}.ko"
		[ -f "$REPO/$m.ko" ] || continue
		cp "$REPO/$m.ko" "$REPO/build/$rel/${m##*/}.ko.tmp"
		mv "$REPO/build/$rel/${m##*/}.ko.tmp" "$REPO/build/$rel/${m##*/}.ko"
	done
	[ "$(module_key "$kdir")" != "$key" ] || echo "$key" >"$REPO/build/$rel/module.key"
}

# tap_count FILE [STATUS]: count a bats --tap output into the globals
# passed, failed and skipped.  With the runner's exit STATUS known, tests
# announced by the plan but never reported count as failed, and so does a
# non-zero STATUS with no failed test (a suite that did not parse, say).
# Without STATUS (the guest died) the caller counts one failure itself.
tap_count() {
	local file=$1 status=${2:-} planned
	passed=0 failed=0 skipped=0
	[ -f "$file" ] || return 0
	passed=$(grep -cE '^ok [0-9]+' "$file" || true)
	skipped=$(grep -cE '^ok [0-9]+.* # [Ss][Kk][Ii][Pp]' "$file" || true)
	passed=$((passed - skipped))
	failed=$(grep -cE '^not ok [0-9]+' "$file" || true)
	[ -n "$status" ] || return 0
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$file" | head -n1)
	if [ -n "$planned" ] && [ $((passed + failed + skipped)) -lt "$planned" ]; then
		echo "tap: $((planned - passed - failed - skipped)) planned test(s) never reported" >&2
		failed=$((planned - passed - skipped))
	fi
	if [ "$status" != 0 ] && [ "$failed" = 0 ]; then
		echo "tap: bats exited $status without a failed test" >&2
		failed=1
	fi
}

# ktap_count FILE...: count the leaf results of KUnit KTAP output (a test
# case, or each parameter of a parameterised one) into the globals
# passed, failed and skipped.  A result is a leaf when no deeper result
# came since the previous result at its own level.
ktap_count() {
	local counts
	counts=$(awk '
		/^[ \t]*(not )?ok [0-9]+/ {
			match($0, /^[ \t]*/)
			i = RLENGTH
			if (!kids[i]) {
				if ($0 ~ /# SKIP/) s++
				else if ($0 ~ /^[ \t]*not ok/) f++
				else p++
			}
			kids[i] = 0
			for (j = 0; j < i; j++) kids[j] = 1
		}
		END { printf "%d %d %d\n", p, f, s }' "$@")
	read -r passed failed skipped <<<"$counts"
}

# write_counts FILE: store the globals passed/failed/skipped.
write_counts() {
	printf 'passed=%s\nfailed=%s\nskipped=%s\n' "$passed" "$failed" "$skipped" >"$1"
}

# summary_line: "N passed, N failed, N skipped" from the globals.
summary_line() {
	printf '%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
}
