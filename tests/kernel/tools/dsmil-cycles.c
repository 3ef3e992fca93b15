// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-cycles - load/unload cycles of the dsmil modules, for
 * tests/kernel/cycles.bats.
 *
 *   dsmil-cycles -k KO [-s SIM_KO] [-n CYCLES] [-d DEVICES] [-g GROUPS] [-p PARAMS]
 *
 * Each cycle is what insmod and rmmod do, without their exec (~0.2 s
 * each in the TCG guest): finit_module(KO) (the driver, dsmil-84dev),
 * then finit_module(SIM_KO, PARAMS) (dsmil-sim, which creates dsmil.0;
 * without -s, PARAMS go to KO), then the class directory must list
 * DEVICES (default 84) devices "dsmil0:TTTT" and GROUPS (default 7)
 * groups "dsmil0:gG", then delete_module of dsmil_sim and dsmil_84dev,
 * after which the class directory must be gone.  Prints the load and
 * unload times of both together (min/avg/max).  Exit status 1 at the
 * first cycle that fails, naming it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MODNAME	"dsmil_84dev"
#define SIMNAME	"dsmil_sim"
#define CLASS	"/sys/class/dsmil"

struct timing {
	double min, max, sum;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add(struct timing *t, double v, int first)
{
	if (first || v < t->min)
		t->min = v;
	if (first || v > t->max)
		t->max = v;
	t->sum += v;
}

/* Count "dsmil0:gG" groups and "dsmil0:TTTT" devices in the class dir. */
static int count_class(unsigned int *devices, unsigned int *groups)
{
	DIR *dir = opendir(CLASS);
	struct dirent *de;

	*devices = *groups = 0;
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "dsmil0:", 7))
			continue;
		if (de->d_name[7] == 'g')
			(*groups)++;
		else
			(*devices)++;
	}
	closedir(dir);
	return 0;
}

static int load(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return errno;
	err = syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return err;
}

/* delete_module; a short retry while something still holds it */
static int unload_one(const char *name)
{
	int tries, err = 0;

	for (tries = 0; tries < 50; tries++) {
		err = syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
		if (err != EAGAIN && err != EBUSY)
			break;
		usleep(100000);
	}
	return err;
}

static const char *sim_ko;

/* the sim (when used), then the driver */
static int unload(void)
{
	int err = sim_ko ? unload_one(SIMNAME) : 0;

	return err ? err : unload_one(MODNAME);
}

int main(int argc, char **argv)
{
	const char *ko = NULL, *params = "";
	unsigned int cycles = 100, want_dev = 84, want_grp = 7, i, dev, grp;
	struct timing tl = { 0 }, tu = { 0 };
	double t0, t1, start = now_s();
	int c, err;

	while ((c = getopt(argc, argv, "k:s:n:d:g:p:")) != -1) {
		switch (c) {
		case 'k': ko = optarg; break;
		case 's': sim_ko = optarg; break;
		case 'n': cycles = strtoul(optarg, NULL, 0); break;
		case 'd': want_dev = strtoul(optarg, NULL, 0); break;
		case 'g': want_grp = strtoul(optarg, NULL, 0); break;
		case 'p': params = optarg; break;
		default: return 2;
		}
	}
	if (!ko || !cycles) {
		fprintf(stderr, "usage: dsmil-cycles -k KO [-s SIM_KO] [-n CYCLES] [-d DEVICES] [-g GROUPS] [-p PARAMS]\n");
		return 2;
	}
	for (i = 1; i <= cycles; i++) {
		t0 = now_s();
		err = load(ko, sim_ko ? "" : params);
		if (err) {
			printf("cycle %u: load of %s failed: %s\n", i, ko, strerror(err));
			return 1;
		}
		if (sim_ko) {
			err = load(sim_ko, params);
			if (err) {
				printf("cycle %u: load of %s failed: %s\n", i, sim_ko,
				       strerror(err));
				unload_one(MODNAME);
				return 1;
			}
		}
		t1 = now_s();
		add(&tl, t1 - t0, i == 1);
		err = count_class(&dev, &grp);
		if (err || dev != want_dev || grp != want_grp) {
			printf("cycle %u: %s lists %u devices and %u groups, expected %u and %u%s\n",
			       i, CLASS, dev, grp, want_dev, want_grp,
			       err ? " (cannot read it)" : "");
			unload();
			return 1;
		}
		t0 = now_s();
		err = unload();
		if (err) {
			printf("cycle %u: unload failed: %s\n", i, strerror(err));
			return 1;
		}
		add(&tu, now_s() - t0, i == 1);
		if (!access(CLASS, F_OK)) {
			printf("cycle %u: %s still exists after the unload\n", i,
			       CLASS);
			return 1;
		}
	}
	printf("cycles: %u in %.1f s; load ms min/avg/max %.1f/%.1f/%.1f, unload ms %.1f/%.1f/%.1f\n",
	       cycles, now_s() - start, tl.min * 1e3, tl.sum * 1e3 / cycles,
	       tl.max * 1e3, tu.min * 1e3, tu.sum * 1e3 / cycles, tu.max * 1e3);
	return 0;
}
