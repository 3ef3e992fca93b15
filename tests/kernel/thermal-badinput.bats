#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# Bad input for the thermal files (Documentation/thermal.rst): device and
# group thermal_limit, platform thermal_threshold, thermal_hysteresis and
# emergency_stop, and the simulated sensor sim/temp_g0 and sim/sensor_fault.  Each bad write
# gets its exact errno, and nothing changes: the setting reads as before,
# no device changes state, no counter moves, no trip is evaluated.
#
# "Empty" is a lone newline: sysfs never passes a 0-byte write to store()
# (it returns 0 and does nothing, checked below); debugfs does, and the
# simulated sensor refuses it.

load helpers

setup() { dsmil_setup; }
teardown() { dsmil_teardown; }

STATS=$DSMIL_PDEV/statistics

# Not a decimal integer: -EINVAL for every millidegree file.
BAD_TEXT=(
	'\n'                 # empty
	' '                  # whitespace
	'   \n'
	'\t\n'
	'\r\n'
	'foo'                # garbage
	'garbage\n'
	'\001\002\003'
	'0x10'               # decimal only
	'0x10\n'
	'0X10'
	'1e5'
	'90000.5'
	'85,000'
	' 85000'             # no surrounding whitespace but one trailing newline
	'85000 '
	'85000\t'
	'85000\n\n'
	'85000\r\n'
	'85000 1'
	'--1'
	'+-1'
	'-'
	'+'
	'8\00000'            # embedded NUL
	'85000\000'
	'\00085000'
	'85000\000\n'
)

# expect_all ERRTEXT FILE FORMAT...
expect_all() {
	local err=$1 file=$2 f
	shift 2
	for f in "$@"; do
		expect_errno "$err" "$file" "$f"
	done
}

# junk_digits_4k, junk_binary_4k -> path of a file with 4 KiB of '1' / of
# every byte value
junk_digits_4k() {
	local f=$BATS_TEST_TMPDIR/digits4k
	junk_digits
	# shellcheck disable=SC2059
	printf -- "$REPLY" >"$f"
	printf '%s' "$f"
}

junk_binary_4k() {
	local f=$BATS_TEST_TMPDIR/bin4k
	junk_bin
	# shellcheck disable=SC2059
	printf -- "$REPLY" >"$f"
	printf '%s' "$f"
}

# write0 FILE: one write(2) of 0 bytes; prints the result or the error
write0() {
	perl -e 'open(my $f, ">", $ARGV[0]) or die "open: $!\n";
		my $n = syswrite($f, "", 0);
		defined $n or die "write: $!\n"; print "wrote $n\n"' "$1"
}

# snap ATTR: append "TOKEN=VALUE ..." of ATTR for all 84 devices to WORLD
snap() {
	local i t
	for ((i = 0; i < 84; i++)); do
		printf -v t '%04x' $((0x8000 + i))
		rd "$DSMIL_CLASS/dsmil0:$t/$1"
		WORLD+="$t=$REPLY "
	done
}

# world: everything a bad write must leave alone, as one string in WORLD
# (no fork: this runs often and forks are slow under TCG)
world() {
	local g f
	WORLD=
	for f in thermal_threshold thermal_hysteresis emergency_stop statistics/thermal_trips \
		statistics/emergency_stops statistics/last_stop_latency_ns; do
		rd "$DSMIL_PDEV/$f"
		WORLD+="$f=$REPLY "
	done
	for ((g = 0; g < 7; g++)); do
		rd "$GRP$g/thermal_limit"
		WORLD+="g$g:limit=$REPLY "
		rd "$GRP$g/temperature"
		WORLD+="g$g:temperature=$REPLY "
		rd "$DSMIL_SIM/temp_g$g"
		WORLD+="sim:temp_g$g=$REPLY "
	done
	snap state
	snap thermal_limit
	WORLD=${WORLD% }
}

# assert_world_is SNAPSHOT: WORLD now is SNAPSHOT
assert_world_is() {
	local before=$1
	world
	[[ $WORLD == "$before" ]] && return 0
	fail "state changed after bad input (< before, > now):
$(diff <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$WORLD") | grep '^[<>]')"
}

# --- device thermal_limit ---------------------------------------------------------

@test "device thermal_limit: bad input -> EINVAL / ERANGE, limit and state unchanged" {
	activate 8000
	local before f
	world; before=$WORLD
	f=${DEV}8000/thermal_limit
	expect_all "$E_INVAL" "$f" "${BAD_TEXT[@]}"
	expect_all "$E_RANGE" "$f" '-1' '-1\n' '-90000' '100001' '100001\n' '150000' \
		'2147483647' '2147483648' '-2147483649' '99999999999999999999'
	expect_errno_file "$E_INVAL" "$f" "$(junk_4k)"
	expect_errno_file "$E_RANGE" "$f" "$(junk_digits_4k)"
	expect_errno_file "$E_INVAL" "$f" "$(junk_binary_4k)"
	assert_world_is "$before"
	assert_content "$f" 90000
	assert_state 8000 active
	assert_token_writes 8000=1
}

@test "device thermal_limit: a 0-byte write changes nothing; valid forms with and without newline" {
	local f=${DEV}8005/thermal_limit before
	world; before=$WORLD
	run write0 "$f"
	assert_success
	assert_output "wrote 0"
	assert_world_is "$before"
	wr "$f" 80000
	assert_content "$f" 80000
	wr "$f" $'81000\n'
	assert_content "$f" 81000
	wr "$f" '+82000'
	assert_content "$f" 82000
	wr "$f" '20000'
	assert_content "$f" 20000
	wr "$f" '100000'
	assert_content "$f" 100000
}

@test "thermal_limit below the 20 C floor: ERANGE (a bare 85 is 0.085 C), nothing changes" {
	local w
	world; local before=$WORLD
	for w in '0' '85\n' '19999' '-1\n'; do
		expect_errno "$E_RANGE" "${DEV}8005/thermal_limit" "$w"
		expect_errno "$E_RANGE" "${GRP}1/thermal_limit" "$w"
	done
	assert_world_is "$before"
}

@test "quarantined device thermal_limit: same parsing, the device is never touched" {
	local f=${DEV}8009/thermal_limit before
	world; before=$WORLD
	expect_all "$E_INVAL" "$f" "${BAD_TEXT[@]}"
	expect_all "$E_RANGE" "$f" '-1' '100001'
	assert_world_is "$before"
}

# --- group thermal_limit ------------------------------------------------------------

@test "group thermal_limit: bad input -> EINVAL / ERANGE, no member changes" {
	activate 800c
	local before f
	world; before=$WORLD
	f=${GRP}1/thermal_limit
	expect_all "$E_INVAL" "$f" "${BAD_TEXT[@]}"
	expect_all "$E_RANGE" "$f" '-1' '-1\n' '-45000' '100001' '100001\n' '2147483648' \
		'99999999999999999999'
	expect_errno_file "$E_INVAL" "$f" "$(junk_4k)"
	expect_errno_file "$E_RANGE" "$f" "$(junk_digits_4k)"
	expect_errno_file "$E_INVAL" "$f" "$(junk_binary_4k)"
	assert_world_is "$before"
	assert_content "$f" 90000
	assert_state 800c active
	run write0 "$f"
	assert_success
	assert_world_is "$before"
}

@test "thermal_limit above a lowered threshold: ERANGE, limits unchanged" {
	wrn "$DSMIL_PDEV/thermal_threshold" 60000
	local before
	world; before=$WORLD
	expect_errno "$E_RANGE" "${DEV}8000/thermal_limit" '60001\n'
	expect_errno "$E_RANGE" "${GRP}0/thermal_limit" '60001\n'
	expect_errno "$E_RANGE" "${GRP}0/thermal_limit" '90000\n'
	assert_world_is "$before"
	assert_content "${GRP}0/thermal_limit" 60000
}

# --- platform thermal_threshold -------------------------------------------------------

@test "thermal_threshold: bad input -> EINVAL / ERANGE (20000..150000), nothing clamped" {
	local before f=$DSMIL_PDEV/thermal_threshold
	world; before=$WORLD
	expect_all "$E_INVAL" "$f" "${BAD_TEXT[@]}"
	expect_all "$E_RANGE" "$f" '-1' '-1\n' '0' '0\n' '19999' '19999\n' '150001' '150001\n' \
		'-100000' '2147483648' '99999999999999999999'
	expect_errno_file "$E_INVAL" "$f" "$(junk_4k)"
	expect_errno_file "$E_RANGE" "$f" "$(junk_digits_4k)"
	expect_errno_file "$E_INVAL" "$f" "$(junk_binary_4k)"
	run write0 "$f"
	assert_success
	assert_world_is "$before"
	assert_content "$f" 100000
}

# --- platform thermal_hysteresis -------------------------------------------------------

@test "thermal_hysteresis: bad input -> EINVAL / ERANGE (0..50000), unchanged" {
	local before f=$DSMIL_PDEV/thermal_hysteresis
	world; before=$WORLD
	expect_all "$E_INVAL" "$f" "${BAD_TEXT[@]}"
	expect_all "$E_RANGE" "$f" '-1' '-1\n' '50001' '50001\n' '-5000' '2147483648' \
		'99999999999999999999'
	expect_errno_file "$E_INVAL" "$f" "$(junk_4k)"
	expect_errno_file "$E_RANGE" "$f" "$(junk_digits_4k)"
	expect_errno_file "$E_INVAL" "$f" "$(junk_binary_4k)"
	run write0 "$f"
	assert_success
	assert_world_is "$before"
	assert_content "$f" 5000
	wr "$f" 0
	assert_content "$f" 0
	wr "$f" $'50000\n'
	assert_content "$f" 50000
}

@test "a refused hysteresis write is not evaluated: a held device stays held" {
	set_t() { wrn "$DSMIL_SIM/temp_g0" "$1"; }
	set_t 90000
	set_t 87000
	assert_state 8000 emergency
	local before
	world; before=$WORLD
	expect_errno "$E_RANGE" "$DSMIL_PDEV/thermal_hysteresis" '50001\n'
	expect_errno "$E_INVAL" "$DSMIL_PDEV/thermal_hysteresis" '3000x\n'
	expect_errno "$E_INVAL" "$DSMIL_PDEV/thermal_hysteresis" '3\000000'
	assert_world_is "$before"
	assert_state 8000 emergency
}

# --- emergency_stop -----------------------------------------------------------------------

@test "emergency_stop: bad input -> EINVAL, no device stopped, nothing counted" {
	activate 8000
	local before f=$DSMIL_PDEV/emergency_stop
	world; before=$WORLD
	expect_all "$E_INVAL" "$f" "${BAD_TEXT[@]}" '2' '2\n' '-1' '-1\n' '10' '11' '0x10' \
		'1 1' '1\n1' 'on' 'true' 'yes' '1\000' '\0001' '1\0000' 'stop\n'
	expect_errno_file "$E_INVAL" "$f" "$(junk_4k)"
	expect_errno_file "$E_INVAL" "$f" "$(junk_binary_4k)"
	run write0 "$f"
	assert_success
	assert_world_is "$before"
	assert_content "$f" 0
	assert_state 8000 active
	assert_token_writes 8000=1
	# and while set, bad input does not clear it
	wr "$f" 1
	world; before=$WORLD
	expect_all "$E_INVAL" "$f" '\n' ' ' 'foo' '0x' '00\000' '-0\n0' '2'
	assert_world_is "$before"
	assert_content "$f" 1
}

@test "emergency_stop: numbers beyond 32 bits are 'other numbers' too: EINVAL" {
	local before f=$DSMIL_PDEV/emergency_stop
	world; before=$WORLD
	expect_all "$E_INVAL" "$f" '4294967296' '4294967297\n' '99999999999999999999'
	expect_errno_file "$E_INVAL" "$f" "$(junk_digits_4k)"
	assert_world_is "$before"
}

# --- sim temp_g0 --------------------------------------------------------------------------

@test "sim temp_g0: bad input -> EINVAL / ERANGE, temperature unchanged, nothing evaluated" {
	local before f=$DSMIL_SIM/temp_g0
	wrn "$f" 88000
	world; before=$WORLD
	expect_all "$E_INVAL" "$f" "${BAD_TEXT[@]}"
	expect_all "$E_RANGE" "$f" '-273151' '-273151\n' '300001' '300001\n' '2147483648' \
		'99999999999999999999'
	# up to a page minus one byte is parsed: a long number is out of range,
	# long garbage is garbage; a whole page of junk is refused as such
	local long=$BATS_TEST_TMPDIR/long
	junk_digits
	# shellcheck disable=SC2059
	printf -- "${REPLY:1}" >"$long"
	expect_errno_file "$E_RANGE" "$f" "$long"
	junk_x
	# shellcheck disable=SC2059
	printf -- "${REPLY:1}" >"$long"
	expect_errno_file "$E_INVAL" "$f" "$long"
	expect_errno_file "$E_INVAL" "$f" "$(junk_4k)"
	expect_errno_file "$E_INVAL" "$f" "$(junk_binary_4k)"
	# debugfs passes a 0-byte write on: refused as empty
	run write0 "$f"
	assert_failure
	assert_output --partial "$E_INVAL"
	assert_world_is "$before"
	assert_content "$f" 88000
	assert_content "${GRP}0/temperature" 88000
}

@test "sim temp_g0: the whole physical range is accepted, -1 included" {
	local f=$DSMIL_SIM/temp_g0
	wr "$f" -1
	assert_content "$f" -1
	assert_content "${GRP}0/temperature" -1
	wr "$f" $'-273150\n'
	assert_content "${GRP}0/temperature" -273150
	wr "$f" 300000
	assert_content "${GRP}0/temperature" 300000
	assert_state 8000 emergency
	wr "$f" 45000
	assert_state 8000 ready
}

@test "sim sensor_fault: bad input -> EINVAL, the sensors keep working, nothing evaluated" {
	activate 8000
	local before f=$DSMIL_SIM/sensor_fault
	world; before=$WORLD
	expect_all "$E_INVAL" "$f" "${BAD_TEXT[@]}" '2' '-1' '10' '0x10' '1 1' 'on' '1\000' \
		'4294967297' '99999999999999999999'
	expect_errno_file "$E_INVAL" "$f" "$(junk_4k)"
	expect_errno_file "$E_INVAL" "$f" "$(junk_binary_4k)"
	run write0 "$f"
	assert_failure
	assert_output --partial "$E_INVAL"
	assert_world_is "$before"
	assert_content "$f" 0
	assert_content "${GRP}0/temperature" 45000
	assert_state 8000 active
}

@test "bad input to a hot group's files does not trip or clear anything" {
	wrn "$DSMIL_SIM/temp_g2" 89999
	wrn "$DSMIL_SIM/temp_g4" 90000
	assert_state 8018 ready
	assert_state 8030 emergency
	local before
	world; before=$WORLD
	expect_errno "$E_INVAL" "${GRP}2/thermal_limit" '0x10\n'
	expect_errno "$E_RANGE" "${GRP}2/thermal_limit" '-1\n'
	expect_errno "$E_INVAL" "${GRP}4/thermal_limit" '\n'
	expect_errno "$E_INVAL" "$DSMIL_SIM/temp_g4" '4\0000'
	expect_errno "$E_INVAL" "$DSMIL_PDEV/thermal_threshold" '89999x'
	assert_world_is "$before"
}
