// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the initial read-back: what every device holds at load.
 *
 * A Dell token is on while its location holds its value, whoever set it:
 * a token set before load must read "active", so that a trip or a stop
 * switches it off.  Knowing that takes one firmware call per device, an
 * SMI each on real firmware, rate limited: too slow for probe, which
 * would hold up the module load (and udev's worker at boot) for all of
 * them.  So probe registers the objects with their states unknown
 * ("error", dsmil_device.unread) and this work item reads them
 * afterwards.  It then applies activate= and announces the instance
 * ready: the platform file "ready" reads 1 and dsmil.N sends KOBJ_CHANGE
 * with DSMIL_EVENT=ready.  Until then every write that would act on a
 * device fails with -EAGAIN (dsmil_lock_ready()).
 *
 * The work holds inst->lock for one device at a time and steps aside for
 * a stop on its way, so that a stop, a thermal trip or a reader never
 * waits for more than the call in flight.  A stop acts at once on every
 * device, read or not (one not read yet is switched off like one in
 * error); the read-back leaves alone every device something acted on.
 * Teardown makes the instance not live and cancels the work: it ends
 * after the call in flight.
 *
 * A backend whose firmware starts with every device off (the simulated
 * firmware: a new instance's state is empty) has nothing to read: its
 * devices start "ready" and its instance is ready the moment it is live.
 *
 * Why a work item and not PROBE_PREFER_ASYNCHRONOUS: see "The state at
 * load" in Documentation/design.rst.
 */
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "dsmil.h"
#include "trace.h"

/*
 * Take inst->lock for one step, once no stop is waiting for it.  False
 * when the instance is being torn down: the read-back ends.
 */
static bool dsmil_readback_lock(struct dsmil_instance *inst)
{
	wait_event(inst->thermal.stop_wq, !dsmil_stop_pending(inst));
	mutex_lock(&inst->lock);
	if (inst->live)
		return true;
	mutex_unlock(&inst->lock);
	return false;
}

/*
 * One call: on while the token's location holds its value.  Finding a
 * device on is no activation (statistics/activations stays 0), and an
 * unreadable state stays unknown: error.
 */
static void dsmil_readback_device(struct dsmil_device *d)
{
	enum dsmil_state state = DSMIL_STATE_READY;
	bool on;
	int err;

	lockdep_assert_held(&d->inst->lock);
	err = dsmil_device_readback(d, &on);
	if (err) {
		dev_warn_ratelimited(d->inst->dev,
				     "token %#06x: state unreadable at load (%pe): error\n",
				     d->token, ERR_PTR(err));
		state = DSMIL_STATE_ERROR;
	} else if (on) {
		state = DSMIL_STATE_ACTIVE;
	}
	d->unread = false;
	if (state == d->state)
		return;
	trace_dsmil_state_change(d, d->state, state, DSMIL_REASON_READBACK);
	WRITE_ONCE(d->state, state);
	dsmil_notify_device_poll(d);
}

/* activate=: failures are reported, the instance stays up. */
static void dsmil_readback_activate(struct dsmil_instance *inst)
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

/* Under inst->lock: apply activate=, then "ready" reads 1. */
static void dsmil_readback_finish(struct dsmil_instance *inst)
{
	unsigned int i;

	lockdep_assert_held(&inst->lock);
	/* Before "ready" reads 1: a reader then sees the groups switched on. */
	dsmil_readback_activate(inst);
	WRITE_ONCE(inst->ready, true);
	for (i = 0; i < inst->cfg.groups; i++)
		dsmil_notify_group_state(inst->groups[i]);
}

/**
 * dsmil_readback_announce() - tell pollers and udev the instance is ready
 * @inst: a ready instance, without inst->lock
 */
void dsmil_readback_announce(struct dsmil_instance *inst)
{
	sysfs_notify(&inst->dev->kobj, NULL, "ready");
	dsmil_notify_platform(inst, "ready", INT_MIN);
}

static void dsmil_readback_run(struct dsmil_instance *inst)
{
	unsigned int i;

	for (i = 0; i < inst->device_count; i++) {
		if (!dsmil_readback_lock(inst))
			return;
		if (inst->devices[i]->unread)
			dsmil_readback_device(inst->devices[i]);
		mutex_unlock(&inst->lock);
	}
	if (!dsmil_readback_lock(inst))
		return;
	dsmil_readback_finish(inst);
	mutex_unlock(&inst->lock);
	dsmil_readback_announce(inst);
}

static void dsmil_readback_work(struct work_struct *work)
{
	dsmil_readback_run(container_of(work, struct dsmil_instance,
					readback));
}

void dsmil_readback_init(struct dsmil_instance *inst)
{
	INIT_WORK(&inst->readback, dsmil_readback_work);
}

/**
 * dsmil_readback_start() - read every device's state, then announce ready
 * @inst: an instance just made live, with inst->lock held
 *
 * The reads run on the freezable system workqueue, like the thermal
 * monitor: no firmware call while the system is suspended.  A backend
 * with nothing to read makes the instance ready here, in the same
 * critical section that made it live, so that no request ever finds it
 * live but not ready (-EAGAIN); its caller then announces it.
 *
 * Return: true if the instance is ready now and the caller must call
 * dsmil_readback_announce() once it has dropped inst->lock.
 */
bool dsmil_readback_start(struct dsmil_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	if (dsmil_reads_at_load(inst->backend)) {
		queue_work(system_freezable_wq, &inst->readback);
		return false;
	}
	dsmil_readback_finish(inst);
	return true;
}

/**
 * dsmil_readback_cancel() - stop the read-back, wait until it is gone
 * @inst: an instance that is no longer live, without inst->lock
 */
void dsmil_readback_cancel(struct dsmil_instance *inst)
{
	cancel_work_sync(&inst->readback);
}
