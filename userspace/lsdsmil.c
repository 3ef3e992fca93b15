// SPDX-License-Identifier: GPL-2.0
/*
 * lsdsmil - list the DSMIL devices of the dsmil-84dev driver, lspci-style,
 * through libsysfs (Debian's libsysfs2, sysfsutils 2.1).
 *
 *   lsdsmil            one line per device
 *   lsdsmil -t         tree: platform device > group > device
 *   lsdsmil -v         every attribute (reads "value": a firmware call)
 *   lsdsmil -i N       instance dsmil.N only
 *   lsdsmil -s TOKEN   one device (8000, 0x8000 or dsmil0:8000)
 *
 * Notes on libsysfs 2.1 that shape this file:
 * - sysfs_open_class_device_path() splits a name containing ':' into
 *   classname and name ("dsmil0:8000" becomes classname "dsmil0", name
 *   "8000"), so the class device's real name is taken from its path.
 * - sysfs_get_classdev_parent() only understands block devices (and can
 *   crash on other paths); the parent is found through the "device" link
 *   with sysfs_get_classdev_device(), as the ABI asks.
 * - sysfs_get_mnt_path() accepts SYSFS_PATH only when a sysfs is mounted
 *   there (it checks /proc/mounts).
 * - Opening an attribute reads it; an attribute that can not be read
 *   (value as non-root, a failed firmware read) is left out of the lists.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysfs/libsysfs.h>

#define LSDSMIL_VERSION "0.1.0"

/* Exit codes, as dsmilctl's. */
#define EX_OK		0
#define EX_ERR		1
#define EX_USAGE	2
#define EX_NOENT	3

enum kind { K_GROUP, K_DEVICE };

struct ent {
	struct sysfs_class_device *cdev;
	char name[SYSFS_NAME_LEN];	/* dsmil0:8000, dsmil0:g0 */
	char parent[SYSFS_NAME_LEN];	/* dsmil0:g0, dsmil.0 */
	unsigned int inst;
	enum kind kind;
	unsigned int num;		/* token or group index */
};

static struct {
	int tree, verbose;
	long inst;			/* -1: every instance */
	long token;			/* -1: every device */
} opt = { 0, 0, -1, -1 };

static const char *prog = "lsdsmil";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-t] [-v] [-i N] [-s TOKEN]\n"
		"List the DSMIL devices of the dsmil-84dev driver.\n\n"
		"  -t, --tree          platform device > group > device\n"
		"  -v, --verbose       every attribute (value is a firmware read)\n"
		"  -i, --instance N    instance dsmil.N only\n"
		"  -s, --select TOKEN  one device: 8000, 0x8000 or dsmil0:8000\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n\n"
		"Exit status: 0 ok, 1 error, 2 usage, 3 no such instance or device.\n"
		"SYSFS_PATH (or DSMIL_SYSFS) names another mounted sysfs.\n",
		prog);
}

/*
 * The value of an attribute without its trailing newline, or NULL.  The
 * attribute is left alone (libsysfs compares it on later reads); the copy
 * lives in one of a few rotating buffers, enough for one printf.
 */
static const char *attr_str(struct sysfs_attribute *a)
{
	static char bufs[8][256];
	static unsigned int next;
	char *buf;
	size_t n;

	if (!a || !a->value)
		return NULL;
	n = strnlen(a->value, a->len);
	while (n && (a->value[n - 1] == '\n' || a->value[n - 1] == ' '))
		n--;
	buf = bufs[next++ % 8];
	if (n >= sizeof(bufs[0]))
		n = sizeof(bufs[0]) - 1;
	memcpy(buf, a->value, n);
	buf[n] = '\0';
	return buf;
}

static const char *cattr(struct sysfs_class_device *c, const char *name)
{
	const char *s = attr_str(sysfs_get_classdev_attr(c, name));

	return s ? s : "?";
}

static const char *dattr(struct sysfs_device *d, const char *name)
{
	const char *s = d ? attr_str(sysfs_get_device_attr(d, name)) : NULL;

	return s ? s : "?";
}

/* Millidegrees as degrees with one decimal, into buf. */
static const char *degrees(const char *mdeg, char *buf, size_t len)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(mdeg, &end, 10);
	if (errno || end == mdeg || *end) {
		snprintf(buf, len, "?");
		return buf;
	}
	/* tenths of a degree, rounded half away from zero */
	v = v < 0 ? -((-v + 50) / 100) : (v + 50) / 100;
	snprintf(buf, len, "%s%ld.%ldC", v < 0 ? "-" : "", labs(v) / 10,
		 labs(v) % 10);
	return buf;
}

/* "dsmil12:800a" -> inst 12, device 0x800a; "dsmil0:g3" -> group 3. */
static int parse_name(struct ent *e)
{
	const char *colon = strchr(e->name, ':');
	char *end;
	unsigned long v;

	if (strncmp(e->name, "dsmil", 5) || !colon)
		return -1;
	errno = 0;
	v = strtoul(e->name + 5, &end, 10);
	if (errno || end != colon || end == e->name + 5)
		return -1;
	e->inst = v;
	if (colon[1] == 'g') {
		e->kind = K_GROUP;
		v = strtoul(colon + 2, &end, 10);
	} else {
		e->kind = K_DEVICE;
		v = strtoul(colon + 1, &end, 16);
	}
	if (*end || end == colon + 1)
		return -1;
	e->num = v;
	return 0;
}

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->inst != y->inst)
		return x->inst < y->inst ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind == K_GROUP ? -1 : 1;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return 0;
}

/* TOKEN as 8000, 0x8000 or dsmilN:8000 (which also sets the instance). */
static int parse_token(const char *s)
{
	const char *p = s, *colon = strchr(s, ':');
	char *end;
	unsigned long v;

	if (colon) {
		if (strncmp(s, "dsmil", 5))
			return -1;
		v = strtoul(s + 5, &end, 10);
		if (end != colon || end == s + 5)
			return -1;
		opt.inst = v;
		p = colon + 1;
	}
	if (!strncmp(p, "0x", 2) || !strncmp(p, "0X", 2))
		p += 2;
	if (!*p || strspn(p, "0123456789abcdefABCDEF") != strlen(p))
		return -1;
	v = strtoul(p, &end, 16);
	if (v > 0xffff)
		return -1;
	opt.token = v;
	return 0;
}

static void print_value(const char *indent, struct sysfs_attribute *a)
{
	size_t i;

	/* listed but not read (no read permission for its owner) */
	if (!a->value)
		return;
	for (i = 0; i < a->len; i++)
		if (a->value[i] == '\0' || (a->value[i] < ' ' && a->value[i] != '\n'))
			break;
	if (i < a->len) {
		printf("%s%s: <binary, %u bytes>\n", indent, a->name, a->len);
		return;
	}
	printf("%s%s: %s\n", indent, a->name, attr_str(a));
}

/* Every attribute of a directory (as a sysfs_device) and of statistics/. */
static void print_attrs(const char *indent, struct dlist *attrs,
			const char *dir)
{
	char path[SYSFS_PATH_MAX], sub[SYSFS_PATH_MAX + 32];
	struct sysfs_attribute *a;
	struct sysfs_device *stats;

	if (attrs) {
		dlist_for_each_data(attrs, a, struct sysfs_attribute) {
			if (!strcmp(a->name, "uevent"))
				continue;
			print_value(indent, a);
		}
	}
	snprintf(path, sizeof(path), "%s/statistics", dir);
	if (sysfs_path_is_dir(path))
		return;
	stats = sysfs_open_device_path(path);
	if (!stats)
		return;
	attrs = sysfs_get_device_attributes(stats);
	if (attrs) {
		dlist_for_each_data(attrs, a, struct sysfs_attribute) {
			snprintf(sub, sizeof(sub), "%sstatistics/", indent);
			print_value(sub, a);
		}
	}
	sysfs_close_device(stats);
}

static void print_device_line(const char *prefix, const struct ent *e)
{
	struct sysfs_class_device *c = e->cdev;

	printf("%s%-12s %s  g%s/%-2s  %s\n", prefix, e->name, cattr(c, "token"),
	       cattr(c, "group"), cattr(c, "index"), cattr(c, "state"));
}

static void print_device(const char *prefix, const char *indent,
			 const struct ent *e)
{
	print_device_line(prefix, e);
	if (opt.verbose)
		print_attrs(indent, sysfs_get_classdev_attributes(e->cdev),
			    e->cdev->path);
}

static void print_group(const char *prefix, const char *indent,
			const struct ent *e)
{
	struct sysfs_class_device *c = e->cdev;
	char t[32], l[32];

	printf("%s%-12s %s, %s/%s active, %s (limit %s)\n", prefix, e->name,
	       cattr(c, "state"), cattr(c, "active_count"),
	       cattr(c, "device_count"),
	       degrees(cattr(c, "temperature"), t, sizeof(t)),
	       degrees(cattr(c, "thermal_limit"), l, sizeof(l)));
	if (opt.verbose)
		print_attrs(indent, sysfs_get_classdev_attributes(c), c->path);
}

static void print_platform(struct sysfs_device *p, const char *name)
{
	char t[32];

	printf("%s  %s, %s groups, %s devices, %s active, threshold %s, emergency stop %s\n",
	       name, dattr(p, "backend"), dattr(p, "group_count"),
	       dattr(p, "device_count"), dattr(p, "active_count"),
	       degrees(dattr(p, "thermal_threshold"), t, sizeof(t)),
	       !strcmp(dattr(p, "emergency_stop"), "1") ? "ON" : "off");
	if (opt.verbose && p)
		print_attrs("    ", sysfs_get_device_attributes(p), p->path);
}

static int selected(const struct ent *e)
{
	if (opt.inst >= 0 && e->inst != (unsigned long)opt.inst)
		return 0;
	if (opt.token >= 0 && e->kind == K_DEVICE &&
	    e->num != (unsigned long)opt.token)
		return 0;
	return 1;
}

/* Does group g have a selected device among ents? */
static int group_wanted(const struct ent *g, const struct ent *ents, size_t n)
{
	size_t i;

	if (opt.token < 0)
		return 1;
	for (i = 0; i < n; i++)
		if (ents[i].kind == K_DEVICE && selected(&ents[i]) &&
		    !strcmp(ents[i].parent, g->name))
			return 1;
	return 0;
}

static void print_tree(struct ent *ents, size_t n)
{
	size_t i, j, last_g, last_d;
	int have_inst = 0;
	unsigned int inst = 0;

	for (i = 0; i < n; i++) {
		struct ent *g = &ents[i];
		int glast;

		if (g->kind != K_GROUP || !selected(g) ||
		    !group_wanted(g, ents, n))
			continue;
		if (!have_inst || g->inst != inst) {
			have_inst = 1;
			inst = g->inst;
			print_platform(sysfs_get_classdev_device(g->cdev),
				       g->parent);
		}
		/* is g the last wanted group of its instance? */
		last_g = i;
		for (j = i + 1; j < n && ents[j].inst == inst; j++)
			if (ents[j].kind == K_GROUP && selected(&ents[j]) &&
			    group_wanted(&ents[j], ents, n))
				last_g = j;
		glast = last_g == i;
		print_group(glast ? "`-- " : "+-- ", glast ? "        " : "|       ", g);
		last_d = n;
		for (j = 0; j < n; j++)
			if (ents[j].kind == K_DEVICE && selected(&ents[j]) &&
			    !strcmp(ents[j].parent, g->name))
				last_d = j;
		for (j = 0; j < n; j++) {
			char prefix[16], indent[32];

			if (ents[j].kind != K_DEVICE || !selected(&ents[j]) ||
			    strcmp(ents[j].parent, g->name))
				continue;
			snprintf(prefix, sizeof(prefix), "%s%s",
				 glast ? "    " : "|   ",
				 j == last_d ? "`-- " : "+-- ");
			snprintf(indent, sizeof(indent), "%s%s",
				 glast ? "    " : "|   ",
				 j == last_d ? "        " : "|       ");
			print_device(prefix, indent, &ents[j]);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tree", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "instance", required_argument, NULL, 'i' },
		{ "select", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char mnt[SYSFS_PATH_MAX];
	struct sysfs_class *cls;
	struct sysfs_class_device *c;
	struct dlist *list;
	struct ent *ents = NULL;
	size_t n = 0, cap = 0, i, shown = 0;
	const char *env;
	char *end;
	int ch, ret = EX_OK;

	while ((ch = getopt_long(argc, argv, "tvi:s:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 't':
			opt.tree = 1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'i':
			errno = 0;
			opt.inst = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || opt.inst < 0) {
				fprintf(stderr, "%s: -i wants an instance number, got '%s'\n",
					prog, optarg);
				return EX_USAGE;
			}
			break;
		case 's':
			if (parse_token(optarg)) {
				fprintf(stderr, "%s: not a device token: '%s' (8000, 0x8000 or dsmil0:8000)\n",
					prog, optarg);
				return EX_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'V':
			printf("%s %s\n", prog, LSDSMIL_VERSION);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		usage(stderr);
		return EX_USAGE;
	}

	/* dsmilctl's DSMIL_SYSFS, for libsysfs (a mounted sysfs only) */
	env = getenv("DSMIL_SYSFS");
	if (env && *env && !getenv("SYSFS_PATH"))
		setenv("SYSFS_PATH", env, 1);
	if (sysfs_get_mnt_path(mnt, sizeof(mnt))) {
		env = getenv("SYSFS_PATH");
		fprintf(stderr, "%s: no sysfs mounted at %s\n", prog,
			env ? env : "/sys");
		return EX_ERR;
	}

	cls = sysfs_open_class("dsmil");
	if (!cls) {
		fprintf(stderr, "%s: no DSMIL devices: %s/class/dsmil does not exist (is the dsmil-84dev module loaded? without DSMIL hardware: modprobe dsmil-sim)\n",
			prog, mnt);
		return EX_NOENT;
	}
	list = sysfs_get_class_devices(cls);
	if (list) {
		dlist_for_each_data(list, c, struct sysfs_class_device) {
			struct sysfs_device *parent;
			struct ent e;

			memset(&e, 0, sizeof(e));
			e.cdev = c;
			/* the real name: libsysfs split it at the ':' */
			if (sysfs_get_name_from_path(c->path, e.name, sizeof(e.name)) ||
			    parse_name(&e))
				continue;
			parent = sysfs_get_classdev_device(c);
			if (parent)
				snprintf(e.parent, sizeof(e.parent), "%s", parent->name);
			if (n == cap) {
				struct ent *tmp;

				cap = cap ? 2 * cap : 128;
				tmp = realloc(ents, cap * sizeof(*ents));
				if (!tmp) {
					fprintf(stderr, "%s: out of memory\n", prog);
					free(ents);
					sysfs_close_class(cls);
					return EX_ERR;
				}
				ents = tmp;
			}
			ents[n++] = e;
		}
	}
	if (n)
		qsort(ents, n, sizeof(*ents), ent_cmp);
	for (i = 0; i < n; i++)
		if (ents[i].kind == K_DEVICE && selected(&ents[i]))
			shown++;

	if (!shown) {
		if (opt.token >= 0)
			fprintf(stderr, "%s: no device with token 0x%04lx%s\n", prog,
				opt.token, opt.inst >= 0 ? " on that instance" : "");
		else if (opt.inst >= 0)
			fprintf(stderr, "%s: no DSMIL instance dsmil.%ld\n", prog, opt.inst);
		else	/* the driver creates nothing without DSMIL firmware */
			fprintf(stderr, "%s: no DSMIL devices: no DSMIL firmware found (the simulated platform: modprobe dsmil-sim)\n",
				prog);
		ret = EX_NOENT;
	} else if (opt.tree) {
		print_tree(ents, n);
	} else {
		for (i = 0; i < n; i++)
			if (ents[i].kind == K_DEVICE && selected(&ents[i]))
				print_device("", "    ", &ents[i]);
	}
	free(ents);
	sysfs_close_class(cls);
	return ret;
}
