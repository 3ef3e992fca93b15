// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the firmware call wrappers.
 *
 * Every firmware call of the driver goes through dsmil_fw_*(): they
 * serialize on the instance lock (the caller holds it), bound the call
 * time by smi_timeout_ms, count the call in the device statistics and
 * refuse any write to a quarantined token as a last line of defence.
 * While the system is suspended they refuse every call with -EAGAIN
 * before it reaches the firmware (pm.c).
 */
#include <linux/ktime.h>

#include "dsmil.h"
#include "trace.h"

/* Asleep: no call reaches the firmware until the resume read-back. */
static int dsmil_fw_awake(struct dsmil_instance *inst)
{
	return inst->suspended ? -EAGAIN : 0;
}

/*
 * Rate limiting is the backend's business; waiting is not call time.  A
 * stop on its way cancels the call: the caller gives the lock up to it.
 */
static int dsmil_fw_throttle(struct dsmil_instance *inst)
{
	int ret = 0;

	if (inst->backend->throttle)
		ret = inst->backend->throttle(inst);
	if (!ret && dsmil_stop_pending(inst))
		ret = -ECANCELED;
	return ret;
}

static void dsmil_stat_inc(unsigned long *counter)
{
	WRITE_ONCE(*counter, *counter + 1);
}

/*
 * A firmware call cannot be interrupted once issued, so an overrun is
 * detected afterwards and reported as a timeout: the caller must treat
 * the token as being in an unknown state.
 */
static int dsmil_fw_finish(struct dsmil_device *d, ktime_t start, int ret)
{
	s64 elapsed_ms = ktime_ms_delta(ktime_get(), start);

	if (!ret && elapsed_ms > d->inst->cfg.smi_timeout_ms)
		ret = -ETIMEDOUT;
	if (ret)
		dsmil_stat_inc(&d->stats.errors);
	return ret;
}

/*
 * A write the backend refuses outright (-EROFS: the firmware is
 * read-only without allow_writes) never reaches the firmware: it is no
 * write and no error, and is counted apart.
 */
static int dsmil_fw_may_write(struct dsmil_device *d)
{
	struct dsmil_instance *inst = d->inst;
	int ret;

	if (!inst->backend->may_write)
		return 0;
	ret = inst->backend->may_write(inst);
	if (ret)
		dsmil_stat_inc(&d->stats.refused_writes);
	return ret;
}

int dsmil_fw_verify(struct dsmil_device *d)
{
	struct dsmil_instance *inst = d->inst;

	lockdep_assert_held(&inst->lock);
	return dsmil_fw_awake(inst) ?: inst->backend->verify(inst, d->token);
}

int dsmil_fw_read(struct dsmil_device *d, u32 *val)
{
	struct dsmil_instance *inst = d->inst;
	ktime_t start;
	int ret;

	lockdep_assert_held(&inst->lock);
	ret = dsmil_fw_awake(inst) ?: dsmil_fw_throttle(inst);
	if (ret)
		return ret;
	dsmil_stat_inc(&d->stats.reads);
	start = ktime_get();
	ret = inst->backend->token_read(inst, d->token, val);
	ret = dsmil_fw_finish(d, start, ret);
	trace_dsmil_token_read(d, ret ? 0 : *val, ret);
	return ret;
}

int dsmil_fw_write(struct dsmil_device *d, u32 val)
{
	struct dsmil_instance *inst = d->inst;
	ktime_t start;
	int ret;

	lockdep_assert_held(&inst->lock);
	if (dsmil_device_quarantined(d))
		return -EPERM;
	ret = dsmil_fw_awake(inst) ?: dsmil_fw_may_write(d);
	if (!ret)
		ret = dsmil_fw_throttle(inst);
	if (ret)
		return ret;
	dsmil_stat_inc(&d->stats.writes);
	start = ktime_get();
	ret = inst->backend->token_write(inst, d->token, val);
	ret = dsmil_fw_finish(d, start, ret);
	trace_dsmil_token_write(d, val, ret);
	return ret;
}

/**
 * dsmil_fw_action() - issue the firmware call a state transition needs
 * @d: the device
 * @action: DSMIL_ACT_NONE (no call), _ACTIVATE or _DEACTIVATE
 *
 * Return: 0 or the firmware error (-ETIMEDOUT, -EIO, ...).
 */
int dsmil_fw_action(struct dsmil_device *d, enum dsmil_action action)
{
	struct dsmil_instance *inst = d->inst;
	ktime_t start;
	int ret;

	lockdep_assert_held(&inst->lock);
	if (action == DSMIL_ACT_NONE)
		return 0;
	if (dsmil_device_quarantined(d))
		return -EPERM;
	ret = dsmil_fw_awake(inst) ?: dsmil_fw_may_write(d);
	if (ret)
		return ret;
	/*
	 * Checked right before the call: a stop may be waiting already, and
	 * nothing is switched on without a temperature to watch it by.
	 */
	if (action == DSMIL_ACT_ACTIVATE) {
		ret = dsmil_thermal_may_activate(inst);
		if (!ret)
			ret = dsmil_fw_throttle(inst);
		if (ret)
			return ret;
	}
	start = ktime_get();
	if (action == DSMIL_ACT_ACTIVATE)
		ret = inst->backend->activate(inst, d->token);
	else
		ret = inst->backend->deactivate(inst, d->token);
	return dsmil_fw_finish(d, start, ret);
}

static int dsmil_fw_state(struct dsmil_device *d, bool *on, bool counted)
{
	struct dsmil_instance *inst = d->inst;
	ktime_t start;
	int ret;

	lockdep_assert_held(&inst->lock);
	*on = false;
	ret = dsmil_fw_awake(inst);
	if (ret || !inst->backend->is_active)
		return ret;
	if (counted)
		dsmil_stat_inc(&d->stats.reads);
	start = ktime_get();
	ret = inst->backend->is_active(inst, d->token, on);
	return dsmil_fw_finish(d, start, ret);
}

/**
 * dsmil_fw_is_active() - ask the firmware whether a device is on
 * @d: the device
 * @on: the answer
 *
 * Bounded and counted in the device's statistics/reads like any read,
 * but not rate limited: it is the read-back of a write that waited for
 * its own rate slot, never a call userspace can make alone.  A backend
 * that cannot tell reports "off".
 *
 * Return: 0 or the firmware error.
 */
int dsmil_fw_is_active(struct dsmil_device *d, bool *on)
{
	return dsmil_fw_state(d, on, true);
}

/**
 * dsmil_device_readback() - the driver's own scan of a device's state
 * @d: the device
 * @on: the answer
 *
 * Like dsmil_fw_is_active(), once per device when an instance comes up
 * and when the system resumes; not counted in statistics/reads, which
 * count the reads that the device's files cause (a failure is counted
 * in statistics/errors).
 *
 * Return: 0 or the firmware error.
 */
int dsmil_device_readback(struct dsmil_device *d, bool *on)
{
	return dsmil_fw_state(d, on, false);
}

/**
 * dsmil_fw_location() - the firmware location of a token
 * @inst: the instance
 * @token: any token (listed quarantined tokens are looked up too)
 *
 * A lookup in the firmware's table, not a firmware call.
 *
 * Return: the location, or a negative errno when the backend has none.
 */
int dsmil_fw_location(struct dsmil_instance *inst, u16 token)
{
	if (!inst->backend->location)
		return -ENODEV;
	return inst->backend->location(inst, token);
}

/**
 * dsmil_fw_temperature() - read the temperature of one group
 * @inst: the instance, with or without inst->lock
 * @group: group index
 * @millideg: result, millidegrees Celsius
 *
 * Return: 0, -ENODATA when the backend has no sensor, or its error.
 */
int dsmil_fw_temperature(struct dsmil_instance *inst, unsigned int group,
			 int *millideg)
{
	if (!inst->backend->temperature)
		return -ENODATA;
	return inst->backend->temperature(inst, group, millideg);
}

/**
 * dsmil_fw_group_source() - where the temperature of one group comes from
 * @inst: the instance, with or without inst->lock
 * @group: group index
 *
 * Return: the source's name, or NULL when there is none (thermal
 * protection opted out).
 */
const char *dsmil_fw_group_source(struct dsmil_instance *inst,
				  unsigned int group)
{
	if (inst->backend->group_source)
		return inst->backend->group_source(inst, group);
	return inst->backend->thermal_source(inst);
}
