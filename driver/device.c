// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the device objects "dsmilN:TTTT" and their sysfs attributes.
 *
 * Each device is a struct device in class "dsmil", a child of its group.
 * Attributes come from the device type, so they exist before the
 * KOBJ_ADD uevent.  The attribute handlers only format and forward: the
 * rules live in ops.c.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "dsmil.h"

static ssize_t token_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "0x%04x\n", to_dsmil_device(dev)->token);
}
static DEVICE_ATTR_RO(token);

static ssize_t group_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsmil_device(dev)->group->index);
}
static DEVICE_ATTR_RO(group);

static ssize_t index_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsmil_device(dev)->index);
}
static DEVICE_ATTR_RO(index);

static ssize_t quarantined_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  dsmil_device_quarantined(to_dsmil_device(dev)));
}
static DEVICE_ATTR_RO(quarantined);

static ssize_t quarantine_reason_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct dsmil_device *d = to_dsmil_device(dev);

	if (!dsmil_device_quarantined(d))
		return sysfs_emit(buf, "none\n");
	if (d->quarantined_by == d->token)
		return sysfs_emit(buf, "listed\n");
	return sysfs_emit(buf, "shares location 0x%04x with 0x%04x\n",
			  d->location, d->quarantined_by);
}
static DEVICE_ATTR_RO(quarantine_reason);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct dsmil_device *d = to_dsmil_device(dev);

	return sysfs_emit(buf, "%s\n", dsmil_state_name(dsmil_device_state(d)));
}

static ssize_t state_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	int ret = dsmil_device_store_state(to_dsmil_device(dev), buf, count);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(state);

/* Every read is a firmware call: root only, like the Dell token files. */
static ssize_t value_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	u32 val;
	int ret;

	ret = dsmil_device_read_value(to_dsmil_device(dev), &val);
	if (ret)
		return ret;
	return sysfs_emit(buf, "0x%08x\n", val);
}

static ssize_t value_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	int ret = dsmil_device_store_value(to_dsmil_device(dev), buf, count);

	return ret ? ret : count;
}
static DEVICE_ATTR_ADMIN_RW(value);

static ssize_t thermal_limit_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(to_dsmil_device(dev)->thermal_limit));
}

static ssize_t thermal_limit_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t count)
{
	struct dsmil_device *d = to_dsmil_device(dev);
	int ret;

	ret = dsmil_thermal_store_limit(d->inst, NULL, d, buf, count);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(thermal_limit);

static struct attribute *dsmil_device_attrs[] = {
	&dev_attr_token.attr,
	&dev_attr_group.attr,
	&dev_attr_index.attr,
	&dev_attr_quarantined.attr,
	&dev_attr_quarantine_reason.attr,
	&dev_attr_state.attr,
	&dev_attr_value.attr,
	&dev_attr_thermal_limit.attr,
	NULL
};

static ssize_t registers_read(struct file *filp, struct kobject *kobj,
			      struct bin_attribute *attr, char *buf,
			      loff_t off, size_t count)
{
	return dsmil_registers_read(to_dsmil_device(kobj_to_dev(kobj)), buf,
				    off, count);
}

static ssize_t registers_write(struct file *filp, struct kobject *kobj,
			       struct bin_attribute *attr, char *buf,
			       loff_t off, size_t count)
{
	return dsmil_registers_write(to_dsmil_device(kobj_to_dev(kobj)), buf,
				     off, count);
}
static BIN_ATTR_ADMIN_RW(registers, DSMIL_WINDOW_SIZE);

static struct bin_attribute *dsmil_device_bin_attrs[] = {
	&bin_attr_registers,
	NULL
};

/* "registers" only exists for a device whose window carries its header. */
static umode_t dsmil_device_bin_visible(struct kobject *kobj,
					struct bin_attribute *attr, int n)
{
	struct dsmil_device *d = to_dsmil_device(kobj_to_dev(kobj));

	if (!dsmil_region_has_windows(d->inst) ||
	    !dsmil_window_present(d->inst, dsmil_device_slot(d), d->token))
		return 0;
	return attr->attr.mode;
}

static const struct attribute_group dsmil_device_group = {
	.attrs = dsmil_device_attrs,
	.bin_attrs = dsmil_device_bin_attrs,
	.is_bin_visible = dsmil_device_bin_visible,
};

#define DSMIL_STAT_ATTR(field)						\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct dsmil_device *d = to_dsmil_device(dev);			\
									\
	return sysfs_emit(buf, "%lu\n", READ_ONCE(d->stats.field));	\
}									\
static DEVICE_ATTR_RO(field)

DSMIL_STAT_ATTR(reads);
DSMIL_STAT_ATTR(writes);
DSMIL_STAT_ATTR(errors);
DSMIL_STAT_ATTR(activations);
DSMIL_STAT_ATTR(refused_writes);

static struct attribute *dsmil_device_stats_attrs[] = {
	&dev_attr_reads.attr,
	&dev_attr_writes.attr,
	&dev_attr_errors.attr,
	&dev_attr_activations.attr,
	&dev_attr_refused_writes.attr,
	NULL
};

static const struct attribute_group dsmil_device_stats_group = {
	.name = "statistics",
	.attrs = dsmil_device_stats_attrs,
};

static const struct attribute_group *dsmil_device_groups[] = {
	&dsmil_device_group,
	&dsmil_device_stats_group,
	NULL
};

static void dsmil_device_release(struct device *dev)
{
	kfree(to_dsmil_device(dev));
	dsmil_object_put_ref();
}

static const struct device_type dsmil_device_type = {
	.name	 = "dsmil_device",
	.groups	 = dsmil_device_groups,
	.release = dsmil_device_release,
};

/*
 * The state a device starts in, without a firmware call: discovery asks
 * the backend whether the firmware's table provides the token and, when
 * there are register windows, checks the window header.  Whether the
 * device is on is the initial read-back's business (readback.c): until it
 * has read the device, its state is unknown, which this driver calls
 * "error" (a stop switches it off like any device in error).
 */
static enum dsmil_state dsmil_device_initial_state(struct dsmil_device *d)
{
	if (dsmil_device_quarantined(d))
		return DSMIL_STATE_QUARANTINED;
	if (dsmil_fw_verify(d) ||
	    !dsmil_window_present(d->inst, dsmil_device_slot(d), d->token))
		return DSMIL_STATE_ABSENT;
	/* A firmware known to start empty (the simulator): off, nothing to read. */
	if (!dsmil_reads_at_load(d->inst->backend))
		return DSMIL_STATE_READY;
	d->unread = true;
	return DSMIL_STATE_ERROR;
}

static struct dsmil_device *dsmil_device_create(struct dsmil_group *g,
						unsigned int index)
{
	struct dsmil_instance *inst = g->inst;
	struct dsmil_device *d;
	int ret;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->inst = inst;
	d->group = g;
	d->index = index;
	d->token = dsmil_slot_token(&inst->cfg, dsmil_device_slot(d));
	d->thermal_limit = inst->thermal.threshold - DSMIL_THERMAL_LIMIT_MARGIN;

	dsmil_device_init_quarantine(d);
	mutex_lock(&inst->lock);
	d->state = dsmil_device_initial_state(d);
	mutex_unlock(&inst->lock);

	dsmil_object_get_ref();
	device_initialize(&d->dev);
	d->dev.class = &dsmil_class;
	d->dev.type = &dsmil_device_type;
	d->dev.parent = &g->dev;
	ret = dev_set_name(&d->dev, "dsmil%d:%04x", inst->id, d->token);
	if (!ret)
		ret = device_add(&d->dev);
	if (ret) {
		put_device(&d->dev);
		return ERR_PTR(ret);
	}
	return d;
}

/**
 * dsmil_devices_create() - register every device of every group
 * @inst: the instance; its groups exist
 *
 * Return: 0 or an error, in which case nothing is left registered.
 */
int dsmil_devices_create(struct dsmil_instance *inst)
{
	unsigned int per_group = inst->cfg.devices_per_group;
	unsigned int g, i;

	for (g = 0; g < inst->cfg.groups; g++) {
		for (i = 0; i < per_group; i++) {
			struct dsmil_device *d;

			d = dsmil_device_create(inst->groups[g], i);
			if (IS_ERR(d)) {
				dsmil_devices_destroy(inst);
				return PTR_ERR(d);
			}
			inst->devices[g * per_group + i] = d;
		}
	}
	return 0;
}

/*
 * Unregistering waits for sysfs callbacks still running on the device,
 * so it must not run with inst->lock held: those callbacks take it.
 */
void dsmil_devices_destroy(struct dsmil_instance *inst)
{
	unsigned int i;

	for (i = inst->device_count; i-- > 0; ) {
		if (!inst->devices[i])
			continue;
		device_unregister(&inst->devices[i]->dev);
		inst->devices[i] = NULL;
	}
}
