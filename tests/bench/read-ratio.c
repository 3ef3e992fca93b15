// SPDX-License-Identifier: GPL-2.0
/*
 * read-ratio: the cost of reading one sysfs file relative to another,
 * e.g. a device's `value` (a firmware token read through the backend)
 * against its read-only `token` (a constant).
 *
 *   read-ratio FILE_A FILE_B [N]
 *
 * Each file is opened once and read N times (default 20000) with pread()
 * at offset 0, in alternating blocks of 1000 so that a noisy host hurts
 * both alike; the best block of each decides.  Prints ns per read of
 * each and the ratio A/B.  Never asserts: a benchmark, not a test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 1000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per read over one block, or a negative value on a read error */
static double block_ns(int fd, const char *path)
{
	char buf[256];
	double t0 = now_ns();
	int i;

	for (i = 0; i < BLOCK; i++) {
		if (pread(fd, buf, sizeof(buf), 0) < 0) {
			fprintf(stderr, "read-ratio: read %s: %s\n", path,
				strerror(errno));
			return -1;
		}
	}
	return (now_ns() - t0) / BLOCK;
}

static int open_or_die(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "read-ratio: open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	double best_a = 1e18, best_b = 1e18, a, b;
	long n = argc > 3 ? atol(argv[3]) : 20000, blocks, i;
	int fa, fb;

	if (argc < 3 || n < BLOCK) {
		fprintf(stderr, "usage: %s FILE_A FILE_B [N >= %d]\n", argv[0], BLOCK);
		return 2;
	}
	fa = open_or_die(argv[1]);
	fb = open_or_die(argv[2]);
	blocks = n / BLOCK;
	for (i = 0; i < blocks; i++) {
		a = block_ns(fa, argv[1]);
		b = block_ns(fb, argv[2]);
		if (a < 0 || b < 0)
			return 1;
		if (a < best_a)
			best_a = a;
		if (b < best_b)
			best_b = b;
	}
	printf("%s: %.0f ns/read\n", argv[1], best_a);
	printf("%s: %.0f ns/read\n", argv[2], best_b);
	printf("ratio: %.2f (best of %ld blocks of %d reads)\n", best_a / best_b,
	       blocks, BLOCK);
	return 0;
}
