// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the group objects "dsmilN:gG" and their sysfs attributes.
 *
 * A group is a struct device in class "dsmil", a child of the platform
 * device; its members are children of the group.  The group state is
 * derived from the members, never stored.
 */
#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/wait_bit.h>

#include "dsmil.h"

/*
 * Class objects still allocated, module-wide: module exit waits for the
 * last release() so that none can run after the module text is gone.
 */
static atomic_t dsmil_objects_live = ATOMIC_INIT(0);

void dsmil_object_get_ref(void)
{
	atomic_inc(&dsmil_objects_live);
}

void dsmil_object_put_ref(void)
{
	if (atomic_dec_and_test(&dsmil_objects_live))
		wake_up_var(&dsmil_objects_live);
}

void dsmil_objects_wait_released(void)
{
	wait_var_event(&dsmil_objects_live, !atomic_read(&dsmil_objects_live));
}

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	enum dsmil_group_state state;
	int ret;

	ret = dsmil_group_read_state(to_dsmil_group(dev), &state);
	if (ret)
		return ret;
	return sysfs_emit(buf, "%s\n", dsmil_group_state_name(state));
}

static ssize_t state_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	int ret = dsmil_group_store_state(to_dsmil_group(dev), buf, count);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(state);

static ssize_t device_count_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  to_dsmil_group(dev)->inst->cfg.devices_per_group);
}
static DEVICE_ATTR_RO(device_count);

static ssize_t active_count_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	unsigned int active;
	int ret;

	ret = dsmil_group_read_active(to_dsmil_group(dev), &active);
	if (ret)
		return ret;
	return sysfs_emit(buf, "%u\n", active);
}
static DEVICE_ATTR_RO(active_count);

/* Reads the lowest member limit; a write sets every member's limit. */
static ssize_t thermal_limit_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	int limit, ret;

	ret = dsmil_thermal_read_group_limit(to_dsmil_group(dev), &limit);
	if (ret)
		return ret;
	return sysfs_emit(buf, "%d\n", limit);
}

static ssize_t thermal_limit_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	struct dsmil_group *g = to_dsmil_group(dev);
	int ret;

	ret = dsmil_thermal_store_limit(g->inst, g, NULL, buf, count);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(thermal_limit);

static ssize_t temperature_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	int temp, ret;

	ret = dsmil_thermal_read_temp(to_dsmil_group(dev), &temp);
	if (ret)
		return ret;
	return sysfs_emit(buf, "%d\n", temp);
}
static DEVICE_ATTR_RO(temperature);

static ssize_t thermal_source_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct dsmil_group *g = to_dsmil_group(dev);

	return sysfs_emit(buf, "%s\n",
			  dsmil_fw_group_source(g->inst, g->index) ?: "none");
}
static DEVICE_ATTR_RO(thermal_source);

static struct attribute *dsmil_group_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_device_count.attr,
	&dev_attr_active_count.attr,
	&dev_attr_thermal_limit.attr,
	&dev_attr_temperature.attr,
	&dev_attr_thermal_source.attr,
	NULL
};
ATTRIBUTE_GROUPS(dsmil_group);

static void dsmil_group_release(struct device *dev)
{
	kfree(to_dsmil_group(dev));
	dsmil_object_put_ref();
}

static const struct device_type dsmil_group_type = {
	.name	 = "dsmil_group",
	.groups	 = dsmil_group_groups,
	.release = dsmil_group_release,
};

static struct dsmil_group *dsmil_group_create(struct dsmil_instance *inst,
					      unsigned int index)
{
	struct dsmil_group *g;
	int ret;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return ERR_PTR(-ENOMEM);
	g->inst = inst;
	g->index = index;
	g->members = inst->devices + index * inst->cfg.devices_per_group;
	g->reported = DSMIL_GROUP_READY;

	dsmil_object_get_ref();
	device_initialize(&g->dev);
	g->dev.class = &dsmil_class;
	g->dev.type = &dsmil_group_type;
	g->dev.parent = inst->dev;
	ret = dev_set_name(&g->dev, "dsmil%d:g%u", inst->id, index);
	if (!ret)
		ret = device_add(&g->dev);
	if (ret) {
		put_device(&g->dev);
		return ERR_PTR(ret);
	}
	return g;
}

/**
 * dsmil_groups_create() - register the groups of an instance
 * @inst: the instance
 *
 * Return: 0 or an error, in which case nothing is left registered.
 */
int dsmil_groups_create(struct dsmil_instance *inst)
{
	unsigned int i;

	for (i = 0; i < inst->cfg.groups; i++) {
		struct dsmil_group *g = dsmil_group_create(inst, i);

		if (IS_ERR(g)) {
			dsmil_groups_destroy(inst);
			return PTR_ERR(g);
		}
		inst->groups[i] = g;
	}
	return 0;
}

/* Called after the members are gone; see dsmil_devices_destroy(). */
void dsmil_groups_destroy(struct dsmil_instance *inst)
{
	unsigned int i;

	for (i = inst->cfg.groups; i-- > 0; ) {
		if (!inst->groups[i])
			continue;
		device_unregister(&inst->groups[i]->dev);
		inst->groups[i] = NULL;
	}
}
