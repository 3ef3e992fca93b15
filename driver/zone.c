// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the thermal zones behind the group temperatures on real firmware.
 *
 * thermal_zone= lists candidate zone types; the first one that exists is
 * every group's default source.  group_zones= maps groups to zones of
 * their own ("0:acpitz,3:x86_pkg_temp"); a mapped group reads its zone or
 * nothing, never the default.  "none" is the administrator's explicit
 * opt-out of thermal protection.  Documentation/thermal.rst, "The thermal
 * source", says why the default is acpitz alone.
 *
 * Zone lifetime: a zone is looked up by type at every read and never kept,
 * and the lookup and the read happen under dsmil_zone_lock.  Mainline
 * offers no reference on a zone found by name, so dsmil_zone_lock is also
 * taken by the remove_dev callback of a class_interface on the thermal
 * class, which device_del() calls for a zone being unregistered after it
 * left the thermal core's list and before it is freed: a zone found is
 * read to the end before its unregistration goes on.  The class is not
 * exported; it is taken from the first zone found (the one dereference of
 * a zone pointer outside that protection, once per module load).
 */
#define pr_fmt(fmt) "dsmil: " fmt

#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/thermal.h>

#include "compat.h"
#include "dsmil.h"

#define DSMIL_ZONE_MAX	4

static char *thermal_zone = "acpitz";
module_param(thermal_zone, charp, 0444);
MODULE_PARM_DESC(thermal_zone,
		 "Thermal zone types giving the group temperatures on the smbios backend, first present wins (default acpitz); none: no thermal protection");

static char *group_zones = "";
module_param(group_zones, charp, 0444);
MODULE_PARM_DESC(group_zones,
		 "Thermal zones of their own for some groups, e.g. 0:acpitz,3:x86_pkg_temp (default none: every group reads thermal_zone)");

/* The parameters, parsed once at load (they are read-only). */
static char dsmil_zone_names[DSMIL_ZONE_MAX][THERMAL_NAME_LENGTH];
static unsigned int dsmil_zone_count;
static char dsmil_group_zone[DSMIL_MAX_GROUPS][THERMAL_NAME_LENGTH];

static DEFINE_MUTEX(dsmil_zone_lock);		/* lookup + read vs removal */
static DEFINE_MUTEX(dsmil_zone_watch_lock);	/* registering the watch */
static bool dsmil_zone_watching;

/* A thermal class device is going away: wait for a read in progress. */
static DSMIL_CLASS_INTF_CALLBACK(dsmil_zone_removed)
{
	mutex_lock(&dsmil_zone_lock);
	mutex_unlock(&dsmil_zone_lock);
}

static struct class_interface dsmil_zone_watch = {
	.remove_dev = dsmil_zone_removed,
};

static int dsmil_zone_parse_list(void)
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

/* One "G:TYPE" entry of @len characters at @s. */
static int dsmil_zone_parse_entry(const char *s, size_t len,
				  unsigned int groups)
{
	const char *colon = strnchr(s, len, ':');
	char num[3];
	size_t glen, tlen;
	unsigned int g;

	if (!colon)
		return -EINVAL;
	glen = colon - s;
	tlen = len - glen - 1;
	if (!glen || glen >= sizeof(num) || !isdigit(*s) || !tlen ||
	    tlen >= THERMAL_NAME_LENGTH ||
	    (tlen == 4 && !strncmp(colon + 1, "none", 4)))
		return -EINVAL;
	strscpy(num, s, glen + 1);
	if (kstrtouint(num, 10, &g) || g >= groups || dsmil_group_zone[g][0])
		return -EINVAL;
	strscpy(dsmil_group_zone[g], colon + 1, tlen + 1);
	return 0;
}

static int dsmil_zone_parse_map(unsigned int groups)
{
	const char *s = group_zones ?: "";
	size_t len;

	memset(dsmil_group_zone, 0, sizeof(dsmil_group_zone));
	if (!*s)
		return 0;
	if (!dsmil_zone_count)
		goto bad;
	for (;;) {
		len = strcspn(s, ",");
		if (dsmil_zone_parse_entry(s, len, groups))
			goto bad;
		if (!s[len])
			break;
		s += len + 1;
	}
	return 0;
bad:
	memset(dsmil_group_zone, 0, sizeof(dsmil_group_zone));
	pr_err("group_zones=%s: expected G:TYPE[,G:TYPE...], each group 0..%u at most once, TYPE 1..%u characters, not none, and not with thermal_zone=none\n",
	       group_zones, groups - 1, THERMAL_NAME_LENGTH - 1);
	return -EINVAL;
}

/**
 * dsmil_zone_check_params() - parse thermal_zone= and group_zones= at load
 * @groups: the number of groups of the firmware instance
 *
 * Return: 0, or -EINVAL with one line naming the parameter: for
 * thermal_zone=, an empty name, a name too long for a zone type, more
 * than DSMIL_ZONE_MAX names, or "none" among other names; for
 * group_zones=, an entry that is not G:TYPE, a group out of range or
 * given twice, a bad type, or a map with thermal_zone=none.
 */
int dsmil_zone_check_params(unsigned int groups)
{
	int ret = dsmil_zone_parse_list();

	if (!ret)
		ret = dsmil_zone_parse_map(min(groups, DSMIL_MAX_GROUPS));
	return ret;
}

/* The zone of type @type, or NULL; dsmil_zone_lock held. */
static struct thermal_zone_device *dsmil_zone_lookup(const char *type)
{
	struct thermal_zone_device *tz = thermal_zone_get_zone_by_name(type);

	return IS_ERR(tz) ? NULL : tz;
}

/*
 * The zone type of @group and, when it exists, the zone (else NULL);
 * dsmil_zone_lock held.  Returns NULL for thermal_zone=none.
 */
static const char *dsmil_zone_of(unsigned int group,
				 struct thermal_zone_device **tz)
{
	unsigned int i;

	lockdep_assert_held(&dsmil_zone_lock);
	if (group < DSMIL_MAX_GROUPS && dsmil_group_zone[group][0]) {
		*tz = dsmil_zone_lookup(dsmil_group_zone[group]);
		return dsmil_group_zone[group];
	}
	for (i = 0; i < dsmil_zone_count; i++) {
		*tz = dsmil_zone_lookup(dsmil_zone_names[i]);
		if (*tz)
			return dsmil_zone_names[i];
	}
	*tz = NULL;
	return dsmil_zone_count ? dsmil_zone_names[0] : NULL;
}

/* Any zone this module may read, or NULL; dsmil_zone_lock held. */
static struct thermal_zone_device *dsmil_zone_any(void)
{
	struct thermal_zone_device *tz;
	unsigned int g;

	for (g = 0; g < DSMIL_MAX_GROUPS; g++) {
		dsmil_zone_of(g, &tz);
		if (tz)
			return tz;
	}
	return NULL;
}

/*
 * Watch the thermal class for zones going away, once a zone shows it to
 * us.  Not under dsmil_zone_lock: registering takes the class's mutex,
 * under which dsmil_zone_removed() takes dsmil_zone_lock.
 */
static void dsmil_zone_watch_start(void)
{
	struct thermal_zone_device *tz;

	mutex_lock(&dsmil_zone_watch_lock);
	if (dsmil_zone_watching)
		goto out;
	mutex_lock(&dsmil_zone_lock);
	tz = dsmil_zone_any();
	if (tz)
		dsmil_zone_watch.class = dsmil_tz_device(tz)->class;
	mutex_unlock(&dsmil_zone_lock);
	if (!tz)
		goto out;
	if (class_interface_register(&dsmil_zone_watch))
		pr_err_ratelimited("cannot watch the thermal zones: no temperature\n");
	else
		WRITE_ONCE(dsmil_zone_watching, true);
out:
	mutex_unlock(&dsmil_zone_watch_lock);
}

/**
 * dsmil_zone_exit() - stop watching the thermal class, at module unload
 */
void dsmil_zone_exit(void)
{
	if (dsmil_zone_watching)
		class_interface_unregister(&dsmil_zone_watch);
	dsmil_zone_watching = false;
}

/**
 * dsmil_zone_temperature() - the smbios backend's temperature operation
 * @inst: the instance
 * @group: group index
 * @millideg: result
 *
 * Return: 0, -ENODATA when the group's zone does not exist (or
 * thermal_zone is "none"), or the zone's error.
 */
int dsmil_zone_temperature(struct dsmil_instance *inst, unsigned int group,
			   int *millideg)
{
	struct thermal_zone_device *tz;
	int ret = -ENODATA;

	if (!READ_ONCE(dsmil_zone_watching))
		dsmil_zone_watch_start();
	mutex_lock(&dsmil_zone_lock);
	dsmil_zone_of(group, &tz);
	/* Unwatched, a zone found could be freed under us: no reading. */
	if (tz && READ_ONCE(dsmil_zone_watching))
		ret = thermal_zone_get_temp(tz, millideg);
	mutex_unlock(&dsmil_zone_lock);
	return ret;
}

/**
 * dsmil_zone_source() - the smbios backend's thermal_source operation
 * @inst: the instance
 *
 * Return: the type of the default zone in use; while none exists, the
 * first candidate; NULL for thermal_zone=none.
 */
const char *dsmil_zone_source(struct dsmil_instance *inst)
{
	/* No group is mapped beyond the last one. */
	return dsmil_zone_group_source(inst, DSMIL_MAX_GROUPS);
}

/**
 * dsmil_zone_group_source() - the smbios backend's group_source operation
 * @inst: the instance
 * @group: group index
 *
 * Return: the zone type @group is mapped to, else as dsmil_zone_source().
 */
const char *dsmil_zone_group_source(struct dsmil_instance *inst,
				    unsigned int group)
{
	struct thermal_zone_device *tz;
	const char *type;

	mutex_lock(&dsmil_zone_lock);
	type = dsmil_zone_of(group, &tz);
	mutex_unlock(&dsmil_zone_lock);
	return type;
}

/**
 * dsmil_zone_announce() - say at instance creation what protects it
 * @inst: the new instance
 */
void dsmil_zone_announce(struct dsmil_instance *inst)
{
	struct thermal_zone_device *tz;
	const char *type;
	unsigned int g;

	if (!dsmil_zone_count) {
		dev_warn(inst->dev, "thermal_zone=none: no thermal protection, devices are never stopped for heat\n");
		return;
	}
	mutex_lock(&dsmil_zone_lock);
	type = dsmil_zone_of(DSMIL_MAX_GROUPS, &tz);
	if (!tz)
		dev_warn(inst->dev, "no thermal zone %s: activation refused until one exists\n",
			 thermal_zone);
	else
		dev_info(inst->dev, "group temperatures from thermal zone %s\n",
			 type);
	for (g = 0; g < inst->cfg.groups && g < DSMIL_MAX_GROUPS; g++) {
		if (!dsmil_group_zone[g][0])
			continue;
		type = dsmil_zone_of(g, &tz);
		if (!tz)
			dev_warn(inst->dev, "no thermal zone %s for group %u: activation refused until it exists\n",
				 type, g);
		else
			dev_info(inst->dev, "group %u temperature from thermal zone %s\n",
				 g, type);
	}
	mutex_unlock(&dsmil_zone_lock);
}
