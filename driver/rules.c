// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the safety rules as data: the quarantine list, the device state
 * machine, the token <-> slot layout and the thermal hysteresis decision.
 * Pure functions, no side effects, so they can be tested exhaustively
 * (see dsmil-kunit.c).
 */
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>

#include "compat.h"
#include "dsmil.h"

/* Tokens that must never be written or activated, whatever the instance. */
static const u16 dsmil_quarantine[DSMIL_QUARANTINE_COUNT] = {
	0x8009, 0x800a, 0x800b, 0x8019, 0x8029
};

bool dsmil_token_quarantined(u16 token)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dsmil_quarantine); i++)
		if (dsmil_quarantine[i] == token)
			return true;
	return false;
}

/**
 * dsmil_quarantine_token() - a token of the quarantine list
 * @i: its index, below DSMIL_QUARANTINE_COUNT
 *
 * Return: the token.
 */
u16 dsmil_quarantine_token(unsigned int i)
{
	return dsmil_quarantine[i];
}

/**
 * dsmil_quarantine_match() - the quarantined token that quarantines @token
 * @token: a device's token
 * @loc: its firmware location, or negative when there is none to compare
 * @qloc: the locations of the listed tokens, in list order (negative for
 *	one the firmware does not provide)
 *
 * A listed token is quarantined by itself; any other token is quarantined
 * when it shares its location with a listed one (writing it would change
 * what the listed token reads).
 *
 * Return: @token when listed, the first listed token at @loc, else 0.
 */
u16 dsmil_quarantine_match(u16 token, int loc,
			   const int qloc[DSMIL_QUARANTINE_COUNT])
{
	unsigned int i;

	if (dsmil_token_quarantined(token))
		return token;
	if (loc < 0)
		return 0;
	for (i = 0; i < DSMIL_QUARANTINE_COUNT; i++)
		if (qloc[i] == loc)
			return dsmil_quarantine[i];
	return 0;
}

/**
 * dsmil_firmware_token() - may the firmware backend reach @token?
 * @token: a token
 *
 * Return: true only for the DSMIL tokens 0x8000..0x8053.
 */
bool dsmil_firmware_token(u16 token)
{
	return token >= DSMIL_TOKEN_BASE &&
	       token < DSMIL_TOKEN_BASE + DSMIL_GROUPS * DSMIL_DEVICES_PER_GROUP;
}

#define REFUSE(e)		{ .err = (e) }
#define MOVE(act, state)	{ .action = DSMIL_ACT_##act, .to = DSMIL_STATE_##state }

static const struct dsmil_transition
dsmil_transitions[DSMIL_STATE_COUNT][DSMIL_REQ_COUNT] = {
	[DSMIL_STATE_ABSENT] = {
		[DSMIL_REQ_ACTIVE]	= REFUSE(-ENODEV),
		[DSMIL_REQ_READY]	= REFUSE(-ENODEV),
		[DSMIL_REQ_RESET]	= REFUSE(-ENODEV),
	},
	[DSMIL_STATE_READY] = {
		[DSMIL_REQ_ACTIVE]	= MOVE(ACTIVATE, ACTIVE),
		[DSMIL_REQ_READY]	= MOVE(NONE, READY),
		[DSMIL_REQ_RESET]	= REFUSE(-EBUSY),
	},
	[DSMIL_STATE_ACTIVE] = {
		[DSMIL_REQ_ACTIVE]	= MOVE(NONE, ACTIVE),
		[DSMIL_REQ_READY]	= MOVE(DEACTIVATE, READY),
		[DSMIL_REQ_RESET]	= REFUSE(-EBUSY),
	},
	[DSMIL_STATE_ERROR] = {
		[DSMIL_REQ_ACTIVE]	= REFUSE(-EBUSY),
		[DSMIL_REQ_READY]	= REFUSE(-EBUSY),
		[DSMIL_REQ_RESET]	= MOVE(DEACTIVATE, READY),
	},
	[DSMIL_STATE_QUARANTINED] = {
		[DSMIL_REQ_ACTIVE]	= REFUSE(-EPERM),
		[DSMIL_REQ_READY]	= REFUSE(-EPERM),
		[DSMIL_REQ_RESET]	= REFUSE(-EPERM),
	},
	/* Only the thermal code leaves emergency, and only to ready. */
	[DSMIL_STATE_EMERGENCY] = {
		[DSMIL_REQ_ACTIVE]	= REFUSE(-EBUSY),
		[DSMIL_REQ_READY]	= REFUSE(-EBUSY),
		[DSMIL_REQ_RESET]	= REFUSE(-EBUSY),
	},
};

/**
 * dsmil_transition() - look up what a request does in a given state
 * @from: current state
 * @req: requested change
 *
 * Return: the table entry; ->err is non-zero when the request is refused.
 */
const struct dsmil_transition *dsmil_transition(enum dsmil_state from,
						enum dsmil_request req)
{
	static const struct dsmil_transition invalid = REFUSE(-EINVAL);

	if (from >= DSMIL_STATE_COUNT || req >= DSMIL_REQ_COUNT)
		return &invalid;
	return &dsmil_transitions[from][req];
}

/**
 * dsmil_slot_token() - the token of a device slot
 * @cfg: the instance's configuration
 * @slot: group * devices_per_group + index
 *
 * Tokens are dense from the token base, group by group.
 *
 * Return: the token (the caller keeps @slot below the device count).
 */
u16 dsmil_slot_token(const struct dsmil_config *cfg, unsigned int slot)
{
	return cfg->token_base + slot;
}
EXPORT_SYMBOL_NS_GPL(dsmil_slot_token, DSMIL_NS);

/**
 * dsmil_token_slot() - the device slot of a token
 * @cfg: the instance's configuration
 * @token: a token
 *
 * Return: the slot, or -ENODEV when @token is not one of the instance's.
 */
int dsmil_token_slot(const struct dsmil_config *cfg, u16 token)
{
	unsigned int count = cfg->groups * cfg->devices_per_group;

	if (token < cfg->token_base || token - cfg->token_base >= count)
		return -ENODEV;
	return token - cfg->token_base;
}
EXPORT_SYMBOL_NS_GPL(dsmil_token_slot, DSMIL_NS);

/**
 * dsmil_thermal_hot() - is a temperature hot for a limit, with hysteresis?
 * @temp: the temperature, m°C
 * @limit: the limit, m°C
 * @hyst: the hysteresis, m°C (>= 0)
 * @tripped: whether the limit is tripped now
 *
 * At or above the limit is always hot; a tripped limit stays hot until
 * the temperature has fallen to limit - hysteresis, so that a reading
 * that wobbles around the limit cannot flap (and hysteresis 0 clears
 * just below the limit).
 *
 * Return: true when the limit is (or stays) tripped.
 */
bool dsmil_thermal_hot(int temp, int limit, int hyst, bool tripped)
{
	return temp >= limit || (tripped && temp > limit - hyst);
}

/**
 * dsmil_group_limit() - the thermal limit of a group
 * @g: the group, with inst->lock held
 *
 * Return: the lowest limit of its members, m°C.
 */
int dsmil_group_limit(const struct dsmil_group *g)
{
	unsigned int i;
	int limit = INT_MAX;

	for (i = 0; i < g->inst->cfg.devices_per_group; i++)
		limit = min(limit, g->members[i]->thermal_limit);
	return limit;
}

/**
 * dsmil_group_alarms() - the hwmon alarm bits of a group
 * @g: the group, with inst->lock held
 *
 * Return: DSMIL_ALARM_MAX at or above its limit, DSMIL_ALARM_CRIT at or
 * above the platform threshold, from the last temperature reading.
 */
unsigned int dsmil_group_alarms(const struct dsmil_group *g)
{
	unsigned int alarms = 0;

	if (g->temperature >= dsmil_group_limit(g))
		alarms |= DSMIL_ALARM_MAX;
	if (g->temperature >= g->inst->thermal.threshold)
		alarms |= DSMIL_ALARM_CRIT;
	return alarms;
}
