#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# record-series.sh: record the metrics that dsmil.rules.test.yml replays.
# Run once in a guest, as root, with the modules of the tree:
#
#   tests/vm/run-guest.sh --kver 6.1.0-57-amd64 -- \
#       bash userspace/prometheus/record-series.sh >userspace/prometheus/recorded.prom
#
# (recorded.prom was made so on Debian's 6.1.0-57-amd64 with the tree of
# December 2026; the series of dsmil.rules.test.yml come from it through
# series.py)
#
# It loads dsmil-sim ($DSMIL_KO and dsmil-sim.ko beside it), walks one
# instance through the situations the alert rules are about, and prints
# `dsmilctl metrics` after each step, one "# step N: WHAT" line before
# each snapshot; the per-device families (dsmil_device_*: 84 devices x 9
# series) are left out, the rules use the per-instance counts.  The steps are 15 s apart in the test (the period of
# dsmil-metrics.timer): the recording itself needs no waiting.
set -eu
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ko=${DSMIL_KO:?run this through tests/vm/run-guest.sh}
insmod "$ko"
insmod "${ko%/*}/dsmil-sim.ko"
ctl() { sh userspace/dsmilctl "$@"; }
snap() {
	printf '# step %s: %s\n' "$1" "$2"
	ctl metrics | grep -Ev '^(# (HELP|TYPE) )?dsmil_device_'
}
# settle: the thermal monitor has evaluated the last change
settle() { sleep 1; }

snap 0 "healthy, nothing active"
ctl activate g0
ctl activate g1
snap 1 "groups 0 and 1 active"
ctl sim temp g1 95C
settle
snap 2 "group 1 at 95 C, over its 90 C limit: its members tripped"
ctl sim temp g1 50C
settle
snap 3 "group 1 cooled"
ctl stop
snap 4 "manual emergency stop"
ctl resume
snap 5 "stop released"
ctl sim fault eio 1
ctl activate 8003 2>/dev/null || true
snap 6 "a firmware call failed: 0x8003 in state error"
ctl reset 8003
snap 7 "0x8003 reset"
