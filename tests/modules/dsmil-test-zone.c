// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-test-zone - thermal zones for the dsmil guest suites.
 *
 * Registers one thermal zone per type of types= (up to 4, e.g.
 * types=dsmil_tz0,dsmil_tz1), each reading temp[i] (millidegrees C,
 * writable).  Writing present= (a bitmask of the zones, 0644) registers
 * and unregisters zones; writing flap=N unregisters and registers every
 * present zone N times, as fast as it can, before returning: a zone that
 * comes and goes under a reader.  A test module: it is never installed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/thermal.h>
#include <linux/version.h>

#define TZ_MAX	4

static char *types = "dsmil_tz0";
module_param(types, charp, 0444);
MODULE_PARM_DESC(types, "Comma-separated types of the zones to register, up to 4");

static int temp[TZ_MAX] = { 40000, 40000, 40000, 40000 };
static unsigned int ntemp;
module_param_array(temp, int, &ntemp, 0644);
MODULE_PARM_DESC(temp, "Temperature of each zone in millidegrees C");

struct test_zone {
	char type[THERMAL_NAME_LENGTH];
	struct thermal_zone_device *tz;
	unsigned int index;
};

static struct test_zone zones[TZ_MAX];
static unsigned int zone_count;
static unsigned int present_mask = BIT(TZ_MAX) - 1;
static DEFINE_MUTEX(zones_lock);	/* zones[].tz, present_mask */
static bool live;			/* between init and exit */

/* The registration API differs between 6.1 and 6.12 (kept here: a test module). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
static struct test_zone *test_zone_of(struct thermal_zone_device *tz)
{
	return thermal_zone_device_priv(tz);
}
#else
static struct test_zone *test_zone_of(struct thermal_zone_device *tz)
{
	return tz->devdata;
}
#endif

static int test_zone_get_temp(struct thermal_zone_device *tz, int *t)
{
	*t = READ_ONCE(temp[test_zone_of(tz)->index]);
	return 0;
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static const struct thermal_zone_device_ops test_zone_ops = {
	.get_temp = test_zone_get_temp,
};

static struct thermal_zone_device *test_zone_register(struct test_zone *z)
{
	return thermal_tripless_zone_device_register(z->type, z, &test_zone_ops,
						     NULL);
}
#else
static struct thermal_zone_device_ops test_zone_ops = {
	.get_temp = test_zone_get_temp,
};

static struct thermal_zone_device *test_zone_register(struct test_zone *z)
{
	return thermal_zone_device_register(z->type, 0, 0, z, &test_zone_ops,
					    NULL, 0, 0);
}
#endif

/* Make the zones present as @mask says; zones_lock held. */
static int test_zone_apply(unsigned int mask)
{
	struct thermal_zone_device *tz;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < zone_count; i++) {
		struct test_zone *z = &zones[i];

		if (!(mask & BIT(i)) && z->tz) {
			thermal_zone_device_unregister(z->tz);
			z->tz = NULL;
		} else if ((mask & BIT(i)) && !z->tz) {
			tz = test_zone_register(z);
			if (IS_ERR(tz)) {
				pr_err("zone %s: %ld\n", z->type, PTR_ERR(tz));
				ret = PTR_ERR(tz);
				continue;
			}
			z->tz = tz;
		}
	}
	WRITE_ONCE(present_mask, mask);
	return ret;
}

static int present_set(const char *val, const struct kernel_param *kp)
{
	unsigned int mask;
	int ret = kstrtouint(val, 0, &mask);

	if (ret)
		return ret;
	if (mask >= BIT(TZ_MAX))
		return -ERANGE;
	mutex_lock(&zones_lock);
	if (live)
		ret = test_zone_apply(mask);
	else
		present_mask = mask;
	mutex_unlock(&zones_lock);
	return ret;
}

static int present_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%u\n", READ_ONCE(present_mask));
}

static const struct kernel_param_ops present_ops = {
	.set = present_set,
	.get = present_get,
};
module_param_cb(present, &present_ops, NULL, 0644);
MODULE_PARM_DESC(present, "Bitmask of the zones that are registered (default all)");

static int flap_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n, i, mask;
	int ret = kstrtouint(val, 0, &n);

	if (ret)
		return ret;
	mutex_lock(&zones_lock);
	mask = present_mask;
	for (i = 0; i < n && live && !ret; i++) {
		ret = test_zone_apply(0);
		if (!ret)
			ret = test_zone_apply(mask);
	}
	mutex_unlock(&zones_lock);
	return ret;
}

static const struct kernel_param_ops flap_ops = {
	.set = flap_set,
};
module_param_cb(flap, &flap_ops, NULL, 0200);
MODULE_PARM_DESC(flap, "Write N: unregister and register the present zones N times");

static int __init test_zone_init(void)
{
	const char *s = types;
	size_t len;
	int ret;

	for (zone_count = 0; zone_count < TZ_MAX; zone_count++) {
		len = strcspn(s, ",");
		if (!len || len >= THERMAL_NAME_LENGTH)
			return -EINVAL;
		strscpy(zones[zone_count].type, s, len + 1);
		zones[zone_count].index = zone_count;
		if (!s[len])
			break;
		s += len + 1;
	}
	if (zone_count == TZ_MAX)
		return -EINVAL;
	zone_count++;
	mutex_lock(&zones_lock);
	present_mask &= BIT(zone_count) - 1;
	ret = test_zone_apply(present_mask);
	if (ret)
		test_zone_apply(0);
	else
		live = true;
	mutex_unlock(&zones_lock);
	return ret;
}

static void __exit test_zone_exit(void)
{
	mutex_lock(&zones_lock);
	live = false;
	test_zone_apply(0);
	mutex_unlock(&zones_lock);
}

module_init(test_zone_init);
module_exit(test_zone_exit);
MODULE_DESCRIPTION("Thermal zones that come and go, for the dsmil tests");
MODULE_LICENSE("GPL");
