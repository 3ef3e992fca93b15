// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - input parsers shared by sysfs, debugfs and module parameters.
 *
 * Every parser takes the exact bytes the user wrote (buffer and count), so
 * a NUL in the middle of a write is seen and refused instead of silently
 * cutting the input short.  None of them has side effects.
 */
#include <linux/bitops.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "compat.h"
#include "dsmil.h"

static const char * const dsmil_state_names[DSMIL_STATE_COUNT] = {
	[DSMIL_STATE_ABSENT]		= "absent",
	[DSMIL_STATE_READY]		= "ready",
	[DSMIL_STATE_ACTIVE]		= "active",
	[DSMIL_STATE_ERROR]		= "error",
	[DSMIL_STATE_QUARANTINED]	= "quarantined",
	[DSMIL_STATE_EMERGENCY]		= "emergency",
};

static const char * const dsmil_group_state_names[] = {
	[DSMIL_GROUP_READY]	= "ready",
	[DSMIL_GROUP_ACTIVE]	= "active",
	[DSMIL_GROUP_MIXED]	= "mixed",
	[DSMIL_GROUP_ERROR]	= "error",
	[DSMIL_GROUP_EMERGENCY]	= "emergency",
};

static const char * const dsmil_request_names[DSMIL_REQ_COUNT] = {
	[DSMIL_REQ_ACTIVE]	= "active",
	[DSMIL_REQ_READY]	= "ready",
	[DSMIL_REQ_RESET]	= "reset",
};

static const char * const dsmil_reason_events[] = {
	[DSMIL_REASON_THERMAL_TRIP]	= "thermal_trip",
	[DSMIL_REASON_THERMAL_CLEAR]	= "thermal_clear",
	[DSMIL_REASON_EMERGENCY_STOP]	= "emergency_stop",
	[DSMIL_REASON_EMERGENCY_CLEAR]	= "emergency_clear",
	[DSMIL_REASON_RESUME]		= "resume",
};

/* The DSMIL_EVENT= word of a state change, or NULL for plain ones. */
const char *dsmil_reason_event(enum dsmil_reason reason)
{
	if (reason >= ARRAY_SIZE(dsmil_reason_events))
		return NULL;
	return dsmil_reason_events[reason];
}

const char *dsmil_state_name(enum dsmil_state state)
{
	if (state >= DSMIL_STATE_COUNT)
		return "unknown";
	return dsmil_state_names[state];
}

const char *dsmil_group_state_name(enum dsmil_group_state state)
{
	if (state >= ARRAY_SIZE(dsmil_group_state_names))
		return "unknown";
	return dsmil_group_state_names[state];
}

/* A write is text: refuse embedded NULs (and an empty write). */
static bool dsmil_input_is_text(const char *buf, size_t count)
{
	return count && strnlen(buf, count) == count;
}

/**
 * dsmil_parse_request() - parse a write to a "state" file
 * @buf: the bytes written, NUL-terminated after @count
 * @count: number of bytes written
 * @req: result
 *
 * Accepts "active", "ready" or "reset", with or without one trailing
 * newline.
 *
 * Return: 0 or -EINVAL.
 */
int dsmil_parse_request(const char *buf, size_t count, enum dsmil_request *req)
{
	int i;

	if (!dsmil_input_is_text(buf, count))
		return -EINVAL;
	i = sysfs_match_string(dsmil_request_names, buf);
	if (i < 0)
		return -EINVAL;
	*req = i;
	return 0;
}

/**
 * dsmil_parse_u32() - parse a 32-bit value
 * @buf: the bytes written, NUL-terminated after @count
 * @count: number of bytes written
 * @val: result
 *
 * "0x"/"0X" selects hexadecimal, anything else is decimal (a leading zero
 * does not mean octal).  One trailing newline is accepted.
 *
 * Return: 0, -EINVAL if unparsable, -ERANGE if above U32_MAX.
 */
int dsmil_parse_u32(const char *buf, size_t count, u32 *val)
{
	unsigned long long v;
	unsigned int base = 10;
	int ret;

	if (!dsmil_input_is_text(buf, count))
		return -EINVAL;
	if (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		base = 16;	/* kstrtoull() skips the prefix itself */
	ret = kstrtoull(buf, base, &v);
	if (ret)
		return ret;
	if (v > U32_MAX)
		return -ERANGE;
	*val = v;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dsmil_parse_u32, DSMIL_NS);

/**
 * dsmil_parse_group_list() - parse a comma-separated list of group numbers
 * @s: NUL-terminated list, e.g. "0,1"; empty means no group
 * @groups: number of groups; every entry must be below it
 * @mask: result, bit G set for group G
 *
 * Return: 0, -EINVAL on an empty element, garbage, or a duplicate,
 * -ERANGE on a group that does not exist.
 */
int dsmil_parse_group_list(const char *s, unsigned int groups,
			   unsigned long *mask)
{
	unsigned long m = 0;
	char num[12];

	if (groups > BITS_PER_LONG)
		return -EINVAL;
	while (*s && *s != '\n') {
		size_t len = strcspn(s, ",\n");
		unsigned int g;
		int ret;

		if (!len || len >= sizeof(num))
			return -EINVAL;
		memcpy(num, s, len);
		num[len] = '\0';
		ret = kstrtouint(num, 10, &g);
		if (ret)
			return ret;
		if (g >= groups)
			return -ERANGE;
		if (m & BIT(g))
			return -EINVAL;
		m |= BIT(g);
		s += len;
		if (*s == ',' && (!s[1] || s[1] == '\n'))
			return -EINVAL;	/* trailing comma */
		if (*s == ',')
			s++;
	}
	if (*s == '\n' && s[1])
		return -EINVAL;
	*mask = m;
	return 0;
}

/**
 * dsmil_parse_millideg() - parse a temperature in millidegrees Celsius
 * @buf: the bytes written, NUL-terminated after @count
 * @count: number of bytes written
 * @min: lowest accepted value
 * @max: highest accepted value
 * @val: result
 *
 * A decimal integer, optionally signed, with one optional trailing newline,
 * like the kernel's other millidegree files.
 *
 * Return: 0, -EINVAL if unparsable, -ERANGE if outside [@min, @max].
 */
int dsmil_parse_millideg(const char *buf, size_t count, int min, int max,
			 int *val)
{
	int v, ret;

	if (!dsmil_input_is_text(buf, count))
		return -EINVAL;
	ret = kstrtoint(buf, 10, &v);
	if (ret)
		return ret;
	if (v < min || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dsmil_parse_millideg, DSMIL_NS);

/**
 * dsmil_parse_token_list() - parse a comma-separated list of tokens
 * @buf: the bytes written, NUL-terminated after @count
 * @count: number of bytes written
 * @tokens: result array
 * @max: capacity of @tokens
 * @n: result: number of tokens
 *
 * Each token is hexadecimal with "0x" or decimal, at most 0xffff.  An
 * empty write (or a lone newline) is an empty list.
 *
 * Return: 0, -EINVAL on garbage or empty elements, -ERANGE on a token
 * above 0xffff, -E2BIG with more than @max tokens.
 */
int dsmil_parse_token_list(const char *buf, size_t count, u16 *tokens,
			   unsigned int max, unsigned int *n)
{
	unsigned int found = 0;
	char num[16];
	u32 val;
	int ret;

	if (count && strnlen(buf, count) != count)
		return -EINVAL;
	if (!count || sysfs_streq(buf, ""))
		goto out;
	for (;;) {
		size_t len = strcspn(buf, ",\n");

		if (!len || len >= sizeof(num))
			return -EINVAL;
		memcpy(num, buf, len);
		num[len] = '\0';
		ret = dsmil_parse_u32(num, len, &val);
		if (ret)
			return ret;
		if (val > U16_MAX)
			return -ERANGE;
		if (found == max)
			return -E2BIG;
		tokens[found++] = val;
		buf += len;
		if (*buf != ',')
			break;
		buf++;
	}
	if (!sysfs_streq(buf, ""))
		return -EINVAL;
out:
	*n = found;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dsmil_parse_token_list, DSMIL_NS);

/* Take a decimal number at *s and advance past it. */
static int dsmil_take_uint(const char **s, unsigned int *val)
{
	unsigned long long v = 0;
	const char *p = *s;

	if (!isdigit(*p))
		return -EINVAL;
	for (; isdigit(*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > UINT_MAX)
			return -ERANGE;
	}
	*s = p;
	*val = v;
	return 0;
}

/* The end of a written word: nothing, or one newline. */
static bool dsmil_at_end(const char *s)
{
	return !*s || (*s == '\n' && !s[1]);
}

/**
 * dsmil_parse_fault() - parse a fault-injection request
 * @buf: the bytes written, NUL-terminated after @count
 * @count: number of bytes written
 * @spec: result
 *
 * Accepts "none", or "timeout K" / "eio K" with K >= 1 (the next K calls
 * fail), optionally followed by " after N" (the N calls before them
 * succeed), with or without one trailing newline.
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int dsmil_parse_fault(const char *buf, size_t count,
		      struct dsmil_fault_spec *spec)
{
	static const struct {
		const char *word;
		enum dsmil_fault kind;
	} kinds[] = {
		{ "timeout ", DSMIL_FAULT_TIMEOUT },
		{ "eio ", DSMIL_FAULT_EIO },
	};
	struct dsmil_fault_spec s = { };
	const char *p = NULL;
	unsigned int i;
	int ret;

	if (!dsmil_input_is_text(buf, count))
		return -EINVAL;
	if (sysfs_streq(buf, "none")) {
		*spec = s;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(kinds) && !p; i++) {
		if (!strncmp(buf, kinds[i].word, strlen(kinds[i].word))) {
			s.kind = kinds[i].kind;
			p = buf + strlen(kinds[i].word);
		}
	}
	if (!p)
		return -EINVAL;
	ret = dsmil_take_uint(&p, &s.calls);
	if (ret)
		return ret;
	if (!s.calls)
		return -EINVAL;
	if (!strncmp(p, " after ", 7)) {
		p += 7;
		ret = dsmil_take_uint(&p, &s.skip);
		if (ret)
			return ret;
	}
	if (!dsmil_at_end(p))
		return -EINVAL;
	*spec = s;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dsmil_parse_fault, DSMIL_NS);
