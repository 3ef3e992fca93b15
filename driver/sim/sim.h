/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsmil-sim - the simulated DSMIL platform: what its files share.
 */
#ifndef _DSMIL_SIM_H
#define _DSMIL_SIM_H

#include "../dsmil.h"

/* sim.c: the simulated firmware */
extern const struct dsmil_backend_ops dsmil_sim_backend;

/* main.c: an instance description from this module's parameters */
int dsmil_sim_config(struct dsmil_config *cfg);

/* configfs.c: instances declared in /sys/kernel/config/dsmil */
int dsmil_sim_configfs_init(void);
void dsmil_sim_configfs_exit(void);

#endif /* _DSMIL_SIM_H */
