// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the thermal files' operations: parse, then act on a live
 * instance through thermal.c (limits, threshold, hysteresis, the manual
 * emergency stop, live readings).
 */
#include <linux/ktime.h>

#include "dsmil.h"

int dsmil_thermal_store_limit(struct dsmil_instance *inst,
			      struct dsmil_group *g, struct dsmil_device *d,
			      const char *buf, size_t count)
{
	int limit, ret;

	ret = dsmil_parse_millideg(buf, count, DSMIL_THERMAL_MIN_THRESHOLD,
				   INT_MAX, &limit);
	if (ret)
		return ret;
	ret = dsmil_lock_live(inst);
	if (ret)
		return ret;
	ret = dsmil_thermal_set_limit(inst, g, d, limit);
	mutex_unlock(&inst->lock);
	return ret;
}

int dsmil_thermal_store_threshold(struct dsmil_instance *inst,
				  const char *buf, size_t count)
{
	int threshold, ret;

	ret = dsmil_parse_millideg(buf, count, DSMIL_THERMAL_MIN_THRESHOLD,
				   DSMIL_THERMAL_MAX_THRESHOLD, &threshold);
	if (ret)
		return ret;
	ret = dsmil_lock_live(inst);
	if (ret)
		return ret;
	dsmil_thermal_set_threshold(inst, threshold);
	mutex_unlock(&inst->lock);
	return 0;
}

int dsmil_thermal_store_hysteresis(struct dsmil_instance *inst,
				   const char *buf, size_t count)
{
	int hyst, ret;

	ret = dsmil_parse_millideg(buf, count, 0, DSMIL_THERMAL_MAX_HYSTERESIS,
				   &hyst);
	if (ret)
		return ret;
	ret = dsmil_lock_live(inst);
	if (ret)
		return ret;
	WRITE_ONCE(inst->thermal.hysteresis, hyst);
	dsmil_thermal_evaluate(inst);
	mutex_unlock(&inst->lock);
	return 0;
}

/*
 * The manual stop, from the write on: announced first, so that whoever
 * holds the lock gives it up after its firmware call in flight (no more
 * activations, no rate-limit wait), then done under the lock.  Not
 * interruptible: the wait is one firmware call at most.
 */
static int dsmil_thermal_emergency_stop(struct dsmil_instance *inst)
{
	ktime_t trigger = ktime_get();
	int ret = 0;

	dsmil_stop_begin(inst);
	mutex_lock(&inst->lock);
	if (!inst->live)
		ret = -ENODEV;
	else if (inst->suspended)
		ret = -EAGAIN;
	else
		dsmil_thermal_set_manual_stop(inst, true, trigger);
	mutex_unlock(&inst->lock);
	dsmil_stop_end(inst);
	return ret;
}

int dsmil_thermal_store_emergency(struct dsmil_instance *inst,
				  const char *buf, size_t count)
{
	u32 on;
	int ret;

	/* A switch, not a quantity: every number but 0 and 1 is -EINVAL. */
	ret = dsmil_parse_u32(buf, count, &on);
	if (ret == -ERANGE || (!ret && on > 1))
		return -EINVAL;
	if (ret)
		return ret;
	if (!on) {
		ret = dsmil_lock_live(inst);
		if (ret)
			return ret;
		dsmil_thermal_set_manual_stop(inst, false, ktime_get());
		mutex_unlock(&inst->lock);
		return 0;
	}
	return dsmil_thermal_emergency_stop(inst);
}

int dsmil_thermal_read_group_limit(struct dsmil_group *g, int *limit)
{
	int ret = dsmil_lock_live(g->inst);

	if (ret)
		return ret;
	*limit = dsmil_group_limit(g);
	mutex_unlock(&g->inst->lock);
	return 0;
}

/* A live reading from the firmware, also kept for the monitor. */
int dsmil_thermal_read_temp(struct dsmil_group *g, int *millideg)
{
	int ret = dsmil_lock_live(g->inst);

	if (ret)
		return ret;
	ret = dsmil_fw_temperature(g->inst, g->index, millideg);
	if (!ret)
		g->temperature = *millideg;
	mutex_unlock(&g->inst->lock);
	return ret;
}
