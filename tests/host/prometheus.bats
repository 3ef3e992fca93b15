#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The Prometheus alert rules for a fleet (userspace/prometheus/): promtool
# accepts them, every series they use is one `dsmilctl metrics` exports
# (or node_exporter's own), and promtool's unit tests pass on the series
# recorded from the simulated platform in a guest.  promtool is in
# Debian's package "prometheus" (make deps).

load helpers

setup_file() {
	command -v promtool >/dev/null || skip "promtool missing: apt-get install prometheus (make deps)"
	host_setup_file
}
teardown_file() { host_teardown_file; }

PR=$BATS_TEST_DIRNAME/../../userspace/prometheus

@test "promtool check rules dsmil.rules.yml" {
	run promtool check rules "$PR/dsmil.rules.yml"
	assert_success
	assert_output --partial "SUCCESS: 5 rules found"
}

@test "every dsmil_* series the rules use is one dsmilctl metrics exports" {
	fresh
	local m used
	run --separate-stderr dash "$DSMILCTL" metrics
	assert_success
	local exported=$output
	used=$(grep -o 'dsmil_[a-z_]*' "$PR/dsmil.rules.yml" | sort -u)
	[[ -n $used ]] || fail "no dsmil_ series in the rules"
	for m in $used; do
		grep -q "^# TYPE $m " <<<"$exported" || fail "the rules use $m, dsmilctl metrics has no such family"
	done
	# staleness: three periods of dsmil-metrics.timer
	run grep -E '^OnUnitActiveSec=15s$' "$REPO/userspace/systemd/dsmil-metrics.timer"
	assert_success
	run grep -F 'node_textfile_mtime_seconds{file=~".*/dsmil\\.prom"} > 3 * 15' "$PR/dsmil.rules.yml"
	assert_success
}

@test "promtool test rules dsmil.rules.test.yml: each alert fires then and only then" {
	run promtool test rules "$PR/dsmil.rules.test.yml"
	assert_success
	assert_output --partial SUCCESS
	# every alert of the rules is tested firing and silent
	local a
	for a in $(sed -n 's/^ *- alert: //p' "$PR/dsmil.rules.yml"); do
		run grep -A2 "alertname: $a\$" "$PR/dsmil.rules.test.yml"
		assert_output --partial "exp_alerts: []"
		assert_output --partial "exp_alerts:"$'\n'"          - exp_labels:"
	done
}

@test "the test's input series are the guest recording, through series.py" {
	# recorded.prom: "# step N" snapshots of dsmilctl metrics from dsmil-sim
	run grep -c '^# step [0-9]*: ' "$PR/recorded.prom"
	assert_output 8
	run grep -c '^dsmil_info{dsmil="dsmil.0",backend="sim"} 1$' "$PR/recorded.prom"
	assert_output 8
	run python3 "$PR/series.py" "$PR/recorded.prom"
	assert_success
	local want=$output
	run sed -n '/^    input_series:$/,/^    alert_rule_test:$/{//!p}' "$PR/dsmil.rules.test.yml"
	assert_output "$want"
}
