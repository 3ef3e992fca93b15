# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # globals shared by the files of dsmilctl
#
# dsmilctl: --help texts.
# Sourced by userspace/dsmilctl for help only.

help_main() {
	cat <<EOF
Usage: dsmilctl [-i N] [--json] COMMAND [ARGS]

Control and monitor DSMIL devices of the dsmil-84dev driver.

Commands:
  list                      one line per device: name, token, group, state
  status                    problems first, then the platform summary:
                            backend, states, temperatures
  doctor                    what is wrong and what to do: module, platform,
                            writes, thermal source, lockdown, parameters,
                            permissions, devices
  show DEV|GROUP            every attribute of one device or group
  get DEV                   read the device's token value (a firmware call)
  set DEV VALUE             write the token value (device must be active)
  activate DEV|GROUP        switch a device or a whole group on
  deactivate DEV|GROUP      switch it off (state ready)
  reset DEV                 bring a device from state error back to ready
  thermal                   temperatures, limits and alarms of the groups
  thermal set TARGET MILLIDEG
                            set the thermal limit of a device or group, or
                            TARGET threshold|hysteresis of the platform
  stop                      emergency stop: stop every device of the instance
  resume                    release the emergency stop
  watch                     print state and thermal events as they happen
  instance create NAME [KEY=VALUE...]
                            create a simulated instance through configfs
                            (module dsmil-sim)
  instance remove NAME      remove a configfs instance
  instance list             every instance, configfs or module-created
  metrics                   Prometheus text format (node_exporter textfile)
  sim [temp|fault|latency]  simulated firmware knobs (debugfs; for testing)
  help [COMMAND]            this text, or the help of COMMAND

Arguments:
  DEV     a device token: 8000, 0x8000, or with the instance, dsmil0:8000
  GROUP   g0 .. g6, or with the instance, dsmil0:g0

Options:
  -i N        the instance dsmil.N (default 0); a dsmilN: prefix wins
  --json      JSON output (list, status, show, thermal, instance list, watch)
  -h, --help  help; 'dsmilctl COMMAND --help' for a command
  --version   print the version

Exit status:
  0  success
  1  other error
  2  usage error
  3  not found: no such instance, device or group, device absent, or the
     module is not loaded
  4  permission denied: not root or in group dsmil, quarantined device,
     kernel lockdown, firmware read-only (allow_writes=0)
  5  busy: wrong state for the request, emergency stop (also one that
     cancelled the request), configuration frozen while enabled, instance
     exists
  6  firmware error: the firmware call failed (EIO) or timed out (ETIMEDOUT)
  7  invalid or out-of-range value (EINVAL, ERANGE)
  8  status, doctor: problems found (listed first, each with its fix)

Environment:
  DSMIL_SYSFS     sysfs root (default /sys)
  DSMIL_CONFIGFS  configfs root (default \$DSMIL_SYSFS/kernel/config)
  DSMIL_DEBUGFS   debugfs root (default \$DSMIL_SYSFS/kernel/debug)

See dsmilctl(8).
EOF
}

help_cmd() {
	case $1 in
	list) cat <<'EOF'
Usage: dsmilctl [-i N] list [--json]

One line per device of instance N: class name, token, group, state and
whether it is quarantined.  Reads sysfs only; never calls the firmware.
--json prints an array of objects with the keys name, instance, token,
group, state, quarantined.
EOF
		;;
	status) cat <<'EOF'
Usage: dsmilctl [-i N] status [--json]

Summary of instance N: backend, number of devices in each state, the
emergency stop flag, the thermal threshold and hysteresis, each group's
state, temperature and limit, and the platform's thermal statistics.
Problems are listed first, one "problem: WHAT; fix: HOW" line each:
devices in state error or emergency, the emergency stop, a thermal source
that gives no reading or thermal protection turned off, a read-only
firmware (allow_writes=0); then notes (a simulated platform).
Exit 0 without problems, 8 with (the output is the same).
--json keys: instance, problems[{kind,message,fix}], notes[{kind,message,
fix}], backend, group_count, device_count, active_count,
states{absent,ready,active,error,quarantined,emergency}, emergency_stop,
threshold_mc, hysteresis_mc, groups[{name,group,state,active_count,
device_count,temperature_mc,thermal_limit_mc,alarm}], statistics{
thermal_trips,emergency_stops,last_stop_latency_ns,max_stop_latency_ns}.
EOF
		;;
	doctor) cat <<'EOF'
Usage: dsmilctl [-i N] doctor

One screen that says what is wrong and what to do, one line per check:
"ok", "note" or "PROBLEM", the topic and what was found; each PROBLEM
line is followed by a "fix:" line.  Checks: the module; the platform
(found or not, and why: DMI vendor and product); the backend and
allow_writes; the thermal source (every group reads a temperature;
thermal_zone=none); kernel lockdown; dsmil-84dev's parameters; whether
the caller may write device state (group dsmil, udev rule
60-dsmil.rules); devices in state error or emergency, the emergency stop.
The last line is "healthy" or "N problems found".  Exit 0 when healthy,
8 with problems.  Never calls the firmware.
EOF
		;;
	show) cat <<'EOF'
Usage: dsmilctl [-i N] show DEV|GROUP [--json]

Every attribute of one device (token, group, index, state, quarantined,
thermal limit, statistics) or of one group (state, counts, temperature,
limit, members).  Does not read the token value: that is a firmware call,
see 'dsmilctl get'.
--json keys, device: name, instance, token, group, index, state,
quarantined, thermal_limit_mc, registers, statistics{reads,writes,errors,
activations}; group: name, instance, group, state, device_count,
active_count, temperature_mc, thermal_limit_mc, devices[].
EOF
		;;
	get) cat <<'EOF'
Usage: dsmilctl [-i N] get DEV

Print the live token value of DEV, e.g. 0xd5008000.  Every call is one
firmware token read (root or group dsmil).  Works in every state but
absent, quarantined devices included.
EOF
		;;
	set) cat <<'EOF'
Usage: dsmilctl [-i N] set DEV VALUE

Write VALUE to the token of DEV: an unsigned 32-bit number, decimal or
0x hexadecimal.  The device must be active.  Root only.
Exit 4 for a quarantined device, 5 when not active or in emergency stop,
6 on a firmware failure (the device then goes to state error), 7 for an
invalid or too large value.
EOF
		;;
	activate | deactivate)
		_w="on (state active)"
		[ "$1" = deactivate ] && _w="off (state ready)"
		cat <<EOF
Usage: dsmilctl [-i N] $1 DEV|GROUP

Switch DEV $_w, or every eligible member of GROUP.  A group
request is all or nothing: when a firmware call fails, every member is put
back into its previous state.  Quarantined and absent members of a group
are skipped.  Exit 4 for a quarantined device, 5 for a device (or member)
in state error or emergency, 6 on a firmware failure.
EOF
		;;
	reset) cat <<'EOF'
Usage: dsmilctl [-i N] reset DEV

Bring DEV from state error back to ready (a firmware deactivate call).
Exit 5 when DEV is not in state error.
EOF
		;;
	thermal) cat <<'EOF'
Usage: dsmilctl [-i N] thermal [--json]
       dsmilctl [-i N] thermal set DEV|GROUP MILLIDEG
       dsmilctl [-i N] thermal set threshold|hysteresis MILLIDEG

Without arguments: each group's temperature, limit (the lowest limit of
its members) and alarm: "limit" at or above the limit (members trip to
emergency), "critical" at or above the platform threshold (every device
of the instance stops).
'thermal set' writes a limit: of one device, of every member of a group,
or the platform's threshold or hysteresis.  MILLIDEG is millidegrees
Celsius, or degrees with a C suffix (85C, 85.5C).
--json keys: instance, threshold_mc, hysteresis_mc, emergency_stop,
groups[{name,group,temperature_mc,thermal_limit_mc,alarm,critical}].
EOF
		;;
	stop) cat <<'EOF'
Usage: dsmilctl [-i N] stop

Emergency stop: every device of instance N that is not absent or
quarantined is stopped (state emergency; active ones are deactivated in
firmware first).  Requests are refused until 'dsmilctl resume'.
EOF
		;;
	resume) cat <<'EOF'
Usage: dsmilctl [-i N] resume

Release the manual emergency stop: devices go back to ready (never to
active) unless their temperature still holds them, which is reported on
stderr.
EOF
		;;
	watch) cat <<'EOF'
Usage: dsmilctl [-i N] watch [--json] [--count N] [--kernel]

Follow the events of every instance (or of instance N with -i) as they
happen, one line per event, through 'udevadm monitor':
  TIME NAME EVENT [state=STATE] [temp=DEGREES]
EVENT is change (a state change), thermal_trip, thermal_clear,
thermal_fault (readings failed past the grace period: every device
stopped), emergency_stop, emergency_clear, ready (an instance's states
are read after load), resume (states read back after a system sleep),
or add/remove for an instance.
--count N   exit after N events
--kernel    the kernel's uevents instead of udev's (no udevd needed)
--json      one JSON object per line: time, uptime, name, event, state,
            temperature_mc
A line "dsmilctl: watching ..." on stderr says the monitor is listening.
EOF
		;;
	instance) cat <<'EOF'
Usage: dsmilctl instance create NAME [KEY=VALUE ...]
       dsmilctl instance remove NAME|dsmil.N
       dsmilctl instance list [--json]

configfs instances are simulated platforms of the module dsmil-sim
(modprobe dsmil-sim); nothing here reaches the Dell firmware.
create makes the configfs item NAME (/sys/kernel/config/dsmil/NAME), writes
every KEY=VALUE to it (KEY one of the item's settings, listed in the
"features" file: groups, devices_per_group, token_base, thermal_threshold,
sim_absent), enables it unless enable=0 is given, and prints the new
instance's name (dsmil.N).  On a failure the item is removed again.
remove deletes the item, which stops and removes its instance.  The
instances created at module load (dsmil-84dev's on the firmware,
dsmil-sim's instances=N) can not be removed: unload the module.
list shows every instance and configfs item.  --json keys: name,
instance (a number: N of dsmil.N; null while not enabled), enabled,
backend, groups, devices_per_group, token_base.
EOF
		;;
	metrics) cat <<'EOF'
Usage: dsmilctl [-i N] metrics [-o FILE]

Every instance (or instance N with -i) in the Prometheus text exposition
format: device states, temperatures and limits in degrees Celsius,
counters from the statistics.  For node_exporter's textfile collector:
  dsmilctl metrics -o /var/lib/prometheus/node-exporter/dsmil.prom
-o writes FILE atomically (a temporary file renamed over it).
Never calls the firmware.  With no instance it prints dsmil_instances 0.
EOF
		;;
	sim) cat <<'EOF'
Usage: dsmilctl [-i N] sim
       dsmilctl [-i N] sim temp GROUP MILLIDEG
       dsmilctl [-i N] sim fault none|eio K|timeout K
       dsmilctl [-i N] sim latency MICROSECONDS

The knobs of the simulated firmware (backend sim: the instances of the
module dsmil-sim) in debugfs: to try the thermal safety or error handling
without hardware.  debugfs is not a stable interface: for testing only.
Root only.
EOF
		;;
	help) echo "Usage: dsmilctl help [COMMAND]" ;;
	*) return 1 ;;
	esac
}
