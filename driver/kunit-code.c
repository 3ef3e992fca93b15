// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the KUnit test module dsmil-kunit.ko: the code under test and
 * the helpers its suites share.  The suites are "dsmil_rules"
 * (kunit-rules.c) and "dsmil_parse" (kunit-parse.c).
 *
 * Built only against kernels with CONFIG_KUNIT (the debug kernel of
 * tests/vm/debug-kernel.sh), see driver/Kbuild.  Results after loading:
 * /sys/kernel/debug/kunit/<suite>/results (KTAP).
 *
 * The code under test has no side effects and no state, so instead of
 * linking against dsmil-84dev.ko (which would need exported symbols, or a
 * loaded driver with its platform devices) this module compiles its own
 * copy of parse.c and rules.c, here.  Their global functions stay local to
 * this module: nothing is exported, so the two modules never clash.
 */
#include <kunit/test.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/string.h>

#include "dsmil.h"
#include "kunit.h"

/*
 * This copy of parse.c and rules.c must export nothing: dsmil-84dev
 * exports the same symbols, and modpost refuses a symbol exported twice.
 */
#include <linux/export.h>
#undef EXPORT_SYMBOL_NS_GPL
#define EXPORT_SYMBOL_NS_GPL(sym, ns)

#include "parse.c"
#include "rules.c"

/* ---- helpers ----------------------------------------------------------- */

const char * const dsmil_kunit_req_names[DSMIL_REQ_COUNT] = {
	[DSMIL_REQ_ACTIVE]	= "active",
	[DSMIL_REQ_READY]	= "ready",
	[DSMIL_REQ_RESET]	= "reset",
};

/* Quote @buf for a KTAP test name: no '#', no newline, no bare NUL. */
void dsmil_kunit_quote(const char *prefix, const char *buf, size_t len,
		       char *desc)
{
	size_t i, n;

	n = scnprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s\"", prefix);
	for (i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (c == '\n')
			n += scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, "\\n");
		else if (!c)
			n += scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, "\\0");
		else if (c == '#' || c == '"' || c == '\\' || !isprint(c))
			n += scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n,
				       "\\x%02x", c);
		else
			n += scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n,
				       "%c", c);
	}
	scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, "\"");
}

/* What sysfs hands a store(): exactly @len bytes, then a NUL. */
char *dsmil_kunit_input(struct kunit *test, const char *buf, size_t len)
{
	char *p = kunit_kmalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	memcpy(p, buf, len);
	p[len] = '\0';
	return p;
}

MODULE_DESCRIPTION("KUnit tests of the dsmil driver's rules, layout and parsers");
MODULE_LICENSE("GPL");
