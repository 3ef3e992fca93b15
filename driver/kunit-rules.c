// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - KUnit suite "dsmil_rules": the device state machine (every
 * state x every request), the quarantine list (all 65536 tokens), the
 * token <-> slot layout and the thermal hysteresis decision (rules.c).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>

#include "dsmil.h"
#include "kunit.h"

/* ---- the state machine ------------------------------------------------- */

struct dsmil_kunit_transition {
	enum dsmil_state from;
	enum dsmil_request req;
	int err;
	enum dsmil_action action;	/* DSMIL_ACT_NONE when refused */
	enum dsmil_state to;		/* meaningful only when err == 0 */
};

#define T_MOVE(f, r, a, t)	\
	{ DSMIL_STATE_##f, DSMIL_REQ_##r, 0, DSMIL_ACT_##a, DSMIL_STATE_##t }
#define T_REFUSE(f, r, e)	\
	{ DSMIL_STATE_##f, DSMIL_REQ_##r, e, DSMIL_ACT_NONE, DSMIL_STATE_##f }

/* Every state x every request, in enum order. */
static const struct dsmil_kunit_transition dsmil_kunit_transitions[] = {
	/* An absent device has nothing to switch. */
	T_REFUSE(ABSENT, ACTIVE, -ENODEV),
	T_REFUSE(ABSENT, READY, -ENODEV),
	T_REFUSE(ABSENT, RESET, -ENODEV),
	/* Ready: activate; ready again is a no-op; reset is for errors only. */
	T_MOVE(READY, ACTIVE, ACTIVATE, ACTIVE),
	T_MOVE(READY, READY, NONE, READY),
	T_REFUSE(READY, RESET, -EBUSY),
	/* Active: active again is a no-op; ready deactivates. */
	T_MOVE(ACTIVE, ACTIVE, NONE, ACTIVE),
	T_MOVE(ACTIVE, READY, DEACTIVATE, READY),
	T_REFUSE(ACTIVE, RESET, -EBUSY),
	/* Error: only a reset (which deactivates) leaves it. */
	T_REFUSE(ERROR, ACTIVE, -EBUSY),
	T_REFUSE(ERROR, READY, -EBUSY),
	T_MOVE(ERROR, RESET, DEACTIVATE, READY),
	/* Quarantined: nothing, ever. */
	T_REFUSE(QUARANTINED, ACTIVE, -EPERM),
	T_REFUSE(QUARANTINED, READY, -EPERM),
	T_REFUSE(QUARANTINED, RESET, -EPERM),
	/* Emergency: only the thermal code leaves it, never a request. */
	T_REFUSE(EMERGENCY, ACTIVE, -EBUSY),
	T_REFUSE(EMERGENCY, READY, -EBUSY),
	T_REFUSE(EMERGENCY, RESET, -EBUSY),
};

/* A new state or request must be added to the table above. */
static_assert(ARRAY_SIZE(dsmil_kunit_transitions) ==
	      DSMIL_STATE_COUNT * DSMIL_REQ_COUNT);

static void dsmil_kunit_transition_desc(const struct dsmil_kunit_transition *t,
					char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s + %s", dsmil_state_name(t->from),
		 dsmil_kunit_req_names[t->req]);
}

KUNIT_ARRAY_PARAM(dsmil_kunit_transition, dsmil_kunit_transitions,
		  dsmil_kunit_transition_desc);

static void dsmil_test_transition(struct kunit *test)
{
	const struct dsmil_kunit_transition *want = test->param_value;
	const struct dsmil_transition *got = dsmil_transition(want->from, want->req);

	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->err, want->err);
	/* A refused request must not ask for any firmware call. */
	KUNIT_EXPECT_EQ(test, got->action, want->action);
	if (!want->err)
		KUNIT_EXPECT_EQ(test, got->to, want->to);
}

/* The expected table above lists each (state, request) pair exactly once. */
static void dsmil_test_transition_table_complete(struct kunit *test)
{
	unsigned int seen[DSMIL_STATE_COUNT][DSMIL_REQ_COUNT] = {};
	unsigned int i, s, r;

	for (i = 0; i < ARRAY_SIZE(dsmil_kunit_transitions); i++) {
		const struct dsmil_kunit_transition *t = &dsmil_kunit_transitions[i];

		KUNIT_ASSERT_LT(test, t->from, DSMIL_STATE_COUNT);
		KUNIT_ASSERT_LT(test, t->req, DSMIL_REQ_COUNT);
		seen[t->from][t->req]++;
	}
	for (s = 0; s < DSMIL_STATE_COUNT; s++)
		for (r = 0; r < DSMIL_REQ_COUNT; r++)
			KUNIT_EXPECT_EQ_MSG(test, seen[s][r], 1,
					    "state %u request %u", s, r);
}

static void dsmil_test_transition_out_of_range(struct kunit *test)
{
	static const struct {
		unsigned int from, req;
	} cases[] = {
		{ DSMIL_STATE_COUNT, DSMIL_REQ_ACTIVE },
		{ DSMIL_STATE_COUNT, DSMIL_REQ_READY },
		{ DSMIL_STATE_COUNT, DSMIL_REQ_RESET },
		{ DSMIL_STATE_ABSENT, DSMIL_REQ_COUNT },
		{ DSMIL_STATE_READY, DSMIL_REQ_COUNT },
		{ DSMIL_STATE_ACTIVE, DSMIL_REQ_COUNT },
		{ DSMIL_STATE_ERROR, DSMIL_REQ_COUNT },
		{ DSMIL_STATE_QUARANTINED, DSMIL_REQ_COUNT },
		{ DSMIL_STATE_EMERGENCY, DSMIL_REQ_COUNT },
		{ DSMIL_STATE_COUNT, DSMIL_REQ_COUNT },
		{ DSMIL_STATE_COUNT + 1, DSMIL_REQ_ACTIVE },
		{ DSMIL_STATE_READY, DSMIL_REQ_COUNT + 1 },
		{ 255, DSMIL_REQ_ACTIVE },
		{ DSMIL_STATE_ACTIVE, 255 },
		{ INT_MAX, DSMIL_REQ_ACTIVE },
		{ DSMIL_STATE_ACTIVE, INT_MAX },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct dsmil_transition *t =
			dsmil_transition(cases[i].from, cases[i].req);

		KUNIT_ASSERT_NOT_NULL(test, t);
		KUNIT_EXPECT_EQ_MSG(test, t->err, -EINVAL, "state %u request %u",
				    cases[i].from, cases[i].req);
		KUNIT_EXPECT_EQ_MSG(test, t->action, DSMIL_ACT_NONE,
				    "state %u request %u", cases[i].from,
				    cases[i].req);
	}
}

/* ---- quarantine -------------------------------------------------------- */

static const u16 dsmil_kunit_quarantine[] = { 0x8009, 0x800a, 0x800b, 0x8019, 0x8029 };

static void dsmil_test_quarantine_listed(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dsmil_kunit_quarantine); i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      dsmil_token_quarantined(dsmil_kunit_quarantine[i]),
				      "token 0x%04x", dsmil_kunit_quarantine[i]);
}

static void dsmil_test_quarantine_neighbours(struct kunit *test)
{
	static const u16 clear[] = {
		0x8008, 0x800c,		/* around 0x8009..0x800b */
		0x8018, 0x801a,		/* around 0x8019 */
		0x8028, 0x802a,		/* around 0x8029 */
		0x8000, 0x8053,		/* first and last of the 84 devices */
		0x0009, 0x0019, 0x0029,	/* same low bits, no base */
		0x0000, 0xffff,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(clear); i++)
		KUNIT_EXPECT_FALSE_MSG(test, dsmil_token_quarantined(clear[i]),
				       "token 0x%04x", clear[i]);
}

/* Exactly the five tokens, out of all 65536. */
static void dsmil_test_quarantine_exhaustive(struct kunit *test)
{
	unsigned int token, i, found = 0;

	for (token = 0; token <= U16_MAX; token++) {
		bool listed = false;

		for (i = 0; i < ARRAY_SIZE(dsmil_kunit_quarantine); i++)
			listed |= dsmil_kunit_quarantine[i] == token;
		if (dsmil_token_quarantined(token) != listed)
			KUNIT_FAIL(test, "token 0x%04x: quarantined=%d, expected %d",
				   token, !listed, listed);
		found += listed;
	}
	KUNIT_EXPECT_EQ(test, found, ARRAY_SIZE(dsmil_kunit_quarantine));
}

/*
 * Quarantine by location, on a table like the emulated firmware's: the
 * listed tokens at 0x0a09, 0x0a0a, 0x0a0b, 0x0a19, 0x0a29.
 */
static const int dsmil_kunit_qloc[DSMIL_QUARANTINE_COUNT] = {
	0x0a09, 0x0a0a, 0x0a0b, 0x0a19, 0x0a29
};

static void dsmil_test_quarantine_by_location(struct kunit *test)
{
	static const int none[DSMIL_QUARANTINE_COUNT] = { -19, -19, -19, -19, -19 };
	static const int shared[DSMIL_QUARANTINE_COUNT] = {
		0x0a09, 0x0a19, 0x0a0b, 0x0a19, 0x0a29
	};
	unsigned int i;

	/* a listed token is quarantined by itself, located or not */
	for (i = 0; i < DSMIL_QUARANTINE_COUNT; i++) {
		u16 t = dsmil_kunit_quarantine[i];

		KUNIT_EXPECT_EQ(test, dsmil_quarantine_token(i), t);
		KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(t, dsmil_kunit_qloc[i],
							     dsmil_kunit_qloc), t);
		KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(t, -19, none), t);
	}
	/* a token at a listed token's location is quarantined by it */
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8008, 0x0a09, dsmil_kunit_qloc),
			0x8009);
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x800c, 0x0a0b, dsmil_kunit_qloc),
			0x800b);
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8050, 0x0a29, dsmil_kunit_qloc),
			0x8029);
	/* two listed tokens on one location: the first in list order */
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8030, 0x0a19, shared), 0x800a);
	/* a location of its own, no location, no listed locations: free */
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8008, 0x0a08, dsmil_kunit_qloc), 0);
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8008, -19, dsmil_kunit_qloc), 0);
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8008, 0x0a09, none), 0);
	/* a negative location never matches a listed token without one */
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8008, -19, none), 0);
	/* neighbours of the listed locations */
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8008, 0x0a08, shared), 0);
	KUNIT_EXPECT_EQ(test, dsmil_quarantine_match(0x8008, 0x0a2a, shared), 0);
}

/* The firmware backend reaches 0x8000..0x8053 and nothing else. */
static void dsmil_test_firmware_tokens(struct kunit *test)
{
	unsigned int token, n = 0;

	for (token = 0; token <= U16_MAX; token++) {
		bool want = token >= 0x8000 && token <= 0x8053;

		if (dsmil_firmware_token(token) != want)
			KUNIT_FAIL(test, "token 0x%04x: firmware token=%d, expected %d",
				   token, !want, want);
		n += want;
	}
	KUNIT_EXPECT_EQ(test, n, 84);
	KUNIT_EXPECT_FALSE(test, dsmil_firmware_token(0x0175));
	KUNIT_EXPECT_FALSE(test, dsmil_firmware_token(0x7fff));
	KUNIT_EXPECT_FALSE(test, dsmil_firmware_token(0x8054));
}

/* ---- token <-> slot layout ---------------------------------------------- */

/* The load-time platform: 7 groups of 12 from 0x8000. */
static void dsmil_test_layout_default(struct kunit *test)
{
	struct dsmil_config cfg = {
		.groups = 7, .devices_per_group = 12, .token_base = 0x8000,
	};

	KUNIT_EXPECT_EQ(test, dsmil_slot_token(&cfg, 0), 0x8000);
	KUNIT_EXPECT_EQ(test, dsmil_slot_token(&cfg, 9), 0x8009);
	/* group 2, index 5 */
	KUNIT_EXPECT_EQ(test, dsmil_slot_token(&cfg, 2 * 12 + 5), 0x801d);
	KUNIT_EXPECT_EQ(test, dsmil_slot_token(&cfg, 83), 0x8053);
	KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, 0x8000), 0);
	KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, 0x8029), 41);
	KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, 0x8053), 83);
	KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, 0x7fff), -ENODEV);
	KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, 0x8054), -ENODEV);
	KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, 0x0000), -ENODEV);
	KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, 0xffff), -ENODEV);
}

struct dsmil_kunit_layout_case {
	unsigned int groups, per_group;
	u16 base;
	u16 last;	/* token of the last slot */
};

static const struct dsmil_kunit_layout_case dsmil_kunit_layouts[] = {
	{ 7, 12, 0x8000, 0x8053 },
	{ 1, 1, 0x0000, 0x0000 },
	{ 1, 1, 0xffff, 0xffff },
	{ 16, 16, 0x0000, 0x00ff },
	{ 16, 16, 0xff00, 0xffff },
	{ 3, 5, 0x1234, 0x1242 },
	{ 2, 12, 0x8008, 0x801f },
};

static void dsmil_kunit_layout_desc(const struct dsmil_kunit_layout_case *c,
				    char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%ux%u from 0x%04x", c->groups,
		 c->per_group, c->base);
}

KUNIT_ARRAY_PARAM(dsmil_kunit_layout, dsmil_kunit_layouts,
		  dsmil_kunit_layout_desc);

/* Every slot maps to its token and back; the tokens around do not. */
static void dsmil_test_layout_roundtrip(struct kunit *test)
{
	const struct dsmil_kunit_layout_case *c = test->param_value;
	struct dsmil_config cfg = {
		.groups = c->groups, .devices_per_group = c->per_group,
		.token_base = c->base,
	};
	unsigned int slot, count = c->groups * c->per_group;

	KUNIT_EXPECT_EQ(test, dsmil_slot_token(&cfg, count - 1), c->last);
	for (slot = 0; slot < count; slot++) {
		u16 token = dsmil_slot_token(&cfg, slot);

		KUNIT_EXPECT_EQ(test, token, c->base + slot);
		KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, token), (int)slot);
	}
	if (c->base > 0)
		KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, c->base - 1), -ENODEV);
	if (c->last < U16_MAX)
		KUNIT_EXPECT_EQ(test, dsmil_token_slot(&cfg, c->last + 1), -ENODEV);
}

/* ---- thermal hysteresis ------------------------------------------------- */

struct dsmil_kunit_hot_case {
	int temp, limit, hyst;
	bool tripped, hot;
};

static const struct dsmil_kunit_hot_case dsmil_kunit_hot_cases[] = {
	/* Not tripped: hot exactly from the limit up. */
	{ 84999, 85000, 2000, false, false },
	{ 85000, 85000, 2000, false, true },
	{ 85001, 85000, 2000, false, true },
	{ 45000, 85000, 2000, false, false },
	/* Tripped: stays hot until it is down to limit - hysteresis. */
	{ 85000, 85000, 2000, true, true },
	{ 84000, 85000, 2000, true, true },
	{ 83001, 85000, 2000, true, true },
	{ 83000, 85000, 2000, true, false },
	{ 20000, 85000, 2000, true, false },
	/* Hysteresis 0: clears just below the limit, never flaps. */
	{ 84999, 85000, 0, true, false },
	{ 85000, 85000, 0, true, true },
	/* Negative temperatures and limits. */
	{ -5000, -4000, 1000, false, false },
	{ -4000, -4000, 1000, false, true },
	{ -4500, -4000, 1000, true, true },
	{ -5000, -4000, 1000, true, false },
	/* The extremes of the millidegree range cannot overflow. */
	{ INT_MAX, INT_MAX, 0, false, true },
	{ INT_MIN, INT_MAX, 0, true, false },
	{ 150000, 150000, 150000, true, true },
	{ 0, 150000, 150000, true, false },
};

static void dsmil_kunit_hot_desc(const struct dsmil_kunit_hot_case *c,
				 char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%d vs %d hyst %d %s", c->temp,
		 c->limit, c->hyst, c->tripped ? "tripped" : "clear");
}

KUNIT_ARRAY_PARAM(dsmil_kunit_hot, dsmil_kunit_hot_cases, dsmil_kunit_hot_desc);

static void dsmil_test_thermal_hot(struct kunit *test)
{
	const struct dsmil_kunit_hot_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, dsmil_thermal_hot(c->temp, c->limit, c->hyst,
						c->tripped), c->hot);
}

static struct kunit_case dsmil_rules_cases[] = {
	KUNIT_CASE(dsmil_test_transition_table_complete),
	KUNIT_CASE_PARAM(dsmil_test_transition, dsmil_kunit_transition_gen_params),
	KUNIT_CASE(dsmil_test_transition_out_of_range),
	KUNIT_CASE(dsmil_test_quarantine_listed),
	KUNIT_CASE(dsmil_test_quarantine_neighbours),
	KUNIT_CASE(dsmil_test_quarantine_exhaustive),
	KUNIT_CASE(dsmil_test_quarantine_by_location),
	KUNIT_CASE(dsmil_test_firmware_tokens),
	KUNIT_CASE(dsmil_test_layout_default),
	KUNIT_CASE_PARAM(dsmil_test_layout_roundtrip, dsmil_kunit_layout_gen_params),
	KUNIT_CASE_PARAM(dsmil_test_thermal_hot, dsmil_kunit_hot_gen_params),
	{}
};

static struct kunit_suite dsmil_rules_suite = {
	.name = "dsmil_rules",
	.test_cases = dsmil_rules_cases,
};

kunit_test_suite(dsmil_rules_suite);
