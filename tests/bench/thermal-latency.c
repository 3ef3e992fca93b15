// SPDX-License-Identifier: GPL-2.0
/*
 * thermal-latency N: trip and clear the dsmil.0 instance N times and print
 * p50/p99/max of
 *   - the in-kernel stop latency (statistics/last_stop_latency_ns after
 *     each trip), and
 *   - the time userspace sees from the start of the debugfs write that
 *     trips the platform (sim/temp_g0 = 100000, the platform threshold)
 *     until every eligible device's "state" reads "emergency".
 * Before each trip every group is activated; after it sim/temp_g0 = 45000
 * clears everything again.  Files are opened once and re-read with pread()
 * at offset 0 (sysfs regenerates the content each time).
 *
 * Prints, never judges: exit status 0 unless the driver refused a step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLASS	"/sys/class/dsmil"
#define PDEV	"/sys/devices/platform/dsmil.0"
#define SIM	"/sys/kernel/debug/dsmil/dsmil.0/sim"
#define NGROUPS	7
#define NDEVS	84
#define TRIP	"100000"
#define CLEAR	"45000"
#define SCAN_TIMEOUT_NS	(5ULL * 1000000000ULL)

static int dev_fd[NDEVS], ndev;
static unsigned int dev_tok[NDEVS];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		fprintf(stderr, "thermal-latency: open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

static void put(int fd, const char *s, const char *what)
{
	if (pwrite(fd, s, strlen(s), 0) != (ssize_t)strlen(s)) {
		fprintf(stderr, "thermal-latency: write '%s' to %s: %s\n", s, what, strerror(errno));
		exit(1);
	}
}

static ssize_t get(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n < 0) {
		perror("thermal-latency: pread");
		exit(1);
	}
	buf[n] = '\0';
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* nearest-rank percentile of a sorted array */
static uint64_t pct(const uint64_t *v, size_t n, unsigned int p)
{
	size_t rank = (n * p + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

static void report(const char *name, uint64_t *v, size_t n)
{
	long double sum = 0;
	size_t i;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		sum += v[i];
	printf("%-34s p50 %9.1f us   p99 %9.1f us   max %9.1f us   (min %.1f, mean %.1f)\n",
	       name, pct(v, n, 50) / 1e3, pct(v, n, 99) / 1e3, v[n - 1] / 1e3,
	       v[0] / 1e3, (double)(sum / n) / 1e3);
}

int main(int argc, char **argv)
{
	int grp_fd[NGROUPS], temp_fd, last_fd;
	uint64_t *kern, *user, scans_total = 0, max_scans = 0;
	char path[256], buf[64];
	long n, i;
	int g, d;

	n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
	if (n < 1) {
		fprintf(stderr, "usage: %s N (N >= 1)\n", argv[0]);
		return 2;
	}
	kern = calloc(n, sizeof(*kern));
	user = calloc(n, sizeof(*user));
	if (!kern || !user)
		return 2;

	for (d = 0; d < NDEVS; d++) {
		int fd;

		snprintf(path, sizeof(path), CLASS "/dsmil0:%04x/state", 0x8000 + d);
		fd = open_or_die(path, O_RDONLY);
		get(fd, buf, sizeof(buf));
		if (!strcmp(buf, "quarantined\n") || !strcmp(buf, "absent\n")) {
			close(fd);
			continue;
		}
		if (strcmp(buf, "ready\n") && strcmp(buf, "active\n")) {
			fprintf(stderr, "thermal-latency: dsmil0:%04x is %s", 0x8000 + d, buf);
			return 1;
		}
		dev_tok[ndev] = 0x8000 + d;
		dev_fd[ndev++] = fd;
	}
	for (g = 0; g < NGROUPS; g++) {
		snprintf(path, sizeof(path), CLASS "/dsmil0:g%d/state", g);
		grp_fd[g] = open_or_die(path, O_WRONLY);
	}
	temp_fd = open_or_die(SIM "/temp_g0", O_WRONLY);
	last_fd = open_or_die(PDEV "/statistics/last_stop_latency_ns", O_RDONLY);

	for (i = 0; i < n; i++) {
		uint64_t t0, t1, scans = 0;
		int all;

		for (g = 0; g < NGROUPS; g++)
			put(grp_fd[g], "active", "group state");

		t0 = now_ns();
		put(temp_fd, TRIP, "sim/temp_g0");
		do {
			all = 1;
			scans++;
			for (d = 0; d < ndev && all; d++) {
				get(dev_fd[d], buf, sizeof(buf));
				all = !strcmp(buf, "emergency\n");
			}
			t1 = now_ns();
			if (!all && t1 - t0 > SCAN_TIMEOUT_NS) {
				fprintf(stderr, "thermal-latency: trip %ld: dsmil0:%04x still reads %s",
					i, dev_tok[d - 1], buf);
				return 1;
			}
		} while (!all);
		user[i] = t1 - t0;
		scans_total += scans;
		if (scans > max_scans)
			max_scans = scans;

		get(last_fd, buf, sizeof(buf));
		kern[i] = strtoull(buf, NULL, 10);

		put(temp_fd, CLEAR, "sim/temp_g0");
	}

	printf("trips: %ld, devices stopped per trip: %d (all groups active before each trip)\n",
	       n, ndev);
	report("in-kernel stop latency", kern, n);
	report("write -> all states 'emergency'", user, n);
	printf("state scans per trip: mean %.2f, max %llu (1 = stopped before the write returned)\n",
	       (double)scans_total / n, (unsigned long long)max_scans);
	return 0;
}
