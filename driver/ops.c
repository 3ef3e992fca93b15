// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - device and group operations: the place where the safety rules
 * are enforced.  Every path that can change a device (sysfs, module
 * parameters, later configfs and thermal) comes through here.
 *
 * Rules, in the order they are checked:
 *  1. A quarantined device (a listed token, or one that shares its
 *     firmware location with a listed token) is refused with -EPERM
 *     before anything else, and no firmware write or activation is ever
 *     issued for it.
 *  2. Input is parsed (-EINVAL, -ERANGE).
 *  3. Until the initial read-back has read every state: -EAGAIN.
 *  4. An absent device answers -ENODEV.
 *  5. The transition table decides (-EBUSY when not allowed).
 *  6. The firmware call runs; a refused state write leaves the state
 *     exactly as it was.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>

#include "dsmil.h"
#include "trace.h"

/*
 * Take the instance lock, unless the instance is not live: while it is
 * being built or torn down its objects come and go one by one and must
 * not be walked (-ENODEV).  While the system is suspended nothing may
 * reach the firmware or act on states the firmware may have lost
 * (-EAGAIN, until the resume read-back is done).  The wait is
 * interruptible: the holder may be a slow or rate-limited firmware call.
 */
int dsmil_lock_live(struct dsmil_instance *inst)
{
	int ret = -ENODEV;

	if (mutex_lock_interruptible(&inst->lock))
		return -ERESTARTSYS;
	if (inst->live && !inst->suspended)
		return 0;
	if (inst->live)
		ret = -EAGAIN;
	mutex_unlock(&inst->lock);
	return ret;
}

/**
 * dsmil_lock_ready() - take the lock for a request that may change a device
 * @inst: the instance
 *
 * Like dsmil_lock_live(), but until the initial read-back has read every
 * device's state (the platform file "ready" reads 1) the driver does not
 * know what the firmware holds, and nothing may act on it: -EAGAIN.
 *
 * Return: 0 with inst->lock held, or an errno without it.
 */
int dsmil_lock_ready(struct dsmil_instance *inst)
{
	int ret = dsmil_lock_live(inst);

	if (ret || inst->ready)
		return ret;
	mutex_unlock(&inst->lock);
	return -EAGAIN;
}

/**
 * dsmil_device_init_quarantine() - decide once whether a device is quarantined
 * @d: a device not yet registered
 *
 * Listed tokens are, and so is any token whose firmware location is the
 * location of a listed token (dsmil_quarantine_match()).
 */
void dsmil_device_init_quarantine(struct dsmil_device *d)
{
	int qloc[DSMIL_QUARANTINE_COUNT];
	unsigned int i;

	for (i = 0; i < DSMIL_QUARANTINE_COUNT; i++)
		qloc[i] = dsmil_fw_location(d->inst, dsmil_quarantine_token(i));
	d->location = dsmil_fw_location(d->inst, d->token);
	d->quarantined_by = dsmil_quarantine_match(d->token, d->location, qloc);
	d->quarantined = d->quarantined_by != 0;
}

/**
 * dsmil_device_change_state() - record a new state, without telling anyone
 * @d: the device
 * @state: its new state
 * @reason: why, for the trace
 *
 * Callers that stop many devices at once announce the changes afterwards
 * with dsmil_notify_device(), so that the stop itself stays fast.
 *
 * Return: true if the state changed.
 */
bool dsmil_device_change_state(struct dsmil_device *d, enum dsmil_state state,
			       enum dsmil_reason reason)
{
	enum dsmil_state old = d->state;

	lockdep_assert_held(&d->inst->lock);
	/* Whoever acts on a device first settles it: no read-back after. */
	d->unread = false;
	if (old == state)
		return false;
	WRITE_ONCE(d->state, state);
	if (state == DSMIL_STATE_ACTIVE)
		WRITE_ONCE(d->stats.activations, d->stats.activations + 1);
	trace_dsmil_state_change(d, old, state, reason);
	return true;
}

static void dsmil_device_set_state(struct dsmil_device *d,
				   enum dsmil_state state,
				   enum dsmil_reason reason)
{
	if (dsmil_device_change_state(d, state, reason))
		dsmil_notify_device(d, reason, 0);
}

/*
 * A call that never reached the firmware (refused, cancelled by a stop,
 * interrupted while waiting for a rate slot, refused for want of a
 * temperature or while the system is suspended) changed nothing; any
 * other failure leaves the device in an unknown state.
 */
static bool dsmil_fw_failed(int err)
{
	return err && err != -EROFS && err != -ERESTARTSYS &&
	       err != -ECANCELED && err != -EPERM && err != -ENODATA &&
	       err != -EAGAIN;
}

/*
 * Re-read @d's state from its location (a backend that can tell): on
 * while the location holds the token's own value.  An unreadable state
 * is unknown: error.
 */
static void dsmil_device_reread(struct dsmil_device *d)
{
	bool on;

	if (dsmil_fw_is_active(d, &on))
		dsmil_device_set_state(d, DSMIL_STATE_ERROR,
				       DSMIL_REASON_FW_ERROR);
	else
		dsmil_device_set_state(d, on ? DSMIL_STATE_ACTIVE :
					       DSMIL_STATE_READY,
				       DSMIL_REASON_REQUEST);
}

/*
 * A call on @d reached the firmware: the other devices whose tokens share
 * its location may no longer hold what their state says (Dell: a location
 * holds one token's value at a time).  Re-read those that are "ready" or
 * "active"; the others keep the state only a reset or the thermal code
 * leaves.  Their groups are announced by the caller's group, or here.
 */
static void dsmil_location_reread(struct dsmil_device *d)
{
	struct dsmil_instance *inst = d->inst;
	unsigned int i;

	if (d->location < 0)
		return;
	for (i = 0; i < inst->device_count; i++) {
		struct dsmil_device *e = inst->devices[i];
		enum dsmil_state state;

		if (!e || e == d || e->location != d->location)
			continue;
		state = e->state;
		if (state != DSMIL_STATE_READY && state != DSMIL_STATE_ACTIVE)
			continue;
		dsmil_device_reread(e);
		if (e->group != d->group)
			dsmil_notify_group_state(e->group);
	}
}

/*
 * Apply @req to one device.  Only a confirmed success changes its state:
 * a firmware call that failed, timed out or overran leaves the device in
 * "error" (the firmware may have applied it), a refusal leaves it as it
 * was.
 */
static int dsmil_device_request(struct dsmil_device *d, enum dsmil_request req)
{
	const struct dsmil_transition *t;
	int ret;

	lockdep_assert_held(&d->inst->lock);
	if (dsmil_device_quarantined(d))
		return -EPERM;
	t = dsmil_transition(d->state, req);
	if (t->err)
		return t->err;
	ret = dsmil_fw_action(d, t->action);
	if (dsmil_fw_failed(ret))
		dsmil_device_set_state(d, DSMIL_STATE_ERROR,
				       DSMIL_REASON_FW_ERROR);
	else if (!ret)
		dsmil_device_set_state(d, t->to, DSMIL_REASON_REQUEST);
	if (t->action != DSMIL_ACT_NONE && (!ret || dsmil_fw_failed(ret)))
		dsmil_location_reread(d);
	return ret;
}

int dsmil_device_store_state(struct dsmil_device *d, const char *buf,
			     size_t count)
{
	enum dsmil_request req;
	int ret;

	if (dsmil_device_quarantined(d))
		return -EPERM;
	ret = dsmil_parse_request(buf, count, &req);
	if (ret)
		return ret;

	ret = dsmil_lock_ready(d->inst);
	if (ret)
		return ret;
	ret = dsmil_device_request(d, req);
	dsmil_notify_group_state(d->group);
	mutex_unlock(&d->inst->lock);
	return ret;
}

/*
 * After a write through "value", on a backend that can tell, the state
 * of a token with a location follows the location (Dell: on only while
 * it holds the token's own value).  A state that cannot be read is
 * unknown: error.  Without locations (the simulator) a value is no
 * switch.
 */
static void dsmil_device_follow_firmware(struct dsmil_device *d)
{
	if (d->inst->backend->is_active && d->location >= 0)
		dsmil_device_reread(d);
}

int dsmil_device_store_value(struct dsmil_device *d, const char *buf,
			     size_t count)
{
	u32 val;
	int ret;

	if (dsmil_device_quarantined(d))
		return -EPERM;
	ret = dsmil_parse_u32(buf, count, &val);
	if (ret)
		return ret;

	ret = dsmil_lock_ready(d->inst);
	if (ret)
		return ret;
	switch (d->state) {
	case DSMIL_STATE_ACTIVE:
		ret = dsmil_fw_write(d, val);
		if (dsmil_fw_failed(ret))
			/* The firmware's view of the token is now unknown. */
			dsmil_device_set_state(d, DSMIL_STATE_ERROR,
					       DSMIL_REASON_FW_ERROR);
		else if (!ret)
			dsmil_device_follow_firmware(d);
		if (!ret || dsmil_fw_failed(ret))
			dsmil_location_reread(d);
		dsmil_notify_group_state(d->group);
		break;
	case DSMIL_STATE_ABSENT:
		ret = -ENODEV;
		break;
	default:
		ret = -EBUSY;
		break;
	}
	mutex_unlock(&d->inst->lock);
	return ret;
}

int dsmil_device_read_value(struct dsmil_device *d, u32 *val)
{
	int ret;

	ret = dsmil_lock_live(d->inst);
	if (ret)
		return ret;
	if (d->state == DSMIL_STATE_ABSENT)
		ret = -ENODEV;
	else
		ret = dsmil_fw_read(d, val);
	mutex_unlock(&d->inst->lock);
	return ret;
}

/* Members that block a group request until someone deals with them. */
static bool dsmil_device_stuck(const struct dsmil_device *d)
{
	return d->state == DSMIL_STATE_ERROR ||
	       d->state == DSMIL_STATE_EMERGENCY;
}

/*
 * Group active is all-or-nothing: a member in error or emergency refuses
 * the whole request (-EBUSY) before any call, and when a call fails the
 * members already switched on are switched off again.  The rollback only
 * ever deactivates; a member whose rollback fails is in error.  A stop
 * requested meanwhile (by hand or a thermal trip) cancels the rest
 * (-ECANCELED) and the rollback runs as well: a trip of another group
 * must not leave this one half on, and the switching off is what the
 * stop would do anyway, one call per member (never throttled).
 */
static int dsmil_group_activate(struct dsmil_group *g)
{
	unsigned int n = g->inst->cfg.devices_per_group;
	unsigned long changed = 0;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++)
		if (dsmil_device_eligible(g->members[i]) &&
		    dsmil_device_stuck(g->members[i]))
			return -EBUSY;

	for (i = 0; i < n; i++) {
		struct dsmil_device *d = g->members[i];
		enum dsmil_state before = d->state;

		if (!dsmil_device_eligible(d))
			continue;
		ret = dsmil_device_request(d, DSMIL_REQ_ACTIVE);
		if (ret)
			break;
		if (d->state != before)
			changed |= BIT(i);
	}
	if (!ret)
		return 0;
	for_each_set_bit(i, &changed, n)
		if (dsmil_device_request(g->members[i], DSMIL_REQ_READY))
			dev_err_ratelimited(&g->members[i]->dev,
					    "rollback failed: state unknown\n");
	return ret;
}

/*
 * Group ready is best effort: every eligible member is asked, none is
 * ever switched back on.  Members that fail are in error.
 */
static int dsmil_group_deactivate(struct dsmil_group *g)
{
	unsigned int i;
	int ret = 0, err;

	for (i = 0; i < g->inst->cfg.devices_per_group; i++) {
		struct dsmil_device *d = g->members[i];

		if (!dsmil_device_eligible(d))
			continue;
		err = dsmil_device_request(d, DSMIL_REQ_READY);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/**
 * dsmil_group_request() - apply @req to the eligible members of a group
 * @g: the group, with inst->lock held
 * @req: DSMIL_REQ_ACTIVE (all or nothing) or DSMIL_REQ_READY (best effort)
 *
 * Quarantined and absent members are skipped.
 *
 * Return: 0 or the first error.
 */
int dsmil_group_request(struct dsmil_group *g, enum dsmil_request req)
{
	int ret;

	lockdep_assert_held(&g->inst->lock);
	if (req == DSMIL_REQ_ACTIVE)
		ret = dsmil_group_activate(g);
	else if (req == DSMIL_REQ_READY)
		ret = dsmil_group_deactivate(g);
	else
		return -EINVAL;
	dsmil_notify_group_state(g);
	return ret;
}

int dsmil_group_store_state(struct dsmil_group *g, const char *buf,
			    size_t count)
{
	enum dsmil_request req;
	int ret;

	ret = dsmil_parse_request(buf, count, &req);
	if (ret)
		return ret;
	if (req == DSMIL_REQ_RESET)
		return -EINVAL;

	ret = dsmil_lock_ready(g->inst);
	if (ret)
		return ret;
	ret = dsmil_group_request(g, req);
	mutex_unlock(&g->inst->lock);
	return ret;
}

int dsmil_group_read_state(struct dsmil_group *g,
			   enum dsmil_group_state *state)
{
	int ret = dsmil_lock_live(g->inst);

	if (ret)
		return ret;
	*state = dsmil_group_state(g);
	mutex_unlock(&g->inst->lock);
	return 0;
}

int dsmil_group_read_active(struct dsmil_group *g, unsigned int *active)
{
	int ret = dsmil_lock_live(g->inst);

	if (ret)
		return ret;
	*active = dsmil_group_active_count(g);
	mutex_unlock(&g->inst->lock);
	return 0;
}

unsigned int dsmil_group_active_count(struct dsmil_group *g)
{
	unsigned int i, active = 0;

	for (i = 0; i < g->inst->cfg.devices_per_group; i++)
		if (dsmil_device_state(g->members[i]) == DSMIL_STATE_ACTIVE)
			active++;
	return active;
}

/*
 * Lockless: only called from platform attributes, which the driver core
 * removes before the instance is torn down.
 */
unsigned int dsmil_instance_active_count(struct dsmil_instance *inst)
{
	unsigned int i, active = 0;

	for (i = 0; i < inst->cfg.groups; i++)
		active += dsmil_group_active_count(inst->groups[i]);
	return active;
}
