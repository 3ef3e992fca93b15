// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the thermal zone behind the group temperatures on real firmware.
 *
 * thermal_zone= lists candidate zone types; the first one that exists
 * gives every group's temperature.  The default list covers Intel's
 * package sensor and, where there is none, the ACPI thermal zone.
 * "none" is the administrator's explicit opt-out of thermal protection.
 *
 * The zone is looked up by type on every read, never kept: a zone can be
 * unregistered at any time, and 6.1 offers no reference to hold on one.
 */
#define pr_fmt(fmt) "dsmil: " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/thermal.h>

#include "dsmil.h"

#define DSMIL_ZONE_MAX	4

static char *thermal_zone = "x86_pkg_temp,acpitz";
module_param(thermal_zone, charp, 0444);
MODULE_PARM_DESC(thermal_zone,
		 "Thermal zone types giving the group temperatures on the smbios backend, first present wins (default x86_pkg_temp,acpitz); none: no thermal protection");

/* The candidates, parsed once at load (the parameter is read-only). */
static char dsmil_zone_names[DSMIL_ZONE_MAX][THERMAL_NAME_LENGTH];
static unsigned int dsmil_zone_count;

/**
 * dsmil_zone_check_params() - parse thermal_zone= at load
 *
 * Return: 0, or -EINVAL with one line naming the parameter: an empty
 * name, a name too long for a zone type, more than DSMIL_ZONE_MAX names,
 * or "none" among other names.
 */
int dsmil_zone_check_params(void)
{
	const char *s = thermal_zone ?: "";
	unsigned int n = 0;
	size_t len;

	if (!strcmp(s, "none")) {
		dsmil_zone_count = 0;
		return 0;
	}
	for (;;) {
		len = strcspn(s, ",");
		if (!len || len >= THERMAL_NAME_LENGTH || n == DSMIL_ZONE_MAX ||
		    (len == 4 && !strncmp(s, "none", 4)))
			goto bad;
		strscpy(dsmil_zone_names[n], s, len + 1);
		n++;
		if (!s[len])
			break;
		s += len + 1;
	}
	dsmil_zone_count = n;
	return 0;
bad:
	pr_err("thermal_zone=%s: expected none, or 1..%u comma-separated zone types of 1..%u characters\n",
	       thermal_zone, DSMIL_ZONE_MAX, THERMAL_NAME_LENGTH - 1);
	return -EINVAL;
}

/* The first candidate that exists, or NULL. */
static struct thermal_zone_device *dsmil_zone_find(unsigned int *index)
{
	struct thermal_zone_device *tz;
	unsigned int i;

	for (i = 0; i < dsmil_zone_count; i++) {
		tz = thermal_zone_get_zone_by_name(dsmil_zone_names[i]);
		if (!IS_ERR(tz)) {
			*index = i;
			return tz;
		}
	}
	return NULL;
}

/**
 * dsmil_zone_temperature() - the smbios backend's temperature operation
 * @inst: the instance
 * @group: group index (every group reads the same zone)
 * @millideg: result
 *
 * Return: 0, -ENODATA when no candidate zone exists (or thermal_zone is
 * "none"), or the zone's error.
 */
int dsmil_zone_temperature(struct dsmil_instance *inst, unsigned int group,
			   int *millideg)
{
	struct thermal_zone_device *tz;
	unsigned int i;

	tz = dsmil_zone_find(&i);
	if (!tz)
		return -ENODATA;
	return thermal_zone_get_temp(tz, millideg);
}

/**
 * dsmil_zone_source() - the smbios backend's thermal_source operation
 * @inst: the instance
 *
 * Return: the type of the zone in use; while none exists, the first
 * candidate; NULL for thermal_zone=none.
 */
const char *dsmil_zone_source(struct dsmil_instance *inst)
{
	unsigned int i = 0;

	if (!dsmil_zone_count)
		return NULL;
	dsmil_zone_find(&i);
	return dsmil_zone_names[i];
}

/**
 * dsmil_zone_announce() - say at instance creation what protects it
 * @inst: the new instance
 */
void dsmil_zone_announce(struct dsmil_instance *inst)
{
	unsigned int i;

	if (!dsmil_zone_count)
		dev_warn(inst->dev, "thermal_zone=none: no thermal protection, devices are never stopped for heat\n");
	else if (!dsmil_zone_find(&i))
		dev_warn(inst->dev, "no thermal zone %s: activation refused until one exists\n",
			 thermal_zone);
	else
		dev_info(inst->dev, "group temperatures from thermal zone %s\n",
			 dsmil_zone_names[i]);
}
