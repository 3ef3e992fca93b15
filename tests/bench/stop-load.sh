#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stop-load.sh: "stop under load", run in the guest by guest.sh.
#
# 84 simulated devices; a writer switches the groups on one after the
# other with every simulated firmware call taking LATENCY; once about half
# of the devices are on, emergency_stop is written.  For each run it takes
# statistics/last_stop_latency_ns (from the write to the last device off)
# and the floor: the call in flight plus one call per device that was on
# (active_count read just before the write, plus one for the member being
# switched on), each as long as a simulated call really takes.  That is
# measured per latency first (the best of 3: g6 switched on and off, 24
# calls in two writes, over 24): the simulator sleeps with fsleep(),
# whose range lets a call take up to twice LATENCY, so LATENCY itself
# would be no floor.  Prints p50/p99/max of the latency and of
# latency / floor per latency; never asserts.
#
# Environment: STOP_LOAD_RUNS (runs per latency, default 20),
# STOP_LOAD_LATENCIES_US (default "1000 20000"); DSMIL_KO, DSMIL_SIM_KO.
set -euo pipefail

RUNS=${STOP_LOAD_RUNS:-20}
LATS=${STOP_LOAD_LATENCIES_US:-1000 20000}
PDEV=/sys/devices/platform/dsmil.0
SIM=/sys/kernel/debug/dsmil/dsmil.0/sim
CLASS=/sys/class/dsmil
TMP=$(mktemp -d)
WRITER=

cleanup() {
	[[ -z $WRITER ]] || kill "$WRITER" 2>/dev/null || true
	rmmod dsmil_sim dsmil_84dev 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "stop-load: STOP_LOAD_RUNS must be a positive integer" >&2; exit 2; }
insmod "$DSMIL_KO"
insmod "$DSMIL_SIM_KO" smi_timeout_ms=200
[[ -d $PDEV && -d $SIM ]] || { echo "stop-load: no $PDEV or $SIM" >&2; exit 2; }

# pct P FILE: the P-th percentile (nearest rank) of the numbers in FILE
pct() {
	sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 }
		END { r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r] }'
}

# one_run LATENCY_US: one stop under load; appends to $TMP/ns and $TMP/ratio
one_run() {
	local lat=$1 on ns floor
	echo 0 >"$PDEV/emergency_stop"
	echo "$lat" >"$SIM/latency_us"
	# the writer: groups on one after the other, until the stop cancels one
	bash -c 'for g in 0 1 2 3 4 5 6; do echo active >"$1/dsmil0:g$g/state" || exit 0; done' \
		_ "$CLASS" 2>/dev/null &
	WRITER=$!
	while on=$(cat "$PDEV/active_count") && ((on < 40)); do
		kill -0 "$WRITER" 2>/dev/null || break
		sleep 0.001
	done
	echo 1 >"$PDEV/emergency_stop"
	wait "$WRITER" || true
	WRITER=
	ns=$(cat "$PDEV/statistics/last_stop_latency_ns")
	floor=$(((on + 1) * PER_CALL_NS))
	echo "$ns" >>"$TMP/ns"
	awk -v a="$ns" -v b="$floor" 'BEGIN { printf "%.3f\n", a / b }' >>"$TMP/ratio"
	echo "$floor" >>"$TMP/floor"
	echo 0 >"$SIM/latency_us"
}

# now_us -> REPLY: wall clock in microseconds (a builtin: no fork)
now_us() { REPLY=${EPOCHREALTIME/[.,]/}; }

# calibrate LATENCY_US -> PER_CALL_NS: what one simulated call really takes
calibrate() {
	local i t0 d
	PER_CALL_NS=
	echo 0 >"$PDEV/emergency_stop"
	echo "$1" >"$SIM/latency_us"
	for i in 1 2 3; do
		now_us; t0=$REPLY
		echo active >"$CLASS/dsmil0:g6/state"
		echo ready >"$CLASS/dsmil0:g6/state"
		now_us
		d=$(((REPLY - t0) * 1000 / 24))
		if [[ -z $PER_CALL_NS ]] || ((d < PER_CALL_NS)); then PER_CALL_NS=$d; fi
	done
	echo 0 >"$SIM/latency_us"
}

echo "== stop under load: kernel $(uname -r), $RUNS runs per latency, stop once ~40 of 81 devices are on"
for lat in $LATS; do
	: >"$TMP/ns"
	: >"$TMP/ratio"
	: >"$TMP/floor"
	calibrate "$lat"
	echo "latency $lat us: one simulated call takes $((PER_CALL_NS / 1000)) us (best of 3)"
	for ((i = 0; i < RUNS; i++)); do one_run "$lat"; done
	printf 'latency %6d us: stop p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms  floor p50 %8.1f ms  ratio p50 %.2fx  p99 %.2fx  max %.2fx\n' \
		"$lat" "$(pct 50 "$TMP/ns")e-6" "$(pct 99 "$TMP/ns")e-6" "$(pct 100 "$TMP/ns")e-6" \
		"$(pct 50 "$TMP/floor")e-6" "$(pct 50 "$TMP/ratio")" "$(pct 99 "$TMP/ratio")" \
		"$(pct 100 "$TMP/ratio")"
	echo "BENCH stop_load_p99_ratio_$lat $(pct 99 "$TMP/ratio")"
	echo "BENCH stop_load_p99_ms_$lat $(awk -v v="$(pct 99 "$TMP/ns")" 'BEGIN { printf "%.1f", v / 1e6 }')"
done
