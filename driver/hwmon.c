// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - one hwmon device per instance, so that `sensors` and every
 * monitoring tool see the group temperatures: tempN is group N-1, with
 * its lowest device limit as max (writable) and the platform threshold
 * as crit.
 *
 * Not devm: the parent is a platform device whose driver data goes away
 * in remove(), so the hwmon device is unregistered explicitly there.
 */
#include <linux/hwmon.h>
#include <linux/minmax.h>
#include <linux/slab.h>

#include "dsmil.h"

#define DSMIL_HWMON_TEMP_CONFIG	(HWMON_T_INPUT | HWMON_T_LABEL |	\
				 HWMON_T_MAX | HWMON_T_CRIT |		\
				 HWMON_T_MAX_ALARM | HWMON_T_CRIT_ALARM)

/* The hwmon core keeps pointers to these for the device's lifetime. */
struct dsmil_hwmon {
	u32 temp_config[DSMIL_MAX_GROUPS + 1];
	struct hwmon_channel_info temp_info;
	const struct hwmon_channel_info *info[2];
	struct hwmon_chip_info chip;
};

static const char * const dsmil_hwmon_labels[DSMIL_MAX_GROUPS] = {
	"group0", "group1", "group2", "group3", "group4", "group5",
	"group6", "group7", "group8", "group9", "group10", "group11",
	"group12", "group13", "group14", "group15",
};

static umode_t dsmil_hwmon_is_visible(const void *data,
				      enum hwmon_sensor_types type,
				      u32 attr, int channel)
{
	if (type != hwmon_temp)
		return 0;
	return attr == hwmon_temp_max ? 0644 : 0444;
}

static int dsmil_hwmon_read_locked(struct dsmil_group *g, u32 attr,
				   long *val)
{
	int temp, ret;

	switch (attr) {
	case hwmon_temp_input:
		ret = dsmil_fw_temperature(g->inst, g->index, &temp);
		if (ret)
			return ret;
		g->temperature = temp;
		*val = temp;
		return 0;
	case hwmon_temp_max:
		*val = dsmil_group_limit(g);
		return 0;
	case hwmon_temp_crit:
		*val = g->inst->thermal.threshold;
		return 0;
	case hwmon_temp_max_alarm:
		*val = !!(dsmil_group_alarms(g) & DSMIL_ALARM_MAX);
		return 0;
	case hwmon_temp_crit_alarm:
		*val = !!(dsmil_group_alarms(g) & DSMIL_ALARM_CRIT);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int dsmil_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			    u32 attr, int channel, long *val)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);
	int ret;

	ret = dsmil_lock_live(inst);
	if (ret)
		return ret;
	ret = dsmil_hwmon_read_locked(inst->groups[channel], attr, val);
	mutex_unlock(&inst->lock);
	return ret;
}

static int dsmil_hwmon_read_string(struct device *dev,
				   enum hwmon_sensor_types type, u32 attr,
				   int channel, const char **str)
{
	*str = dsmil_hwmon_labels[channel];
	return 0;
}

/* tempN_max: a continuous limit, so clamped rather than refused. */
static int dsmil_hwmon_write(struct device *dev, enum hwmon_sensor_types type,
			     u32 attr, int channel, long val)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);
	int ret;

	if (attr != hwmon_temp_max)
		return -EOPNOTSUPP;
	ret = dsmil_lock_live(inst);
	if (ret)
		return ret;
	val = clamp_val(val, DSMIL_THERMAL_MIN_THRESHOLD,
			inst->thermal.threshold);
	ret = dsmil_thermal_set_limit(inst, inst->groups[channel], NULL, val);
	mutex_unlock(&inst->lock);
	return ret;
}

static const struct hwmon_ops dsmil_hwmon_ops = {
	.is_visible	= dsmil_hwmon_is_visible,
	.read		= dsmil_hwmon_read,
	.read_string	= dsmil_hwmon_read_string,
	.write		= dsmil_hwmon_write,
};

/**
 * dsmil_hwmon_register() - create the hwmon device of an instance
 * @inst: the instance; not live yet, so no callback can run before
 *
 * Return: 0 or an error.
 */
int dsmil_hwmon_register(struct dsmil_instance *inst)
{
	struct dsmil_hwmon *hw;
	struct device *hwmon;
	unsigned int i;

	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return -ENOMEM;
	for (i = 0; i < inst->cfg.groups; i++)
		hw->temp_config[i] = DSMIL_HWMON_TEMP_CONFIG;
	hw->temp_info.type = hwmon_temp;
	hw->temp_info.config = hw->temp_config;
	hw->info[0] = &hw->temp_info;
	hw->chip.ops = &dsmil_hwmon_ops;
	hw->chip.info = hw->info;

	hwmon = hwmon_device_register_with_info(inst->dev, "dsmil", inst,
						&hw->chip, NULL);
	if (IS_ERR(hwmon)) {
		kfree(hw);
		return PTR_ERR(hwmon);
	}
	inst->thermal.hwmon = hwmon;
	inst->thermal.hwmon_chip = hw;
	return 0;
}

void dsmil_hwmon_unregister(struct dsmil_instance *inst)
{
	if (!inst->thermal.hwmon)
		return;
	hwmon_device_unregister(inst->thermal.hwmon);
	inst->thermal.hwmon = NULL;
	kfree(inst->thermal.hwmon_chip);
	inst->thermal.hwmon_chip = NULL;
}
