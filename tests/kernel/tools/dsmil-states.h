/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsmil-states.h - the consistency check of an instance's device states,
 * shared by dsmil-fuzz ("states") and dsmil-stress (-c).
 *
 * dsmil_check_states(N): through /sys/class/dsmil, every device of
 * instance N reads "ready", "active" or "quarantined", and the
 * active_count of every group and of the platform device dsmil.N matches
 * the states.  Prints what is wrong and a summary line; returns 1 if
 * anything is wrong (or the instance has no device), else 0.
 */
#ifndef DSMIL_STATES_H
#define DSMIL_STATES_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* First line of @path into @buf (newline stripped); -errno or 0. */
static int states_read_line(const char *path, char *buf, size_t size)
{
	unsigned char content[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, content, sizeof(content) - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	content[n] = '\0';
	snprintf(buf, size, "%.*s", (int)strcspn((char *)content, "\n"),
		 (char *)content);
	return 0;
}

/* One device of dsmil_check_states(): tally it; 1 if its state is bad. */
static int states_check_device(const char *name, unsigned int *active,
			unsigned int *groups)
{
	char path[300], state[128], grp[32];
	unsigned long g;

	snprintf(path, sizeof(path), "/sys/class/dsmil/%s/state", name);
	if (states_read_line(path, state, sizeof(state))) {
		printf("STATE %s: cannot read\n", name);
		return 1;
	}
	snprintf(path, sizeof(path), "/sys/class/dsmil/%s/group", name);
	if (states_read_line(path, grp, sizeof(grp)) ||
	    (g = strtoul(grp, NULL, 10)) >= 64) {
		printf("GROUP %s: cannot read\n", name);
		return 1;
	}
	if ((unsigned int)g + 1 > *groups)
		*groups = g + 1;
	if (!strcmp(state, "active")) {
		active[g]++;
		return 0;
	}
	if (!strcmp(state, "ready") || !strcmp(state, "quarantined"))
		return 0;
	printf("STATE %s: %s\n", name, state);
	return 1;
}

/* @path must read @want; 1 (and a message) if not. */
static int states_check_count(const char *path, unsigned int want)
{
	char val[64], w[32];

	snprintf(w, sizeof(w), "%u", want);
	if (!states_read_line(path, val, sizeof(val)) && !strcmp(val, w))
		return 0;
	printf("COUNT %s: %s, the states say %s\n", path, val, w);
	return 1;
}

static int dsmil_check_states(unsigned int inst)
{
	unsigned int active[64] = { 0 }, devices = 0, groups = 0, sum = 0, g;
	char prefix[32], path[300];
	struct dirent *de;
	int bad = 0;
	DIR *dir = opendir("/sys/class/dsmil");

	if (!dir) {
		printf("states: cannot open /sys/class/dsmil: %s\n",
		       strerror(errno));
		return 1;
	}
	snprintf(prefix, sizeof(prefix), "dsmil%u:", inst);
	while ((de = readdir(dir))) {
		const char *rest = de->d_name + strlen(prefix);

		if (strncmp(de->d_name, prefix, strlen(prefix)) ||
		    rest[0] == 'g')
			continue;
		devices++;
		bad |= states_check_device(de->d_name, active, &groups);
	}
	closedir(dir);
	for (g = 0; g < groups; g++) {
		snprintf(path, sizeof(path),
			 "/sys/class/dsmil/dsmil%u:g%u/active_count", inst, g);
		bad |= states_check_count(path, active[g]);
		sum += active[g];
	}
	snprintf(path, sizeof(path), "/sys/devices/platform/dsmil.%u/active_count",
		 inst);
	bad |= states_check_count(path, sum);
	printf("states: dsmil.%u: %u devices in %u groups, %u active%s\n",
	       inst, devices, groups, sum, bad ? ", BAD" : "");
	return bad || !devices;
}

#endif /* DSMIL_STATES_H */
