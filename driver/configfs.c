// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - instances declared through configfs, as null_blk does for block
 * devices:
 *
 *   mkdir /sys/kernel/config/dsmil/NAME     an instance description
 *   echo 3 > .../NAME/groups                configure it
 *   echo 1 > .../NAME/enable                platform device dsmil.N appears
 *   echo 0 > .../NAME/enable, or rmdir      it goes away
 *
 * The configuration is frozen while enabled (-EBUSY).  Items pin the
 * module (ct_owner), so rmmod waits until every directory is removed.
 */
#include <linux/configfs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "dsmil.h"

#define DSMIL_CFS_MAX_ABSENT	DSMIL_MAX_DEVICES

/* Default register region of a configfs instance: none. */
#define DSMIL_CFS_DEFAULT_MMIO_BASE	0x52000000ULL

struct dsmil_cfs_instance {
	struct config_item item;
	struct dsmil_config cfg;
	u16 absent[DSMIL_CFS_MAX_ABSENT];
	unsigned int n_absent;
	struct platform_device *pdev;	/* set while enabled */
};

/* Serializes configuration stores and enable/disable of all items. */
static DEFINE_MUTEX(dsmil_cfs_lock);
/* Instance numbers of configfs instances; 0 is the load-time one. */
static DEFINE_IDA(dsmil_cfs_ida);

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
DSMIL_CFS_UINT_ATTR(mmio_base, mmio_base, "0x%llx", 0, U64_MAX);
DSMIL_CFS_UINT_ATTR(mmio_size, mmio_size, "%llu", 0, SZ_1G);

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

static ssize_t dsmil_cfs_backend_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", to_cfs(item)->cfg.backend);
}

static ssize_t dsmil_cfs_backend_store(struct config_item *item,
				       const char *page, size_t count)
{
	const struct dsmil_backend_ops *ops;
	char name[DSMIL_BACKEND_NAME_LEN];

	if (!count || count >= sizeof(name) || strnlen(page, count) != count)
		return -EINVAL;
	memcpy(name, page, count);
	name[count] = '\0';
	if (name[count - 1] == '\n')
		name[count - 1] = '\0';
	ops = dsmil_backend_find(name);
	if (!ops)
		return -EINVAL;
	guard(mutex)(&dsmil_cfs_lock);
	if (to_cfs(item)->pdev)
		return -EBUSY;
	strscpy(to_cfs(item)->cfg.backend, ops->name,
		sizeof(to_cfs(item)->cfg.backend));
	return count;
}
CONFIGFS_ATTR(dsmil_cfs_, backend);

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
	int id, ret;

	lockdep_assert_held(&dsmil_cfs_lock);
	ret = dsmil_cfs_build_config(ci, &cfg);
	if (ret)
		return ret;
	id = ida_alloc_min(&dsmil_cfs_ida, 1, GFP_KERNEL);
	if (id < 0)
		return id;
	pdev = dsmil_instance_register(&cfg, id);
	if (IS_ERR(pdev)) {
		ida_free(&dsmil_cfs_ida, id);
		return PTR_ERR(pdev);
	}
	ci->pdev = pdev;
	return 0;
}

/* Waits for every sysfs reader and writer of the instance to leave. */
static void dsmil_cfs_disable(struct dsmil_cfs_instance *ci)
{
	int id = ci->pdev->id;

	lockdep_assert_held(&dsmil_cfs_lock);
	platform_device_unregister(ci->pdev);
	ci->pdev = NULL;
	ida_free(&dsmil_cfs_ida, id);
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
	&dsmil_cfs_attr_backend,
	&dsmil_cfs_attr_groups,
	&dsmil_cfs_attr_devices_per_group,
	&dsmil_cfs_attr_token_base,
	&dsmil_cfs_attr_thermal_threshold,
	&dsmil_cfs_attr_mmio_base,
	&dsmil_cfs_attr_mmio_size,
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
	dsmil_config_defaults(&ci->cfg);
	strscpy(ci->cfg.backend, "sim", sizeof(ci->cfg.backend));
	ci->cfg.mmio_base = DSMIL_CFS_DEFAULT_MMIO_BASE;
	ci->cfg.mmio_size = 0;
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
int dsmil_configfs_init(void)
{
	config_group_init(&dsmil_cfs_subsys.su_group);
	mutex_init(&dsmil_cfs_subsys.su_mutex);
	return configfs_register_subsystem(&dsmil_cfs_subsys);
}

void dsmil_configfs_exit(void)
{
	configfs_unregister_subsystem(&dsmil_cfs_subsys);
	ida_destroy(&dsmil_cfs_ida);
}
