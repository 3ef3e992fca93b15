// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - announcements: uevents, poll() wake-ups and hwmon alarms.
 *
 * The operations (ops.c, thermal.c) change states under inst->lock and
 * then call down here to tell userspace.  Nothing here changes a state,
 * reaches the firmware or calls back up into the operations or the
 * object files: the calls of the driver go one way, files -> operations
 * -> backend, with this layer beside the backend.
 */
#include <linux/hwmon.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "dsmil.h"

/**
 * dsmil_notify_device() - tell userspace a device changed state
 * @d: the device
 * @reason: why it changed
 * @millideg: the temperature that caused a thermal trip or clear
 *
 * Wakes poll() on "state" and sends KOBJ_CHANGE with DSMIL_STATE=, plus
 * DSMIL_EVENT= for thermal and emergency changes and DSMIL_TEMP= for
 * thermal ones.
 */
void dsmil_notify_device(struct dsmil_device *d, enum dsmil_reason reason,
			 int millideg)
{
	const char *event = dsmil_reason_event(reason);
	char state[32], ev[32], temp[24];
	char *envp[4] = { state };
	unsigned int n = 1;

	snprintf(state, sizeof(state), "DSMIL_STATE=%s",
		 dsmil_state_name(dsmil_device_state(d)));
	if (event) {
		snprintf(ev, sizeof(ev), "DSMIL_EVENT=%s", event);
		envp[n++] = ev;
	}
	if (reason == DSMIL_REASON_THERMAL_TRIP ||
	    reason == DSMIL_REASON_THERMAL_CLEAR) {
		snprintf(temp, sizeof(temp), "DSMIL_TEMP=%d", millideg);
		envp[n++] = temp;
	}
	envp[n] = NULL;
	sysfs_notify(&d->dev.kobj, NULL, "state");
	kobject_uevent_env(&d->dev.kobj, KOBJ_CHANGE, envp);
}

/**
 * dsmil_notify_device_poll() - wake poll() on a device's "state", no uevent
 * @d: the device
 *
 * For the initial read-back: the states it reads are announced together
 * by the platform's DSMIL_EVENT=ready, not by 84 uevents at every boot.
 */
void dsmil_notify_device_poll(struct dsmil_device *d)
{
	sysfs_notify(&d->dev.kobj, NULL, "state");
}

/*
 * The derived state of a group, the danger first: "emergency" when an
 * eligible member is stopped, "error" when one is in an unknown state,
 * then active/mixed/ready.  Members may only be walked with the lock held
 * on a live instance.
 */
enum dsmil_group_state dsmil_group_state(struct dsmil_group *g)
{
	unsigned int i, eligible = 0, active = 0;
	bool emergency = false, error = false;

	for (i = 0; i < g->inst->cfg.devices_per_group; i++) {
		struct dsmil_device *d = g->members[i];

		if (!dsmil_device_eligible(d))
			continue;
		eligible++;
		switch (dsmil_device_state(d)) {
		case DSMIL_STATE_ACTIVE:
			active++;
			break;
		case DSMIL_STATE_EMERGENCY:
			emergency = true;
			break;
		case DSMIL_STATE_ERROR:
			error = true;
			break;
		default:
			break;
		}
	}
	if (emergency)
		return DSMIL_GROUP_EMERGENCY;
	if (error)
		return DSMIL_GROUP_ERROR;
	if (!active)
		return DSMIL_GROUP_READY;
	return active == eligible ? DSMIL_GROUP_ACTIVE : DSMIL_GROUP_MIXED;
}

/**
 * dsmil_notify_group_state() - announce a change of the derived state
 * @g: the group; called with inst->lock held on a live instance
 *
 * Sends KOBJ_CHANGE with DSMIL_STATE= and wakes poll() on "state" when
 * the derived state differs from the one last announced.  Nothing is
 * announced before the initial read-back is done (members not read yet
 * make a group "error"); the read-back announces the groups at its end.
 */
void dsmil_notify_group_state(struct dsmil_group *g)
{
	enum dsmil_group_state state;
	char env[32];
	char *envp[] = { env, NULL };

	lockdep_assert_held(&g->inst->lock);
	if (!g->inst->ready)
		return;
	state = dsmil_group_state(g);
	if (state == g->reported)
		return;
	g->reported = state;
	snprintf(env, sizeof(env), "DSMIL_STATE=%s",
		 dsmil_group_state_name(state));
	sysfs_notify(&g->dev.kobj, NULL, "state");
	kobject_uevent_env(&g->dev.kobj, KOBJ_CHANGE, envp);
}

/**
 * dsmil_notify_alarms() - announce hwmon alarm changes of one group
 * @g: the group, with inst->lock held
 */
void dsmil_notify_alarms(struct dsmil_group *g)
{
	struct device *hwmon = g->inst->thermal.hwmon;
	unsigned int alarms = dsmil_group_alarms(g);
	unsigned int changed = alarms ^ g->alarms;

	lockdep_assert_held(&g->inst->lock);
	g->alarms = alarms;
	if (!hwmon)
		return;
	if (changed & DSMIL_ALARM_MAX)
		hwmon_notify_event(hwmon, hwmon_temp, hwmon_temp_max_alarm,
				   g->index);
	if (changed & DSMIL_ALARM_CRIT)
		hwmon_notify_event(hwmon, hwmon_temp, hwmon_temp_crit_alarm,
				   g->index);
}

/**
 * dsmil_notify_platform() - a platform event: KOBJ_CHANGE on dsmil.N
 * @inst: the instance
 * @event: the DSMIL_EVENT= value
 * @millideg: the DSMIL_TEMP= value, or INT_MIN for none
 */
void dsmil_notify_platform(struct dsmil_instance *inst, const char *event,
			   int millideg)
{
	char ev[32], temp[24];
	char *envp[] = { ev, temp, NULL };

	snprintf(ev, sizeof(ev), "DSMIL_EVENT=%s", event);
	snprintf(temp, sizeof(temp), "DSMIL_TEMP=%d", millideg);
	if (millideg == INT_MIN)
		envp[1] = NULL;
	kobject_uevent_env(&inst->dev->kobj, KOBJ_CHANGE, envp);
}

/**
 * dsmil_notify_resume() - the instance came back from a system sleep
 * @inst: the instance
 * @changed: devices whose state the resume read-back changed
 *
 * KOBJ_CHANGE on dsmil.N with DSMIL_EVENT=resume and DSMIL_CHANGED=.
 */
void dsmil_notify_resume(struct dsmil_instance *inst, unsigned int changed)
{
	char count[32];
	char *envp[] = { "DSMIL_EVENT=resume", count, NULL };

	snprintf(count, sizeof(count), "DSMIL_CHANGED=%u", changed);
	kobject_uevent_env(&inst->dev->kobj, KOBJ_CHANGE, envp);
}

/**
 * dsmil_notify_emergency() - the manual emergency stop was set or cleared
 * @inst: the instance
 * @on: set (true) or cleared
 *
 * Wakes poll() on "emergency_stop" and sends the platform event.
 */
void dsmil_notify_emergency(struct dsmil_instance *inst, bool on)
{
	sysfs_notify(&inst->dev->kobj, NULL, "emergency_stop");
	dsmil_notify_platform(inst, on ? "emergency_stop" : "emergency_clear",
			      INT_MIN);
}
