#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""series.py RECORDED.prom [EXTRA_STEPS]: promtool input_series from a recording.

RECORDED.prom is the output of record-series.sh: "# step N: WHAT" lines,
each followed by one `dsmilctl metrics` snapshot.  Printed: the
input_series block of dsmil.rules.test.yml (YAML), one series per line,
as node_exporter's textfile collector would have them scraped every 15 s
(labels instance="lab1:9100", job="node" added), for the families the
rules use.  After the last step the timer stops: EXTRA_STEPS (default 6)
more scrapes see the same file (same values), and
node_textfile_mtime_seconds, which node_exporter gives (the file written at
each step, 15 s apart), stays at the last write.
tests/host/prometheus.bats checks that dsmil.rules.test.yml holds exactly
this output.
"""
import re
import sys

FAMILIES = (
    "dsmil_instances",
    "dsmil_emergency_stop",
    "dsmil_emergency_stops_total",
    "dsmil_thermal_trips_total",
    "dsmil_group_temperature_celsius",
    "dsmil_group_thermal_limit_celsius",
    "dsmil_devices",
)
SCRAPE = 'instance="lab1:9100",job="node"'
PROM = "/var/lib/prometheus/node-exporter/dsmil.prom"


def main():
    extra = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    steps, series, order = [], {}, []
    for line in open(sys.argv[1]):
        line = line.rstrip("\n")
        m = re.match(r"# step (\d+): ", line)
        if m:
            steps.append(int(m.group(1)))
            if steps[-1] != len(steps) - 1:
                sys.exit("steps out of order: %s" % line)
            continue
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if not m:
            sys.exit("not a sample: %s" % line)
        name, labels, value = m.groups()
        if name not in FAMILIES:
            continue
        key = "%s{%s%s}" % (name, labels + "," if labels else "", SCRAPE)
        if key not in series:
            series[key] = {}
            order.append(key)
        series[key][len(steps) - 1] = value
    if not steps:
        sys.exit("no '# step N:' line")
    n = len(steps)
    out = []
    for key in order:
        vals = [series[key].get(i, "_") for i in range(n)]
        vals += [vals[-1]] * extra
        out.append((key, " ".join(vals)))
    mtime = " ".join(str(15 * i) for i in range(n)) + (" %d" % (15 * (n - 1))) * extra
    out.append(('node_textfile_mtime_seconds{file="%s",%s}' % (PROM, SCRAPE), mtime))
    for key, vals in out:
        print("      - series: '%s'" % key)
        print("        values: '%s'" % vals)


main()
