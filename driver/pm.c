// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - system sleep: what an instance does across suspend and resume.
 *
 * Suspend marks the instance suspended under inst->lock and cancels the
 * thermal monitor (it runs on the freezable system workqueue, so it is
 * already frozen by then).  From then on every path that would reach the
 * firmware is refused with -EAGAIN (dsmil_lock_live() and the firmware
 * call wrappers), until resume.
 *
 * Resume holds inst->lock from the first firmware call to the restart of
 * the monitor, so that nothing else reaches the firmware before the
 * instance knows again what the firmware holds:
 *  1. every device's state is read back from the firmware, the same
 *     read-back as at load (dsmil_device_readback());
 *  2. the temperatures are evaluated: a limit crossed while the system
 *     slept stops devices like any trip;
 *  3. the monitor is restarted.
 * The read-back's changes are then announced: device and group uevents, and one
 * platform uevent DSMIL_EVENT=resume with DSMIL_CHANGED=<devices whose
 * state the read-back changed>.
 *
 * Holding the lock across every read is the one place where a stop could
 * wait for more than the call in flight, and none can be requested then:
 * devices resume before tasks are thawed, so user space (emergency_stop)
 * and the freezable monitor (trips) only run again once resume returned.
 */
#include <linux/kernel.h>
#include <linux/pm.h>

#include "dsmil.h"

/*
 * The resume read-back of one device.  Only a confirmed answer keeps or
 * sets a state:
 *  - "ready"/"active": "active" if the firmware says on, "ready" if off;
 *  - "emergency" (stopped): stays stopped; a firmware that says on is
 *    switched off again, and a device whose switching off is not
 *    confirmed is in "error";
 *  - a read that fails: "error" (unknown is error);
 *  - "error" stays "error" (only a reset clears it), "absent" and
 *    "quarantined" are left alone: no firmware call for them.
 * Returns true when the state changed.
 */
static bool dsmil_device_resume_readback(struct dsmil_device *d)
{
	enum dsmil_state state = d->state;
	bool on;

	if (state != DSMIL_STATE_READY && state != DSMIL_STATE_ACTIVE &&
	    state != DSMIL_STATE_EMERGENCY)
		return false;
	if (dsmil_device_readback(d, &on))
		return dsmil_device_change_state(d, DSMIL_STATE_ERROR,
						 DSMIL_REASON_RESUME);
	if (state == DSMIL_STATE_EMERGENCY) {
		if (on && dsmil_fw_action(d, DSMIL_ACT_DEACTIVATE))
			return dsmil_device_change_state(d, DSMIL_STATE_ERROR,
							 DSMIL_REASON_RESUME);
		return false;
	}
	return dsmil_device_change_state(d, on ? DSMIL_STATE_ACTIVE :
						 DSMIL_STATE_READY,
					 DSMIL_REASON_RESUME);
}

static int dsmil_pm_suspend(struct device *dev)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);

	mutex_lock(&inst->lock);
	WRITE_ONCE(inst->suspended, true);
	mutex_unlock(&inst->lock);
	/* A monitor run that took the lock first requeued itself: gone. */
	dsmil_thermal_stop(inst);
	if (inst->backend->suspend) {
		mutex_lock(&inst->lock);
		inst->backend->suspend(inst);
		mutex_unlock(&inst->lock);
	}
	return 0;
}

static int dsmil_pm_resume(struct device *dev)
{
	struct dsmil_instance *inst = dev_get_drvdata(dev);
	DECLARE_BITMAP(changed, DSMIL_MAX_DEVICES);
	unsigned int i, n;

	bitmap_zero(changed, DSMIL_MAX_DEVICES);
	mutex_lock(&inst->lock);
	if (inst->backend->resume)
		inst->backend->resume(inst);
	WRITE_ONCE(inst->suspended, false);
	for (i = 0; i < inst->device_count; i++)
		if (dsmil_device_resume_readback(inst->devices[i]))
			__set_bit(i, changed);
	/* Evaluates the temperatures (a trip stops), then polls again. */
	dsmil_thermal_start(inst);
	n = bitmap_weight(changed, inst->device_count);
	if (n)
		dev_info(dev, "resume: %u device states changed in firmware\n",
			 n);
	for_each_set_bit(i, changed, inst->device_count)
		dsmil_notify_device(inst->devices[i], DSMIL_REASON_RESUME, 0);
	for (i = 0; i < inst->cfg.groups; i++)
		dsmil_notify_group_state(inst->groups[i]);
	mutex_unlock(&inst->lock);
	dsmil_notify_resume(inst, n);
	return 0;
}

DEFINE_SIMPLE_DEV_PM_OPS(dsmil_pm_ops, dsmil_pm_suspend, dsmil_pm_resume);
