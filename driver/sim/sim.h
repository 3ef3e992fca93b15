/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsmil-sim - the simulated DSMIL platform: what its files share.
 */
#ifndef _DSMIL_SIM_H
#define _DSMIL_SIM_H

#include <linux/spinlock.h>

#include "../dsmil.h"

#define DSMIL_SIM_MIN_TEMP	(-273150)
#define DSMIL_SIM_MAX_TEMP	300000

struct dsmil_sim;

/* One simulated group sensor; its debugfs file is temp_g<group>. */
struct dsmil_sim_sensor {
	struct dsmil_sim *sim;
	int millideg;			/* WRITE_ONCE(), read locklessly */
};

/* The simulated firmware of one instance (inst->backend_priv). */
struct dsmil_sim {
	struct dsmil_instance *inst;
	u32 *values;			/* token store, under inst->lock */
	unsigned long *active;		/* bitmap, under inst->lock */
	unsigned long *writes;		/* per token, read locklessly */
	u32 latency_us;
	spinlock_t fault_lock;		/* protects fault */
	struct dsmil_fault_spec fault;	/* what is left of the injection */
	struct dsmil_sim_sensor *sensors;	/* one per group */
	bool sensor_fault;		/* every sensor read fails */
	bool asleep;			/* between suspend and resume */
	bool resume_drop_states;	/* resume switches every device off */
	int resume_temp;		/* every sensor's at resume, or none */
	unsigned long asleep_calls;	/* calls that came while asleep */
	struct dentry *dir;
};

static inline struct dsmil_sim *dsmil_sim(struct dsmil_instance *inst)
{
	return inst->backend_priv;
}

/* sim.c: the simulated firmware */
extern const struct dsmil_backend_ops dsmil_sim_backend;
char *dsmil_sim_copy_input(const char __user *ubuf, size_t count);
ssize_t dsmil_sim_switch_read(char __user *ubuf, size_t count, loff_t *ppos,
			      const bool *on);
ssize_t dsmil_sim_switch_write(const char __user *ubuf, size_t count,
			       bool *on);

/* sleep.c: the simulated firmware across a system sleep */
void dsmil_sim_check_awake(struct dsmil_sim *sim);
void dsmil_sim_suspend(struct dsmil_instance *inst);
void dsmil_sim_resume(struct dsmil_instance *inst);
void dsmil_sim_sleep_init(struct dsmil_sim *sim);

/* main.c: an instance description from this module's parameters */
int dsmil_sim_config(struct dsmil_config *cfg);

/* configfs.c: instances declared in /sys/kernel/config/dsmil */
int dsmil_sim_configfs_init(void);
void dsmil_sim_configfs_exit(void);

#endif /* _DSMIL_SIM_H */
