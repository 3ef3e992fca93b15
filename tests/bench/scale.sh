#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scale.sh: how instance creation scales, run in the guest (modules not
# loaded; DSMIL_KO and DSMIL_SIM_KO set by the VM harness).
#
#   tests/vm/run-guest.sh --kver REL -- bash tests/bench/scale.sh
#
# Prints (best of SCALE_RUNS, default 3):
#   - the module load time until all 84 devices are present: insmod of
#     the driver then of dsmil-sim, as `modprobe dsmil-sim` does (insmod
#     returns after probe), and the cost of an exec alone for comparison;
#   - the time of `echo 1 > enable` for dsmil-sim's configfs instances of
#     12, 48, 96, 192 and 256 devices (their register windows are kernel
#     memory), and the growth exponent k of t ~ n^k fitted over them
#     (1 = linear).
# Lines starting with "BENCH " are for tests/bench/run.sh's table.
set -euo pipefail

RUNS=${SCALE_RUNS:-3}
CFS=/sys/kernel/config/dsmil
SIZES=("1 12" "4 12" "8 12" "16 12" "16 16")	# groups, devices per group

now_us() {
	local t=${EPOCHREALTIME/[.,]/}
	REPLY=$((10#$t))
}

# best_load_us: min over RUNS of insmod + count check; unloads after.
best_load_us() {
	local best=0 t0 dt n
	local -a devs
	for ((i = 0; i < RUNS; i++)); do
		now_us; t0=$REPLY
		insmod "$DSMIL_KO"
		insmod "$DSMIL_SIM_KO"
		now_us; dt=$((REPLY - t0))
		devs=(/sys/class/dsmil/dsmil0:[0-9a-f]*)
		n=${#devs[@]}
		[ "$n" = 84 ] || { echo "scale: $n devices after load, not 84" >&2; exit 1; }
		rmmod dsmil_sim dsmil_84dev
		((best == 0 || dt < best)) && best=$dt
	done
	echo "$best"
}

best_exec_us() {
	local best=0 t0 dt
	for ((i = 0; i < RUNS; i++)); do
		now_us; t0=$REPLY
		/bin/true
		now_us; dt=$((REPLY - t0))
		((best == 0 || dt < best)) && best=$dt
	done
	echo "$best"
}

# enable_us GROUPS PER_GROUP: min over RUNS of the enable write.
enable_us() {
	local g=$1 d=$2 best=0 t0 dt item=$CFS/bench
	for ((i = 0; i < RUNS; i++)); do
		mkdir "$item"
		echo "$g" >"$item/groups"
		echo "$d" >"$item/devices_per_group"
		now_us; t0=$REPLY
		echo 1 >"$item/enable"
		now_us; dt=$((REPLY - t0))
		echo 0 >"$item/enable"
		rmdir "$item"
		((best == 0 || dt < best)) && best=$dt
	done
	echo "$best"
}

main() {
	local load exec_us gd n t points="" k
	if [ -z "${DSMIL_KO:-}" ] || [ -z "${DSMIL_SIM_KO:-}" ]; then
		echo "scale: DSMIL_KO or DSMIL_SIM_KO not set" >&2
		exit 2
	fi
	! grep -q '^dsmil_sim ' /proc/modules || rmmod dsmil_sim
	! grep -q '^dsmil_84dev ' /proc/modules || rmmod dsmil_84dev
	load=$(best_load_us)
	exec_us=$(best_exec_us)
	echo "== dsmil scale: kernel $(uname -r), best of $RUNS"
	printf 'module load to 84 devices: %d.%03d ms (an exec alone: %d.%03d ms)\n' \
		$((load / 1000)) $((load % 1000)) $((exec_us / 1000)) $((exec_us % 1000))
	echo "BENCH load_ms $((load / 1000)).$(printf '%03d' $((load % 1000)))"
	insmod "$DSMIL_KO"
	insmod "$DSMIL_SIM_KO"
	for gd in "${SIZES[@]}"; do
		read -r g d <<<"$gd"
		n=$((g * d))
		t=$(enable_us "$g" "$d")
		printf 'configfs enable, %3d devices: %d.%03d ms\n' "$n" $((t / 1000)) $((t % 1000))
		echo "BENCH enable_ms_$n $((t / 1000)).$(printf '%03d' $((t % 1000)))"
		points+="$n $t"$'\n'
	done
	rmmod dsmil_sim dsmil_84dev
	# Least-squares slope of log t over log n.
	k=$(printf '%s' "$points" | awk '{ x = log($1); y = log($2); sx += x; sy += y;
		sxx += x * x; sxy += x * y; m++ }
		END { printf "%.2f", (m * sxy - sx * sy) / (m * sxx - sx * sx) }')
	echo "growth exponent k (t ~ n^k, 12..256 devices): $k"
	echo "BENCH growth_k $k"
}

main "$@"
