// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-stress - concurrency stress of the dsmil driver, for
 * tests/kernel/stress.bats.
 *
 *   dsmil-stress -k SIM_KO [-d SECONDS] [-s SEED] [-t HANG_S] [-r RMMOD_MS]
 *   dsmil-stress -u
 *   dsmil-stress -c
 *
 * SIM_KO is dsmil-sim.ko, the module that holds the simulated instances,
 * their configfs items and debugfs knobs; the driver (dsmil-84dev) stays
 * loaded throughout.  -u tries one unload of dsmil_sim (delete_module,
 * O_NONBLOCK) and prints "unload: ok" or "unload: ERRNO": rmmod(8) hides
 * the kernel's errno behind its own "in use" check.  -c checks the states
 * of dsmil.0 (dsmil-states.h).
 *
 * Forks workers that hammer instance dsmil.0 for SECONDS (default 30):
 *   reader    x2  reads every device, group and platform file
 *   state         device state writes (active, ready, reset)
 *   value         value writes of random numbers
 *   thermal       device and group thermal_limit, sim temp_gN knobs
 *   group         group state switches (active, ready)
 *   estop         emergency_stop 1, a pause, emergency_stop 0
 *   configfs  x2  mkdir, configure, enable, use, disable or not, rmdir
 *   cfsuser       uses the configfs instances' devices while they come
 *                 and go: state writes, reads through a held fd
 *   rmmod         delete_module(dsmil_sim) every RMMOD_MS (default 300);
 *                 when it succeeds, finit_module(SIM_KO) at once
 *   holder        keeps a state file open across unloads: once the
 *                 module it was opened on is gone, reads must fail with
 *                 ENODEV
 * Errnos the contract allows (ENOENT/ENODEV while the module or an
 * instance is away, EBUSY, EINVAL, EPERM, ERANGE, ETIMEDOUT on a starved
 * vCPU...) are counted; any other, a stale read that succeeds, a failed
 * reload, a worker making no progress for HANG_S seconds (default 60), a
 * worker kind with no successful operation, or a kernel splat on
 * /dev/kmsg makes the exit status 1.  Afterwards the instance is put back:
 * configfs directories removed, emergency stop cleared, temperatures and
 * limits at their defaults, devices in "error" reset.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dsmil-states.h"

#define MODNAME		"dsmil_sim"
#define CLASS		"/sys/class/dsmil"
#define PDEV		"/sys/devices/platform/dsmil.0"
#define SIM		"/sys/kernel/debug/dsmil/dsmil.0/sim"
#define CFS		"/sys/kernel/config/dsmil"
#define NDEV		84
#define NGRP		7
#define MAX_ERRNO	160
#define MAX_BAD		40

enum kind {
	K_READER, K_STATE, K_VALUE, K_THERMAL, K_GROUP, K_ESTOP, K_CONFIGFS,
	K_CFSUSER, K_RMMOD, K_HOLDER, K_RESTORE, K_COUNT
};

static const char *const kind_names[K_COUNT] = {
	"reader", "state", "value", "thermal", "group", "estop", "configfs",
	"cfsuser", "rmmod", "holder", "restore",
};

static const int kind_workers[K_COUNT] = { 2, 1, 1, 1, 1, 1, 2, 1, 1, 1, 0 };

#define MAX_WORKERS	16

struct worker {
	int kind, index;
	pid_t pid;
	unsigned long progress;
	char what[320];
};

struct kind_stats {
	unsigned long ops, ok;
	unsigned long err[MAX_ERRNO];
};

struct shared {
	int stop;
	unsigned long gen;		/* odd from an unload until the reload */
	struct worker w[MAX_WORKERS];
	struct kind_stats ks[K_COUNT];
	unsigned long rmmod_ok, rmmod_busy, reloads;
	unsigned long stale_checks, stale_enodev, fresh_reads;
	unsigned long instances;
	int nbad, nlines;
	char bad[MAX_BAD][256];
	unsigned long repeats[MAX_BAD];
	int fatal;
};

static struct shared *sh;
static const char *ko_path;
static unsigned int rmmod_ms = 300;

/* ---- helpers --------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(uint64_t *s, unsigned int n)
{
	return n ? rnd(s) % n : 0;
}

/* Note a finding; one line per distinct message (duplicates counted). */
static void record_bad(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int i, n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&sh->nbad, 1, __ATOMIC_SEQ_CST);
	n = __atomic_load_n(&sh->nlines, __ATOMIC_SEQ_CST);
	for (i = 0; i < n && i < MAX_BAD; i++) {
		if (!strcmp(sh->bad[i], msg)) {
			__atomic_fetch_add(&sh->repeats[i], 1, __ATOMIC_RELAXED);
			return;
		}
	}
	i = __atomic_fetch_add(&sh->nlines, 1, __ATOMIC_SEQ_CST);
	if (i < MAX_BAD)
		memcpy(sh->bad[i], msg, sizeof(msg));
}

static unsigned long gen_now(void)
{
	return __atomic_load_n(&sh->gen, __ATOMIC_SEQ_CST);
}

/* Errnos a worker may meet while everything else churns. */
static int allowed(int kind, int e)
{
	switch (e) {
	case ENOENT:	/* module or instance away */
	case ENODEV:
	case EBUSY:
	case EINVAL:	/* e.g. an enable of a config that cannot be */
	case EPERM:	/* quarantined */
	case ERANGE:	/* limit above a threshold */
	case EINTR:
	case ETIMEDOUT:	/* a firmware call starved of CPU */
	case ENXIO:	/* debugfs: opening a knob of a module going away */
		return 1;
	case EEXIST:
	case ENOTEMPTY:
		return kind == K_CONFIGFS;
	case EAGAIN:
		return kind == K_RMMOD;
	case ECANCELED:	/* state writes, value reads and writes: an
			 * emergency stop came meanwhile
			 * (abi/sysfs-class-dsmil) */
		return kind == K_STATE || kind == K_GROUP ||
		       kind == K_VALUE || kind == K_READER;
	default:
		return 0;
	}
}

static void account(struct worker *w, const char *path, int err)
{
	struct kind_stats *ks = &sh->ks[w->kind];

	__atomic_fetch_add(&ks->ops, 1, __ATOMIC_RELAXED);
	if (!err)
		__atomic_fetch_add(&ks->ok, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&ks->err[err < MAX_ERRNO ? err : 0], 1,
				   __ATOMIC_RELAXED);
	if (err && !allowed(w->kind, err))
		record_bad("%s%d: %s: %s", kind_names[w->kind], w->index, path,
			   strerror(err));
	__atomic_fetch_add(&w->progress, 1, __ATOMIC_RELAXED);
	/* the module is away: let the reload have the CPU */
	if (err == ENOENT && w->kind != K_RESTORE)
		msleep(1);
}

/* One open/write/close of @s; accounted. 0 or the errno. */
static int wr(struct worker *w, const char *path, const char *s)
{
	int fd, err = 0;

	snprintf(w->what, sizeof(w->what), "write '%s' to %s", s, path);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
	} else {
		if (write(fd, s, strlen(s)) < 0)
			err = errno;
		close(fd);
	}
	account(w, path, err);
	return err;
}

/* One open/read/close; accounted.  0 or the errno; text in @buf. */
static int rd(struct worker *w, const char *path, char *buf, size_t size)
{
	int fd, err = 0;
	ssize_t n = 0;

	snprintf(w->what, sizeof(w->what), "read %s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
	} else {
		n = read(fd, buf, size - 1);
		if (n < 0) {
			err = errno;
			n = 0;
		}
		close(fd);
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	account(w, path, err);
	return err;
}

static void dev_path(char *p, size_t n, unsigned int i, const char *file)
{
	snprintf(p, n, CLASS "/dsmil0:%04x/%s", 0x8000 + i, file);
}

/* ---- workers --------------------------------------------------------- */

static void do_reader(struct worker *w, uint64_t *r)
{
	static const char *const dev_files[] = {
		"state", "value", "thermal_limit", "statistics/reads",
		"statistics/activations", "token", "quarantined",
	};
	static const char *const grp_files[] = {
		"state", "active_count", "temperature", "thermal_limit",
	};
	static const char *const plat_files[] = {
		PDEV "/active_count", PDEV "/emergency_stop",
		PDEV "/thermal_threshold", PDEV "/statistics/thermal_trips",
		SIM "/token_writes", SIM "/fault",
	};
	char path[256], buf[4096];
	unsigned int i = below(r, NDEV + NGRP + 6);

	if (i < NDEV) {
		dev_path(path, sizeof(path), i, dev_files[below(r, 7)]);
	} else if (i < NDEV + NGRP) {
		snprintf(path, sizeof(path), CLASS "/dsmil0:g%u/%s", i - NDEV,
			 grp_files[below(r, 4)]);
	} else {
		snprintf(path, sizeof(path), "%s", plat_files[i - NDEV - NGRP]);
	}
	rd(w, path, buf, sizeof(buf));
}

static void do_state(struct worker *w, uint64_t *r)
{
	static const char *const req[] = { "active\n", "ready\n", "reset\n" };
	char path[256];

	dev_path(path, sizeof(path), below(r, NDEV), "state");
	wr(w, path, req[below(r, 3)]);
}

/*
 * A value write needs an active device: when it is refused with EBUSY,
 * activate the device (not counted as a value operation) and try once
 * more, so that the value path is exercised even on a slow kernel where
 * emergency stops and the state worker leave few devices active.
 */
static void do_value(struct worker *w, uint64_t *r)
{
	char path[256], state[256], val[32];
	unsigned int d = below(r, NDEV);
	int fd;

	dev_path(path, sizeof(path), d, "value");
	snprintf(val, sizeof(val), "0x%08x\n", (unsigned int)rnd(r));
	if (wr(w, path, val) != EBUSY)
		return;
	dev_path(state, sizeof(state), d, "state");
	fd = open(state, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "active\n", 7) < 0) {
		close(fd);
		return;
	}
	close(fd);
	wr(w, path, val);
}

static void do_thermal(struct worker *w, uint64_t *r)
{
	char path[256], val[32];

	switch (below(r, 3)) {
	case 0:
		dev_path(path, sizeof(path), below(r, NDEV), "thermal_limit");
		snprintf(val, sizeof(val), "%u\n", 30000 + below(r, 70001));
		break;
	case 1:
		snprintf(path, sizeof(path), CLASS "/dsmil0:g%u/thermal_limit",
			 below(r, NGRP));
		snprintf(val, sizeof(val), "%u\n", 40000 + below(r, 60001));
		break;
	default:
		snprintf(path, sizeof(path), SIM "/temp_g%u", below(r, NGRP));
		snprintf(val, sizeof(val), "%u\n", below(r, 20) ? 40000 +
			 below(r, 50000) : 100000 + below(r, 10000));
		break;
	}
	wr(w, path, val);
}

static void do_group(struct worker *w, uint64_t *r)
{
	char path[256];

	snprintf(path, sizeof(path), CLASS "/dsmil0:g%u/state", below(r, NGRP));
	wr(w, path, below(r, 2) ? "active\n" : "ready\n");
	msleep(below(r, 5));
}

static void do_estop(struct worker *w, uint64_t *r)
{
	wr(w, PDEV "/emergency_stop", "1\n");
	msleep(below(r, 20));
	wr(w, PDEV "/emergency_stop", "0\n");
	msleep(20 + below(r, 80));
}

/* Use a configfs instance: its device count, one device on and off. */
static void use_instance(struct worker *w, unsigned int base)
{
	char path[256], name[64], buf[64];
	unsigned int n;

	snprintf(path, sizeof(path), CFS "/stress%d/instance", w->index);
	if (rd(w, path, name, sizeof(name)) || sscanf(name, "dsmil.%u", &n) != 1)
		return;
	snprintf(path, sizeof(path), "/sys/devices/platform/%s/device_count",
		 name);
	rd(w, path, buf, sizeof(buf));
	snprintf(path, sizeof(path), CLASS "/dsmil%u:%04x/state", n, base);
	wr(w, path, "active\n");
	wr(w, path, "ready\n");
}

static void do_configfs(struct worker *w, uint64_t *r)
{
	unsigned int base = 0x9000 + 0x100 * w->index;
	char dir[128], path[192], val[32];

	snprintf(dir, sizeof(dir), CFS "/stress%d", w->index);
	snprintf(w->what, sizeof(w->what), "mkdir %s", dir);
	if (mkdir(dir, 0755)) {
		account(w, dir, errno);
		if (errno != EEXIST) {
			msleep(2);
			return;
		}
	} else {
		account(w, dir, 0);
	}
	snprintf(path, sizeof(path), "%s/groups", dir);
	snprintf(val, sizeof(val), "%u\n", 1 + below(r, NGRP));
	wr(w, path, val);
	snprintf(path, sizeof(path), "%s/devices_per_group", dir);
	snprintf(val, sizeof(val), "%u\n", 1 + below(r, 12));
	wr(w, path, val);
	snprintf(path, sizeof(path), "%s/token_base", dir);
	snprintf(val, sizeof(val), "0x%x\n", base);
	wr(w, path, val);
	snprintf(path, sizeof(path), "%s/enable", dir);
	if (!wr(w, path, "1\n")) {
		__atomic_fetch_add(&sh->instances, 1, __ATOMIC_RELAXED);
		use_instance(w, base);
		if (below(r, 2))
			wr(w, path, "0\n");	/* else rmdir tears it down */
	}
	snprintf(w->what, sizeof(w->what), "rmdir %s", dir);
	account(w, dir, rmdir(dir) ? errno : 0);
	msleep(below(r, 30));
}

/*
 * The devices of the configfs instances (dsmil1, dsmil2, based at 0x9000
 * or 0x9100) while the configfs workers tear them down: writes, and
 * reads through an fd held until its instance is gone (then ENODEV).
 */
static void do_cfsuser(struct worker *w, uint64_t *r)
{
	char path[256], buf[64];
	double until;
	int fd;

	snprintf(path, sizeof(path), CLASS "/dsmil%u:%04x/state",
		 1 + below(r, 2), 0x9000 + 0x100 * below(r, 2) + below(r, 4));
	if (wr(w, path, below(r, 2) ? "active\n" : "ready\n") == ENOENT)
		return;
	snprintf(w->what, sizeof(w->what), "hold %s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	until = now_s() + below(r, 200) / 1000.0;
	while (now_s() < until && !sh->stop) {
		int err = pread(fd, buf, sizeof(buf), 0) < 0 ? errno : 0;

		account(w, path, err);
		if (err)
			break;
		msleep(2);
	}
	close(fd);
}

static void reload(struct worker *w)
{
	int tries, fd, err = 0;

	for (tries = 0; tries < 5; tries++) {
		snprintf(w->what, sizeof(w->what), "finit_module %s", ko_path);
		fd = open(ko_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			err = errno;
			break;
		}
		err = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
		close(fd);
		if (!err || err == EEXIST)
			break;
		msleep(100);
	}
	/* even again: loaded (see do_holder()) */
	if (gen_now() % 2)
		__atomic_fetch_add(&sh->gen, 1, __ATOMIC_SEQ_CST);
	if (err && err != EEXIST) {
		record_bad("reload of %s failed: %s", ko_path, strerror(err));
		sh->fatal = 1;
	} else {
		__atomic_fetch_add(&sh->reloads, 1, __ATOMIC_RELAXED);
	}
}

static void do_rmmod(struct worker *w, uint64_t *r)
{
	int err;

	msleep(rmmod_ms / 2 + below(r, rmmod_ms + 1));
	snprintf(w->what, sizeof(w->what), "delete_module %s", MODNAME);
	err = syscall(SYS_delete_module, MODNAME, O_NONBLOCK) ? errno : 0;
	account(w, "delete_module", err);
	if (err == EWOULDBLOCK || err == EBUSY) {
		__atomic_fetch_add(&sh->rmmod_busy, 1, __ATOMIC_RELAXED);
		return;
	}
	if (err)
		return;
	__atomic_fetch_add(&sh->rmmod_ok, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sh->gen, 1, __ATOMIC_SEQ_CST);
	msleep(below(r, 20));
	reload(w);
}

/*
 * An fd opened on one module must read ENODEV once that module is gone.
 * Opened only while gen is even (loaded, no reload under way) and equal
 * before and after the open, so the fd belongs to the module of that
 * generation; once gen has moved on, that module is gone.
 */
static void do_holder(struct worker *w, uint64_t *r)
{
	char path[256], buf[64];
	unsigned long g1, g2;
	double until;
	int fd;

	dev_path(path, sizeof(path), below(r, NDEV), "state");
	snprintf(w->what, sizeof(w->what), "hold %s", path);
	g1 = gen_now();
	if (g1 % 2) {
		msleep(5);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	g2 = gen_now();
	account(w, path, fd < 0 ? errno : 0);
	if (fd < 0) {
		msleep(5);
		return;
	}
	until = now_s() + 0.05 + below(r, 500) / 1000.0;
	while (g1 == g2 && now_s() < until && !sh->stop) {
		unsigned long before = gen_now();
		ssize_t n = pread(fd, buf, sizeof(buf), 0);
		int err = n < 0 ? errno : 0;

		if (before != g1) {
			/* the module this fd was opened on is gone */
			__atomic_fetch_add(&sh->stale_checks, 1, __ATOMIC_RELAXED);
			if (err == ENODEV)
				__atomic_fetch_add(&sh->stale_enodev, 1,
						   __ATOMIC_RELAXED);
			else
				record_bad("holder: read of %s after unload: %s",
					   path, err ? strerror(err) : "succeeded");
			break;
		}
		if (!err)
			__atomic_fetch_add(&sh->fresh_reads, 1, __ATOMIC_RELAXED);
		else if (err != ENODEV)
			record_bad("holder: read of %s: %s", path, strerror(err));
		__atomic_fetch_add(&w->progress, 1, __ATOMIC_RELAXED);
		msleep(5);
	}
	close(fd);
}

static void worker_main(struct worker *w, uint64_t seed)
{
	uint64_t r = seed * 0x9e3779b97f4a7c15ULL + w->kind * 131 + w->index;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST)) {
		switch (w->kind) {
		case K_READER: do_reader(w, &r); break;
		case K_STATE: do_state(w, &r); break;
		case K_VALUE: do_value(w, &r); break;
		case K_THERMAL: do_thermal(w, &r); break;
		case K_GROUP: do_group(w, &r); break;
		case K_ESTOP: do_estop(w, &r); break;
		case K_CONFIGFS: do_configfs(w, &r); break;
		case K_CFSUSER: do_cfsuser(w, &r); break;
		case K_RMMOD: do_rmmod(w, &r); break;
		case K_HOLDER: do_holder(w, &r); break;
		}
	}
	_exit(0);
}

/* ---- parent ---------------------------------------------------------- */

static int kmsg_fd = -1;

static void kmsg_check(void)
{
	static const char *const words[] = {
		"BUG:", "kernel BUG", "WARNING:", "Oops", "general protection",
		"UBSAN", "KASAN", "Call Trace", "refcount_t",
		"list_del corruption", "sleeping function called",
		"circular locking", "kmemleak", "INFO: task",
	};
	char rec[8192];
	size_t i;

	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		const char *msg;

		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (strstr(msg, words[i])) {
				record_bad("kernel: %.*s", (int)strcspn(msg, "\n"),
					   msg);
				break;
			}
		}
	}
}

/* Watch progress and the kernel log until @deadline; 1 on a hang. */
static int supervise(int nworkers, double deadline, unsigned int hang_s)
{
	unsigned long last[MAX_WORKERS] = { 0 };
	double since[MAX_WORKERS];
	int i, hung = 0;

	for (i = 0; i < nworkers; i++)
		since[i] = now_s();
	while (now_s() < deadline && !hung) {
		msleep(100);
		if (kmsg_fd >= 0)
			kmsg_check();
		for (i = 0; i < nworkers; i++) {
			struct worker *w = &sh->w[i];
			unsigned long p = __atomic_load_n(&w->progress,
							  __ATOMIC_RELAXED);

			if (p != last[i]) {
				last[i] = p;
				since[i] = now_s();
			} else if (now_s() - since[i] > hang_s) {
				record_bad("HANG: %s%d stuck for %u s in: %s",
					   kind_names[w->kind], w->index,
					   hang_s, w->what);
				hung = 1;
			}
		}
	}
	return hung;
}

/* Stop the workers; 1 if one had to be killed or died badly. */
static int reap(int nworkers)
{
	double until = now_s() + 30;
	int i, left = nworkers, bad = 0, status;

	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	while (left && now_s() < until) {
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0) {
			msleep(50);
			continue;
		}
		left--;
		for (i = 0; i < nworkers; i++)
			if (sh->w[i].pid == pid)
				sh->w[i].pid = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			record_bad("a worker died (status 0x%x)", status);
			bad = 1;
		}
	}
	for (i = 0; i < nworkers; i++) {
		if (!sh->w[i].pid)
			continue;
		record_bad("HANG: %s%d did not stop in 30 s: %s",
			   kind_names[sh->w[i].kind], sh->w[i].index,
			   sh->w[i].what);
		kill(sh->w[i].pid, SIGKILL);
		bad = 1;
	}
	return bad;
}

/* Put the instance back the way a plain load leaves it. */
static void restore(void)
{
	struct worker w = { .kind = K_RESTORE };
	char path[256], buf[64];
	unsigned int i;
	int k;

	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), CFS "/stress%d/enable", k);
		wr(&w, path, "0\n");
		snprintf(path, sizeof(path), CFS "/stress%d", k);
		rmdir(path);
	}
	if (access(PDEV, F_OK))
		reload(&w);
	wr(&w, PDEV "/emergency_stop", "0\n");
	for (i = 0; i < NGRP; i++) {
		snprintf(path, sizeof(path), SIM "/temp_g%u", i);
		wr(&w, path, "45000\n");
		snprintf(path, sizeof(path), CLASS "/dsmil0:g%u/thermal_limit", i);
		wr(&w, path, "90000\n");
	}
	for (i = 0; i < NDEV; i++) {
		dev_path(path, sizeof(path), i, "state");
		if (!rd(&w, path, buf, sizeof(buf)) && !strcmp(buf, "error")) {
			printf("stress: dsmil0:%04x was in error (a starved firmware call): reset\n",
			       0x8000 + i);
			wr(&w, path, "reset\n");
		}
	}
}

static void print_stats(double secs)
{
	int k, e;

	printf("stress: %.1f s, %lu configfs instances enabled, rmmod: %lu unloaded+reloaded, %lu busy\n",
	       secs, sh->instances, sh->rmmod_ok, sh->rmmod_busy);
	printf("stress: held fds: %lu reads while loaded, %lu reads after unload (%lu ENODEV)\n",
	       sh->fresh_reads, sh->stale_checks, sh->stale_enodev);
	for (k = 0; k < K_COUNT; k++) {
		struct kind_stats *ks = &sh->ks[k];

		printf("  %-9s ops=%-7lu ok=%-7lu", kind_names[k], ks->ops,
		       ks->ok);
		for (e = 1; e < MAX_ERRNO; e++)
			if (ks->err[e])
				printf(" %s=%lu", strerrorname_np(e) ?: "?",
				       ks->err[e]);
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	unsigned int secs = 30, hang_s = 60;
	uint64_t seed = 1;
	double t0;
	int c, i, k, n = 0, failed;

	while ((c = getopt(argc, argv, "k:d:s:t:r:uc")) != -1) {
		switch (c) {
		case 'c':
			return dsmil_check_states(0);
		case 'u':
			c = syscall(SYS_delete_module, MODNAME, O_NONBLOCK) ? errno : 0;
			printf("unload: %s\n", c ? strerrorname_np(c) : "ok");
			return c ? 1 : 0;
		case 'k': ko_path = optarg; break;
		case 'd': secs = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': hang_s = strtoul(optarg, NULL, 0); break;
		case 'r': rmmod_ms = strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (!ko_path) {
		fprintf(stderr, "usage: dsmil-stress -k SIM_KO [-d SECONDS] [-s SEED] [-t HANG_S] [-r RMMOD_MS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	printf("stress: %u s, seed %llu, rmmod every ~%u ms\n", secs,
	       (unsigned long long)seed, rmmod_ms);
	t0 = now_s();
	for (k = 0; k < K_COUNT; k++) {
		for (i = 0; i < kind_workers[k]; i++, n++) {
			struct worker *w = &sh->w[n];
			pid_t pid;

			w->kind = k;
			w->index = i;
			pid = fork();
			if (pid < 0)
				return 2;
			if (!pid)
				worker_main(w, seed);
			w->pid = pid;
		}
	}
	failed = supervise(n, t0 + secs, hang_s);
	failed |= reap(n);
	restore();
	if (kmsg_fd >= 0)
		kmsg_check();
	print_stats(now_s() - t0);
	for (k = 0; k < K_COUNT; k++) {
		if (kind_workers[k] && k != K_RMMOD && !sh->ks[k].ok) {
			record_bad("no %s operation succeeded", kind_names[k]);
			failed = 1;
		}
	}
	for (i = 0; i < sh->nlines && i < MAX_BAD; i++)
		printf("BAD %s (x%lu)\n", sh->bad[i], sh->repeats[i] + 1);
	if (sh->nlines > MAX_BAD)
		printf("BAD ... %d more kinds\n", sh->nlines - MAX_BAD);
	return failed || sh->nbad || sh->fatal;
}
