#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Load/unload cycles (issue 3).  tools/dsmil-cycles.c loads and unloads
# both modules (the driver, then dsmil-sim; dsmil-sim, then the driver)
# DSMIL_CYCLES times (half plain, half with activate=0,1 so
# that teardown meets active devices), checking after every load that
# /sys/class/dsmil lists 84 devices and 7 groups and after every unload
# that it is gone.  Around the cycles (caches dropped, module unloaded)
# MemAvailable (plus the free pages on per-CPU lists, which it leaves
# out) must not shrink and Slab / SUnreclaim must not grow by more than
# DSMIL_CYCLES_MARGIN_KB; all figures are printed, also half-way.  No
# "dsmil" slab cache may grow or outlive the module.  On a kernel with
# kmemleak (the debug lane) two scans after the cycles must report nothing.
#
# Knobs: DSMIL_CYCLES [100], DSMIL_CYCLES_MARGIN_KB [4096].  Measured under
# TCG on a busy host: ~20-30 s for the suite on 6.1 and 6.12.  The debug
# (KASAN) lane, tests/vm/run-debug.sh, sets DSMIL_CYCLES=10; its kmemleak
# scans add ~30 s.

load helpers

CYCLES=${DSMIL_CYCLES:-100}
MARGIN_KB=${DSMIL_CYCLES_MARGIN_KB:-4096}
KMEMLEAK=/sys/kernel/debug/kmemleak

setup_file() {
	dsmil_timer_start
	dsmil_build_tool dsmil-cycles
	export CY=$REPLY
	DSMIL_SETUP_NOLOAD=1 dsmil_setup
	# Forget what kmemleak found before (boot, earlier suites).
	if [[ -w $KMEMLEAK ]]; then echo clear >"$KMEMLEAK"; fi
	dsmil_timer_report "setup_file (compile)"
}

setup() {
	dsmil_timer_start
}

teardown() {
	local rc=0
	dsmil_timer_report "$BATS_TEST_DESCRIPTION"
	dsmil_teardown || rc=1
	return $rc
}

# snapshot NAME: caches dropped, then /proc/meminfo plus "PcpFree: N kB",
# the free pages sitting on per-CPU lists (not in MemFree; they come and
# go by megabytes), -> NAME.mem, and the dsmil slab caches -> NAME.slab
snapshot() {
	local d=$BATS_FILE_TMPDIR
	echo 3 >/proc/sys/vm/drop_caches
	cp /proc/meminfo "$d/$1.mem"
	awk '$1 == "count:" { n += $2 } END { printf "PcpFree: %d kB\n", n * 4 }' /proc/zoneinfo >>"$d/$1.mem"
	grep -i dsmil /proc/slabinfo >"$d/$1.slab" || true
}

# meminfo NAME -> MEM[key]=kB
meminfo() {
	local key val
	declare -gA MEM=()
	while read -r key val _; do MEM[${key%:}]=$val; done <"$BATS_FILE_TMPDIR/$1.mem"
}

# cycles N [PARAMS]: N cycles with the module parameters PARAMS
cycles() {
	local rc=0
	"$CY" -k "$DSMIL_KO" -s "$DSMIL_SIM_KO" -n "$1" ${2:+-p "$2"} >"$BATS_TEST_TMPDIR/cycles.out" 2>&1 || rc=$?
	sed "s/^/# ${2:-plain}: /" "$BATS_TEST_TMPDIR/cycles.out" >&3
	((rc == 0)) || fail "load/unload cycles ($1, params '${2:-}') failed: $(<"$BATS_TEST_TMPDIR/cycles.out")"
}

@test "load/unload cycles: all 84 devices and 7 groups after every load, none after unload" {
	local half=$((CYCLES / 2))
	cycles 2 # warm-up: first-use allocations are not leaks
	snapshot before
	cycles $((CYCLES - half))
	snapshot middle
	((half == 0)) || cycles "$half" "activate=0,1"
	snapshot after
	! dsmil_loaded || fail "module loaded after the cycles"
}

# figures NAME: FIG[NAME.KEY] for the checked keys of snapshot NAME, in kB;
# "Available" is MemAvailable + PcpFree
figures() {
	local k
	meminfo "$1"
	MEM[Available]=$((MEM[MemAvailable] + MEM[PcpFree]))
	for k in MemAvailable PcpFree Available Slab SUnreclaim; do FIG[$1.$k]=${MEM[$k]}; done
}

@test "memory: MemAvailable, Slab and SUnreclaim stay within the margin over the cycles" {
	local k b m a bad=
	local -A FIG=()
	[[ -s $BATS_FILE_TMPDIR/after.mem ]] || fail "no figures: the cycles did not complete"
	figures before
	figures middle
	figures after
	for k in MemAvailable PcpFree Available Slab SUnreclaim; do
		b=${FIG[before.$k]} m=${FIG[middle.$k]} a=${FIG[after.$k]}
		printf '# %-12s before %8s kB, after %s cycles %8s kB (%+d), after %s %8s kB (%+d)\n' \
			"$k" "$b" $((CYCLES - CYCLES / 2)) "$m" $((m - b)) "$CYCLES" "$a" $((a - b)) >&3
		case $k in
		Available) ((b - a <= MARGIN_KB)) || bad+=" MemAvailable+PcpFree shrank by $((b - a)) kB;" ;;
		Slab | SUnreclaim) ((a - b <= MARGIN_KB)) || bad+=" $k grew by $((a - b)) kB;" ;;
		esac
	done
	if [[ -n $bad ]]; then
		# every figure that moved by 256 kB or more, to see where it went
		meminfo before
		local -A b4=()
		for k in "${!MEM[@]}"; do b4[$k]=${MEM[$k]}; done
		meminfo after
		for k in "${!MEM[@]}"; do
			b=${b4[$k]:-0} a=${MEM[$k]}
			(((a - b) * (a - b) >= 256 * 256)) && printf '# %s %+d kB\n' "$k" $((a - b)) >&3
		done
		fail "margin $MARGIN_KB kB, over $CYCLES cycles:$bad"
	fi
}

@test "slabinfo: no dsmil slab cache grows over the cycles or outlives the module" {
	local d=$BATS_FILE_TMPDIR before after loaded
	[[ -f $d/after.slab ]] || fail "no figures: the cycles did not complete"
	before=$(<"$d/before.slab") after=$(<"$d/after.slab")
	dsmil_load
	loaded=$(grep -i dsmil /proc/slabinfo) || true
	dsmil_unload
	printf '# dsmil slab caches while loaded: %s\n' "${loaded:-none}" >&3
	[[ -z $after ]] || fail "dsmil slab caches left after unload (before the cycles: '${before:-none}'):
$after"
}

@test "kmemleak: two scans after the cycles report no leak (debug kernel)" {
	[[ -e $KMEMLEAK ]] || skip "no kmemleak in this kernel ($DSMIL_KVER)"
	local report
	# objects must be ~5 s old before kmemleak reports them
	dsmil_sleep 6
	echo scan >"$KMEMLEAK"
	dsmil_sleep 5
	echo scan >"$KMEMLEAK"
	report=$(<"$KMEMLEAK")
	[[ -z $report ]] || fail "kmemleak reports leaks:
$report"
}
