#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Packaging and lint: make install-userspace / uninstall-userspace with
# DESTDIR and PREFIX, shellcheck, man pages, udev rules syntax.

load helpers

setup_file() {
	host_setup_file
	make -s -C "$REPO" -f userspace/userspace.mk userspace >&2
}
teardown_file() { host_teardown_file; }
setup() { fresh; }

MK() { make -s -C "$REPO" -f userspace/userspace.mk "$@"; }

# dsmilctl's library: every userspace/lib/*.sh, 0644, in /usr/lib/dsmil
LIBFILES=$(cd "$REPO/userspace/lib" && printf '/usr/lib/dsmil/%s 644\n' *.sh)

EXPECTED_USR="/usr/bin/dsmilctl 755
/usr/bin/lsdsmil 755
$LIBFILES
/usr/lib/modprobe.d/dsmil.conf 644
/usr/lib/systemd/system/dsmil-metrics.service 644
/usr/lib/systemd/system/dsmil-metrics.timer 644
/usr/lib/sysusers.d/dsmil.conf 644
/usr/lib/udev/rules.d/60-dsmil.rules 644
/usr/share/dsmil/prometheus/dsmil.rules.yml 644
/usr/share/man/man8/dsmilctl.8 644
/usr/share/man/man8/lsdsmil.8 644"

installed() {
	(cd "$1" && find . -type f -printf '/%P %m\n' | LC_ALL=C sort)
}

@test "install-userspace: DESTDIR and PREFIX=/usr" {
	run MK install-userspace DESTDIR="$W/root" PREFIX=/usr
	assert_success
	run installed "$W/root"
	assert_output "$EXPECTED_USR"
	# the dispatcher, with the library directory filled in; the library as is
	run diff "$REPO/userspace/dsmilctl" "$W/root/usr/bin/dsmilctl"
	assert_failure
	run bash -c 'sed "s|@DSMIL_LIBDIR@|/usr/lib/dsmil|g" "$1" | cmp - "$2"' sh \
		"$REPO/userspace/dsmilctl" "$W/root/usr/bin/dsmilctl"
	assert_success
	local f
	for f in "$REPO"/userspace/lib/*.sh; do
		cmp "$f" "$W/root/usr/lib/dsmil/${f##*/}"
	done
	grep -qx 'ExecStart=/usr/bin/dsmilctl metrics -o /var/lib/prometheus/node-exporter/dsmil.prom' \
		"$W/root/usr/lib/systemd/system/dsmil-metrics.service"
	run "$W/root/usr/bin/dsmilctl" --version
	assert_success
	# the installed dispatcher finds its installed library (../lib/dsmil)
	run --separate-stderr "$W/root/usr/bin/dsmilctl" list
	assert_success
	assert_line --index 1 --regexp '^dsmil0:8000 +0x8000 +g0 +ready +no$'
}

@test "dsmilctl finds its library: DSMIL_LIBDIR, lib/ beside it, ../lib/dsmil, the installed path" {
	local sh
	MK install-userspace DESTDIR="$W/root" PREFIX=/usr DSMILLIBDIR=/opt/dsm/lib >/dev/null
	[[ -f $W/root/opt/dsm/lib/output.sh ]] || fail "DSMILLIBDIR not honoured"
	grep -q '"/opt/dsm/lib"' "$W/root/usr/bin/dsmilctl" || fail "installed path not filled in"
	for sh in $SHELLS; do
		# neither lib/ nor ../lib/dsmil beside it: DSMIL_LIBDIR finds it
		run --separate-stderr env DSMIL_LIBDIR="$W/root/opt/dsm/lib" "$sh" "$W/root/usr/bin/dsmilctl" status
		assert_success
		assert_line --index 1 --partial 'dsmil.0: backend sim'
		# without it: one clear message naming DSMIL_LIBDIR, exit 1
		run --separate-stderr "$sh" "$W/root/usr/bin/dsmilctl" status
		assert_equal "$status" 1
		assert_equal "$output" ""
		[[ $stderr == "dsmilctl: its library (output.sh) is in none of "*"/opt/dsm/lib: set DSMIL_LIBDIR" ]] ||
			fail "unexpected: $stderr"
		# run by its bare name from the source tree (sh dsmilctl)
		run --separate-stderr bash -c 'cd "$1/userspace" && "$2" dsmilctl --version' sh "$REPO" "$sh"
		assert_success
		assert_output "dsmilctl $(cat "$REPO/VERSION")"
	done
}

@test "dsmilctl is split by responsibility: no file over 400 lines" {
	local f n
	for f in "$REPO/userspace/dsmilctl" "$REPO"/userspace/lib/*.sh; do
		n=$(wc -l <"$f")
		[[ $n -le 400 ]] || fail "$f has $n lines"
	done
}

@test "install-userspace: default PREFIX is /usr/local; single dirs override" {
	run MK install-userspace DESTDIR="$W/root" UDEVRULESDIR=/etc/udev/rules.d
	assert_success
	[[ -x $W/root/usr/local/bin/dsmilctl && -x $W/root/usr/local/bin/lsdsmil ]]
	[[ -f $W/root/usr/local/share/man/man8/dsmilctl.8 ]]
	[[ -f $W/root/etc/udev/rules.d/60-dsmil.rules ]]
	[[ -f $W/root/usr/local/lib/modprobe.d/dsmil.conf ]]
	grep -q 'ExecStart=/usr/local/bin/dsmilctl ' "$W/root/usr/local/lib/systemd/system/dsmil-metrics.service"
}

@test "uninstall-userspace removes every installed file" {
	MK install-userspace DESTDIR="$W/root" PREFIX=/usr
	touch "$W/root/usr/bin/other"
	run MK uninstall-userspace DESTDIR="$W/root" PREFIX=/usr
	assert_success
	run installed "$W/root"
	assert_output "/usr/bin/other 644"
	run MK uninstall-userspace DESTDIR="$W/root" PREFIX=/usr
	assert_success
}

@test "dsmilctl is shellcheck-clean as sh, dash and bash" {
	command -v shellcheck >/dev/null || skip "shellcheck not installed"
	local s
	for s in sh dash bash; do
		# -x: the dispatcher with every file of its library
		run shellcheck -x -s "$s" "$REPO/userspace/dsmilctl"
		assert_success
		run shellcheck -s "$s" "$REPO"/userspace/lib/*.sh
		assert_success
	done
	run shellcheck -x "$REPO/tests/bench/dsmilctl-ratio.sh"
	assert_success
}

@test "dsmilctl is POSIX sh: #!/bin/sh, dash parses it, checkbashisms if installed" {
	# the shebang is /bin/sh, and dash (Debian's /bin/sh) parses it
	run head -n1 "$REPO/userspace/dsmilctl"
	assert_output '#!/bin/sh'
	local f
	for f in "$REPO/userspace/dsmilctl" "$REPO"/userspace/lib/*.sh; do
		run dash -n "$f"
		assert_success
		if command -v checkbashisms >/dev/null; then
			run checkbashisms -f "$f"
			assert_success
		fi
	done
}

@test "man pages render without warnings" {
	local p
	for p in dsmilctl lsdsmil; do
		run groff -man -ww -z "$REPO/userspace/man/$p.8"
		assert_success
		assert_output ""
		run env MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$REPO/userspace/man/$p.8"
		assert_success
		assert_output --partial "${p^^}(8)"
	done
	# every command of dsmilctl is documented
	local c
	for c in list status doctor show get set activate deactivate reset thermal stop resume watch instance metrics sim; do
		grep -qE "^\.BI? \"?$c\b" "$REPO/userspace/man/dsmilctl.8" ||
			fail "dsmilctl.8 does not document $c"
	done
}

@test "udev rules: every line is a comment, a label or well-formed KEY op \"value\" pairs" {
	python3 - "$REPO/userspace/udev/60-dsmil.rules" <<'EOF'
import re, sys
KEY = r'[A-Z_]+(?:\{\.?[A-Za-z0-9_]+\})?'
OP = r'(?:==|!=|\+=|-=|:=|=)'
VAL = r'"(?:[^"\\]|\\.)*"'
PAIR = re.compile(r'^%s%s%s$' % (KEY, OP, VAL))
labels, gotos, bad = set(), set(), []
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.strip()
    if not line or line.startswith('#'):
        continue
    pairs = re.findall(r'%s%s%s' % (KEY, OP, VAL), line)
    if ', '.join(pairs) != line:
        bad.append('%d: %s' % (n, line))
    for p in pairs:
        m = re.match(r'(LABEL|GOTO)="([^"]*)"', p)
        if m:
            (labels if m.group(1) == 'LABEL' else gotos).add(m.group(2))
        if p.startswith('RUN') and '/' not in p.split('"')[1][:1]:
            bad.append('%d: RUN without an absolute path' % n)
if gotos - labels:
    bad.append('GOTO without LABEL: %s' % (gotos - labels))
print('\n'.join(bad)); sys.exit(1 if bad else 0)
EOF
	# the permissions: one shell per instance, on bind and on a replayed g0
	grep -q "^RUN+=\"/bin/sh -c 'cd \$env{.DSMIL_CLASSDIR} && chgrp dsmil " "$REPO/userspace/udev/60-dsmil.rules"
	grep -q '^ACTION=="bind", ENV{.DSMIL_CLASSDIR}=.*GOTO="dsmil_perm"' "$REPO/userspace/udev/60-dsmil.rules"
	grep -q '^KERNEL=="dsmil\[0-9\]\*:g0", ENV{SYNTH_UUID}=="?\*"' "$REPO/userspace/udev/60-dsmil.rules"
	grep -q 'TAG+="systemd"' "$REPO/userspace/udev/60-dsmil.rules"
	grep -q 'ENV{DSMIL_EVENT}=="thermal_trip".*logger' "$REPO/userspace/udev/60-dsmil.rules"
	grep -q 'ENV{DSMIL_EVENT}=="emergency_stop".*logger' "$REPO/userspace/udev/60-dsmil.rules"
}

@test "modprobe.d example: only comments and valid options lines" {
	local f=$REPO/userspace/modprobe.d/dsmil.conf line
	while IFS= read -r line; do
		[[ -z $line || $line == '#'* ]] && continue
		[[ $line =~ ^(options|alias|softdep|blacklist)\  ]] || fail "bad line: $line"
	done <"$f"
	run grep -Eo '^#options [a-z0-9-]+' "$f"
	run bash -c 'printf "%s\n" "$1" | sort -u' sh "$output"
	assert_output "#options dsmil-84dev
#options dsmil-sim"
}

# params_of MODULE: its parameters, from the sources (dsmil-sim: driver/sim/).
params_of() {
	local src=("$REPO"/driver/*.c)
	[[ $1 == dsmil-sim ]] && src=("$REPO"/driver/sim/*.c)
	grep -ho '^module_param[a-z_]*([a-z_]*,' "${src[@]}" | sed 's/.*(//; s/,$//' | sort -u
}

# documented MODULE: the parameters its "#options MODULE" lines show.
documented() {
	grep -o "^#options $1 [a-z_=0-9x,. ]*" "$REPO/userspace/modprobe.d/dsmil.conf" |
		cut -d' ' -f3- | tr ' ' '\n' | cut -d= -f1 | sort -u
}

@test "modprobe.d example: every parameter of dsmil-84dev and of dsmil-sim, and nothing else" {
	local m
	for m in dsmil-84dev dsmil-sim; do
		[[ -n $(params_of "$m") ]] || fail "no module_param found for $m"
		run documented "$m"
		assert_output "$(params_of "$m")"
	done
	# activating groups on the firmware needs allow_writes=1: the example says so
	run grep -E '^#options dsmil-84dev .*activate=[0-9]' "$REPO/userspace/modprobe.d/dsmil.conf"
	assert_output --partial "allow_writes=1"
	run grep -c 'backend' "$REPO/userspace/modprobe.d/dsmil.conf"
	assert_output 0
}
