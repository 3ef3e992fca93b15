// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - an instance description from load parameters.
 *
 * dsmil-84dev (its hardware instance) and dsmil-sim (its simulated ones)
 * take the same instance parameters and read them here, so they mean the
 * same and are refused the same way: one line naming the parameter and
 * what it accepts, and -EINVAL for the load.
 */
#define pr_fmt(fmt) "dsmil: " fmt

#include <linux/printk.h>
#include <linux/string.h>

#include "compat.h"
#include "dsmil.h"

#define DSMIL_POLL_MS_MIN	10
#define DSMIL_POLL_MS_MAX	10000
#define DSMIL_SMI_TIMEOUT_MIN	50
#define DSMIL_SMI_TIMEOUT_MAX	200
#define DSMIL_GRACE_MS_MAX	60000

static int dsmil_params_check(const struct dsmil_params *p)
{
	if (p->thermal_threshold < DSMIL_THERMAL_MIN_THRESHOLD / 1000 ||
	    p->thermal_threshold > DSMIL_THERMAL_MAX_THRESHOLD / 1000) {
		pr_err("thermal_threshold=%u: must be %u..%u degrees C\n",
		       p->thermal_threshold, DSMIL_THERMAL_MIN_THRESHOLD / 1000,
		       DSMIL_THERMAL_MAX_THRESHOLD / 1000);
		return -EINVAL;
	}
	if (p->thermal_poll_ms < DSMIL_POLL_MS_MIN ||
	    p->thermal_poll_ms > DSMIL_POLL_MS_MAX) {
		pr_err("thermal_poll_ms=%u: must be %u..%u\n",
		       p->thermal_poll_ms, DSMIL_POLL_MS_MIN, DSMIL_POLL_MS_MAX);
		return -EINVAL;
	}
	if (p->thermal_grace_ms > DSMIL_GRACE_MS_MAX) {
		pr_err("thermal_grace_ms=%u: must be 0..%u\n",
		       p->thermal_grace_ms, DSMIL_GRACE_MS_MAX);
		return -EINVAL;
	}
	if (p->smi_timeout_ms < DSMIL_SMI_TIMEOUT_MIN ||
	    p->smi_timeout_ms > DSMIL_SMI_TIMEOUT_MAX) {
		pr_err("smi_timeout_ms=%u: must be %u..%u\n", p->smi_timeout_ms,
		       DSMIL_SMI_TIMEOUT_MIN, DSMIL_SMI_TIMEOUT_MAX);
		return -EINVAL;
	}
	return 0;
}

/**
 * dsmil_config_init() - describe a DSMIL platform from load parameters
 * @cfg: filled in: 7 groups of 12 devices from token 0x8000, no backend,
 *	no register region
 * @params: the module's instance parameters
 *
 * Return: 0, or -EINVAL (with one log line) for a bad parameter.
 */
int dsmil_config_init(struct dsmil_config *cfg,
		      const struct dsmil_params *params)
{
	unsigned long mask;
	int ret;

	ret = dsmil_params_check(params);
	if (ret)
		return ret;
	ret = dsmil_parse_group_list(params->activate ?: "", DSMIL_GROUPS,
				     &mask);
	if (ret) {
		pr_err("activate=%s: expected a comma-separated list of groups 0..%d\n",
		       params->activate, DSMIL_GROUPS - 1);
		return -EINVAL;
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->groups = DSMIL_GROUPS;
	cfg->devices_per_group = DSMIL_DEVICES_PER_GROUP;
	cfg->token_base = DSMIL_TOKEN_BASE;
	cfg->activate_mask = mask;
	cfg->smi_timeout_ms = params->smi_timeout_ms;
	cfg->thermal_threshold = params->thermal_threshold * 1000;
	cfg->thermal_poll_ms = params->thermal_poll_ms;
	cfg->thermal_grace_ms = params->thermal_grace_ms;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dsmil_config_init, DSMIL_NS);
