#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hygiene.sh [KVER...] - the kernel-grade checks of the tree, as TAP.
#
# For each kernel (default: every kernel from tests/vm/kernels.sh): a W=1
# build with zero warnings and a sparse (C=2) pass with zero warnings.
# Then checkpatch --strict and kernel-doc on every driver and test-module
# file, and every shell script through shellcheck, every
# Documentation/*.rst through docutils (strict: any message fails) and
# the man pages through groff with all warnings on.  Each check is one
# TAP test and prints what it found.  checkpatch and kernel-doc come
# from Debian's linux-source-6.12, unpacked into a cache outside the
# tree.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_DIR=$HERE/vm
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"
CACHE=${DSMIL_CACHE_DIR:-/var/cache/dsmil}/kernel-scripts
SOURCE_TARBALL=/usr/src/linux-source-6.12.tar.xz

# checkpatch types we do not follow, one reason each:
#  LINUX_VERSION_CODE, CONSTANT_COMPARISON: compat.h is the one place
#    that must compare versions (out-of-tree module for 6.1 and 6.12)
#  MACRO_ARG_REUSE: attribute-generating macros name a struct field twice
#  STATIC_CONST_CHAR_ARRAY: uevent envp arrays must be char *[] for
#    kobject_uevent_env()
#  CAMELCASE: dell-smbios-api.h must match mainline's field names
#  PARENTHESIS_ALIGNMENT, OPEN_ENDED_LINE: TRACE_EVENT() layout as in
#    include/trace/events/*.h
CHECKPATCH_IGNORE=LINUX_VERSION_CODE,CONSTANT_COMPARISON,MACRO_ARG_REUSE,STATIC_CONST_CHAR_ARRAY,CAMELCASE,PARENTHESIS_ALIGNMENT,OPEN_ENDED_LINE
# and, in the KUnit test tables (kunit*.[ch]) only:
#  COMPLEX_MACRO: table-row macros expand to struct initializers
#  STRING_FRAGMENTS: inputs with an embedded NUL ("1\0" "2") on purpose
#  LONG_LINE: one table row per line reads better than wrapped rows
#  MACRO_ARG_UNUSED: kunit-code.c empties EXPORT_SYMBOL_NS_GPL() for its
#    own copy of parse.c and rules.c, which dsmil-84dev exports
KUNIT_IGNORE=$CHECKPATCH_IGNORE,COMPLEX_MACRO,STRING_FRAGMENTS,LONG_LINE,MACRO_ARG_UNUSED

n=0 failed=0

result() {
	local ok=$1 name=$2 log=$3
	n=$((n + 1))
	if [ "$ok" = 0 ]; then
		echo "ok $n - $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name"
		sed 's/^/# /' "$log"
	fi
}

driver_sources() {
	find "$REPO/driver" "$REPO/tests/modules" -maxdepth 2 \( -name '*.c' -o -name '*.h' \) \
		! -name '*.mod.c' ! -name 'kunit*' | sort
}

# Extract only the scripts we need from the source tarball, once.
kernel_scripts() {
	if [ ! -x "$CACHE/scripts/checkpatch.pl" ]; then
		[ -f "$SOURCE_TARBALL" ] || return 1
		mkdir -p "$CACHE"
		tar -xJf "$SOURCE_TARBALL" -C "$CACHE" --strip-components=1 \
			--wildcards 'linux-source-6.12/scripts/checkpatch.pl' \
			'linux-source-6.12/scripts/spelling.txt' \
			'linux-source-6.12/scripts/const_structs.checkpatch' \
			'linux-source-6.12/scripts/kernel-doc'
	fi
}

# check_build KVER LOG: a clean W=1 + sparse build of the driver (only
# its kbuild objects are cleaned, never build/; under the lock of
# tests/vm/lib.sh, and the next test build starts clean again).  The
# modules are kept in build/KVER/ like tests/vm/lib.sh's build_module
# does, so the guest suites of the same `make check` reuse them instead
# of building again (W=1 and C=2 only add warnings and checks).
check_build() {
	local kver=$1 log=$2 kdir
	kdir=$(kernel_kdir "$kver")
	with_driver_tree - "$kdir" \
		_build_and_keep "$kver" "$kdir" W=1 C=2 >"$log.raw" 2>&1 || {
		cat "$log.raw" >"$log"
		return 1
	}
	grep -E 'warning:|error:' "$log.raw" >"$log" || true
	[ ! -s "$log" ]
}

checkpatch() {
	perl "$CACHE/scripts/checkpatch.pl" --no-tree --strict -f --terse \
		--show-types "$@"
}

check_checkpatch() {
	local log=$1 rc=0
	# shellcheck disable=SC2046
	checkpatch --ignore "$CHECKPATCH_IGNORE" $(driver_sources) >"$log" 2>&1 || rc=1
	checkpatch --ignore "$KUNIT_IGNORE" "$REPO"/driver/kunit*.[ch] >>"$log" 2>&1 || rc=1
	return $rc
}

check_kernel_doc() {
	local log=$1
	# shellcheck disable=SC2046
	perl "$CACHE/scripts/kernel-doc" -none $(driver_sources) \
		"$REPO"/driver/kunit*.[ch] >"$log" 2>&1
	! grep -q . "$log"
}

check_shellcheck() {
	local log=$1
	local scripts
	scripts=$(cd "$REPO" && git ls-files --cached --others \
		--exclude-standard | while read -r f; do
		case "$f" in
		*.sh | *.bash | .ci/run | userspace/dsmilctl) echo "$f" ;;
		esac
	done)
	# shellcheck disable=SC2086
	(cd "$REPO" && shellcheck -x $scripts) >"$log" 2>&1
}

# Every Documentation/*.rst through docutils (python3-docutils), as strict
# as --strict (a message of any level, info included, fails) but listing
# every message of a file instead of stopping at the first.  Plain
# docutils, not Sphinx: no Sphinx-only roles or directives.
check_rst() {
	local log=$1 f rc=0
	: >"$log"
	if ! python3 -c 'import docutils' 2>/dev/null; then
		echo "docutils missing: apt-get install python3-docutils" >"$log"
		return 1
	fi
	for f in "$REPO"/Documentation/*.rst; do
		python3 -m docutils --report=info --exit-status=info --halt=severe \
			"$f" /dev/null >>"$log" 2>&1 || rc=1
	done
	return $rc
}

# The man pages through groff with every warning enabled (groff exits 0
# on warnings: any output fails).
check_man() {
	local log=$1 f
	: >"$log"
	for f in "$REPO"/userspace/man/*.[1-8]; do
		groff -man -ww -z "$f" >>"$log" 2>&1 || echo "$f: groff failed" >>"$log"
	done
	! grep -q . "$log"
}

LOG=$(mktemp)
trap 'rm -f "$LOG" "$LOG.raw"' EXIT

main() {
	local kvers=("$@") log=$LOG
	if [ ${#kvers[@]} -eq 0 ]; then
		mapfile -t kvers < <(bash "$HERE/vm/kernels.sh")
	fi
	for kver in "${kvers[@]}"; do
		check_build "$kver" "$log" && rc=0 || rc=1
		result "$rc" "W=1 and sparse clean on $kver" "$log"
	done
	if kernel_scripts; then
		check_checkpatch "$log" && rc=0 || rc=1
		result "$rc" "checkpatch --strict clean" "$log"
		check_kernel_doc "$log" && rc=0 || rc=1
		result "$rc" "kernel-doc clean" "$log"
	else
		echo "# SKIP checkpatch/kernel-doc: $SOURCE_TARBALL missing"
	fi
	check_shellcheck "$log" && rc=0 || rc=1
	result "$rc" "shellcheck clean" "$log"
	check_rst "$log" && rc=0 || rc=1
	result "$rc" "Documentation/*.rst: docutils strict clean" "$log"
	check_man "$log" && rc=0 || rc=1
	result "$rc" "man pages: groff -ww clean" "$log"
	echo "1..$n"
	echo "hygiene: $((n - failed)) passed, $failed failed"
	[ "$failed" -eq 0 ]
}

main "$@"
