#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# thermal-latency.sh: emergency-stop latency benchmark, run in the guest.
#
#   tests/vm/run-guest.sh --kver REL -- bash tests/bench/thermal-latency.sh
#
# Trips and clears the simulated platform N times (sim/temp_g0 = 100000,
# the platform threshold, with every group activated before each trip;
# then 45000) and prints p50/p99/max of
#   - the in-kernel stop latency (statistics/last_stop_latency_ns), and
#   - the userspace-observed time from the debugfs write until every
#     eligible device's state reads "emergency".
# It prints, never asserts (exit status is non-zero only when it could not
# run).  The timing loop is tests/bench/thermal-latency.c, compiled here
# with the host's gcc (visible in the guest).
#
# Environment:
#   THERMAL_BENCH_N    number of trips (default 1000; lower it under TCG
#                      if the run takes too long)
#   THERMAL_BENCH_BIN  use this prebuilt helper instead of compiling
#   DSMIL_KO, DSMIL_SIM_KO  the driver and the simulated platform, loaded
#                      in that order when dsmil_sim is not loaded yet (the
#                      VM harness sets both); what was loaded here is
#                      unloaded at the end
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=${THERMAL_BENCH_N:-1000}
PDEV=/sys/devices/platform/dsmil.0
SIM=/sys/kernel/debug/dsmil/dsmil.0/sim
TMP=$(mktemp -d)
LOADED_HERE=()

cleanup() {
	if [[ -e $SIM/temp_g0 ]]; then echo 45000 >"$SIM/temp_g0" || true; fi
	if ((${#LOADED_HERE[@]})); then rmmod "${LOADED_HERE[@]}" || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT

[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "thermal-latency: THERMAL_BENCH_N must be a positive integer, got '$N'" >&2; exit 2; }

if [[ ! -d /sys/module/dsmil_sim ]]; then
	[[ -n ${DSMIL_KO:-} && -f $DSMIL_KO && -n ${DSMIL_SIM_KO:-} && -f $DSMIL_SIM_KO ]] ||
		{ echo "thermal-latency: dsmil_sim not loaded and DSMIL_KO/DSMIL_SIM_KO not set" >&2; exit 2; }
	if [[ ! -d /sys/module/dsmil_84dev ]]; then
		insmod "$DSMIL_KO"
		LOADED_HERE=(dsmil_84dev)
	fi
	insmod "$DSMIL_SIM_KO"
	LOADED_HERE=(dsmil_sim "${LOADED_HERE[@]}")
fi
[[ -d $PDEV && -d $SIM ]] || { echo "thermal-latency: no $PDEV or $SIM (dsmil.0 not on dsmil-sim? debugfs?)" >&2; exit 2; }

# A clean starting point: no manual stop, every sensor cool.
echo 0 >"$PDEV/emergency_stop"
for f in "$SIM"/temp_g*; do echo 45000 >"$f"; done

BIN=${THERMAL_BENCH_BIN:-}
if [[ -z $BIN ]]; then
	BIN=$TMP/thermal-latency
	gcc -O2 -Wall -Wextra -o "$BIN" "$HERE/thermal-latency.c"
fi

trips0=$(cat "$PDEV/statistics/thermal_trips")
echo "== dsmil thermal latency: kernel $(uname -r), N=$N"
echo "   threshold $(cat "$PDEV/thermal_threshold"), hysteresis $(cat "$PDEV/thermal_hysteresis"), sim latency_us $(cat "$SIM/latency_us")"
start=$(date +%s%N)
"$BIN" "$N"
end=$(date +%s%N)
trips1=$(cat "$PDEV/statistics/thermal_trips")
echo "max_stop_latency_ns since load: $(cat "$PDEV/statistics/max_stop_latency_ns")"
echo "thermal_trips counted: $((trips1 - trips0)) (for $N trips)"
echo "wall time: $(((end - start) / 1000000)) ms"
