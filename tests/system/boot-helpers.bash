# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # shared with the suites / set by bats
#
# Helpers of the whole-system boot suites (boot-*.bats): they run in the
# guest booted by tests/system/run.sh, systemd as PID 1, both packages
# installed (dsmil-check.service runs bats), as root.  The kernel suites'
# helpers give the bats libraries and the sysfs paths.

load ../kernel/helpers

PROM=/var/lib/prometheus/node-exporter/dsmil.prom

# wait_for SECONDS CMD...: true as soon as CMD succeeds, polled every 0.5 s.
wait_for() {
	local n=$(($1 * 2))
	shift
	while ((n-- > 0)); do
		"$@" && return 0
		dsmil_sleep 0.5
	done
	"$@"
}

# assert_booted: systemd is PID 1 and both packages are installed, their
# modules by DKMS for this kernel.
assert_booted() {
	assert_content /proc/1/comm systemd
	run dpkg-query -W -f '${Package} ${db:Status-Status}\n' dsmil-dkms dsmil-tools
	assert_success
	assert_line "dsmil-dkms installed"
	assert_line "dsmil-tools installed"
	run modinfo -n dsmil-84dev
	assert_output "/lib/modules/$(uname -r)/updates/dkms/dsmil-84dev.ko"
}

# assert_no_failed_unit: systemctl --failed lists nothing.
assert_no_failed_unit() {
	run systemctl --failed --no-legend --plain --no-pager
	assert_success
	assert_output ""
}

# assert_no_dsmil_error: no journal line of this boot at priority err or
# above mentions dsmil (the whole list is shown on failure).
assert_no_dsmil_error() {
	run journalctl -q -b -p err --no-pager -o short-monotonic
	assert_success
	refute_output --regexp '[Dd][Ss][Mm][Ii][Ll]'
}

# assert_timer_active: the metrics timer is enabled and waiting.
assert_timer_active() {
	run systemctl is-enabled dsmil-metrics.timer
	assert_output enabled
	run systemctl is-active dsmil-metrics.timer
	assert_output active
}
