// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-sim - the simulated firmware across a system sleep.
 *
 * The driver tells the backend when the system suspends and resumes
 * (dsmil_backend_ops.suspend/resume).  In between the simulated firmware
 * is asleep and counts every call that still reaches it (asleep_calls:
 * the driver must make none).  Knobs make the sleep change the firmware
 * the way a powered-down one would: resume_drop_states (every device off
 * after resume) and resume_temp (the sensors read that temperature after
 * resume: the machine heated up while it slept).
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sim.h"

#define DSMIL_SIM_NO_TEMP	INT_MIN		/* resume_temp "none" */

/* No call may come while asleep: count the ones that do. */
void dsmil_sim_check_awake(struct dsmil_sim *sim)
{
	if (READ_ONCE(sim->asleep))
		WRITE_ONCE(sim->asleep_calls, sim->asleep_calls + 1);
}

/* Called with inst->lock held. */
void dsmil_sim_suspend(struct dsmil_instance *inst)
{
	WRITE_ONCE(dsmil_sim(inst)->asleep, true);
}

/*
 * Called with inst->lock held, before the driver reads the states back:
 * what the firmware lost or what changed while it slept is visible to
 * that read-back.
 */
void dsmil_sim_resume(struct dsmil_instance *inst)
{
	struct dsmil_sim *sim = dsmil_sim(inst);
	int temp = READ_ONCE(sim->resume_temp);
	unsigned int g;

	WRITE_ONCE(sim->asleep, false);
	if (READ_ONCE(sim->resume_drop_states))
		bitmap_zero(sim->active, inst->device_count);
	if (temp == DSMIL_SIM_NO_TEMP)
		return;
	for (g = 0; g < inst->cfg.groups; g++)
		WRITE_ONCE(sim->sensors[g].millideg, temp);
	WRITE_ONCE(sim->resume_temp, DSMIL_SIM_NO_TEMP);
}

static ssize_t dsmil_sim_resume_drop_read(struct file *file,
					  char __user *ubuf, size_t count,
					  loff_t *ppos)
{
	struct dsmil_sim *sim = file->private_data;

	return dsmil_sim_switch_read(ubuf, count, ppos,
				     &sim->resume_drop_states);
}

static ssize_t dsmil_sim_resume_drop_write(struct file *file,
					   const char __user *ubuf,
					   size_t count, loff_t *ppos)
{
	struct dsmil_sim *sim = file->private_data;

	return dsmil_sim_switch_write(ubuf, count, &sim->resume_drop_states);
}

static const struct file_operations dsmil_sim_resume_drop_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= dsmil_sim_resume_drop_read,
	.write	= dsmil_sim_resume_drop_write,
	.llseek	= default_llseek,
};

static int dsmil_sim_resume_temp_show(struct seq_file *s, void *unused)
{
	struct dsmil_sim *sim = s->private;
	int temp = READ_ONCE(sim->resume_temp);

	if (temp == DSMIL_SIM_NO_TEMP)
		seq_puts(s, "none\n");
	else
		seq_printf(s, "%d\n", temp);
	return 0;
}

static int dsmil_sim_resume_temp_open(struct inode *inode, struct file *file)
{
	return single_open(file, dsmil_sim_resume_temp_show, inode->i_private);
}

/* "none", or a temperature like temp_g<G>'s; not evaluated now. */
static ssize_t dsmil_sim_resume_temp_write(struct file *file,
					   const char __user *ubuf,
					   size_t count, loff_t *ppos)
{
	struct seq_file *s = file->private_data;
	struct dsmil_sim *sim = s->private;
	char *buf;
	int val, ret = 0;

	buf = dsmil_sim_copy_input(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (strlen(buf) != count)
		ret = -EINVAL;
	else if (sysfs_streq(buf, "none"))
		val = DSMIL_SIM_NO_TEMP;
	else
		ret = dsmil_parse_millideg(buf, count, DSMIL_SIM_MIN_TEMP,
					   DSMIL_SIM_MAX_TEMP, &val);
	kfree(buf);
	if (ret)
		return ret;
	WRITE_ONCE(sim->resume_temp, val);
	return count;
}

static const struct file_operations dsmil_sim_resume_temp_fops = {
	.owner		= THIS_MODULE,
	.open		= dsmil_sim_resume_temp_open,
	.read		= seq_read,
	.write		= dsmil_sim_resume_temp_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int dsmil_sim_asleep_calls_show(struct seq_file *s, void *unused)
{
	struct dsmil_sim *sim = s->private;

	seq_printf(s, "%lu\n", READ_ONCE(sim->asleep_calls));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dsmil_sim_asleep_calls);

/* The sleep knobs in sim->dir; called before the instance is used. */
void dsmil_sim_sleep_init(struct dsmil_sim *sim)
{
	sim->resume_temp = DSMIL_SIM_NO_TEMP;
	debugfs_create_file("resume_drop_states", 0600, sim->dir, sim,
			    &dsmil_sim_resume_drop_fops);
	debugfs_create_file("resume_temp", 0600, sim->dir, sim,
			    &dsmil_sim_resume_temp_fops);
	debugfs_create_file("asleep_calls", 0400, sim->dir, sim,
			    &dsmil_sim_asleep_calls_fops);
}
