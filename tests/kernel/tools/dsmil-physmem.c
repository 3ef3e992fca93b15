// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-physmem - physical memory through /dev/mem, for region.bats: plays
 * the firmware that writes DSMIL window headers into reserved memory, and
 * checks that nobody else wrote there.
 *
 *   dsmil-physmem OP ARGS [OP ARGS]...
 *
 *   fill ADDR LEN SEED    u32 at every 4-byte offset o of [ADDR, ADDR+LEN)
 *                         := SEED ^ o ^ 0x5a5a0000
 *   check ADDR LEN SEED   the same range holds that pattern: prints "ok",
 *                         or the first mismatch and exits 1
 *   hdr ADDR TOKEN        a window header at ADDR: "DSML" (0x4c4d5344 LE),
 *                         u32 TOKEN, u32 status 1
 *   r32 ADDR              prints the u32 at ADDR as 0x%08x
 *   w32 ADDR VALUE        writes the u32 VALUE at ADDR
 *   zero ADDR LEN         zeroes [ADDR, ADDR+LEN)
 *
 * Numbers are C literals.  Several operations per run, since one exec
 * costs about 0.25 s in the TCG guest.  Reads and writes go through an
 * mmap(2) of /dev/mem opened O_SYNC (uncached), not read(2)/write(2):
 * those refuse (EFAULT) addresses above the end of RAM, where memmap=
 * may well put the reserved range.  STRICT_DEVMEM lets a program map
 * memory that is not RAM and not claimed by a driver, so this fails (the
 * mmap, EPERM) on a range a driver holds.
 *
 * Exit status: 0 ok, 1 a check failed, 2 usage, 3 /dev/mem refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd = -1;
static long pagesz;

static void usage(void)
{
	fprintf(stderr, "usage: dsmil-physmem {fill A L S|check A L S|hdr A TOKEN|r32 A|w32 A V|zero A L}...\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	if (!s)
		usage();
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		usage();
	return v;
}

/* map [addr, addr+len) -> pointer to addr; base and maplen for munmap */
static volatile uint32_t *map(uint64_t addr, uint64_t len, void **base, size_t *maplen)
{
	uint64_t start = addr & ~(uint64_t)(pagesz - 1);
	void *p;

	if (addr % 4 || len % 4 || !len) {
		fprintf(stderr, "dsmil-physmem: 0x%llx+%llu: not 4-byte aligned\n",
			(unsigned long long)addr, (unsigned long long)len);
		exit(2);
	}
	*maplen = (addr - start + len + pagesz - 1) & ~(uint64_t)(pagesz - 1);
	p = mmap(NULL, *maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)start);
	if (p == MAP_FAILED) {
		fprintf(stderr, "dsmil-physmem: mmap /dev/mem 0x%llx+%zu: %s\n",
			(unsigned long long)start, *maplen, strerror(errno));
		exit(3);
	}
	*base = p;
	return (volatile uint32_t *)((char *)p + (addr - start));
}

static uint32_t pattern(uint64_t seed, uint64_t off)
{
	return (uint32_t)(seed ^ off ^ 0x5a5a0000u);
}

int main(int argc, char **argv)
{
	int i = 1, rc = 0;

	if (argc < 2)
		usage();
	pagesz = sysconf(_SC_PAGESIZE);
	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "dsmil-physmem: /dev/mem: %s\n", strerror(errno));
		return 3;
	}
	while (i < argc) {
		const char *op = argv[i];
		volatile uint32_t *p;
		uint64_t a, l, s, o;
		size_t ml;
		void *b;

		if (!strcmp(op, "fill") || !strcmp(op, "check")) {
			if (i + 3 >= argc)
				usage();
			a = num(argv[i + 1]);
			l = num(argv[i + 2]);
			s = num(argv[i + 3]);
			p = map(a, l, &b, &ml);
			for (o = 0; o < l; o += 4) {
				if (op[0] == 'f') {
					p[o / 4] = pattern(s, o);
				} else if (p[o / 4] != pattern(s, o)) {
					printf("mismatch at 0x%llx: got 0x%08x, want 0x%08x\n",
					       (unsigned long long)(a + o), p[o / 4], pattern(s, o));
					rc = 1;
					break;
				}
			}
			if (op[0] == 'c' && !rc)
				printf("ok\n");
			i += 4;
		} else if (!strcmp(op, "hdr")) {
			if (i + 2 >= argc)
				usage();
			a = num(argv[i + 1]);
			p = map(a, 12, &b, &ml);
			p[0] = 0x4c4d5344;
			p[1] = (uint32_t)num(argv[i + 2]);
			p[2] = 1;
			i += 3;
		} else if (!strcmp(op, "r32")) {
			if (i + 1 >= argc)
				usage();
			p = map(num(argv[i + 1]), 4, &b, &ml);
			printf("0x%08x\n", p[0]);
			i += 2;
		} else if (!strcmp(op, "w32")) {
			if (i + 2 >= argc)
				usage();
			p = map(num(argv[i + 1]), 4, &b, &ml);
			p[0] = (uint32_t)num(argv[i + 2]);
			i += 3;
		} else if (!strcmp(op, "zero")) {
			if (i + 2 >= argc)
				usage();
			a = num(argv[i + 1]);
			l = num(argv[i + 2]);
			p = map(a, l, &b, &ml);
			for (o = 0; o < l; o += 4)
				p[o / 4] = 0;
			i += 3;
		} else {
			usage();
		}
		munmap(b, ml);
		if (rc)
			break;
	}
	close(fd);
	return rc;
}
