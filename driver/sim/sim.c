// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-sim - the simulated DSMIL firmware.
 *
 * Each instance gets its own token store.  Initial values are
 * deterministic: token T reads 0xd5000000 | T until written.  Knobs in
 * debugfs (<debugfs>/dsmil/dsmil.N/sim/) add latency and inject faults
 * the way a misbehaving SMI handler would ("eio 1 after 5" fails the
 * sixth call), and count the writes that
 * reached the firmware so tests can prove what never got there.  Across
 * a system sleep the simulated firmware counts every call that reaches
 * it while asleep, and can lose its device states (all off on resume),
 * as a firmware that is powered down would.
 */
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "sim.h"

#define DSMIL_SIM_INITIAL_VALUE	0xd5000000
#define DSMIL_SIM_MAX_INPUT	(PAGE_SIZE - 1)
#define DSMIL_SIM_DEFAULT_TEMP	45000
#define DSMIL_SIM_STATUS_PRESENT	0x1

static enum dsmil_fault dsmil_sim_take_fault(struct dsmil_sim *sim)
{
	enum dsmil_fault fault = DSMIL_FAULT_NONE;

	spin_lock(&sim->fault_lock);
	if (sim->fault.skip) {
		sim->fault.skip--;
	} else if (sim->fault.calls) {
		fault = sim->fault.kind;
		if (!--sim->fault.calls)
			sim->fault.kind = DSMIL_FAULT_NONE;
	}
	spin_unlock(&sim->fault_lock);
	return fault;
}

/* What every simulated SMI does first: injected faults, then latency. */
static int dsmil_sim_enter(struct dsmil_sim *sim)
{
	unsigned int timeout_ms = sim->inst->cfg.smi_timeout_ms;
	u32 latency = READ_ONCE(sim->latency_us);

	dsmil_sim_check_awake(sim);
	switch (dsmil_sim_take_fault(sim)) {
	case DSMIL_FAULT_TIMEOUT:
		return -ETIMEDOUT;
	case DSMIL_FAULT_EIO:
		return -EIO;
	case DSMIL_FAULT_NONE:
		break;
	}
	if (latency > timeout_ms * USEC_PER_MSEC) {
		msleep(timeout_ms);
		return -ETIMEDOUT;
	}
	if (latency)
		fsleep(latency);
	return 0;
}

/* Tokens listed in the instance's sim_absent are not provided. */
static int dsmil_sim_verify(struct dsmil_instance *inst, u16 token)
{
	int slot = dsmil_token_slot(&inst->cfg, token);

	if (slot < 0 || test_bit(slot, inst->cfg.sim_absent))
		return -ENODEV;
	return 0;
}

/* One SMI on @token: its slot once the call got through, or an errno. */
static int dsmil_sim_call(struct dsmil_instance *inst, u16 token)
{
	int slot = dsmil_token_slot(&inst->cfg, token);

	if (slot < 0)
		return slot;
	return dsmil_sim_enter(dsmil_sim(inst)) ?: slot;
}

static int dsmil_sim_token_read(struct dsmil_instance *inst, u16 token,
				u32 *value)
{
	int slot = dsmil_sim_call(inst, token);

	if (slot < 0)
		return slot;
	*value = dsmil_sim(inst)->values[slot];
	return 0;
}

static void dsmil_sim_count_write(struct dsmil_sim *sim, int slot)
{
	WRITE_ONCE(sim->writes[slot], sim->writes[slot] + 1);
}

static int dsmil_sim_token_write(struct dsmil_instance *inst, u16 token,
				 u32 value)
{
	struct dsmil_sim *sim = dsmil_sim(inst);
	int slot = dsmil_sim_call(inst, token);

	if (slot < 0)
		return slot;
	sim->values[slot] = value;
	dsmil_sim_count_write(sim, slot);
	return 0;
}

static int dsmil_sim_set_active(struct dsmil_instance *inst, u16 token,
				bool on)
{
	struct dsmil_sim *sim = dsmil_sim(inst);
	int slot = dsmil_sim_call(inst, token);

	if (slot < 0)
		return slot;
	__assign_bit(slot, sim->active, on);
	dsmil_sim_count_write(sim, slot);
	return 0;
}

/* The sensors are not behind the SMI: no latency, no injected faults. */
static int dsmil_sim_temperature(struct dsmil_instance *inst,
				 unsigned int group, int *millideg)
{
	struct dsmil_sim *sim = dsmil_sim(inst);

	if (group >= inst->cfg.groups)
		return -ENODEV;
	dsmil_sim_check_awake(sim);
	if (READ_ONCE(sim->sensor_fault))
		return -EIO;
	*millideg = READ_ONCE(sim->sensors[group].millideg);
	return 0;
}

static const char *dsmil_sim_thermal_source(struct dsmil_instance *inst)
{
	return "sim";
}

static int dsmil_sim_activate(struct dsmil_instance *inst, u16 token)
{
	return dsmil_sim_set_active(inst, token, true);
}

static int dsmil_sim_deactivate(struct dsmil_instance *inst, u16 token)
{
	return dsmil_sim_set_active(inst, token, false);
}

/* A call like the others: latency and injected faults apply. */
static int dsmil_sim_is_active(struct dsmil_instance *inst, u16 token,
			       bool *on)
{
	int slot = dsmil_sim_call(inst, token);

	if (slot < 0)
		return slot;
	*on = test_bit(slot, dsmil_sim(inst)->active);
	return 0;
}

static void dsmil_sim_window_header(struct dsmil_instance *inst,
				    unsigned int slot, u32 signature,
				    u32 token, u32 status)
{
	dsmil_window_write32(inst, slot, DSMIL_WINDOW_SIGNATURE, signature);
	dsmil_window_write32(inst, slot, DSMIL_WINDOW_TOKEN, token);
	dsmil_window_write32(inst, slot, DSMIL_WINDOW_STATUS, status);
}

/*
 * Write the window header of every device the firmware provides into the
 * simulated windows (kernel memory, zeroed): the others stay blank.
 */
static void dsmil_sim_region_populate(struct dsmil_instance *inst)
{
	unsigned int slot;

	for (slot = 0; slot < inst->device_count; slot++) {
		if (!test_bit(slot, inst->cfg.sim_absent))
			dsmil_sim_window_header(inst, slot, DSMIL_SIGNATURE,
						dsmil_slot_token(&inst->cfg, slot),
						DSMIL_SIM_STATUS_PRESENT);
	}
}

/* debugfs knobs */

char *dsmil_sim_copy_input(const char __user *ubuf, size_t count)
{
	if (!count || count > DSMIL_SIM_MAX_INPUT)
		return ERR_PTR(-EINVAL);
	return memdup_user_nul(ubuf, count);
}

/* A knob holding one unsigned number: its read, and its write's parsing. */
static ssize_t dsmil_sim_u32_read(char __user *ubuf, size_t count,
				  loff_t *ppos, u32 val)
{
	char buf[16];
	int len;

	len = scnprintf(buf, sizeof(buf), "%u\n", val);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static int dsmil_sim_u32_parse(const char __user *ubuf, size_t count,
			       u32 *val)
{
	char *buf;
	int ret;

	buf = dsmil_sim_copy_input(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = dsmil_parse_u32(buf, count, val);
	kfree(buf);
	return ret;
}

static ssize_t dsmil_sim_latency_read(struct file *file, char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	struct dsmil_sim *sim = file->private_data;

	return dsmil_sim_u32_read(ubuf, count, ppos, READ_ONCE(sim->latency_us));
}

static ssize_t dsmil_sim_latency_write(struct file *file,
				       const char __user *ubuf,
				       size_t count, loff_t *ppos)
{
	struct dsmil_sim *sim = file->private_data;
	u32 val;
	int ret;

	ret = dsmil_sim_u32_parse(ubuf, count, &val);
	if (ret)
		return ret;
	WRITE_ONCE(sim->latency_us, val);
	return count;
}

static const struct file_operations dsmil_sim_latency_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= dsmil_sim_latency_read,
	.write	= dsmil_sim_latency_write,
	.llseek	= default_llseek,
};

static const char *dsmil_fault_name(enum dsmil_fault kind)
{
	return kind == DSMIL_FAULT_TIMEOUT ? "timeout" : "eio";
}

static ssize_t dsmil_sim_fault_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct dsmil_sim *sim = file->private_data;
	struct dsmil_fault_spec f;
	char buf[48];
	int len;

	spin_lock(&sim->fault_lock);
	f = sim->fault;
	spin_unlock(&sim->fault_lock);

	if (f.kind == DSMIL_FAULT_NONE || !f.calls)
		len = scnprintf(buf, sizeof(buf), "none\n");
	else if (!f.skip)
		len = scnprintf(buf, sizeof(buf), "%s %u\n",
				dsmil_fault_name(f.kind), f.calls);
	else
		len = scnprintf(buf, sizeof(buf), "%s %u after %u\n",
				dsmil_fault_name(f.kind), f.calls, f.skip);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t dsmil_sim_fault_write(struct file *file,
				     const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	struct dsmil_sim *sim = file->private_data;
	struct dsmil_fault_spec f;
	char *buf;
	int ret;

	buf = dsmil_sim_copy_input(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = dsmil_parse_fault(buf, count, &f);
	kfree(buf);
	if (ret)
		return ret;

	spin_lock(&sim->fault_lock);
	sim->fault = f;
	spin_unlock(&sim->fault_lock);
	return count;
}

static const struct file_operations dsmil_sim_fault_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= dsmil_sim_fault_read,
	.write	= dsmil_sim_fault_write,
	.llseek	= default_llseek,
};

static ssize_t dsmil_sim_temp_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct dsmil_sim_sensor *sensor = file->private_data;
	char buf[16];
	int len;

	len = scnprintf(buf, sizeof(buf), "%d\n", READ_ONCE(sensor->millideg));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/* A new temperature is evaluated at once, like a firmware notification. */
static ssize_t dsmil_sim_temp_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct dsmil_sim_sensor *sensor = file->private_data;
	char *buf;
	int val, ret;

	buf = dsmil_sim_copy_input(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = dsmil_parse_millideg(buf, count, DSMIL_SIM_MIN_TEMP,
				   DSMIL_SIM_MAX_TEMP, &val);
	kfree(buf);
	if (ret)
		return ret;
	WRITE_ONCE(sensor->millideg, val);
	dsmil_thermal_notify(sensor->sim->inst);
	return count;
}

static const struct file_operations dsmil_sim_temp_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= dsmil_sim_temp_read,
	.write	= dsmil_sim_temp_write,
	.llseek	= default_llseek,
};

/* A switch knob: reads 0 or 1; writes 0 or 1, every other number -EINVAL. */
ssize_t dsmil_sim_switch_read(char __user *ubuf, size_t count, loff_t *ppos,
			      const bool *on)
{
	return dsmil_sim_u32_read(ubuf, count, ppos, READ_ONCE(*on));
}

ssize_t dsmil_sim_switch_write(const char __user *ubuf, size_t count,
			       bool *on)
{
	u32 val;
	int ret;

	ret = dsmil_sim_u32_parse(ubuf, count, &val);
	if (ret == -ERANGE || (!ret && val > 1))
		return -EINVAL;
	if (ret)
		return ret;
	WRITE_ONCE(*on, val);
	return count;
}

static ssize_t dsmil_sim_sensor_fault_read(struct file *file,
					   char __user *ubuf, size_t count,
					   loff_t *ppos)
{
	struct dsmil_sim *sim = file->private_data;

	return dsmil_sim_switch_read(ubuf, count, ppos, &sim->sensor_fault);
}

/* Evaluated at once like a temperature write. */
static ssize_t dsmil_sim_sensor_fault_write(struct file *file,
					    const char __user *ubuf,
					    size_t count, loff_t *ppos)
{
	struct dsmil_sim *sim = file->private_data;
	ssize_t ret;

	ret = dsmil_sim_switch_write(ubuf, count, &sim->sensor_fault);
	if (ret > 0)
		dsmil_thermal_notify(sim->inst);
	return ret;
}

static const struct file_operations dsmil_sim_sensor_fault_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= dsmil_sim_sensor_fault_read,
	.write	= dsmil_sim_sensor_fault_write,
	.llseek	= default_llseek,
};

static int dsmil_sim_token_writes_show(struct seq_file *s, void *unused)
{
	struct dsmil_sim *sim = s->private;
	const struct dsmil_instance *inst = sim->inst;
	unsigned int i;

	for (i = 0; i < inst->device_count; i++)
		seq_printf(s, "0x%04x %lu\n", dsmil_slot_token(&inst->cfg, i),
			   READ_ONCE(sim->writes[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dsmil_sim_token_writes);

static void dsmil_sim_debugfs_init(struct dsmil_sim *sim)
{
	char name[24];
	unsigned int g;

	sim->dir = debugfs_create_dir("sim", sim->inst->debugfs);
	debugfs_create_file("latency_us", 0600, sim->dir, sim,
			    &dsmil_sim_latency_fops);
	debugfs_create_file("fault", 0600, sim->dir, sim,
			    &dsmil_sim_fault_fops);
	debugfs_create_file("token_writes", 0400, sim->dir, sim,
			    &dsmil_sim_token_writes_fops);
	debugfs_create_file("sensor_fault", 0600, sim->dir, sim,
			    &dsmil_sim_sensor_fault_fops);
	dsmil_sim_sleep_init(sim);
	for (g = 0; g < sim->inst->cfg.groups; g++) {
		snprintf(name, sizeof(name), "temp_g%u", g);
		debugfs_create_file(name, 0600, sim->dir, &sim->sensors[g],
				    &dsmil_sim_temp_fops);
	}
}

static void dsmil_sim_free(struct dsmil_sim *sim)
{
	kfree(sim->sensors);
	bitmap_free(sim->active);
	kfree(sim->writes);
	kfree(sim->values);
	kfree(sim);
}

static int dsmil_sim_create(struct dsmil_instance *inst)
{
	struct dsmil_sim *sim;
	unsigned int i;

	sim = kzalloc(sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->inst = inst;
	spin_lock_init(&sim->fault_lock);
	sim->values = kcalloc(inst->device_count, sizeof(*sim->values), GFP_KERNEL);
	sim->writes = kcalloc(inst->device_count, sizeof(*sim->writes), GFP_KERNEL);
	sim->active = bitmap_zalloc(inst->device_count, GFP_KERNEL);
	sim->sensors = kcalloc(inst->cfg.groups, sizeof(*sim->sensors),
			       GFP_KERNEL);
	if (!sim->values || !sim->writes || !sim->active || !sim->sensors) {
		dsmil_sim_free(sim);
		return -ENOMEM;
	}
	for (i = 0; i < inst->device_count; i++)
		sim->values[i] = DSMIL_SIM_INITIAL_VALUE |
				 dsmil_slot_token(&inst->cfg, i);
	for (i = 0; i < inst->cfg.groups; i++) {
		sim->sensors[i].sim = sim;
		sim->sensors[i].millideg = DSMIL_SIM_DEFAULT_TEMP;
	}

	inst->backend_priv = sim;
	dsmil_sim_debugfs_init(sim);
	return 0;
}

static void dsmil_sim_destroy(struct dsmil_instance *inst)
{
	struct dsmil_sim *sim = dsmil_sim(inst);

	/* Waits for knob readers and writers still inside a file op. */
	debugfs_remove_recursive(sim->dir);
	inst->backend_priv = NULL;
	dsmil_sim_free(sim);
}

const struct dsmil_backend_ops dsmil_sim_backend = {
	.name		= "sim",
	.starts_off	= true,
	.create		= dsmil_sim_create,
	.destroy	= dsmil_sim_destroy,
	.verify		= dsmil_sim_verify,
	.token_read	= dsmil_sim_token_read,
	.token_write	= dsmil_sim_token_write,
	.activate	= dsmil_sim_activate,
	.deactivate	= dsmil_sim_deactivate,
	.is_active	= dsmil_sim_is_active,
	.temperature	= dsmil_sim_temperature,
	.thermal_source	= dsmil_sim_thermal_source,
	.region_populate = dsmil_sim_region_populate,
	.suspend	= dsmil_sim_suspend,
	.resume		= dsmil_sim_resume,
};
