#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh: the guest half of `make bench` (tests/bench/run.sh), run by
# the VM harness with the modules not loaded (DSMIL_KO, DSMIL_SIM_KO: the
# driver and the simulated platform, loaded in that order).  BENCH_BIN is the dir of the
# helpers run.sh compiled on the host.  Prints each benchmark's own
# report, and "BENCH key value" lines for the table.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=${BENCH_BIN:?}
DEV=/sys/class/dsmil/dsmil0:8000

# value_vs_token: the cost of a `value` read relative to a `token` read.
value_vs_token() {
	local out
	insmod "$DSMIL_KO"
	insmod "$DSMIL_SIM_KO"
	echo "== value read vs token read ($DEV)"
	out=$("$BIN/read-ratio" "$DEV/value" "$DEV/token" "${BENCH_READS:-20000}")
	echo "$out"
	echo "BENCH value_ratio $(sed -n 's/^ratio: \([0-9.]*\).*/\1/p' <<<"$out")"
	echo "== dsmilctl list vs cat */state"
	out=$(bash "$HERE/dsmilctl-ratio.sh" --runs "${BENCH_DSMILCTL_RUNS:-10}")
	echo "$out"
	echo "BENCH dsmilctl_ratio $(sed -n 's/^ratio: //p' <<<"$out")"
	rmmod dsmil_sim dsmil_84dev
}

thermal() {
	local out
	out=$(THERMAL_BENCH_N=${THERMAL_BENCH_N:-300} THERMAL_BENCH_BIN=$BIN/thermal-latency \
		bash "$HERE/thermal-latency.sh")
	echo "$out"
	# "NAME  p50 X us  p99 Y us  max Z us  (...)"
	sed -n 's/^in-kernel stop latency.* p99 *\([0-9.]*\) us.* max *\([0-9.]*\) us.*/BENCH stop_p99_us \1\nBENCH stop_max_us \2/p
		s/^write -> all states.* p99 *\([0-9.]*\) us.*/BENCH user_stop_p99_us \1/p' <<<"$out"
}

value_vs_token
bash "$HERE/scale.sh"
thermal
bash "$HERE/stop-load.sh"
