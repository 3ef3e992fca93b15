// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-sim - the simulated DSMIL platform, for the demo, the tests and
 * anyone without the hardware.
 *
 * Like netdevsim or gpio-sim it is a module of its own that never
 * autoloads: `modprobe dsmil-sim` creates instances=N simulated platforms
 * (7 groups x 12 devices, tokens 0x8000..0x8053) through dsmil-84dev's
 * instance API, each dsmil.N with the lowest free N.  More instances, of
 * any shape, come from configfs (configfs.c).  The simulated firmware
 * (sim.c) keeps its state and register windows in kernel memory and has
 * debugfs knobs for latency, faults and temperatures.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#include "../compat.h"
#include "sim.h"

#define DSMIL_SIM_MAX_INSTANCES	8

static unsigned int instances = 1;
module_param(instances, uint, 0444);
MODULE_PARM_DESC(instances,
		 "Simulated platforms created at load, 0..8 (default 1)");

static char *activate = "";
module_param(activate, charp, 0444);
MODULE_PARM_DESC(activate,
		 "Comma-separated groups to activate at load, e.g. 0,1 (quarantined devices are skipped)");

static unsigned int smi_timeout_ms = 100;
module_param(smi_timeout_ms, uint, 0444);
MODULE_PARM_DESC(smi_timeout_ms,
		 "Upper bound of one simulated firmware call in ms, 50..200 (default 100)");

static unsigned int thermal_threshold = 100;
module_param(thermal_threshold, uint, 0444);
MODULE_PARM_DESC(thermal_threshold,
		 "Platform thermal ceiling in degrees Celsius, 20..150 (default 100): at or above it every device stops");

static unsigned int thermal_poll_ms = 100;
module_param(thermal_poll_ms, uint, 0444);
MODULE_PARM_DESC(thermal_poll_ms,
		 "Thermal monitor period in ms while all groups are cool, 10..10000 (default 100)");

static unsigned int thermal_grace_ms = 1000;
module_param(thermal_grace_ms, uint, 0444);
MODULE_PARM_DESC(thermal_grace_ms,
		 "How long temperature readings may fail, in ms, 0..60000 (default 1000), before every device stops");

static struct platform_device *dsmil_sim_pdevs[DSMIL_SIM_MAX_INSTANCES];

/**
 * dsmil_sim_config() - a simulated platform as the parameters describe it
 * @cfg: filled in, backend included
 *
 * Return: 0 or -EINVAL for a bad parameter (logged).
 */
int dsmil_sim_config(struct dsmil_config *cfg)
{
	const struct dsmil_params params = {
		.activate		= activate,
		.smi_timeout_ms		= smi_timeout_ms,
		.thermal_threshold	= thermal_threshold,
		.thermal_poll_ms	= thermal_poll_ms,
		.thermal_grace_ms	= thermal_grace_ms,
	};
	int ret;

	ret = dsmil_config_init(cfg, &params);
	if (ret)
		return ret;
	cfg->ops = &dsmil_sim_backend;
	return 0;
}

static void dsmil_sim_remove_all(void)
{
	int i;

	for (i = ARRAY_SIZE(dsmil_sim_pdevs) - 1; i >= 0; i--) {
		if (dsmil_sim_pdevs[i])
			dsmil_instance_remove(dsmil_sim_pdevs[i]);
		dsmil_sim_pdevs[i] = NULL;
	}
}

static int __init dsmil_sim_init(void)
{
	struct dsmil_config cfg;
	unsigned int i;
	int ret;

	if (instances > DSMIL_SIM_MAX_INSTANCES) {
		pr_err("instances=%u: must be 0..%u\n", instances,
		       DSMIL_SIM_MAX_INSTANCES);
		return -EINVAL;
	}
	ret = dsmil_sim_config(&cfg);
	for (i = 0; !ret && i < instances; i++) {
		struct platform_device *pdev = dsmil_instance_create(&cfg);

		if (IS_ERR(pdev))
			ret = PTR_ERR(pdev);
		else
			dsmil_sim_pdevs[i] = pdev;
	}
	/* Last, so that no mkdir races the load. */
	if (!ret)
		ret = dsmil_sim_configfs_init();
	if (ret)
		dsmil_sim_remove_all();
	return ret;
}

static void __exit dsmil_sim_exit(void)
{
	dsmil_sim_configfs_exit();
	dsmil_sim_remove_all();
}

module_init(dsmil_sim_init);
module_exit(dsmil_sim_exit);

MODULE_DESCRIPTION("Simulated Dell MIL-SPEC DSMIL platform for dsmil-84dev");
MODULE_AUTHOR("dsmil developers <dsmil@example.invalid>");
MODULE_LICENSE("GPL");
MODULE_VERSION(DSMIL_VERSION);
MODULE_IMPORT_NS(DSMIL_NS);
