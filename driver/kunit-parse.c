// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - KUnit suite "dsmil_parse": every accepted and rejected form of
 * the input parsers (request, u32, group list, fault, millidegrees, token
 * list) and the name tables (parse.c).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "dsmil.h"
#include "kunit.h"

/* ---- dsmil_parse_request() --------------------------------------------- */

struct dsmil_kunit_request_case {
	const char *buf;
	size_t len;
	int ret;
	enum dsmil_request req;
};

static const struct dsmil_kunit_request_case dsmil_kunit_request_cases[] = {
	{ IN("active"), 0, DSMIL_REQ_ACTIVE },
	{ IN("active\n"), 0, DSMIL_REQ_ACTIVE },
	{ IN("ready"), 0, DSMIL_REQ_READY },
	{ IN("ready\n"), 0, DSMIL_REQ_READY },
	{ IN("reset"), 0, DSMIL_REQ_RESET },
	{ IN("reset\n"), 0, DSMIL_REQ_RESET },
	{ IN(""), -EINVAL },
	{ IN("\n"), -EINVAL },
	{ IN(" active"), -EINVAL },
	{ IN("active "), -EINVAL },
	{ IN("\tactive"), -EINVAL },
	{ IN("ACTIVE"), -EINVAL },
	{ IN("Ready"), -EINVAL },
	{ IN("activ"), -EINVAL },
	{ IN("activee"), -EINVAL },
	{ IN("active\n\n"), -EINVAL },
	{ IN("active\r\n"), -EINVAL },
	{ IN("\nactive"), -EINVAL },
	{ IN("act\0ive"), -EINVAL },	/* the NUL is part of the write */
	{ IN("active\0"), -EINVAL },
	{ IN("\0active"), -EINVAL },
	{ IN("absent"), -EINVAL },
	{ IN("error"), -EINVAL },
	{ IN("quarantined"), -EINVAL },
	{ IN("mixed"), -EINVAL },
	{ IN("unknown"), -EINVAL },
	{ IN("1"), -EINVAL },
};

static void dsmil_kunit_request_desc(const struct dsmil_kunit_request_case *c,
				     char *desc)
{
	dsmil_kunit_quote("", c->buf, c->len, desc);
}

KUNIT_ARRAY_PARAM(dsmil_kunit_request, dsmil_kunit_request_cases,
		  dsmil_kunit_request_desc);

static void dsmil_test_parse_request(struct kunit *test)
{
	const struct dsmil_kunit_request_case *c = test->param_value;
	char *buf = dsmil_kunit_input(test, c->buf, c->len);
	enum dsmil_request req = DSMIL_REQ_COUNT;

	KUNIT_EXPECT_EQ(test, dsmil_parse_request(buf, c->len, &req), c->ret);
	/* On failure the result is left alone. */
	KUNIT_EXPECT_EQ(test, req, c->ret ? DSMIL_REQ_COUNT : c->req);
}

/* ---- dsmil_parse_u32() ------------------------------------------------- */

struct dsmil_kunit_u32_case {
	const char *buf;
	size_t len;
	int ret;
	u32 val;
};

#define U32_SENTINEL	0x5a5a5a5aU

static const struct dsmil_kunit_u32_case dsmil_kunit_u32_cases[] = {
	{ IN("0"), 0, 0 },
	{ IN("1"), 0, 1 },
	{ IN("42"), 0, 42 },
	{ IN("00"), 0, 0 },
	{ IN("010"), 0, 10 },		/* a leading zero is not octal */
	{ IN("0x10"), 0, 16 },
	{ IN("0X10"), 0, 16 },
	{ IN("0x0"), 0, 0 },
	{ IN("0xDeadBeef"), 0, 0xdeadbeef },
	{ IN("0xffffffff"), 0, U32_MAX },
	{ IN("0XFFFFFFFF"), 0, U32_MAX },
	{ IN("0x00000000ffffffff"), 0, U32_MAX },
	{ IN("4294967295"), 0, U32_MAX },
	{ IN("1\n"), 0, 1 },
	{ IN("0x1f\n"), 0, 31 },
	{ IN("4294967296"), -ERANGE },
	{ IN("0x100000000"), -ERANGE },
	{ IN("18446744073709551615"), -ERANGE },	/* U64_MAX */
	{ IN("18446744073709551616"), -ERANGE },	/* U64_MAX + 1 */
	{ IN("0x10000000000000000"), -ERANGE },
	{ IN("-1"), -EINVAL },
	{ IN("-0"), -EINVAL },
	{ IN(""), -EINVAL },
	{ IN("\n"), -EINVAL },
	{ IN("0x"), -EINVAL },
	{ IN("0X"), -EINVAL },
	{ IN("0x\n"), -EINVAL },
	{ IN(" 1"), -EINVAL },
	{ IN("1 "), -EINVAL },
	{ IN("1\n\n"), -EINVAL },
	{ IN("\n1"), -EINVAL },
	{ IN("0x0x1"), -EINVAL },
	{ IN("0xg"), -EINVAL },
	{ IN("x1"), -EINVAL },
	{ IN("1a"), -EINVAL },
	{ IN("1.0"), -EINVAL },
	{ IN("0b1"), -EINVAL },
	{ IN("one"), -EINVAL },
	{ IN("1\0"), -EINVAL },
	{ IN("1\0002"), -EINVAL },
	{ IN("\0001"), -EINVAL },
};

static void dsmil_kunit_u32_desc(const struct dsmil_kunit_u32_case *c,
				 char *desc)
{
	dsmil_kunit_quote("", c->buf, c->len, desc);
}

KUNIT_ARRAY_PARAM(dsmil_kunit_u32, dsmil_kunit_u32_cases, dsmil_kunit_u32_desc);

static void dsmil_test_parse_u32(struct kunit *test)
{
	const struct dsmil_kunit_u32_case *c = test->param_value;
	char *buf = dsmil_kunit_input(test, c->buf, c->len);
	u32 val = U32_SENTINEL;

	KUNIT_EXPECT_EQ(test, dsmil_parse_u32(buf, c->len, &val), c->ret);
	KUNIT_EXPECT_EQ(test, val, c->ret ? U32_SENTINEL : c->val);
}

/* ---- dsmil_parse_group_list() ------------------------------------------ */

struct dsmil_kunit_groups_case {
	const char *buf;
	size_t len;
	unsigned int groups;
	int ret;
	unsigned long mask;
};

#define MASK_SENTINEL	0xa5UL

static const struct dsmil_kunit_groups_case dsmil_kunit_groups_cases[] = {
	{ IN(""), DSMIL_GROUPS, 0, 0 },
	{ IN("\n"), DSMIL_GROUPS, 0, 0 },
	{ IN("0"), DSMIL_GROUPS, 0, BIT(0) },
	{ IN("0,1"), DSMIL_GROUPS, 0, BIT(0) | BIT(1) },
	{ IN("1,0"), DSMIL_GROUPS, 0, BIT(0) | BIT(1) },
	{ IN("6"), DSMIL_GROUPS, 0, BIT(6) },
	{ IN("00"), DSMIL_GROUPS, 0, BIT(0) },
	{ IN("0,1,2,3,4,5,6"), DSMIL_GROUPS, 0, GENMASK(6, 0) },
	{ IN("1\n"), DSMIL_GROUPS, 0, BIT(1) },
	{ IN("2,5\n"), DSMIL_GROUPS, 0, BIT(2) | BIT(5) },
	{ IN("7"), DSMIL_GROUPS, -ERANGE },
	{ IN("0,7"), DSMIL_GROUPS, -ERANGE },
	{ IN("010"), DSMIL_GROUPS, -ERANGE },	/* decimal ten */
	{ IN("4294967295"), DSMIL_GROUPS, -ERANGE },
	{ IN("4294967296"), DSMIL_GROUPS, -ERANGE },
	{ IN("0,,1"), DSMIL_GROUPS, -EINVAL },
	{ IN("0,"), DSMIL_GROUPS, -EINVAL },
	{ IN("0,\n"), DSMIL_GROUPS, -EINVAL },
	{ IN(",0"), DSMIL_GROUPS, -EINVAL },
	{ IN(","), DSMIL_GROUPS, -EINVAL },
	{ IN("0,0"), DSMIL_GROUPS, -EINVAL },	/* duplicate */
	{ IN("1,2,1"), DSMIL_GROUPS, -EINVAL },
	{ IN("x"), DSMIL_GROUPS, -EINVAL },
	{ IN("0x1"), DSMIL_GROUPS, -EINVAL },
	{ IN("-1"), DSMIL_GROUPS, -EINVAL },
	{ IN(" 1"), DSMIL_GROUPS, -EINVAL },
	{ IN("1 "), DSMIL_GROUPS, -EINVAL },
	{ IN("0, 1"), DSMIL_GROUPS, -EINVAL },
	{ IN("0;1"), DSMIL_GROUPS, -EINVAL },
	{ IN("1\n\n"), DSMIL_GROUPS, -EINVAL },
	{ IN("1\n2"), DSMIL_GROUPS, -EINVAL },
	{ IN("\n1"), DSMIL_GROUPS, -EINVAL },
	/* other group counts */
	{ IN(""), 0, 0, 0 },
	{ IN("0"), 0, -ERANGE },
	{ IN("0"), 1, 0, BIT(0) },
	{ IN("1"), 1, -ERANGE },
	{ IN("15"), DSMIL_MAX_GROUPS, 0, BIT(15) },
	{ IN("16"), DSMIL_MAX_GROUPS, -ERANGE },
	{ IN("63"), BITS_PER_LONG, 0, BIT(BITS_PER_LONG - 1) },
	{ IN("0"), BITS_PER_LONG + 1, -EINVAL },	/* mask cannot hold it */
	{ IN(""), BITS_PER_LONG + 1, -EINVAL },
};

static void dsmil_kunit_groups_desc(const struct dsmil_kunit_groups_case *c,
				    char *desc)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%u groups ", c->groups);
	dsmil_kunit_quote(prefix, c->buf, c->len, desc);
}

KUNIT_ARRAY_PARAM(dsmil_kunit_groups, dsmil_kunit_groups_cases,
		  dsmil_kunit_groups_desc);

static void dsmil_test_parse_group_list(struct kunit *test)
{
	const struct dsmil_kunit_groups_case *c = test->param_value;
	char *buf = dsmil_kunit_input(test, c->buf, c->len);
	unsigned long mask = MASK_SENTINEL;

	KUNIT_EXPECT_EQ(test, dsmil_parse_group_list(buf, c->groups, &mask),
			c->ret);
	KUNIT_EXPECT_EQ(test, mask, c->ret ? MASK_SENTINEL : c->mask);
}

/* ---- dsmil_parse_token_list() ----------------------------------------- */

#define TOKENS_MAX	4

struct dsmil_kunit_tokens_case {
	const char *buf;
	size_t len;
	unsigned int max;
	int ret;
	unsigned int n;
	u16 tokens[TOKENS_MAX];
};

#define N_SENTINEL	0xa5a5U

static const struct dsmil_kunit_tokens_case dsmil_kunit_tokens_cases[] = {
	{ IN(""), TOKENS_MAX, 0, 0 },
	{ IN("\n"), TOKENS_MAX, 0, 0 },
	{ IN(""), 0, 0, 0 },
	{ IN("0x8000"), TOKENS_MAX, 0, 1, { 0x8000 } },
	{ IN("0X8000"), TOKENS_MAX, 0, 1, { 0x8000 } },
	{ IN("32768"), TOKENS_MAX, 0, 1, { 0x8000 } },
	{ IN("0x8000\n"), TOKENS_MAX, 0, 1, { 0x8000 } },
	{ IN("0x8009,0x800a,0x8019,0x8029"), TOKENS_MAX, 0, 4,
	  { 0x8009, 0x800a, 0x8019, 0x8029 } },
	{ IN("0,65535"), TOKENS_MAX, 0, 2, { 0, 0xffff } },
	{ IN("0xffff,010\n"), TOKENS_MAX, 0, 2, { 0xffff, 10 } },
	{ IN("0x10000"), TOKENS_MAX, -ERANGE },
	{ IN("65536"), TOKENS_MAX, -ERANGE },
	{ IN("1,4294967296"), TOKENS_MAX, -ERANGE },
	{ IN("0x100000000"), TOKENS_MAX, -ERANGE },
	{ IN("1,2,3,4,5"), TOKENS_MAX, -E2BIG },
	{ IN("1,2"), 1, -E2BIG },
	{ IN("1"), 0, -E2BIG },
	{ IN("1,,2"), TOKENS_MAX, -EINVAL },
	{ IN("1,"), TOKENS_MAX, -EINVAL },
	{ IN("1,\n"), TOKENS_MAX, -EINVAL },
	{ IN(",1"), TOKENS_MAX, -EINVAL },
	{ IN(","), TOKENS_MAX, -EINVAL },
	{ IN("1\n2"), TOKENS_MAX, -EINVAL },
	{ IN("1\n\n"), TOKENS_MAX, -EINVAL },
	{ IN("\n\n"), TOKENS_MAX, -EINVAL },
	{ IN(" 1"), TOKENS_MAX, -EINVAL },
	{ IN("1 "), TOKENS_MAX, -EINVAL },
	{ IN("1, 2"), TOKENS_MAX, -EINVAL },
	{ IN("1;2"), TOKENS_MAX, -EINVAL },
	{ IN("-1"), TOKENS_MAX, -EINVAL },
	{ IN("0x"), TOKENS_MAX, -EINVAL },
	{ IN("0x0x1"), TOKENS_MAX, -EINVAL },
	{ IN("x"), TOKENS_MAX, -EINVAL },
	{ IN("1\0"), TOKENS_MAX, -EINVAL },
	{ IN("1\0,2"), TOKENS_MAX, -EINVAL },
	{ IN("\0"), TOKENS_MAX, -EINVAL },
};

static void dsmil_kunit_tokens_desc(const struct dsmil_kunit_tokens_case *c,
				    char *desc)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "max %u ", c->max);
	dsmil_kunit_quote(prefix, c->buf, c->len, desc);
}

KUNIT_ARRAY_PARAM(dsmil_kunit_tokens, dsmil_kunit_tokens_cases,
		  dsmil_kunit_tokens_desc);

static void dsmil_test_parse_token_list(struct kunit *test)
{
	const struct dsmil_kunit_tokens_case *c = test->param_value;
	char *buf = dsmil_kunit_input(test, c->buf, c->len);
	u16 tokens[TOKENS_MAX] = {};
	unsigned int i, n = N_SENTINEL;

	KUNIT_ASSERT_LE(test, c->max, TOKENS_MAX);
	KUNIT_EXPECT_EQ(test, dsmil_parse_token_list(buf, c->len, tokens,
						     c->max, &n), c->ret);
	KUNIT_EXPECT_EQ(test, n, c->ret ? N_SENTINEL : c->n);
	if (c->ret)
		return;
	for (i = 0; i < c->n && i < TOKENS_MAX; i++)
		KUNIT_EXPECT_EQ_MSG(test, tokens[i], c->tokens[i], "token %u", i);
}

/* ---- dsmil_parse_fault() ----------------------------------------------- */

struct dsmil_kunit_fault_case {
	const char *buf;
	size_t len;
	int ret;
	struct dsmil_fault_spec spec;
};

#define F(k, c, s)	{ DSMIL_FAULT_##k, c, s }

static const struct dsmil_kunit_fault_case dsmil_kunit_fault_cases[] = {
	{ IN("none"), 0, F(NONE, 0, 0) },
	{ IN("none\n"), 0, F(NONE, 0, 0) },
	{ IN("timeout 3"), 0, F(TIMEOUT, 3, 0) },
	{ IN("timeout 1\n"), 0, F(TIMEOUT, 1, 0) },
	{ IN("eio 1"), 0, F(EIO, 1, 0) },
	{ IN("eio 1\n"), 0, F(EIO, 1, 0) },
	{ IN("eio 01"), 0, F(EIO, 1, 0) },		/* decimal */
	{ IN("eio 4294967295"), 0, F(EIO, U32_MAX, 0) },
	{ IN("eio 1 after 3"), 0, F(EIO, 1, 3) },
	{ IN("timeout 2 after 0\n"), 0, F(TIMEOUT, 2, 0) },
	{ IN("eio 5 after 4294967295"), 0, F(EIO, 5, U32_MAX) },
	{ IN("eio 4294967296"), -ERANGE },
	{ IN("eio 99999999999999999999999"), -ERANGE },
	{ IN("eio 1 after 4294967296"), -ERANGE },
	{ IN("eio 0"), -EINVAL },
	{ IN("timeout 0\n"), -EINVAL },
	{ IN("eio 0 after 1"), -EINVAL },
	{ IN("eio"), -EINVAL },
	{ IN("eio\n"), -EINVAL },
	{ IN("eio "), -EINVAL },
	{ IN("eio x"), -EINVAL },
	{ IN("eio 1x"), -EINVAL },
	{ IN("eio 0x10"), -EINVAL },
	{ IN("eio +1"), -EINVAL },
	{ IN("eio  1"), -EINVAL },
	{ IN("eio 1 "), -EINVAL },
	{ IN("eio 1\n\n"), -EINVAL },
	{ IN("eio1"), -EINVAL },
	{ IN("EIO 1"), -EINVAL },
	{ IN(" eio 1"), -EINVAL },
	{ IN("eio 1 after"), -EINVAL },
	{ IN("eio 1 after "), -EINVAL },
	{ IN("eio 1 after x"), -EINVAL },
	{ IN("eio 1 after -1"), -EINVAL },
	{ IN("eio 1 after 3 "), -EINVAL },
	{ IN("eio 1  after 3"), -EINVAL },
	{ IN("eio 1 before 3"), -EINVAL },
	{ IN("eio 1\n after 3"), -EINVAL },
	{ IN("timeout -1"), -EINVAL },
	{ IN("timeout"), -EINVAL },
	{ IN("bogus 1"), -EINVAL },
	{ IN("none 1"), -EINVAL },
	{ IN("none after 1"), -EINVAL },
	{ IN("none "), -EINVAL },
	{ IN("None"), -EINVAL },
	{ IN(""), -EINVAL },
	{ IN("\n"), -EINVAL },
	{ IN("eio 1\0"), -EINVAL },
	{ IN("eio \0001"), -EINVAL },
	{ IN("eio 1 after 2\0"), -EINVAL },
	{ IN("none\0"), -EINVAL },
	{ IN("no\0ne"), -EINVAL },
};

static void dsmil_kunit_fault_desc(const struct dsmil_kunit_fault_case *c,
				   char *desc)
{
	dsmil_kunit_quote("", c->buf, c->len, desc);
}

KUNIT_ARRAY_PARAM(dsmil_kunit_fault, dsmil_kunit_fault_cases,
		  dsmil_kunit_fault_desc);

static void dsmil_test_parse_fault(struct kunit *test)
{
	const struct dsmil_kunit_fault_case *c = test->param_value;
	char *buf = dsmil_kunit_input(test, c->buf, c->len);
	const struct dsmil_fault_spec sentinel = {
		.kind = (enum dsmil_fault)7, .calls = 0x5a5a, .skip = 0xa5a5,
	};
	const struct dsmil_fault_spec *want = c->ret ? &sentinel : &c->spec;
	struct dsmil_fault_spec spec = sentinel;

	KUNIT_EXPECT_EQ(test, dsmil_parse_fault(buf, c->len, &spec), c->ret);
	/* On failure the result is left alone. */
	KUNIT_EXPECT_EQ(test, spec.kind, want->kind);
	KUNIT_EXPECT_EQ(test, spec.calls, want->calls);
	KUNIT_EXPECT_EQ(test, spec.skip, want->skip);
}

/* ---- dsmil_parse_millideg() ------------------------------------------- */

struct dsmil_kunit_millideg_case {
	const char *buf;
	size_t len;
	int min, max;
	int ret;
	int val;
};

#define MILLIDEG_SENTINEL	-424242

/* The bounds the thermal files use: threshold, hysteresis; and a full int. */
#define THRESH(s, r, v)	\
	{ IN(s), DSMIL_THERMAL_MIN_THRESHOLD, DSMIL_THERMAL_MAX_THRESHOLD, r, v }
#define HYST(s, r, v)	{ IN(s), 0, DSMIL_THERMAL_MAX_HYSTERESIS, r, v }
#define ANY(s, r, v)	{ IN(s), INT_MIN, INT_MAX, r, v }

static const struct dsmil_kunit_millideg_case dsmil_kunit_millideg_cases[] = {
	THRESH("20000", 0, 20000),
	THRESH("150000", 0, 150000),
	THRESH("85000\n", 0, 85000),
	THRESH("+85000", 0, 85000),	/* "optionally signed" */
	THRESH("085000", 0, 85000),	/* decimal, not octal */
	THRESH("19999", -ERANGE, 0),
	THRESH("150001", -ERANGE, 0),
	THRESH("-85000", -ERANGE, 0),
	HYST("0", 0, 0),
	HYST("50000", 0, 50000),
	HYST("50001", -ERANGE, 0),
	HYST("-1", -ERANGE, 0),
	ANY("-40000", 0, -40000),
	ANY("2147483647", 0, INT_MAX),
	ANY("-2147483648", 0, INT_MIN),
	ANY("2147483648", -ERANGE, 0),
	ANY("-2147483649", -ERANGE, 0),
	ANY("0x10", -EINVAL, 0),
	ANY("85.5", -EINVAL, 0),
	ANY("85C", -EINVAL, 0),
	ANY("", -EINVAL, 0),
	ANY("\n", -EINVAL, 0),
	ANY("-", -EINVAL, 0),
	ANY(" 1", -EINVAL, 0),
	ANY("1 ", -EINVAL, 0),
	ANY("1\n\n", -EINVAL, 0),
	ANY("1\0", -EINVAL, 0),
	ANY("1\0002", -EINVAL, 0),
};

static void dsmil_kunit_millideg_desc(const struct dsmil_kunit_millideg_case *c,
				      char *desc)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "[%d,%d] ", c->min, c->max);
	dsmil_kunit_quote(prefix, c->buf, c->len, desc);
}

KUNIT_ARRAY_PARAM(dsmil_kunit_millideg, dsmil_kunit_millideg_cases,
		  dsmil_kunit_millideg_desc);

static void dsmil_test_parse_millideg(struct kunit *test)
{
	const struct dsmil_kunit_millideg_case *c = test->param_value;
	char *buf = dsmil_kunit_input(test, c->buf, c->len);
	int val = MILLIDEG_SENTINEL;

	KUNIT_EXPECT_EQ(test, dsmil_parse_millideg(buf, c->len, c->min, c->max,
						   &val), c->ret);
	KUNIT_EXPECT_EQ(test, val, c->ret ? MILLIDEG_SENTINEL : c->val);
}

/* ---- names ------------------------------------------------------------- */

static void dsmil_test_names(struct kunit *test)
{
	enum dsmil_request req;
	unsigned int r;

	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_ABSENT), "absent");
	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_READY), "ready");
	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_ACTIVE), "active");
	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_ERROR), "error");
	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_QUARANTINED),
			   "quarantined");
	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_EMERGENCY),
			   "emergency");
	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_COUNT), "unknown");
	KUNIT_EXPECT_STREQ(test, dsmil_group_state_name(DSMIL_GROUP_READY), "ready");
	KUNIT_EXPECT_STREQ(test, dsmil_group_state_name(DSMIL_GROUP_ACTIVE), "active");
	KUNIT_EXPECT_STREQ(test, dsmil_group_state_name(DSMIL_GROUP_MIXED), "mixed");
	KUNIT_EXPECT_STREQ(test, dsmil_group_state_name(DSMIL_GROUP_ERROR), "error");
	KUNIT_EXPECT_STREQ(test, dsmil_group_state_name(DSMIL_GROUP_EMERGENCY), "emergency");
	KUNIT_EXPECT_STREQ(test, dsmil_group_state_name(DSMIL_GROUP_EMERGENCY + 1),
			   "unknown");

	/* Only thermal, emergency and resume changes name an event. */
	KUNIT_EXPECT_NULL(test, dsmil_reason_event(DSMIL_REASON_REQUEST));
	KUNIT_EXPECT_NULL(test, dsmil_reason_event(DSMIL_REASON_FW_ERROR));
	KUNIT_EXPECT_STREQ(test, dsmil_reason_event(DSMIL_REASON_THERMAL_TRIP),
			   "thermal_trip");
	KUNIT_EXPECT_STREQ(test, dsmil_reason_event(DSMIL_REASON_THERMAL_CLEAR),
			   "thermal_clear");
	KUNIT_EXPECT_STREQ(test, dsmil_reason_event(DSMIL_REASON_EMERGENCY_STOP),
			   "emergency_stop");
	KUNIT_EXPECT_STREQ(test, dsmil_reason_event(DSMIL_REASON_EMERGENCY_CLEAR),
			   "emergency_clear");
	KUNIT_EXPECT_STREQ(test, dsmil_reason_event(DSMIL_REASON_RESUME),
			   "resume");
	KUNIT_EXPECT_NULL(test,
			  dsmil_reason_event(DSMIL_REASON_RESUME + 1));

	/* A state a request leads to reads back as that request's word. */
	for (r = 0; r < DSMIL_REQ_COUNT; r++) {
		const char *w = dsmil_kunit_req_names[r];

		KUNIT_ASSERT_EQ(test, dsmil_parse_request(w, strlen(w), &req), 0);
		KUNIT_EXPECT_EQ(test, req, r);
	}
	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_ACTIVE),
			   dsmil_kunit_req_names[DSMIL_REQ_ACTIVE]);
	KUNIT_EXPECT_STREQ(test, dsmil_state_name(DSMIL_STATE_READY),
			   dsmil_kunit_req_names[DSMIL_REQ_READY]);
}

static struct kunit_case dsmil_parse_cases[] = {
	KUNIT_CASE_PARAM(dsmil_test_parse_request, dsmil_kunit_request_gen_params),
	KUNIT_CASE_PARAM(dsmil_test_parse_u32, dsmil_kunit_u32_gen_params),
	KUNIT_CASE_PARAM(dsmil_test_parse_group_list, dsmil_kunit_groups_gen_params),
	KUNIT_CASE_PARAM(dsmil_test_parse_fault, dsmil_kunit_fault_gen_params),
	KUNIT_CASE_PARAM(dsmil_test_parse_millideg, dsmil_kunit_millideg_gen_params),
	KUNIT_CASE_PARAM(dsmil_test_parse_token_list, dsmil_kunit_tokens_gen_params),
	KUNIT_CASE(dsmil_test_names),
	{}
};

static struct kunit_suite dsmil_parse_suite = {
	.name = "dsmil_parse",
	.test_cases = dsmil_parse_cases,
};

kunit_test_suite(dsmil_parse_suite);
