#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dsmilctl-ratio.sh [--runs N] [--dsmilctl PATH]
#
# Prints how much `dsmilctl list` (every device of instance 0: one line
# each with state and group) costs compared with a single
# `cat /sys/class/dsmil/*/state` (the same states, groups included, with
# nothing else): the minimum wall time of N runs of each, interleaved, and
# their ratio.  The design target is a ratio of at most 3.
#
# Runs against the live driver (load dsmil-sim first), or against another
# tree with DSMIL_SYSFS=DIR (e.g. tests/host/fixture.bash DIR).
set -euo pipefail

RUNS=20
DSMILCTL=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/userspace/dsmilctl
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=${2:?}; shift 2 ;;
	--dsmilctl) DSMILCTL=${2:?}; shift 2 ;;
	-h | --help) sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "dsmilctl-ratio: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "dsmilctl-ratio: --runs wants a positive number" >&2; exit 2; }

CLASS=${DSMIL_SYSFS:-/sys}/class/dsmil
states=("$CLASS"/*/state)
[[ -e ${states[0]} ]] || { echo "dsmilctl-ratio: no $CLASS/*/state: is dsmil-sim loaded?" >&2; exit 1; }
devices=$("$DSMILCTL" list | tail -n +2 | wc -l)
[[ $devices == 84 ]] || echo "dsmilctl-ratio: note: $devices devices, not 84" >&2

# now_us -> REPLY: wall clock in microseconds (no fork)
now_us() {
	local t=${EPOCHREALTIME/[.,]/}
	REPLY=$((10#$t))
}

best_list=0 best_cat=0
for ((i = 0; i < RUNS; i++)); do
	now_us; t0=$REPLY
	"$DSMILCTL" list >/dev/null
	now_us; t1=$REPLY
	cat "$CLASS"/*/state >/dev/null
	now_us; t2=$REPLY
	d_list=$((t1 - t0)) d_cat=$((t2 - t1))
	((best_list == 0 || d_list < best_list)) && best_list=$d_list
	((best_cat == 0 || d_cat < best_cat)) && best_cat=$d_cat
done

ratio100=$(((best_list * 100 + best_cat / 2) / best_cat))
printf 'dsmilctl list (%s devices): %d.%03d ms (best of %d)\n' "$devices" $((best_list / 1000)) $((best_list % 1000)) "$RUNS"
printf 'cat %s/*/state (%d files): %d.%03d ms (best of %d)\n' "$CLASS" "${#states[@]}" $((best_cat / 1000)) $((best_cat % 1000)) "$RUNS"
printf 'ratio: %d.%02d\n' $((ratio100 / 100)) $((ratio100 % 100))
