// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - Dell MIL-SPEC DSMIL platform driver: module and platform core.
 *
 * The module registers class "dsmil", platform driver "dsmil" and, at
 * load, one platform device "dsmil.0" described by the module parameters.
 * Probing a platform device builds an instance: backend, groups, devices.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "compat.h"
#include "dsmil.h"

static char *backend = "sim";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend,
		 "Firmware backend of the load-time instance: sim (simulated platform, default), smbios (Dell firmware through dell-smbios) or auto (smbios on a DSMIL platform, else no instance)");

static unsigned int smi_timeout_ms = 100;
module_param(smi_timeout_ms, uint, 0444);
MODULE_PARM_DESC(smi_timeout_ms,
		 "Upper bound of one firmware call in ms, 50..200 (default 100)");

static char *activate = "";
module_param(activate, charp, 0444);
MODULE_PARM_DESC(activate,
		 "Comma-separated groups to activate at load, e.g. 0,1 (quarantined devices are skipped)");

static unsigned long long mmio_base = 0x52000000;
module_param(mmio_base, ullong, 0444);
MODULE_PARM_DESC(mmio_base,
		 "Physical base of the DSMIL register region (default 0x52000000)");

static unsigned long long mmio_size = 360 * SZ_1M;
module_param(mmio_size, ullong, 0444);
MODULE_PARM_DESC(mmio_size,
		 "Size of the DSMIL register region in bytes, 0 for none (default 360 MiB)");

static unsigned int thermal_threshold = 100;
module_param(thermal_threshold, uint, 0444);
MODULE_PARM_DESC(thermal_threshold,
		 "Platform thermal ceiling in degrees Celsius, 20..150 (default 100): at or above it every device stops");

static unsigned int thermal_poll_ms = 100;
module_param(thermal_poll_ms, uint, 0444);
MODULE_PARM_DESC(thermal_poll_ms,
		 "Thermal monitor period in ms while all groups are cool, 10..10000 (default 100)");

#define DSMIL_POLL_MS_MIN	10
#define DSMIL_POLL_MS_MAX	10000
#define DSMIL_SMI_TIMEOUT_MIN	50
#define DSMIL_SMI_TIMEOUT_MAX	200

struct class dsmil_class = {
	.name = "dsmil",
};

static struct dentry *dsmil_debugfs_root;
static struct platform_device *dsmil_load_pdev;

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
	&dev_attr_thermal_threshold.attr,
	&dev_attr_thermal_hysteresis.attr,
	&dev_attr_emergency_stop.attr,
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

/* activate= at probe: failures are reported, the instance stays up. */
static void dsmil_instance_activate(struct dsmil_instance *inst)
{
	unsigned int g;
	int ret;

	lockdep_assert_held(&inst->lock);
	for_each_set_bit(g, &inst->cfg.activate_mask, inst->cfg.groups) {
		ret = dsmil_group_request(inst->groups[g], DSMIL_REQ_ACTIVE);
		if (ret)
			dev_warn(inst->dev, "activating group %u failed: %d\n",
				 g, ret);
	}
}

static void dsmil_instance_teardown(struct dsmil_instance *inst)
{
	mutex_lock(&inst->lock);
	inst->live = false;
	mutex_unlock(&inst->lock);

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
	dsmil_instance_activate(inst);
	mutex_unlock(&inst->lock);
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
	inst->backend = dsmil_backend_find(cfg->backend);
	if (!inst->backend)
		return dev_err_probe(dev, -EINVAL, "unknown backend '%s'\n",
				     cfg->backend);
	inst->groups = devm_kcalloc(dev, cfg->groups, sizeof(*inst->groups),
				    GFP_KERNEL);
	inst->devices = devm_kcalloc(dev, inst->device_count,
				     sizeof(*inst->devices), GFP_KERNEL);
	if (!inst->groups || !inst->devices)
		return -ENOMEM;
	mutex_init(&inst->lock);
	dsmil_thermal_init(inst);
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
	},
	.probe = dsmil_probe,
	DSMIL_PLATFORM_REMOVE(dsmil_remove),
};

/* backend=auto: the real firmware when present, else no instance. */
static const char *dsmil_detect_backend(void)
{
	return dsmil_smbios_detect() ? dsmil_smbios_backend.name : NULL;
}

static int dsmil_load_config(struct dsmil_config *cfg)
{
	const char *name = backend;
	unsigned long mask;
	int ret;

	if (thermal_threshold < DSMIL_THERMAL_MIN_THRESHOLD / 1000 ||
	    thermal_threshold > DSMIL_THERMAL_MAX_THRESHOLD / 1000) {
		pr_err("thermal_threshold=%u: must be %u..%u degrees C\n",
		       thermal_threshold, DSMIL_THERMAL_MIN_THRESHOLD / 1000,
		       DSMIL_THERMAL_MAX_THRESHOLD / 1000);
		return -EINVAL;
	}
	if (thermal_poll_ms < DSMIL_POLL_MS_MIN ||
	    thermal_poll_ms > DSMIL_POLL_MS_MAX) {
		pr_err("thermal_poll_ms=%u: must be %u..%u\n", thermal_poll_ms,
		       DSMIL_POLL_MS_MIN, DSMIL_POLL_MS_MAX);
		return -EINVAL;
	}
	if (smi_timeout_ms < DSMIL_SMI_TIMEOUT_MIN ||
	    smi_timeout_ms > DSMIL_SMI_TIMEOUT_MAX) {
		pr_err("smi_timeout_ms=%u: must be %u..%u\n", smi_timeout_ms,
		       DSMIL_SMI_TIMEOUT_MIN, DSMIL_SMI_TIMEOUT_MAX);
		return -EINVAL;
	}
	ret = dsmil_parse_group_list(activate, DSMIL_GROUPS, &mask);
	if (ret) {
		pr_err("activate=%s: expected a comma-separated list of groups 0..%d\n",
		       activate, DSMIL_GROUPS - 1);
		return -EINVAL;
	}
	if (!strcmp(name, "auto")) {
		name = dsmil_detect_backend();
	} else if (!dsmil_backend_find(name)) {
		pr_err("backend=%s: expected sim, smbios or auto\n", backend);
		return -EINVAL;
	}
	if (!name) {
		pr_info("no DSMIL platform found, no instance created\n");
		return -ENODEV;
	}
	dsmil_config_defaults(cfg);
	strscpy(cfg->backend, name, sizeof(cfg->backend));
	cfg->activate_mask = mask;
	return 0;
}

/**
 * dsmil_config_defaults() - an instance description from the parameters
 * @cfg: filled in; the backend is left empty
 */
void dsmil_config_defaults(struct dsmil_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->groups = DSMIL_GROUPS;
	cfg->devices_per_group = DSMIL_DEVICES_PER_GROUP;
	cfg->token_base = DSMIL_TOKEN_BASE;
	cfg->smi_timeout_ms = smi_timeout_ms;
	cfg->thermal_threshold = thermal_threshold * 1000;
	cfg->thermal_poll_ms = thermal_poll_ms;
	cfg->mmio_base = mmio_base;
	cfg->mmio_size = mmio_size;
}

/**
 * dsmil_instance_register() - create platform device dsmil.@id
 * @cfg: its description, copied as platform data
 * @id: instance number
 *
 * Return: the bound platform device, or an error pointer if it could not
 * be created or its probe failed.
 */
struct platform_device *dsmil_instance_register(const struct dsmil_config *cfg,
						int id)
{
	struct platform_device *pdev;

	pdev = platform_device_register_data(NULL, DSMIL_DRV_NAME, id, cfg,
					     sizeof(*cfg));
	if (IS_ERR(pdev))
		return pdev;
	/* Registration succeeds even when probe fails: check it bound. */
	if (!READ_ONCE(pdev->dev.driver)) {
		const struct dsmil_config *probed = dev_get_platdata(&pdev->dev);
		int ret = probed->probe_error ?: -ENODEV;

		platform_device_unregister(pdev);
		return ERR_PTR(ret);
	}
	return pdev;
}

static int __init dsmil_init(void)
{
	struct dsmil_config cfg = { };
	bool instance;
	int ret;

	ret = dsmil_load_config(&cfg);
	if (ret && ret != -ENODEV)
		return ret;
	instance = !ret;

	dsmil_debugfs_root = debugfs_create_dir("dsmil", NULL);
	ret = class_register(&dsmil_class);
	if (ret)
		goto err_debugfs;
	ret = platform_driver_register(&dsmil_driver);
	if (ret)
		goto err_class;
	if (instance) {
		dsmil_load_pdev = dsmil_instance_register(&cfg, 0);
		if (IS_ERR(dsmil_load_pdev)) {
			ret = PTR_ERR(dsmil_load_pdev);
			dsmil_load_pdev = NULL;
			goto err_driver;
		}
	}
	ret = dsmil_configfs_init();
	if (ret)
		goto err_instance;
	return 0;

err_instance:
	platform_device_unregister(dsmil_load_pdev);
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
	dsmil_configfs_exit();
	platform_device_unregister(dsmil_load_pdev);
	platform_driver_unregister(&dsmil_driver);
	dsmil_objects_wait_released();
	class_unregister(&dsmil_class);
	debugfs_remove_recursive(dsmil_debugfs_root);
}

module_init(dsmil_init);
module_exit(dsmil_exit);

MODULE_DESCRIPTION("Dell MIL-SPEC DSMIL platform driver (84 devices)");
MODULE_AUTHOR("dsmil developers <dsmil@example.invalid>");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
MODULE_ALIAS("dsmil-72dev");
