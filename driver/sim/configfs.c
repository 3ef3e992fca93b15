// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-sim - simulated instances declared through configfs, as null_blk
 * does for block devices:
 *
 *   mkdir /sys/kernel/config/dsmil/NAME     an instance description
 *   echo 3 > .../NAME/groups                configure it
 *   echo 1 > .../NAME/enable                platform device dsmil.N appears
 *   echo 0 > .../NAME/enable, or rmdir      it goes away
 *
 * The configuration is frozen while enabled (-EBUSY).  Items pin the
 * module (ct_owner), so rmmod waits until every directory is removed.
 * Every instance is simulated: nothing here reaches Dell firmware.
 */
#include <linux/configfs.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "sim.h"

#define DSMIL_CFS_MAX_ABSENT	DSMIL_MAX_DEVICES

struct dsmil_cfs_instance {
	struct config_item item;
	struct dsmil_config cfg;
	u16 absent[DSMIL_CFS_MAX_ABSENT];
	unsigned int n_absent;
	struct platform_device *pdev;	/* set while enabled */
};

/* Serializes configuration stores and enable/disable of all items. */
static DEFINE_MUTEX(dsmil_cfs_lock);

static struct dsmil_cfs_instance *to_cfs(struct config_item *item)
{
	return container_of(item, struct dsmil_cfs_instance, item);
}

/*
 * Generates show/store for an unsigned configuration field with bounds:
 * decimal or 0x-hex, -ERANGE outside [min, max], -EBUSY while enabled.
 */
#define DSMIL_CFS_UINT_ATTR(name, field, fmt, min, max)		\
static ssize_t dsmil_cfs_##name##_show(struct config_item *item,	\
				       char *page)			\
{									\
	return sysfs_emit(page, fmt "\n",				\
			  (unsigned long long)to_cfs(item)->cfg.field);	\
}									\
static ssize_t dsmil_cfs_##name##_store(struct config_item *item,	\
					const char *page, size_t count)	\
{									\
	u64 val;							\
	int ret = dsmil_cfs_parse_u64(page, count, min, max, &val);	\
									\
	if (ret)							\
		return ret;						\
	guard(mutex)(&dsmil_cfs_lock);					\
	if (to_cfs(item)->pdev)						\
		return -EBUSY;						\
	to_cfs(item)->cfg.field = val;					\
	return count;							\
}									\
CONFIGFS_ATTR(dsmil_cfs_, name)

static int dsmil_cfs_parse_u64(const char *page, size_t count, u64 min,
			       u64 max, u64 *val)
{
	unsigned int base = 10;
	int ret;

	if (!count || strnlen(page, count) != count)
		return -EINVAL;
	if (page[0] == '0' && (page[1] == 'x' || page[1] == 'X'))
		base = 16;
	ret = kstrtou64(page, base, val);
	if (ret)
		return ret;
	return *val < min || *val > max ? -ERANGE : 0;
}

DSMIL_CFS_UINT_ATTR(groups, groups, "%llu", 1, DSMIL_MAX_GROUPS);
DSMIL_CFS_UINT_ATTR(devices_per_group, devices_per_group, "%llu", 1,
		    DSMIL_MAX_DEVICES_PER_GROUP);
DSMIL_CFS_UINT_ATTR(token_base, token_base, "0x%04llx", 0, U16_MAX);

static ssize_t dsmil_cfs_thermal_threshold_show(struct config_item *item,
						char *page)
{
	return sysfs_emit(page, "%d\n", to_cfs(item)->cfg.thermal_threshold);
}

static ssize_t dsmil_cfs_thermal_threshold_store(struct config_item *item,
						 const char *page,
						 size_t count)
{
	int val, ret;

	ret = dsmil_parse_millideg(page, count, DSMIL_THERMAL_MIN_THRESHOLD,
				   DSMIL_THERMAL_MAX_THRESHOLD, &val);
	if (ret)
		return ret;
	guard(mutex)(&dsmil_cfs_lock);
	if (to_cfs(item)->pdev)
		return -EBUSY;
	to_cfs(item)->cfg.thermal_threshold = val;
	return count;
}
CONFIGFS_ATTR(dsmil_cfs_, thermal_threshold);

static ssize_t dsmil_cfs_sim_absent_show(struct config_item *item, char *page)
{
	struct dsmil_cfs_instance *ci = to_cfs(item);
	unsigned int i;
	int len = 0;

	guard(mutex)(&dsmil_cfs_lock);
	for (i = 0; i < ci->n_absent; i++)
		len += sysfs_emit_at(page, len, "%s0x%04x", i ? "," : "",
				     ci->absent[i]);
	return len + sysfs_emit_at(page, len, "\n");
}

static ssize_t dsmil_cfs_sim_absent_store(struct config_item *item,
					  const char *page, size_t count)
{
	struct dsmil_cfs_instance *ci = to_cfs(item);
	u16 tokens[DSMIL_CFS_MAX_ABSENT];
	unsigned int n;
	int ret;

	ret = dsmil_parse_token_list(page, count, tokens, ARRAY_SIZE(tokens),
				     &n);
	if (ret)
		return ret;
	guard(mutex)(&dsmil_cfs_lock);
	if (ci->pdev)
		return -EBUSY;
	memcpy(ci->absent, tokens, n * sizeof(*tokens));
	ci->n_absent = n;
	return count;
}
CONFIGFS_ATTR(dsmil_cfs_, sim_absent);

static ssize_t dsmil_cfs_instance_show(struct config_item *item, char *page)
{
	struct dsmil_cfs_instance *ci = to_cfs(item);

	guard(mutex)(&dsmil_cfs_lock);
	if (!ci->pdev)
		return sysfs_emit(page, "\n");
	return sysfs_emit(page, "%s\n", dev_name(&ci->pdev->dev));
}
CONFIGFS_ATTR_RO(dsmil_cfs_, instance);

/* Turn the description into the platform data of a new instance. */
static int dsmil_cfs_build_config(struct dsmil_cfs_instance *ci,
				  struct dsmil_config *cfg)
{
	unsigned int count, i;

	*cfg = ci->cfg;
	count = cfg->groups * cfg->devices_per_group;
	if (cfg->token_base + count - 1 > U16_MAX)
		return -ERANGE;
	bitmap_zero(cfg->sim_absent, DSMIL_MAX_DEVICES);
	for (i = 0; i < ci->n_absent; i++) {
		unsigned int slot = ci->absent[i] - cfg->token_base;

		/* Tokens outside the instance are ignored, not an error. */
		if (ci->absent[i] >= cfg->token_base && slot < count)
			__set_bit(slot, cfg->sim_absent);
	}
	return 0;
}

static int dsmil_cfs_enable(struct dsmil_cfs_instance *ci)
{
	struct platform_device *pdev;
	struct dsmil_config cfg;
	int ret;

	lockdep_assert_held(&dsmil_cfs_lock);
	ret = dsmil_cfs_build_config(ci, &cfg);
	if (ret)
		return ret;
	pdev = dsmil_instance_create(&cfg);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ci->pdev = pdev;
	return 0;
}

/* Waits for every sysfs reader and writer of the instance to leave. */
static void dsmil_cfs_disable(struct dsmil_cfs_instance *ci)
{
	lockdep_assert_held(&dsmil_cfs_lock);
	dsmil_instance_remove(ci->pdev);
	ci->pdev = NULL;
}

static ssize_t dsmil_cfs_enable_show(struct config_item *item, char *page)
{
	guard(mutex)(&dsmil_cfs_lock);
	return sysfs_emit(page, "%d\n", !!to_cfs(item)->pdev);
}

static ssize_t dsmil_cfs_enable_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct dsmil_cfs_instance *ci = to_cfs(item);
	u32 on;
	int ret;

	ret = dsmil_parse_u32(page, count, &on);
	if (ret == -ERANGE || (!ret && on > 1))
		return -EINVAL;
	if (ret)
		return ret;
	guard(mutex)(&dsmil_cfs_lock);
	if (on && !ci->pdev)
		ret = dsmil_cfs_enable(ci);
	else if (!on && ci->pdev)
		dsmil_cfs_disable(ci);
	return ret ? ret : count;
}
CONFIGFS_ATTR(dsmil_cfs_, enable);

static struct configfs_attribute *dsmil_cfs_attrs[] = {
	&dsmil_cfs_attr_groups,
	&dsmil_cfs_attr_devices_per_group,
	&dsmil_cfs_attr_token_base,
	&dsmil_cfs_attr_thermal_threshold,
	&dsmil_cfs_attr_sim_absent,
	&dsmil_cfs_attr_enable,
	&dsmil_cfs_attr_instance,
	NULL
};

static void dsmil_cfs_release(struct config_item *item)
{
	kfree(to_cfs(item));
}

static struct configfs_item_operations dsmil_cfs_item_ops = {
	.release = dsmil_cfs_release,
};

static const struct config_item_type dsmil_cfs_item_type = {
	.ct_item_ops	= &dsmil_cfs_item_ops,
	.ct_attrs	= dsmil_cfs_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct config_item *dsmil_cfs_make_item(struct config_group *group,
					       const char *name)
{
	struct dsmil_cfs_instance *ci;

	ci = kzalloc(sizeof(*ci), GFP_KERNEL);
	if (!ci)
		return ERR_PTR(-ENOMEM);
	/* The load parameters passed the same check at load. */
	if (dsmil_sim_config(&ci->cfg)) {
		kfree(ci);
		return ERR_PTR(-EINVAL);
	}
	ci->cfg.activate_mask = 0;
	config_item_init_type_name(&ci->item, name, &dsmil_cfs_item_type);
	return &ci->item;
}

/* rmdir: the item is already unlinked; tear the instance down. */
static void dsmil_cfs_drop_item(struct config_group *group,
				struct config_item *item)
{
	struct dsmil_cfs_instance *ci = to_cfs(item);

	mutex_lock(&dsmil_cfs_lock);
	if (ci->pdev)
		dsmil_cfs_disable(ci);
	mutex_unlock(&dsmil_cfs_lock);
	config_item_put(item);
}

/* Every instance attribute, so userspace can probe what it may set. */
static ssize_t dsmil_cfs_features_show(struct config_item *item, char *page)
{
	struct configfs_attribute **attr;
	int len = 0;

	for (attr = dsmil_cfs_attrs; *attr; attr++)
		len += sysfs_emit_at(page, len, "%s%s",
				     attr == dsmil_cfs_attrs ? "" : ",",
				     (*attr)->ca_name);
	return len + sysfs_emit_at(page, len, "\n");
}
CONFIGFS_ATTR_RO(dsmil_cfs_, features);

static struct configfs_attribute *dsmil_cfs_root_attrs[] = {
	&dsmil_cfs_attr_features,
	NULL
};

static struct configfs_group_operations dsmil_cfs_group_ops = {
	.make_item	= dsmil_cfs_make_item,
	.drop_item	= dsmil_cfs_drop_item,
};

static const struct config_item_type dsmil_cfs_root_type = {
	.ct_group_ops	= &dsmil_cfs_group_ops,
	.ct_attrs	= dsmil_cfs_root_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem dsmil_cfs_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= "dsmil",
			.ci_type	= &dsmil_cfs_root_type,
		},
	},
};

/* Registered last at load, so no mkdir can race module init. */
int dsmil_sim_configfs_init(void)
{
	config_group_init(&dsmil_cfs_subsys.su_group);
	mutex_init(&dsmil_cfs_subsys.su_mutex);
	return configfs_register_subsystem(&dsmil_cfs_subsys);
}

void dsmil_sim_configfs_exit(void)
{
	configfs_unregister_subsystem(&dsmil_cfs_subsys);
}
