// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - thermal safety: limits, the monitor and the emergency stop.
 *
 * Each device trips when its group's temperature reaches its limit; every
 * device of the instance trips when any group reaches the platform
 * threshold.  A tripped device is stopped at once (deactivated in
 * firmware, state "emergency") and only returns to "ready", never to
 * "active", once the temperature has fallen by the hysteresis.  A manual
 * emergency stop does the same for the whole instance.
 *
 * Stopping is done in two passes: first every affected device is stopped,
 * then userspace is told.  The stop latency counts the first pass and
 * everything before it from the trigger on.
 *
 * A trip preempts like the manual stop: the monitor (and a firmware
 * notification) samples the temperatures without inst->lock and, when
 * the sample will stop a device, announces a pending stop before taking
 * the lock, so that a request holding it gives it up after its firmware
 * call in flight.  The latency counts from that sample.
 *
 * Thermal safety fails safe: while the source gives no reading nothing
 * is switched on (-ENODATA), and readings that fail for longer than the
 * grace period stop every device like a platform trip, until they come
 * back.  Only the administrator can opt out (thermal source "none").
 *
 * The monitor runs on the freezable system workqueue and is cancelled
 * when the system suspends: it makes no firmware call while the system
 * sleeps.  Resume evaluates the temperatures before it restarts the
 * monitor (pm.c).
 */
#include <linux/bitmap.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "dsmil.h"
#include "trace.h"

/* One reading of every group: taken with or without inst->lock. */
struct dsmil_thermal_sample {
	int temp[DSMIL_MAX_GROUPS];
	DECLARE_BITMAP(read, DSMIL_MAX_GROUPS);	/* groups that answered */
	bool ok;				/* every group answered */
	ktime_t at;
};

/* Devices changed by one evaluation, announced after the stop. */
struct dsmil_thermal_changes {
	DECLARE_BITMAP(tripped, DSMIL_MAX_DEVICES);
	DECLARE_BITMAP(cleared, DSMIL_MAX_DEVICES);
	DECLARE_BITMAP(groups_tripped, DSMIL_MAX_GROUPS);
};

static bool dsmil_thermal_applies(const struct dsmil_device *d)
{
	return d->state != DSMIL_STATE_ABSENT &&
	       d->state != DSMIL_STATE_QUARANTINED;
}

/*
 * Stop one device: firmware off first, then the state.  A device in
 * error may be running as far as anyone knows, so it is switched off too;
 * one whose switching off is not confirmed is in error, never emergency
 * (clearing the stop must not make it "ready" while it may still be on).
 */
static bool dsmil_thermal_stop_device(struct dsmil_device *d,
				      enum dsmil_reason reason)
{
	if (d->state == DSMIL_STATE_EMERGENCY)
		return false;
	if ((d->state == DSMIL_STATE_ACTIVE || d->state == DSMIL_STATE_ERROR) &&
	    dsmil_fw_action(d, DSMIL_ACT_DEACTIVATE)) {
		dev_err_ratelimited(&d->dev,
				    "firmware did not confirm the stop: state unknown\n");
		return dsmil_device_change_state(d, DSMIL_STATE_ERROR, reason);
	}
	return dsmil_device_change_state(d, DSMIL_STATE_EMERGENCY, reason);
}

static void dsmil_thermal_account_stop(struct dsmil_instance *inst,
				       ktime_t detected)
{
	struct dsmil_thermal_stats *st = &inst->thermal.stats;
	u64 ns = ktime_to_ns(ktime_sub(ktime_get(), detected));

	WRITE_ONCE(st->last_stop_latency_ns, ns);
	if (ns > st->max_stop_latency_ns)
		WRITE_ONCE(st->max_stop_latency_ns, ns);
}

/* Second pass: uevents, poll() wake-ups and hwmon alarms. */
static void dsmil_thermal_announce(struct dsmil_instance *inst,
				   struct dsmil_thermal_changes *c,
				   enum dsmil_reason trip,
				   enum dsmil_reason clear)
{
	unsigned int i;

	for_each_set_bit(i, c->tripped, inst->device_count) {
		struct dsmil_device *d = inst->devices[i];

		dsmil_notify_device(d, trip, d->group->temperature);
	}
	for_each_set_bit(i, c->cleared, inst->device_count) {
		struct dsmil_device *d = inst->devices[i];

		dsmil_notify_device(d, clear, d->group->temperature);
	}
	for (i = 0; i < inst->cfg.groups; i++) {
		dsmil_notify_group_state(inst->groups[i]);
		dsmil_notify_alarms(inst->groups[i]);
	}
}

/* Read every group; the backend's sensors need no lock. */
static void dsmil_thermal_sample(struct dsmil_instance *inst,
				 struct dsmil_thermal_sample *s)
{
	unsigned int i;

	bitmap_zero(s->read, DSMIL_MAX_GROUPS);
	s->ok = true;
	for (i = 0; i < inst->cfg.groups; i++) {
		if (dsmil_fw_temperature(inst, i, &s->temp[i]))
			s->ok = false;
		else
			__set_bit(i, s->read);
	}
	s->at = ktime_get();
}

/*
 * Lockless: will applying @s stop a device?  Reads only what the thermal
 * state publishes (WRITE_ONCE) for it, never the devices, which a
 * notification may outlive.  A wrong guess only costs a request in
 * flight an -ECANCELED, or a stop one firmware call later.
 */
static bool dsmil_thermal_will_stop(struct dsmil_instance *inst,
				    const struct dsmil_thermal_sample *s)
{
	struct dsmil_thermal *th = &inst->thermal;
	ktime_t since = READ_ONCE(th->failing_since);
	unsigned int i;

	if (READ_ONCE(th->no_source))
		return false;
	if (!s->ok && !READ_ONCE(th->faulted) &&
	    ktime_ms_delta(s->at, since ?: s->at) >= inst->cfg.thermal_grace_ms)
		return true;
	for_each_set_bit(i, s->read, inst->cfg.groups) {
		if (s->temp[i] >= READ_ONCE(th->trip_at[i]))
			return true;
		if (!READ_ONCE(th->platform_tripped) &&
		    s->temp[i] >= READ_ONCE(th->threshold))
			return true;
	}
	return false;
}

/*
 * Publish, for dsmil_thermal_will_stop(), the lowest limit per group
 * among the members a crossing would stop (INT_MAX: none).
 */
static void dsmil_thermal_publish(struct dsmil_instance *inst)
{
	unsigned int g, i;

	for (g = 0; g < inst->cfg.groups; g++) {
		struct dsmil_group *grp = inst->groups[g];
		int at = INT_MAX;

		for (i = 0; i < inst->cfg.devices_per_group; i++) {
			struct dsmil_device *d = grp->members[i];

			if (dsmil_thermal_applies(d) && !d->thermal_tripped)
				at = min(at, d->thermal_limit);
		}
		WRITE_ONCE(inst->thermal.trip_at[g], at);
	}
}

/*
 * Readings failing for longer than the grace period are a fault: every
 * device stops until they come back.  Returns the event to announce.
 */
static const char *dsmil_thermal_check_readings(struct dsmil_instance *inst,
						bool ok, ktime_t now)
{
	struct dsmil_thermal *th = &inst->thermal;

	th->readings_ok = ok;
	if (ok) {
		WRITE_ONCE(th->failing_since, 0);
		WRITE_ONCE(th->faulted, false);
		return NULL;
	}
	if (!th->failing_since)
		WRITE_ONCE(th->failing_since, now);
	if (th->faulted || ktime_ms_delta(now, th->failing_since) <
			   inst->cfg.thermal_grace_ms)
		return NULL;
	WRITE_ONCE(th->faulted, true);
	dev_err_ratelimited(inst->dev, "no temperature for %u ms: every device stopped\n",
			    inst->cfg.thermal_grace_ms);
	return "thermal_fault";
}

/**
 * dsmil_thermal_may_activate() - may a device be switched on?
 * @inst: the instance, with inst->lock held
 *
 * Return: 0, or -ENODATA while the thermal source gives no reading
 * (unless the administrator opted out of thermal protection).
 */
int dsmil_thermal_may_activate(struct dsmil_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	if (inst->thermal.no_source || inst->thermal.readings_ok)
		return 0;
	return -ENODATA;
}

static int dsmil_thermal_hottest(struct dsmil_instance *inst)
{
	unsigned int i;
	int t = INT_MIN;

	for (i = 0; i < inst->cfg.groups; i++)
		t = max(t, inst->groups[i]->temperature);
	return t;
}

static bool dsmil_thermal_device_hot(struct dsmil_device *d)
{
	if (d->inst->thermal.platform_tripped || d->inst->thermal.faulted)
		return true;
	return dsmil_thermal_hot(d->group->temperature, d->thermal_limit,
				 d->inst->thermal.hysteresis,
				 d->thermal_tripped);
}

/* Platform threshold crossing; returns the event to announce, or NULL. */
static const char *dsmil_thermal_check_platform(struct dsmil_instance *inst,
						int hottest)
{
	struct dsmil_thermal *th = &inst->thermal;
	bool hot = dsmil_thermal_hot(hottest, th->threshold, th->hysteresis,
				     th->platform_tripped);

	if (hot == th->platform_tripped)
		return NULL;
	WRITE_ONCE(th->platform_tripped, hot);
	return hot ? "thermal_trip" : "thermal_clear";
}

/* First pass over the devices; returns true if any device was stopped. */
static bool dsmil_thermal_apply(struct dsmil_instance *inst,
				struct dsmil_thermal_changes *c)
{
	bool stopped = false;
	unsigned int i;

	for (i = 0; i < inst->device_count; i++) {
		struct dsmil_device *d = inst->devices[i];
		bool hot;

		if (!dsmil_thermal_applies(d))
			continue;
		hot = dsmil_thermal_device_hot(d);
		if (hot && !d->thermal_tripped) {
			d->thermal_tripped = true;
			__set_bit(d->group->index, c->groups_tripped);
			if (dsmil_thermal_stop_device(d,
						      DSMIL_REASON_THERMAL_TRIP)) {
				__set_bit(i, c->tripped);
				stopped = true;
			}
		} else if (!hot && d->thermal_tripped) {
			d->thermal_tripped = false;
			if (!inst->thermal.manual_stop &&
			    d->state == DSMIL_STATE_EMERGENCY &&
			    dsmil_device_change_state(d, DSMIL_STATE_READY,
						      DSMIL_REASON_THERMAL_CLEAR))
				__set_bit(i, c->cleared);
		}
	}
	return stopped;
}

static void dsmil_thermal_trace_trips(struct dsmil_instance *inst,
				      struct dsmil_thermal_changes *c)
{
	unsigned int g;

	for_each_set_bit(g, c->groups_tripped, inst->cfg.groups) {
		struct dsmil_group *grp = inst->groups[g];
		int limit = inst->thermal.platform_tripped ?
			    inst->thermal.threshold :
			    dsmil_group_limit(grp);

		trace_dsmil_thermal_trip(inst, g, grp->temperature, limit);
	}
}

/*
 * Act on a sample, with inst->lock held.  One taken before the lock that
 * is older than the last one applied is taken again: an old reading never
 * undoes a newer one.  The stop latency counts from the sample.
 */
static void dsmil_thermal_apply_sample(struct dsmil_instance *inst,
				       struct dsmil_thermal_sample *s)
{
	struct dsmil_thermal *th = &inst->thermal;
	struct dsmil_thermal_changes c = { };
	const char *platform_event, *fault_event = NULL;
	ktime_t detected;
	unsigned int i;
	int hottest;

	lockdep_assert_held(&inst->lock);
	if (ktime_before(s->at, th->last_sample))
		dsmil_thermal_sample(inst, s);
	th->last_sample = s->at;
	detected = s->at;
	if (!th->no_source) {
		for_each_set_bit(i, s->read, inst->cfg.groups)
			inst->groups[i]->temperature = s->temp[i];
		fault_event = dsmil_thermal_check_readings(inst, s->ok,
							   detected);
	}
	hottest = dsmil_thermal_hottest(inst);
	platform_event = dsmil_thermal_check_platform(inst, hottest);

	if (dsmil_thermal_apply(inst, &c))
		dsmil_thermal_account_stop(inst, detected);
	if (!bitmap_empty(c.groups_tripped, DSMIL_MAX_GROUPS))
		WRITE_ONCE(inst->thermal.stats.thermal_trips,
			   inst->thermal.stats.thermal_trips + 1);

	dsmil_thermal_publish(inst);
	dsmil_thermal_trace_trips(inst, &c);
	dsmil_thermal_announce(inst, &c, DSMIL_REASON_THERMAL_TRIP,
			       DSMIL_REASON_THERMAL_CLEAR);
	if (fault_event)
		dsmil_notify_platform(inst, fault_event, INT_MIN);
	if (platform_event)
		dsmil_notify_platform(inst, platform_event, hottest);
}

/**
 * dsmil_thermal_evaluate() - read the temperatures and act on them
 * @inst: a live instance, with inst->lock held
 */
void dsmil_thermal_evaluate(struct dsmil_instance *inst)
{
	struct dsmil_thermal_sample s;

	lockdep_assert_held(&inst->lock);
	if (inst->thermal.no_source)
		s.at = ktime_get();
	else
		dsmil_thermal_sample(inst, &s);
	dsmil_thermal_apply_sample(inst, &s);
}

/* Poll fast while anything is tripped or within the band of a limit. */
static unsigned long dsmil_thermal_next_poll(struct dsmil_instance *inst)
{
	struct dsmil_thermal *th = &inst->thermal;
	unsigned int i;

	if (th->platform_tripped || (th->failing_since && !th->faulted) ||
	    dsmil_thermal_hottest(inst) >= th->threshold - th->hysteresis)
		return msecs_to_jiffies(DSMIL_THERMAL_FAST_POLL_MS);
	for (i = 0; i < inst->cfg.groups; i++) {
		struct dsmil_group *g = inst->groups[i];

		if (g->temperature >= dsmil_group_limit(g) - th->hysteresis)
			return msecs_to_jiffies(DSMIL_THERMAL_FAST_POLL_MS);
	}
	for (i = 0; i < inst->device_count; i++)
		if (inst->devices[i]->thermal_tripped)
			return msecs_to_jiffies(DSMIL_THERMAL_FAST_POLL_MS);
	return msecs_to_jiffies(inst->cfg.thermal_poll_ms);
}

/*
 * Sample without the lock; if the sample stops a device, announce it
 * before waiting for the lock.  With @requeue (the monitor) the next
 * poll is queued.  Returns without acting when the instance is not live.
 */
static void dsmil_thermal_check(struct dsmil_instance *inst, bool requeue)
{
	struct dsmil_thermal *th = &inst->thermal;
	struct dsmil_thermal_sample s;
	bool stop;

	/* Asleep: no sensor read either; resume evaluates. */
	if (READ_ONCE(inst->suspended))
		return;
	if (READ_ONCE(th->no_source)) {
		s.at = ktime_get();
		stop = false;
	} else {
		dsmil_thermal_sample(inst, &s);
		stop = dsmil_thermal_will_stop(inst, &s);
	}
	if (stop)
		dsmil_stop_begin(inst);
	if (!dsmil_lock_live(inst)) {
		dsmil_thermal_apply_sample(inst, &s);
		if (requeue)
			queue_delayed_work(system_freezable_wq, &th->work,
					   dsmil_thermal_next_poll(inst));
		mutex_unlock(&inst->lock);
	}
	if (stop)
		dsmil_stop_end(inst);
}

/**
 * dsmil_thermal_notify() - the firmware reports a temperature change
 * @inst: the instance
 *
 * Evaluates at once instead of waiting for the next poll, preempting a
 * request in flight when a device will stop.
 */
void dsmil_thermal_notify(struct dsmil_instance *inst)
{
	dsmil_thermal_check(inst, false);
}
EXPORT_SYMBOL_NS_GPL(dsmil_thermal_notify, DSMIL_NS);

/**
 * dsmil_thermal_set_manual_stop() - set or clear the manual emergency stop
 * @inst: a live instance, with inst->lock held
 * @on: stop (true) or clear (false)
 * @trigger: when it was requested: the stop latency counts from there
 */
void dsmil_thermal_set_manual_stop(struct dsmil_instance *inst, bool on,
				   ktime_t trigger)
{
	struct dsmil_thermal *th = &inst->thermal;
	struct dsmil_thermal_changes c = { };
	unsigned int i;

	lockdep_assert_held(&inst->lock);
	if (th->manual_stop == on)
		return;
	WRITE_ONCE(th->manual_stop, on);

	for (i = 0; i < inst->device_count; i++) {
		struct dsmil_device *d = inst->devices[i];

		if (!dsmil_thermal_applies(d))
			continue;
		if (on && dsmil_thermal_stop_device(d,
						    DSMIL_REASON_EMERGENCY_STOP))
			__set_bit(i, c.tripped);
		if (!on && d->state == DSMIL_STATE_EMERGENCY &&
		    !d->thermal_tripped &&
		    dsmil_device_change_state(d, DSMIL_STATE_READY,
					      DSMIL_REASON_EMERGENCY_CLEAR))
			__set_bit(i, c.cleared);
	}
	if (on) {
		dsmil_thermal_account_stop(inst, trigger);
		WRITE_ONCE(th->stats.emergency_stops,
			   th->stats.emergency_stops + 1);
	}
	dsmil_thermal_publish(inst);
	dsmil_thermal_announce(inst, &c, DSMIL_REASON_EMERGENCY_STOP,
			       DSMIL_REASON_EMERGENCY_CLEAR);
	dsmil_notify_emergency(inst, on);
}

/**
 * dsmil_thermal_set_limit() - set the limit of one device or a group
 * @inst: a live instance, with inst->lock held
 * @g: the group whose members all get @limit, or NULL
 * @d: the device, when @g is NULL
 * @limit: millidegrees Celsius
 *
 * Return: 0, or -ERANGE below the floor (DSMIL_THERMAL_MIN_THRESHOLD, so
 * that a bare "85" meaning 0.085 C cannot trip a group for good) or above
 * the platform threshold.
 */
int dsmil_thermal_set_limit(struct dsmil_instance *inst,
			    struct dsmil_group *g, struct dsmil_device *d,
			    int limit)
{
	unsigned int i;

	lockdep_assert_held(&inst->lock);
	if (limit < DSMIL_THERMAL_MIN_THRESHOLD ||
	    limit > inst->thermal.threshold)
		return -ERANGE;
	if (g) {
		for (i = 0; i < inst->cfg.devices_per_group; i++)
			WRITE_ONCE(g->members[i]->thermal_limit, limit);
	} else {
		WRITE_ONCE(d->thermal_limit, limit);
	}
	dsmil_thermal_evaluate(inst);
	return 0;
}

/* Lowering the threshold pulls every device limit down with it. */
void dsmil_thermal_set_threshold(struct dsmil_instance *inst, int threshold)
{
	unsigned int i;

	lockdep_assert_held(&inst->lock);
	WRITE_ONCE(inst->thermal.threshold, threshold);
	for (i = 0; i < inst->device_count; i++) {
		struct dsmil_device *d = inst->devices[i];

		if (d->thermal_limit > threshold)
			WRITE_ONCE(d->thermal_limit, threshold);
	}
	dsmil_thermal_evaluate(inst);
}

static void dsmil_thermal_work(struct work_struct *work)
{
	struct dsmil_instance *inst = container_of(to_delayed_work(work),
						   struct dsmil_instance,
						   thermal.work);

	/* Not live: teardown has begun and cancels the work; don't requeue. */
	dsmil_thermal_check(inst, true);
}

void dsmil_thermal_init(struct dsmil_instance *inst)
{
	unsigned int g;

	inst->thermal.threshold = inst->cfg.thermal_threshold;
	inst->thermal.hysteresis = DSMIL_THERMAL_DEFAULT_HYSTERESIS;
	for (g = 0; g < DSMIL_MAX_GROUPS; g++)
		inst->thermal.trip_at[g] = INT_MAX;
	atomic_set(&inst->thermal.stops_pending, 0);
	init_waitqueue_head(&inst->thermal.stop_wq);
	INIT_DELAYED_WORK(&inst->thermal.work, dsmil_thermal_work);
}

/* Called with inst->lock held, once the instance is live. */
void dsmil_thermal_start(struct dsmil_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	WRITE_ONCE(inst->thermal.no_source,
		   !inst->backend->thermal_source(inst));
	dsmil_thermal_evaluate(inst);
	queue_delayed_work(system_freezable_wq, &inst->thermal.work,
			   dsmil_thermal_next_poll(inst));
}

/* Called after the instance stopped being live, without inst->lock. */
void dsmil_thermal_stop(struct dsmil_instance *inst)
{
	cancel_delayed_work_sync(&inst->thermal.work);
}
