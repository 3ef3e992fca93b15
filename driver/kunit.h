/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsmil - what the KUnit suites (kunit-*.c) share; test module only.
 *
 * The expected values in the suites are written out by hand from the
 * documented rules (driver/dsmil.h, abi/), not computed from the code.
 * Every parser input is copied into a heap buffer of exactly count + 1
 * bytes (the NUL sysfs puts after the data), so KASAN reports any read
 * past what a write could have supplied.
 */
#ifndef _DSMIL_KUNIT_H
#define _DSMIL_KUNIT_H

#include <kunit/test.h>

#include "dsmil.h"

/* A string literal with its length, so inputs may contain NULs. */
#define IN(s)	.buf = (s), .len = sizeof(s) - 1

/* The words a state write accepts, by request. */
extern const char * const dsmil_kunit_req_names[DSMIL_REQ_COUNT];

void dsmil_kunit_quote(const char *prefix, const char *buf, size_t len,
		       char *desc);
char *dsmil_kunit_input(struct kunit *test, const char *buf, size_t len);

#endif /* _DSMIL_KUNIT_H */
