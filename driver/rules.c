// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the safety rules as data: the quarantine list and the device
 * state machine.  Pure lookups, no side effects, so they can be tested
 * exhaustively (see dsmil-kunit.c).
 */
#include <linux/kernel.h>

#include "dsmil.h"

/* Tokens that must never be written or activated, whatever the instance. */
static const u16 dsmil_quarantine[] = { 0x8009, 0x800a, 0x800b, 0x8019, 0x8029 };

bool dsmil_token_quarantined(u16 token)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dsmil_quarantine); i++)
		if (dsmil_quarantine[i] == token)
			return true;
	return false;
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
