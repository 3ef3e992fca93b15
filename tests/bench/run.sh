#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--kver REL]: `make bench`, every benchmark in one guest run of
# kernel REL (default: the newest Debian kernel from tests/vm/kernels.sh),
# then one table on stdout, also kept in build/bench/table.txt (the full
# output in build/bench/output.txt).
#
#   1. `value` read vs the ro `token` read (read-ratio.c)   target <= 1.5x
#   2. module load to 84 devices (dsmil-84dev + dsmil-sim);
#      dsmil-sim configfs enable of 12..256
#      devices and the growth exponent (scale.sh)            target: linear
#   3. module text+data (`size` on the .ko): dsmil-84dev,
#      the driver alone (target <= 64 KiB), beside dsmil-sim
#   4. thermal stop latency (thermal-latency.sh)            target < 1 ms
#   5. dsmilctl list vs cat */state (dsmilctl-ratio.sh)     target <= 3x
#   6. on the emulated Dell firmware, a guest of its own: insmod to
#      "ready" and the token calls made (load-ready.sh)      floor: 84
#      calls, 84 x one call's time
# Figures only: nothing here passes or fails on a number (TCG timings are
# noisy; ratios are what to compare).  Knobs: THERMAL_BENCH_N, SCALE_RUNS,
# BENCH_READS, BENCH_DSMILCTL_RUNS, LOAD_READY_RUNS, BENCH_CALLS.
set -euo pipefail
shopt -s inherit_errexit

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../vm" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

OUT=$REPO/build/bench

# text_data_kib KO: text + data of the module as `size` counts them (all
# allocated sections, so also the kernel's metadata: modversions CRCs,
# ORC unwind tables, call-site lists), in KiB.
text_data_kib() {
	size "$1" | awk 'NR == 2 { printf "%.1f", ($1 + $2) / 1024 }'
}

# own_kib KO: only the module's own code and data (.text*, .rodata*,
# .data*, .bss), in KiB.
own_kib() {
	size -A "$1" | awk '$1 ~ /^\.(init\.|exit\.|ref\.)?(text|rodata|data|bss)/ { s += $2 }
		END { printf "%.1f", s / 1024 }'
}

# value KEY: the figure a BENCH line gave, or "n/a".
value() {
	local v
	v=$(sed -n "s/^BENCH $1 //p" "$OUT/output.txt" | tail -n1)
	echo "${v:-n/a}"
}

table() {
	local size=$1 own=$2 sim_size=$3 sim_own=$4
	printf '%-44s %12s  %s\n' "benchmark ($KVER, TCG)" "result" "target"
	printf '%-44s %12s  %s\n' "value read / token read" "$(value value_ratio)x" "<= 1.5x"
	printf '%-44s %12s  %s\n' "module load to 84 devices (driver + sim)" "$(value load_ms) ms" "-"
	for n in 12 48 96 192 256; do
		printf '%-44s %12s  %s\n' "configfs enable, $n devices" "$(value "enable_ms_$n") ms" "-"
	done
	printf '%-44s %12s  %s\n' "configfs growth exponent k (t ~ n^k)" "$(value growth_k)" "~1 (linear)"
	printf '%-44s %12s  %s\n' "dsmil-84dev text+data (size)" "$size KiB" "<= 64 KiB"
	printf '%-44s %12s  %s\n' "  of which the module's own code and data" "$own KiB" "-"
	printf '%-44s %12s  %s\n' "dsmil-sim text+data (size)" "$sim_size KiB" "-"
	printf '%-44s %12s  %s\n' "  of which the module's own code and data" "$sim_own KiB" "-"
	printf '%-44s %12s  %s\n' "thermal stop, in kernel, p99" "$(value stop_p99_us) us" "< 1000 us"
	printf '%-44s %12s  %s\n' "thermal stop, in kernel, max" "$(value stop_max_us) us" "-"
	printf '%-44s %12s  %s\n' "thermal stop, seen from userspace, p99" "$(value user_stop_p99_us) us" "-"
	printf '%-44s %12s  %s\n' "stop under load, 1 ms calls, p99" "$(value stop_load_p99_ms_1000) ms" "-"
	printf '%-44s %12s  %s\n' "  p99 / floor (in flight + 1 call per device)" "$(value stop_load_p99_ratio_1000)x" "<= 1.2x"
	printf '%-44s %12s  %s\n' "stop under load, 20 ms calls, p99" "$(value stop_load_p99_ms_20000) ms" "-"
	printf '%-44s %12s  %s\n' "  p99 / floor (in flight + 1 call per device)" "$(value stop_load_p99_ratio_20000)x" "<= 1.2x"
	printf '%-44s %12s  %s\n' "dsmilctl list / cat */state" "$(value dsmilctl_ratio)x" "<= 3x"
	printf '%-44s %12s  %s\n' "Dell firmware: insmod returns after" "$(value load_insmod_ms) ms" "-"
	printf '%-44s %12s  %s\n' "Dell firmware: insmod to ready" "$(value load_ready_ms) ms" \
		"84 x 1 call = $(value load_ready_floor_ms) ms"
	printf '%-44s %12s  %s\n' "  ready / floor" "$(value load_ready_ratio)x" "-"
	printf '%-44s %12s  %s\n' "Dell firmware: token calls during the load" "$(value load_ready_calls)" \
		"84 (78: 6 quarantined unread)"
}

main() {
	KVER=""
	[ "${1:-}" != --kver ] || KVER=${2:?}
	[ -n "$KVER" ] || KVER=$(bash "$VM_DIR/kernels.sh" | tail -n1)
	mkdir -p "$OUT"
	build_module "$KVER"
	gcc -O2 -Wall -Wextra -o "$OUT/read-ratio" "$REPO/tests/bench/read-ratio.c"
	gcc -O2 -Wall -Wextra -o "$OUT/thermal-latency" "$REPO/tests/bench/thermal-latency.c"
	# the guest sees DSMIL_* variables only: pass the knobs that are set
	local knobs=(--env "BENCH_BIN=$OUT") v
	for v in THERMAL_BENCH_N SCALE_RUNS BENCH_READS BENCH_DSMILCTL_RUNS STOP_LOAD_RUNS STOP_LOAD_LATENCIES_US; do
		[ -z "${!v:-}" ] || knobs+=(--env "$v=${!v}")
	done
	bash "$VM_DIR/run-guest.sh" --kver "$KVER" --timeout "${DSMIL_VM_TIMEOUT:-1800}" \
		"${knobs[@]}" -- bash tests/bench/guest.sh | tee "$OUT/output.txt"
	# load to ready needs the emulated Dell firmware: a guest of its own
	knobs=()
	for v in LOAD_READY_RUNS BENCH_CALLS; do
		[ -z "${!v:-}" ] || knobs+=(--env "$v=${!v}")
	done
	DSMIL_QEMU_ARGS="${DSMIL_QEMU_ARGS:-} $(bash "$REPO/tests/firmware/qemu-args.sh")" \
		bash "$VM_DIR/run-guest.sh" --kver "$KVER" --timeout "${DSMIL_VM_TIMEOUT:-1800}" \
		"${knobs[@]}" -- bash tests/bench/load-ready.sh | tee -a "$OUT/output.txt"
	echo
	local ko sim
	ko=$(ko_path "$KVER")
	sim=${ko%/*}/dsmil-sim.ko
	table "$(text_data_kib "$ko")" "$(own_kib "$ko")" "$(text_data_kib "$sim")" "$(own_kib "$sim")" |
		tee "$OUT/table.txt"
}

main "$@"
