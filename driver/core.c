// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - Dell MIL-SPEC DSMIL platform driver: module and platform core.
 *
 * The module registers class "dsmil" and platform driver "dsmil", then
 * the instance on Dell DSMIL firmware if this is such a machine
 * (hardware.c).  Other modules (dsmil-sim) create instances through
 * dsmil_instance_create().  Probing a platform device "dsmil.N" builds an
 * instance: backend, register windows, groups, devices; the states of the
 * devices are read afterwards (readback.c).
 */
#include <linux/debugfs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "compat.h"
#include "dsmil.h"

struct class dsmil_class = {
	.name = "dsmil",
};

static struct dentry *dsmil_debugfs_root;
/* Instance numbers: the lowest free one, so the firmware's is dsmil.0. */
static DEFINE_IDA(dsmil_instance_ida);

static ssize_t backend_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", inst->backend->name);
}
static DEVICE_ATTR_RO(backend);

static ssize_t group_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", inst->cfg.groups);
}
static DEVICE_ATTR_RO(group_count);

static ssize_t device_count_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", inst->device_count);
}
static DEVICE_ATTR_RO(device_count);

static ssize_t active_count_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", dsmil_instance_active_count(inst));
}
static DEVICE_ATTR_RO(active_count);

/* 1 once every device's state has been read at load (readback.c). */
static ssize_t ready_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", READ_ONCE(inst->ready));
}
static DEVICE_ATTR_RO(ready);

static ssize_t thermal_threshold_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", READ_ONCE(inst->thermal.threshold));
}

static ssize_t thermal_threshold_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	int ret = dsmil_thermal_store_threshold(dev_get_drvdata(dev), buf,
						count);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(thermal_threshold);

static ssize_t thermal_hysteresis_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", READ_ONCE(inst->thermal.hysteresis));
}

static ssize_t thermal_hysteresis_store(struct device *dev,
					struct device_attribute *attr,
					const char *buf, size_t count)
{
	int ret = dsmil_thermal_store_hysteresis(dev_get_drvdata(dev), buf,
						 count);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(thermal_hysteresis);

static ssize_t emergency_stop_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", READ_ONCE(inst->thermal.manual_stop));
}

static ssize_t emergency_stop_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	int ret = dsmil_thermal_store_emergency(dev_get_drvdata(dev), buf,
						count);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(emergency_stop);

static ssize_t thermal_source_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n",
			  inst->backend->thermal_source(inst) ?: "none");
}
static DEVICE_ATTR_RO(thermal_source);

static ssize_t mmio_base_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "0x%llx\n", inst->cfg.mmio_base);
}
static DEVICE_ATTR_RO(mmio_base);

static ssize_t mmio_size_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", inst->cfg.mmio_size);
}
static DEVICE_ATTR_RO(mmio_size);

static ssize_t mmio_chunks_mapped_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", dsmil_region_chunks_mapped(inst));
}
static DEVICE_ATTR_RO(mmio_chunks_mapped);

static struct attribute *dsmil_platform_attrs[] = {
	&dev_attr_backend.attr,
	&dev_attr_group_count.attr,
	&dev_attr_device_count.attr,
	&dev_attr_active_count.attr,
	&dev_attr_ready.attr,
	&dev_attr_thermal_threshold.attr,
	&dev_attr_thermal_hysteresis.attr,
	&dev_attr_emergency_stop.attr,
	&dev_attr_thermal_source.attr,
	&dev_attr_mmio_base.attr,
	&dev_attr_mmio_size.attr,
	&dev_attr_mmio_chunks_mapped.attr,
	NULL
};

static const struct attribute_group dsmil_platform_group = {
	.attrs = dsmil_platform_attrs,
};

#define DSMIL_THERMAL_STAT_ATTR(field, fmt)				\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct dsmil_instance *inst = dev_get_drvdata(dev);		\
									\
	return sysfs_emit(buf, fmt "\n",				\
			  READ_ONCE(inst->thermal.stats.field));	\
}									\
static DEVICE_ATTR_RO(field)

DSMIL_THERMAL_STAT_ATTR(thermal_trips, "%lu");
DSMIL_THERMAL_STAT_ATTR(emergency_stops, "%lu");
DSMIL_THERMAL_STAT_ATTR(last_stop_latency_ns, "%llu");
DSMIL_THERMAL_STAT_ATTR(max_stop_latency_ns, "%llu");

static struct attribute *dsmil_platform_stats_attrs[] = {
	&dev_attr_thermal_trips.attr,
	&dev_attr_emergency_stops.attr,
	&dev_attr_last_stop_latency_ns.attr,
	&dev_attr_max_stop_latency_ns.attr,
	NULL
};

static const struct attribute_group dsmil_platform_stats_group = {
	.name = "statistics",
	.attrs = dsmil_platform_stats_attrs,
};

static const struct attribute_group *dsmil_platform_groups[] = {
	&dsmil_platform_group,
	&dsmil_platform_stats_group,
	NULL
};

static void dsmil_instance_teardown(struct dsmil_instance *inst)
{
	mutex_lock(&inst->lock);
	inst->live = false;
	mutex_unlock(&inst->lock);

	dsmil_readback_cancel(inst);
	dsmil_thermal_stop(inst);
	dsmil_hwmon_unregister(inst);
	/* Children first; sysfs callbacks in flight are drained here. */
	dsmil_devices_destroy(inst);
	dsmil_groups_destroy(inst);
	dsmil_region_teardown(inst);
	inst->backend->destroy(inst);
	debugfs_remove_recursive(inst->debugfs);
	mutex_destroy(&inst->lock);
}

static int dsmil_instance_build(struct dsmil_instance *inst)
{
	bool ready;
	int ret;

	ret = inst->backend->create(inst);
	if (ret)
		return ret;
	ret = dsmil_region_setup(inst);
	if (ret)
		goto err_region;
	ret = dsmil_groups_create(inst);
	if (ret)
		goto err_region;
	ret = dsmil_devices_create(inst);
	if (ret)
		goto err_groups;
	ret = dsmil_hwmon_register(inst);
	if (ret)
		goto err_devices;

	mutex_lock(&inst->lock);
	inst->live = true;
	dsmil_thermal_start(inst);
	ready = dsmil_readback_start(inst);
	mutex_unlock(&inst->lock);
	if (ready)
		dsmil_readback_announce(inst);
	return 0;

err_devices:
	dsmil_devices_destroy(inst);
err_groups:
	dsmil_groups_destroy(inst);
err_region:
	dsmil_region_teardown(inst);
	inst->backend->destroy(inst);
	return ret;
}

static int dsmil_instance_probe(struct platform_device *pdev,
				const struct dsmil_config *cfg)
{
	struct device *dev = &pdev->dev;
	struct dsmil_instance *inst;
	int ret;

	inst = devm_kzalloc(dev, sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	inst->dev = dev;
	inst->id = pdev->id;
	inst->cfg = *cfg;
	inst->device_count = cfg->groups * cfg->devices_per_group;
	inst->backend = cfg->ops;
	if (!inst->backend)
		return dev_err_probe(dev, -EINVAL, "no backend\n");
	inst->groups = devm_kcalloc(dev, cfg->groups, sizeof(*inst->groups),
				    GFP_KERNEL);
	inst->devices = devm_kcalloc(dev, inst->device_count,
				     sizeof(*inst->devices), GFP_KERNEL);
	if (!inst->groups || !inst->devices)
		return -ENOMEM;
	mutex_init(&inst->lock);
	dsmil_thermal_init(inst);
	dsmil_readback_init(inst);
	inst->debugfs = debugfs_create_dir(dev_name(dev), dsmil_debugfs_root);
	platform_set_drvdata(pdev, inst);

	ret = dsmil_instance_build(inst);
	if (ret) {
		debugfs_remove_recursive(inst->debugfs);
		mutex_destroy(&inst->lock);
		return ret;
	}
	dev_info(dev, "%u devices in %u groups on the %s backend\n",
		 inst->device_count, cfg->groups, inst->backend->name);
	return 0;
}

static int dsmil_probe(struct platform_device *pdev)
{
	struct dsmil_config *cfg = dev_get_platdata(&pdev->dev);
	int ret;

	if (!cfg)
		return -EINVAL;
	ret = dsmil_instance_probe(pdev, cfg);
	/* The driver core drops probe errors; the creator wants it. */
	cfg->probe_error = ret;
	return ret;
}

static void dsmil_remove(struct platform_device *pdev)
{
	dsmil_instance_teardown(platform_get_drvdata(pdev));
}

static struct platform_driver dsmil_driver = {
	.driver = {
		.name		= DSMIL_DRV_NAME,
		.dev_groups	= dsmil_platform_groups,
		.pm		= pm_sleep_ptr(&dsmil_pm_ops),
	},
	.probe = dsmil_probe,
	DSMIL_PLATFORM_REMOVE(dsmil_remove),
};

/**
 * dsmil_instance_create() - create and bind platform device dsmil.N
 * @cfg: its description, copied as platform data; @cfg->ops must stay
 *	valid until dsmil_instance_remove()
 *
 * N is the lowest free instance number.
 *
 * Return: the bound platform device, or an error pointer if it could not
 * be created or its probe failed.
 */
struct platform_device *dsmil_instance_create(const struct dsmil_config *cfg)
{
	struct platform_device *pdev;
	int id, ret;

	id = ida_alloc(&dsmil_instance_ida, GFP_KERNEL);
	if (id < 0)
		return ERR_PTR(id);
	pdev = platform_device_register_data(NULL, DSMIL_DRV_NAME, id, cfg,
					     sizeof(*cfg));
	if (IS_ERR(pdev)) {
		ida_free(&dsmil_instance_ida, id);
		return pdev;
	}
	/* Registration succeeds even when probe fails: check it bound. */
	if (!READ_ONCE(pdev->dev.driver)) {
		const struct dsmil_config *probed = dev_get_platdata(&pdev->dev);

		ret = probed->probe_error ?: -ENODEV;
		dsmil_instance_remove(pdev);
		return ERR_PTR(ret);
	}
	return pdev;
}
EXPORT_SYMBOL_NS_GPL(dsmil_instance_create, DSMIL_NS);

/**
 * dsmil_instance_remove() - tear down an instance of dsmil_instance_create()
 * @pdev: its platform device
 *
 * Waits for every sysfs reader and writer of the instance to leave.
 */
void dsmil_instance_remove(struct platform_device *pdev)
{
	int id = pdev->id;

	platform_device_unregister(pdev);
	ida_free(&dsmil_instance_ida, id);
}
EXPORT_SYMBOL_NS_GPL(dsmil_instance_remove, DSMIL_NS);

static int __init dsmil_init(void)
{
	int ret;

	dsmil_debugfs_root = debugfs_create_dir("dsmil", NULL);
	ret = class_register(&dsmil_class);
	if (ret)
		goto err_debugfs;
	ret = platform_driver_register(&dsmil_driver);
	if (ret)
		goto err_class;
	ret = dsmil_hardware_init();
	if (ret)
		goto err_driver;
	return 0;

err_driver:
	platform_driver_unregister(&dsmil_driver);
err_class:
	class_unregister(&dsmil_class);
err_debugfs:
	debugfs_remove_recursive(dsmil_debugfs_root);
	dsmil_objects_wait_released();
	return ret;
}

static void __exit dsmil_exit(void)
{
	dsmil_hardware_exit();
	platform_driver_unregister(&dsmil_driver);
	dsmil_objects_wait_released();
	class_unregister(&dsmil_class);
	debugfs_remove_recursive(dsmil_debugfs_root);
	ida_destroy(&dsmil_instance_ida);
}

module_init(dsmil_init);
module_exit(dsmil_exit);

MODULE_DESCRIPTION("Dell MIL-SPEC DSMIL platform driver (84 devices)");
MODULE_AUTHOR("dsmil developers <dsmil@example.invalid>");
MODULE_LICENSE("GPL");
MODULE_VERSION(DSMIL_VERSION);
MODULE_ALIAS("dsmil-72dev");
