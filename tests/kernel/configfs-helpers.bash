# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # variables shared with the suites / set by bats
#
# Helpers of the configfs and register-region suites (configfs.bats,
# region.bats), loaded after helpers.bash; configfs items are dsmil-sim's:
#
#   load helpers
#   load configfs-helpers
#

CFS=/sys/kernel/config/dsmil
PLAT=/sys/devices/platform
E_ACCES="Permission denied"

# quick CMD...: CMD in a subshell without bats' DEBUG trap, which runs for
# every command of the suite and costs ~1 ms each in the TCG guest (most
# of a loop's time).  A failure inside still fails the test (set -e, the
# message on stderr); variables set inside are lost.
quick() {
	(
		trap - DEBUG ERR
		"$@"
	)
}

# cfs_op mkdir|rmdir PATH -> REPLY: "ok" or the error text.  One perl
# process per test (cfs_op_start) does them: an exec of mkdir/rmdir costs
# ~0.5 s in the TCG guest, a request to the coprocess a few ms.
cfs_op_start() {
	coproc CFS_OP {
		exec perl -e '$| = 1;
			while (<STDIN>) {
				chomp;
				my ($op, $p) = split / /, $_, 2;
				my $ok = $op eq "mkdir" ? mkdir($p) : rmdir($p);
				print $ok ? "ok\n" : "$!\n";
			}' 2>/dev/null 3>&-
	}
	# plain copies: bash closes coproc fds in subshells (quick)
	exec {CFS_OP_IN}>&"${CFS_OP[1]}" {CFS_OP_OUT}<&"${CFS_OP[0]}"
	CFS_OP_KEEP=${CFS_OP_PID:?}
}

cfs_op() {
	printf '%s %s\n' "$1" "$2" >&"$CFS_OP_IN"
	IFS= read -r REPLY <&"$CFS_OP_OUT" || fail "the mkdir/rmdir coprocess died"
}

cfs_op_stop() {
	[[ -n ${CFS_OP_IN:-} ]] || return 0
	exec {CFS_OP_IN}>&- {CFS_OP_OUT}<&-
	kill "$CFS_OP_KEEP" 2>/dev/null || true
	wait "$CFS_OP_KEEP" 2>/dev/null || true
	CFS_OP_IN='' CFS_OP_OUT=''
}

# cfs_mkdir NAME [ATTR=VALUE ...]: create item NAME and set attributes
cfs_mkdir() {
	local kv
	cfs_op mkdir "$CFS/$1"
	[[ $REPLY == ok ]] || fail "mkdir $CFS/$1: $REPLY"
	for kv in "${@:2}"; do wrn "$CFS/$1/${kv%%=*}" "${kv#*=}"; done
}

cfs_rmdir() {
	cfs_op rmdir "$CFS/$1"
	[[ $REPLY == ok ]] || fail "rmdir $CFS/$1: $REPLY"
}

# cfs_enable NAME -> INST: enable must succeed; INST is the number M of
# the dsmil.M it created
cfs_enable() {
	wrn "$CFS/$1/enable" 1
	rd "$CFS/$1/instance"
	[[ $REPLY =~ ^dsmil\.([1-9][0-9]*)$ ]] || fail "$1/instance after enable: '$REPLY'"
	INST=${BASH_REMATCH[1]}
	[[ -d $PLAT/dsmil.$INST ]] || fail "$1/instance says dsmil.$INST, which does not exist"
}

# cfs_remove_all: rmdir every item (teardown; also disables)
cfs_remove_all() {
	local it rc=0
	for it in "$CFS"/*/; do
		[[ -d $it ]] || continue
		if [[ -n ${CFS_OP_IN:-} ]]; then
			cfs_op rmdir "${it%/}"
		else
			rmdir "$it" && REPLY=ok || REPLY=failed
		fi
		[[ $REPLY == ok ]] || { echo "teardown: rmdir $it: $REPLY" >&2; rc=1; }
	done
	return $rc
}

# count GLOB... -> REPLY: how many paths the glob matched (bash only)
count() {
	REPLY=0
	[[ -e $1 || -L $1 ]] || return 0
	REPLY=$#
}

# assert_text WHAT EXPECTED GOT: multi-line strings equal, else a diff
assert_text() {
	[[ $3 == "$2" ]] && return 0
	fail "$1 differs (-expected +got):
$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3"))"
}

# headers PREFIX TOKEN... -> REPLY: the first 12 bytes of each device's
# registers (PREFIX<token>/registers) as od prints them, a line each
headers() {
	local prefix=$1 t
	local -a files=()
	shift
	for t in "$@"; do files+=("$prefix$t/registers"); done
	REPLY=$(head -q -c 12 "${files[@]}" | od -A n -t x4 -v -w12) ||
		fail "reading the registers of $prefix* failed"
}

# expected_headers TOKEN... -> REPLY: what headers prints for present
# devices (DSML, the token id, status 1); "-TOKEN" for an absent one
expected_headers() {
	local t out=
	for t in "$@"; do
		if [[ $t == -* ]]; then
			out+=$'\n'" 00000000 00000000 00000000"
		else
			out+=$'\n'" 4c4d5344 0000$t 00000001"
		fi
	done
	REPLY=${out#$'\n'}
}

# sig_tokens PREFIX TOKEN... -> REPLY: bytes 0..7 of each device's
# registers (PREFIX<token>/registers) as od prints them, a line each
sig_tokens() {
	local prefix=$1 t
	local -a files=()
	shift
	for t in "$@"; do files+=("$prefix$t/registers"); done
	REPLY=$(head -q -c 8 "${files[@]}" | od -A n -t x4 -v -w8) ||
		fail "reading the registers of $prefix* failed"
}

# exp_sig_tokens TOKEN... -> REPLY: what sig_tokens prints for windows
# with a header ("DSML", the token); "-TOKEN" for one without
exp_sig_tokens() {
	local t out=
	for t in "$@"; do
		if [[ $t == -* ]]; then out+=$'\n'" 00000000 00000000"; else out+=$'\n'" 4c4d5344 0000$t"; fi
	done
	REPLY=${out#$'\n'}
}

# iomem_dsmil -> REPLY: the dsmil lines of /proc/iomem
iomem_dsmil() {
	local line out=
	while IFS= read -r line; do
		[[ $line != *" : dsmil" ]] || out+=$line$'\n'
	done </proc/iomem
	REPLY=${out%$'\n'}
}
