#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dsmilctl metrics: the Prometheus text exposition format, checked with
# promtool (Debian package prometheus) when installed, and always with the
# strict parser check_exposition below; the values against the fake tree.

load helpers

setup_file() { host_setup_file; }
teardown_file() { host_teardown_file; }
setup() { fresh; }

# check_exposition FILE: the text format, strictly (version 0.0.4):
# every family has one HELP and one TYPE line before its samples, its
# samples are contiguous, names and labels are well formed, values are
# floats, counters end in _total, no series appears twice, the text ends
# with a newline.
check_exposition() {
	python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
errs = []
if not text.endswith("\n"):
    errs.append("no final newline")
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s)(?:,%s)*\})? (\S+)$" % (NAME, LABEL, LABEL))
FLOAT = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Inf$|^NaN$")
help_, type_, done, series = {}, {}, set(), set()
current = None
for n, line in enumerate(text.splitlines(), 1):
    if not line:
        errs.append("%d: empty line" % n); continue
    if line.startswith("# HELP "):
        name = line.split(" ", 3)[2]
        if name in help_: errs.append("%d: second HELP for %s" % (n, name))
        if len(line.split(" ", 3)) < 4: errs.append("%d: HELP without text" % n)
        help_[name] = n
        if current and current != name: done.add(current)
        current = name
        continue
    if line.startswith("# TYPE "):
        parts = line.split(" ")
        if len(parts) != 4 or parts[3] not in ("counter", "gauge", "histogram", "summary", "untyped"):
            errs.append("%d: bad TYPE line" % n); continue
        name = parts[2]
        if name in type_: errs.append("%d: second TYPE for %s" % (n, name))
        if name not in help_: errs.append("%d: TYPE before HELP for %s" % (n, name))
        type_[name] = parts[3]
        if parts[3] == "counter" and not name.endswith("_total"):
            errs.append("%d: counter %s does not end in _total" % (n, name))
        if parts[3] == "gauge" and name.endswith("_total"):
            errs.append("%d: gauge %s ends in _total" % (n, name))
        continue
    if line.startswith("#"):
        errs.append("%d: stray comment" % n); continue
    m = SAMPLE.match(line)
    if not m:
        errs.append("%d: malformed sample: %s" % (n, line)); continue
    name, labels, value = m.group(1), m.group(2) or "", m.group(3)
    if name != current or name in done:
        errs.append("%d: %s outside its family" % (n, name))
    if name not in type_:
        errs.append("%d: %s without TYPE" % (n, name))
    if not FLOAT.match(value):
        errs.append("%d: bad value %r" % (n, value))
    if (name, labels) in series:
        errs.append("%d: duplicate series %s%s" % (n, name, labels))
    series.add((name, labels))
    if type_.get(name) == "counter" and not value.startswith("-") is True and float(value) < 0:
        errs.append("%d: negative counter" % n)
for name in help_:
    if name not in type_: errs.append("HELP without TYPE: %s" % name)
if errs:
    print("\n".join(errs[:20])); sys.exit(1)
print("ok: %d families, %d series" % (len(type_), len(series)))
EOF
}

promtool_check() {
	command -v promtool >/dev/null || return 0
	run promtool check metrics <"$1"
	assert_success
}

# metric NAME{LABELS} -> its value in $output of the last run
value_of() {
	local line
	line=$(grep -F "$1 " <<<"$output") || fail "no sample $1"
	printf '%s\n' "${line##* }"
}

@test "metrics: the exposition format (strict parser, promtool)" {
	for sh in $SHELLS; do
		dsm "$sh" metrics
		assert_success
		assert_equal "$stderr" ""
		printf '%s\n' "$output" >"$W/m.prom"
		run check_exposition "$W/m.prom"
		assert_success
		assert_output "ok: 19 families, $((1 + 8 + 7 * 4 + 6 + 84 * 6 + 84 * 5)) series"
		promtool_check "$W/m.prom"
	done
}

@test "metrics: promtool is there (Debian: prometheus)" {
	command -v promtool >/dev/null || skip "promtool not installed (apt-get install prometheus): only the strict parser checks the format"
	run promtool --version
	assert_success
}

@test "metrics: values in degrees and seconds, states one-hot" {
	for sh in $SHELLS; do
		fresh
		grp 1 temperature 46500
		grp 2 temperature -1500
		grp 3 thermal_limit 0
		put devices/platform/dsmil.0/statistics/last_stop_latency_ns 1234
		put devices/platform/dsmil.0/statistics/max_stop_latency_ns 2000000000
		put devices/platform/dsmil.0/statistics/thermal_trips 4
		dev 8000 state active
		dev 8001 state error
		dev 8000/statistics activations 3
		dsm "$sh" metrics
		assert_success
		assert_equal "$(value_of 'dsmil_group_temperature_celsius{dsmil="dsmil.0",group="0"}')" 45
		assert_equal "$(value_of 'dsmil_group_temperature_celsius{dsmil="dsmil.0",group="1"}')" 46.5
		assert_equal "$(value_of 'dsmil_group_temperature_celsius{dsmil="dsmil.0",group="2"}')" -1.5
		assert_equal "$(value_of 'dsmil_group_thermal_limit_celsius{dsmil="dsmil.0",group="3"}')" 0
		assert_equal "$(value_of 'dsmil_thermal_threshold_celsius{dsmil="dsmil.0"}')" 100
		assert_equal "$(value_of 'dsmil_thermal_hysteresis_celsius{dsmil="dsmil.0"}')" 5
		assert_equal "$(value_of 'dsmil_stop_latency_seconds{dsmil="dsmil.0",kind="last"}')" 0.000001234
		assert_equal "$(value_of 'dsmil_stop_latency_seconds{dsmil="dsmil.0",kind="max"}')" 2
		assert_equal "$(value_of 'dsmil_thermal_trips_total{dsmil="dsmil.0"}')" 4
		assert_equal "$(value_of 'dsmil_info{dsmil="dsmil.0",backend="sim"}')" 1
		assert_equal "$(value_of 'dsmil_device_state{dsmil="dsmil.0",device="dsmil0:8000",token="0x8000",group="0",state="active"}')" 1
		assert_equal "$(value_of 'dsmil_device_state{dsmil="dsmil.0",device="dsmil0:8000",token="0x8000",group="0",state="ready"}')" 0
		assert_equal "$(value_of 'dsmil_device_state{dsmil="dsmil.0",device="dsmil0:8009",token="0x8009",group="0",state="quarantined"}')" 1
		assert_equal "$(value_of 'dsmil_device_activations_total{dsmil="dsmil.0",device="dsmil0:8000",token="0x8000",group="0"}')" 3
		assert_equal "$(value_of 'dsmil_devices{dsmil="dsmil.0",state="active"}')" 1
		assert_equal "$(value_of 'dsmil_devices{dsmil="dsmil.0",state="error"}')" 1
		assert_equal "$(value_of 'dsmil_devices{dsmil="dsmil.0",state="ready"}')" 77
		assert_equal "$(value_of 'dsmil_group_thermal_alarm{dsmil="dsmil.0",group="3"}')" 1
		# exactly one state is 1 for every device
		[[ $(grep -c '^dsmil_device_state{.*} 1$' <<<"$output") == 84 ]]
		printf '%s\n' "$output" >"$W/m.prom"
		run check_exposition "$W/m.prom"
		assert_success
	done
}

@test "metrics: every instance by default, -i N for one" {
	for sh in $SHELLS; do
		fresh
		fake_instance "$S" 1 2 4 0x9000
		fake_instance "$S" 3 1 2 0xa000
		dsm "$sh" metrics
		assert_success
		assert_equal "$(value_of dsmil_instances)" 3
		assert_line 'dsmil_info{dsmil="dsmil.3",backend="sim"} 1'
		assert_line 'dsmil_group_temperature_celsius{dsmil="dsmil.1",group="1"} 46'
		printf '%s\n' "$output" >"$W/m.prom"
		run check_exposition "$W/m.prom"
		assert_success
		promtool_check "$W/m.prom"
		dsm "$sh" -i 1 metrics
		assert_equal "$(value_of dsmil_instances)" 1
		refute_line --partial 'dsmil="dsmil.0"'
		dsm "$sh" -i 2 metrics
		fails 3 "no DSMIL instance dsmil.2"
	done
}

@test "metrics with no instance: dsmil_instances 0, success" {
	for sh in $SHELLS; do
		fresh
		rm -rf "$S/class/dsmil" "$S/devices/platform/dsmil.0"
		dsm "$sh" metrics
		assert_success
		assert_output "# HELP dsmil_instances Number of DSMIL instances exported.
# TYPE dsmil_instances gauge
dsmil_instances 0"
		printf '%s\n' "$output" >"$W/m.prom"
		promtool_check "$W/m.prom"
	done
}

@test "metrics -o FILE: written atomically, readable, no temporary left" {
	for sh in $SHELLS; do
		fresh
		mkdir "$W/textfile"
		printf 'old\n' >"$W/textfile/dsmil.prom"
		dsm "$sh" metrics -o "$W/textfile/dsmil.prom"
		assert_success
		assert_output ""
		run check_exposition "$W/textfile/dsmil.prom"
		assert_success
		run ls "$W/textfile"
		assert_output dsmil.prom
		dsm "$sh" metrics --output="$W/nodir/dsmil.prom"
		fails 1 "metrics: can not write into $W/nodir"
		dsm "$sh" -i 4 metrics -o "$W/textfile/dsmil.prom"
		fails 3 "no DSMIL instance dsmil.4"
		run ls "$W/textfile"
		assert_output dsmil.prom
		dsm "$sh" metrics --json
		fails 2 "--json is not supported by metrics"
	done
}

@test "metrics never read value (no firmware call)" {
	command -v strace >/dev/null || skip "strace not installed"
	for sh in $SHELLS; do
		strace -f -qq -e trace=openat -o "$W/trace" "$sh" "$DSMILCTL" metrics >/dev/null
		grep -q '/statistics/reads"' "$W/trace" ||
			fail "$sh: metrics read no statistics/reads"
		if grep -q '/value"' "$W/trace"; then
			fail "$sh: metrics opened a value file (a firmware call)"
		fi
	done
}
