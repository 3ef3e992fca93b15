// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the instance on Dell DSMIL firmware, and how the driver finds it.
 *
 * The driver autoloads on the machines of dsmil_dmi_table (udev matches
 * the module's DMI alias) and, when the firmware's SMBIOS token table
 * holds the DSMIL tokens, creates platform device dsmil.0 on the smbios
 * backend.  On any other machine it creates nothing and never simulates
 * anything: the simulated platform is dsmil-sim.ko.
 *
 * The module parameters below describe that one instance.
 */
#define pr_fmt(fmt) "dsmil: " fmt

#include <linux/dmi.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#include "dsmil.h"

static char *activate = "";
module_param(activate, charp, 0444);
MODULE_PARM_DESC(activate,
		 "Comma-separated groups to activate at load, e.g. 0,1 (quarantined devices are skipped; needs allow_writes=1)");

static unsigned int smi_timeout_ms = 100;
module_param(smi_timeout_ms, uint, 0444);
MODULE_PARM_DESC(smi_timeout_ms,
		 "Upper bound of one firmware call in ms, 50..200 (default 100)");

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

/* Physical addresses: kernel lockdown refuses hardware parameters. */
static unsigned long long mmio_base;
module_param_hw(mmio_base, ullong, iomem, 0444);
MODULE_PARM_DESC(mmio_base,
		 "Physical base of the firmware-reserved DSMIL register region (default none)");

static unsigned long long mmio_size;
module_param_hw(mmio_size, ullong, iomem, 0444);
MODULE_PARM_DESC(mmio_size,
		 "Size of the DSMIL register region in bytes (default 0: no region is mapped)");

static bool force;
module_param_unsafe(force, bool, 0444);
MODULE_PARM_DESC(force,
		 "Bind a Dell machine that is not in the DMI table when its token table holds the DSMIL tokens (taints the kernel)");

/*
 * The machines DSMIL ships on: Dell's MIL-SPEC line, whose product names
 * carry "Rugged" (DMI_MATCH is a substring match).  Add an entry here for
 * a new line; force=1 tries an unlisted Dell machine first.
 */
static const struct dmi_system_id dsmil_dmi_table[] = {
	{
		.ident = "Dell Rugged",
		.matches = {
			DMI_MATCH(DMI_SYS_VENDOR, "Dell Inc."),
			DMI_MATCH(DMI_PRODUCT_NAME, "Rugged"),
		},
	},
	{ }
};
MODULE_DEVICE_TABLE(dmi, dsmil_dmi_table);

static struct platform_device *dsmil_hw_pdev;

/* Is this a DSMIL machine?  Says why not in one line. */
static bool dsmil_hardware_present(void)
{
	bool listed = dmi_check_system(dsmil_dmi_table);

	if (!listed && !(force && dmi_match(DMI_SYS_VENDOR, "Dell Inc."))) {
		pr_info("not a Dell DSMIL machine: no instance (the simulated platform is dsmil-sim)\n");
		return false;
	}
	if (!dsmil_smbios_detect()) {
		pr_info("no DSMIL tokens in the Dell SMBIOS token table: no instance\n");
		return false;
	}
	if (!listed)
		pr_warn("force=1: binding %s, a Dell machine outside the DMI table\n",
			dmi_get_system_info(DMI_PRODUCT_NAME) ?: "(no product name)");
	return true;
}

/**
 * dsmil_hardware_init() - check the parameters, create the firmware instance
 *
 * Return: 0 (also when there is no DSMIL firmware), -EINVAL for a bad
 * parameter, or why the instance could not be created.
 */
int dsmil_hardware_init(void)
{
	const struct dsmil_params params = {
		.activate		= activate,
		.smi_timeout_ms		= smi_timeout_ms,
		.thermal_threshold	= thermal_threshold,
		.thermal_poll_ms	= thermal_poll_ms,
		.thermal_grace_ms	= thermal_grace_ms,
	};
	struct platform_device *pdev;
	struct dsmil_config cfg;
	int ret;

	ret = dsmil_config_init(&cfg, &params);
	if (!ret)
		ret = dsmil_smbios_check_params();
	if (!ret)
		ret = dsmil_zone_check_params(cfg.groups);
	if (ret)
		return ret;
	if (!dsmil_hardware_present())
		return 0;
	cfg.ops = &dsmil_smbios_backend;
	cfg.mmio_base = mmio_base;
	cfg.mmio_size = mmio_size;
	pdev = dsmil_instance_create(&cfg);
	if (IS_ERR(pdev)) {
		dsmil_zone_exit();
		return PTR_ERR(pdev);
	}
	dsmil_hw_pdev = pdev;
	return 0;
}

void dsmil_hardware_exit(void)
{
	if (dsmil_hw_pdev)
		dsmil_instance_remove(dsmil_hw_pdev);
	dsmil_hw_pdev = NULL;
	dsmil_zone_exit();
}
