#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# load-ready.sh: "load to ready on the emulated Dell firmware", run by
# run.sh in a guest of its own booted with tests/firmware/qemu-args.sh.
#
# Each run resets the firmware, takes the time from the insmod of
# dsmil-84dev (the trigger: what udev runs at boot) to the platform file
# "ready" reading 1 (the initial read-back is done), and asks the
# firmware (build/firmware/dell-wmi-call, through /dev/wmi/dell-smbios,
# not through dsmil) how many token calls reached it meanwhile.
#
# The floors it prints beside the figures:
#  - calls: 84, one per device.  The driver makes 78: the five listed
#    quarantined tokens and 0x8008 (at quarantined 0x8009's location) are
#    never touched.  0x8040 and 0x8041 share location 0x0A40, so 77
#    reads would say as much; the driver reads each device on its own,
#    so that every read shows in that device's statistics/reads.
#  - time: 84 x one call, as long as a token read through the ioctl
#    takes here (the median of BENCH_CALLS reads of one location).
# Also the time insmod itself took: the read-back does not hold it up.
# Prints figures only, never asserts.
#
# Environment: LOAD_READY_RUNS (default 5), BENCH_CALLS (default 40);
# DSMIL_KO, DSMIL_REPO.
set -euo pipefail

RUNS=${LOAD_READY_RUNS:-5}
CALLS=${BENCH_CALLS:-40}
H=${DSMIL_REPO:?}/build/firmware/dell-wmi-call
PDEV=/sys/devices/platform/dsmil.0
TMP=$(mktemp -d)

cleanup() {
	rmmod dsmil_84dev 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "load-ready: LOAD_READY_RUNS must be a positive integer" >&2; exit 2; }
[[ $CALLS =~ ^[1-9][0-9]*$ ]] || { echo "load-ready: BENCH_CALLS must be a positive integer" >&2; exit 2; }
modprobe dell-smbios
"$H" ident >/dev/null || { echo "load-ready: no emulated Dell firmware in this guest" >&2; exit 2; }

# a pipe nobody writes to: read -t on it sleeps without forking
exec {SLEEP_FD}<> <(:)

# now_us -> REPLY
now_us() { REPLY=${EPOCHREALTIME/[.,]/}; }

# median FILE: the median (nearest rank) of the numbers in FILE
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# one call: the round trip of a token read through the ioctl, CALLS times
ops=()
for ((i = 0; i < CALLS; i++)); do ops+=(read 0x0a00); done
"$H" -t "${ops[@]}" | sed -n 's/^time_us=//p' >"$TMP/call_us"
call_us=$(median "$TMP/call_us")

# one_run: one load; appends to $TMP/insmod_us, $TMP/ready_us, $TMP/calls
one_run() {
	local t0 t1 r
	"$H" -q reset
	now_us; t0=$REPLY
	insmod "$DSMIL_KO"
	now_us; t1=$REPLY
	echo $((t1 - t0)) >>"$TMP/insmod_us"
	until IFS= read -r r <"$PDEV/ready" && [[ $r == 1 ]]; do
		read -r -t 0.001 -u "$SLEEP_FD" || true
	done
	now_us
	echo $((REPLY - t0)) >>"$TMP/ready_us"
	"$H" stats | sed -n 's/^calls=\([0-9]*\) .*/\1/p' >>"$TMP/calls"
	rmmod dsmil_84dev
}

for ((run = 0; run < RUNS; run++)); do one_run; done

insmod_ms=$(awk '{ printf "%.1f", $1 / 1000 }' <<<"$(median "$TMP/insmod_us")")
ready_ms=$(awk '{ printf "%.1f", $1 / 1000 }' <<<"$(median "$TMP/ready_us")")
calls=$(median "$TMP/calls")
floor_ms=$(awk -v c="$call_us" 'BEGIN { printf "%.1f", 84 * c / 1000 }')
ratio=$(awk -v r="$ready_ms" -v f="$floor_ms" 'BEGIN { if (f > 0) printf "%.2f", r / f; else print "n/a" }')

echo "== load to ready on the emulated Dell firmware ($RUNS runs, medians)"
echo "one token read through the ioctl: $call_us us (median of $CALLS)"
echo "insmod returned after: $insmod_ms ms"
echo "insmod to ready: $ready_ms ms; floor 84 x one call = $floor_ms ms; ratio $ratio"
echo "token calls during the load: $calls; floor 84 (one per device; 78 expected:" \
	"6 quarantined tokens are never read)"
echo "BENCH load_insmod_ms $insmod_ms"
echo "BENCH load_ready_ms $ready_ms"
echo "BENCH load_ready_floor_ms $floor_ms"
echo "BENCH load_ready_ratio $ratio"
echo "BENCH load_ready_calls $calls"
echo "BENCH load_call_us $call_us"
