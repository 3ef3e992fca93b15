// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the real-firmware backend, over mainline dell-smbios.
 *
 * Tokens live in the firmware's calling-interface token table; a read or
 * write is a class 0/1 call on the token's location.  dell-smbios is not
 * a hard dependency: its two functions are looked up when an instance is
 * created and released when it goes, so the module loads without it.
 *
 * Each call is an SMI (or a WMI call ending in one) that stalls every
 * CPU, so calls are rate limited per instance (smi_rate=); only stopping
 * a device is never delayed.  Nothing is written unless allow_writes=1.
 */
#include <linux/dmi.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "dell-smbios-api.h"
#include "dsmil.h"

static unsigned int smi_rate = 200;
module_param(smi_rate, uint, 0444);
MODULE_PARM_DESC(smi_rate,
		 "Firmware calls per second per smbios instance, 1..1000 (default 200); callers beyond it wait");

static bool allow_writes;
module_param(allow_writes, bool, 0444);
MODULE_PARM_DESC(allow_writes,
		 "Let token writes and activations reach real firmware (default: read-only)");

#define DSMIL_SMBIOS_RATE_MAX	1000
#define DSMIL_SMBIOS_OFF_VALUE	0

struct dsmil_smbios {
	struct dsmil_instance *inst;
	int (*call)(struct calling_interface_buffer *buffer);
	struct calling_interface_token *(*find_token)(int tokenid);
	u64 interval_ns;
	ktime_t next_call;		/* under inst->lock */
	bool warned_ro;
	struct list_head node;		/* in dsmil_smbios_instances */
};

/* Enabled smbios instances, so two never drive the same tokens. */
static LIST_HEAD(dsmil_smbios_instances);
static DEFINE_MUTEX(dsmil_smbios_lock);

static struct dsmil_smbios *dsmil_smbios(struct dsmil_instance *inst)
{
	return inst->backend_priv;
}

/*
 * The token table entry of a DSMIL token.  In-kernel callers of
 * dell_smbios_call() bypass dell-smbios' own call filter, so this is the
 * only thing that keeps the backend on the DSMIL tokens: nothing outside
 * 0x8000..0x8053 is ever looked up, whatever the instance asks for.
 */
static struct calling_interface_token *
dsmil_smbios_lookup(struct dsmil_smbios *sb, u16 token)
{
	if (!dsmil_firmware_token(token))
		return NULL;
	return sb->find_token(token);
}

/*
 * The calling interface's status word, as dell_smbios_error() reads it,
 * but a status this driver does not know is the firmware's failure, not
 * bad input: -EIO, never -EINVAL, with the status named once in a while.
 */
static int dsmil_smbios_status(struct dsmil_smbios *sb, s32 status)
{
	switch (status) {
	case 0:
		return 0;
	case -1:
		return -EIO;
	case -2:
		return -ENXIO;
	default:
		dev_warn_ratelimited(sb->inst->dev,
				     "unknown firmware status %d: treated as a failed call\n",
				     status);
		return -EIO;
	}
}

static int dsmil_smbios_token_call(struct dsmil_smbios *sb, u16 class,
				   u16 token, u32 in, u32 *out)
{
	struct calling_interface_token *tok = dsmil_smbios_lookup(sb, token);
	struct calling_interface_buffer buf = { };
	int ret;

	if (!tok)
		return -ENODEV;
	buf.cmd_class = class;
	buf.cmd_select = SELECT_TOKEN_STD;
	buf.input[0] = tok->location;
	buf.input[1] = in;
	ret = sb->call(&buf);
	if (ret)
		return ret;
	ret = dsmil_smbios_status(sb, buf.output[0]);
	if (!ret && out)
		*out = buf.output[1];
	return ret;
}

static int dsmil_smbios_verify(struct dsmil_instance *inst, u16 token)
{
	return dsmil_smbios_lookup(dsmil_smbios(inst), token) ? 0 : -ENODEV;
}

static int dsmil_smbios_location(struct dsmil_instance *inst, u16 token)
{
	struct calling_interface_token *tok;

	tok = dsmil_smbios_lookup(dsmil_smbios(inst), token);
	return tok ? tok->location : -ENODEV;
}

/*
 * Wait, interruptibly, until the instance may issue another call; a stop
 * requested meanwhile ends the wait (-ECANCELED), since the caller holds
 * the lock the stop needs.
 */
static int dsmil_smbios_throttle(struct dsmil_instance *inst)
{
	struct dsmil_smbios *sb = dsmil_smbios(inst);
	ktime_t wait = ktime_sub(sb->next_call, ktime_get());
	long ret;

	if (ktime_to_ns(wait) > 0) {
		ret = wait_event_interruptible_hrtimeout(inst->thermal.stop_wq,
							 dsmil_stop_pending(inst),
							 wait);
		if (!ret)
			return -ECANCELED;
		if (ret != -ETIME)
			return ret;
	}
	sb->next_call = ktime_add_ns(ktime_get(), sb->interval_ns);
	return 0;
}

static int dsmil_smbios_token_read(struct dsmil_instance *inst, u16 token,
				   u32 *value)
{
	return dsmil_smbios_token_call(dsmil_smbios(inst), CLASS_TOKEN_READ,
				       token, 0, value);
}

/* Nothing reaches the firmware unless the administrator allowed writes. */
static int dsmil_smbios_may_write(struct dsmil_instance *inst)
{
	struct dsmil_smbios *sb = dsmil_smbios(inst);

	if (allow_writes)
		return 0;
	if (!sb->warned_ro) {
		sb->warned_ro = true;
		dev_warn(inst->dev, "token writes refused: load with allow_writes=1 to let them reach firmware\n");
	}
	return -EROFS;
}

static int dsmil_smbios_token_write(struct dsmil_instance *inst, u16 token,
				    u32 value)
{
	int ret = dsmil_smbios_may_write(inst);

	if (ret)
		return ret;
	return dsmil_smbios_token_call(dsmil_smbios(inst), CLASS_TOKEN_WRITE,
				       token, value, NULL);
}

/*
 * Write @value to the token's location and read it back: only a location
 * that then holds @value confirms the write.  Anything else is a failed
 * call (-EIO, one rate-limited line): the firmware may hold anything.
 */
static int dsmil_smbios_set_location(struct dsmil_instance *inst, u16 token,
				     u32 value)
{
	struct dsmil_smbios *sb = dsmil_smbios(inst);
	struct calling_interface_token *tok = dsmil_smbios_lookup(sb, token);
	u32 back;
	int ret = dsmil_smbios_may_write(inst);

	if (ret)
		return ret;
	if (!tok)
		return -ENODEV;
	ret = dsmil_smbios_token_call(sb, CLASS_TOKEN_WRITE, token, value, NULL);
	if (!ret)
		ret = dsmil_smbios_token_call(sb, CLASS_TOKEN_READ, token, 0,
					      &back);
	if (ret || back == value)
		return ret;
	dev_warn_ratelimited(inst->dev,
			     "token %#06x: location %#06x reads %#x after writing %#x\n",
			     token, tok->location, back, value);
	return -EIO;
}

/* Dell convention: a token is active when its location holds its value. */
static int dsmil_smbios_activate(struct dsmil_instance *inst, u16 token)
{
	struct calling_interface_token *tok;

	tok = dsmil_smbios_lookup(dsmil_smbios(inst), token);
	if (!tok)
		return -ENODEV;
	return dsmil_smbios_set_location(inst, token, tok->value);
}

/* On when the token's location holds the token's own (table) value. */
static int dsmil_smbios_is_active(struct dsmil_instance *inst, u16 token,
				  bool *on)
{
	struct dsmil_smbios *sb = dsmil_smbios(inst);
	struct calling_interface_token *tok = dsmil_smbios_lookup(sb, token);
	u32 value;
	int ret;

	if (!tok)
		return -ENODEV;
	ret = dsmil_smbios_token_call(sb, CLASS_TOKEN_READ, token, 0, &value);
	if (!ret)
		*on = value == tok->value;
	return ret;
}

/* This driver's convention: off is 0 at the location, read back. */
static int dsmil_smbios_deactivate(struct dsmil_instance *inst, u16 token)
{
	return dsmil_smbios_set_location(inst, token, DSMIL_SMBIOS_OFF_VALUE);
}

static bool dsmil_smbios_overlaps(const struct dsmil_instance *a,
				  const struct dsmil_instance *b)
{
	return a->cfg.token_base < b->cfg.token_base + b->device_count &&
	       b->cfg.token_base < a->cfg.token_base + a->device_count;
}

static int dsmil_smbios_claim(struct dsmil_smbios *sb)
{
	struct dsmil_smbios *other;

	guard(mutex)(&dsmil_smbios_lock);
	list_for_each_entry(other, &dsmil_smbios_instances, node)
		if (dsmil_smbios_overlaps(sb->inst, other->inst))
			return -EBUSY;
	list_add(&sb->node, &dsmil_smbios_instances);
	return 0;
}

static void dsmil_smbios_put_symbols(struct dsmil_smbios *sb)
{
	if (sb->call)
		symbol_put(dell_smbios_call);
	if (sb->find_token)
		symbol_put(dell_smbios_find_token);
}

static int dsmil_smbios_create(struct dsmil_instance *inst)
{
	struct dsmil_smbios *sb;
	int ret;

	if (!inst->device_count ||
	    !dsmil_firmware_token(inst->cfg.token_base) ||
	    !dsmil_firmware_token(inst->cfg.token_base + inst->device_count - 1)) {
		dev_err(inst->dev, "tokens %#x+%u: outside the DSMIL tokens\n",
			inst->cfg.token_base, inst->device_count);
		return -EINVAL;
	}
	sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	if (!sb)
		return -ENOMEM;
	sb->inst = inst;
	sb->interval_ns = div_u64(NSEC_PER_SEC, smi_rate);
	sb->call = symbol_request(dell_smbios_call);
	sb->find_token = symbol_request(dell_smbios_find_token);
	if (!sb->call || !sb->find_token) {
		dev_err(inst->dev, "dell-smbios is not available: no smbios backend\n");
		ret = -ENODEV;
		goto err;
	}
	ret = dsmil_smbios_claim(sb);
	if (ret) {
		dev_err(inst->dev, "tokens %#x+%u are driven by another instance\n",
			inst->cfg.token_base, inst->device_count);
		goto err;
	}
	dsmil_zone_announce(inst);
	inst->backend_priv = sb;
	return 0;

err:
	dsmil_smbios_put_symbols(sb);
	kfree(sb);
	return ret;
}

static void dsmil_smbios_destroy(struct dsmil_instance *inst)
{
	struct dsmil_smbios *sb = dsmil_smbios(inst);

	mutex_lock(&dsmil_smbios_lock);
	list_del(&sb->node);
	mutex_unlock(&dsmil_smbios_lock);
	dsmil_smbios_put_symbols(sb);
	inst->backend_priv = NULL;
	kfree(sb);
}

/**
 * dsmil_smbios_check_params() - check this backend's load parameters
 *
 * Called at load on every machine, so that a bad value fails the load
 * whether or not there is firmware to use it.
 *
 * Return: 0, or -EINVAL with one line naming the parameter.
 */
int dsmil_smbios_check_params(void)
{
	if (!smi_rate || smi_rate > DSMIL_SMBIOS_RATE_MAX) {
		pr_err("dsmil: smi_rate=%u: must be 1..%u\n", smi_rate,
		       DSMIL_SMBIOS_RATE_MAX);
		return -EINVAL;
	}
	return 0;
}

/**
 * dsmil_smbios_detect() - is this a Dell machine carrying DSMIL tokens?
 *
 * Return: true when the firmware says "Dell System" and its token table
 * holds the first DSMIL token.
 */
bool dsmil_smbios_detect(void)
{
	struct calling_interface_token *(*find)(int tokenid);
	bool found;

	if (!dmi_find_device(DMI_DEV_TYPE_OEM_STRING, "Dell System", NULL))
		return false;
	find = symbol_request(dell_smbios_find_token);
	if (!find)
		return false;
	found = find(DSMIL_TOKEN_BASE);
	symbol_put(dell_smbios_find_token);
	return found;
}

const struct dsmil_backend_ops dsmil_smbios_backend = {
	.name		= "smbios",
	.create		= dsmil_smbios_create,
	.destroy	= dsmil_smbios_destroy,
	.verify		= dsmil_smbios_verify,
	.throttle	= dsmil_smbios_throttle,
	.token_read	= dsmil_smbios_token_read,
	.token_write	= dsmil_smbios_token_write,
	.activate	= dsmil_smbios_activate,
	.deactivate	= dsmil_smbios_deactivate,
	.is_active	= dsmil_smbios_is_active,
	.location	= dsmil_smbios_location,
	.temperature	= dsmil_zone_temperature,
	.thermal_source	= dsmil_zone_source,
	.group_source	= dsmil_zone_group_source,
	.may_write	= dsmil_smbios_may_write,
};
