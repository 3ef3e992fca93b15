// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-fuzz - discover the files of the dsmil trees and fuzz their writes.
 *
 * Used by tests/kernel/fuzz.bats; one exec per step because every exec
 * costs ~0.2 s in the TCG guest.
 *
 *   dsmil-fuzz scan [-w WLIST] [-r RLIST] [-v VOCAB] [-a ABIDIR] ROOT...
 *	Walk every ROOT (nftw with FTW_PHYS: symlinks are not followed).
 *	Every regular file with a write bit goes to WLIST (sorted); every
 *	file with a read bit is read once: "STATUS PATH" lines to RLIST
 *	(STATUS is "ok" or the errno name), and its contents are cut into
 *	words for VOCAB: whole lines and their parts split at space, comma,
 *	'=' and ':', printable ASCII only.  Built-in words and the "quoted"
 *	strings of the ABI documents in ABIDIR are added.  VOCAB is merged
 *	with what it held, sorted and deduplicated.
 *
 *   dsmil-fuzz fuzz [-s SEED] [-n N] [-v VOCAB] [-o LOG] [-t HANG_S]
 *		     [-e ERRNO,...] -l WLIST
 *	For every file of WLIST, in order: save its contents, write N
 *	payloads (one open/write/close each; errnos are counted, not
 *	fatal; payload 0 is the saved contents, the others random), then
 *	write the saved contents back if they changed (best effort).  Payload I of file F depends only on SEED, F's path, I
 *	and VOCAB, so "show" reproduces it.  /dev/kmsg is polled after
 *	every payload, so a kernel splat is pinned on the payload that
 *	caused it.  LOG gets one line per file; stdout a summary per
 *	attribute name.  Exit status 1 on a splat, a file that cannot be
 *	opened, a write returning more than its length (or 0 for a
 *	non-empty payload), or an errno outside the expected set (-e adds
 *	to it); 3 when a single write takes longer than HANG_S seconds
 *	(default 60): the hanging payload is printed first.
 *
 *   dsmil-fuzz show [-s SEED] [-v VOCAB] -i I FILE
 *	Print payload I of FILE, C-escaped.  Payload 0 and the mutations
 *	use the file's contents: show reads them now, which is what the
 *	fuzzer saw if the file was put back and nothing else changed it.
 *
 *   dsmil-fuzz readcheck RLIST
 *	Read every file of RLIST again; exit 1 when one no longer reads
 *	the way it did (ok vs. errno), listing those.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dsmil-states.h"

#define MAX_PAYLOAD	(65536 + 64)
#define MAX_CONTENT	65536
#define MAX_WORD	128
#define MAX_ERRNO	1024
#define MAX_FAIL_LINES	30

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("dsmil-fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- string lists ---------------------------------------------------- */

struct strlist {
	char **v;
	size_t n, cap;
};

static void sl_add(struct strlist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			die("out of memory");
	}
	l->v[l->n++] = xstrdup(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sl_sort_uniq(struct strlist *l)
{
	size_t i, o = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	for (i = 0; i < l->n; i++) {
		if (o && !strcmp(l->v[o - 1], l->v[i])) {
			free(l->v[i]);
			continue;
		}
		l->v[o++] = l->v[i];
	}
	l->n = o;
}

/* Lines of a text file, without newlines; a missing file is empty. */
static void sl_load(struct strlist *l, const char *path)
{
	char line[8192];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			sl_add(l, line);
	}
	fclose(f);
}

static void sl_save(const struct strlist *l, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	for (i = 0; i < l->n; i++)
		fprintf(f, "%s\n", l->v[i]);
	if (fclose(f))
		die("cannot write %s: %s", path, strerror(errno));
}

/* ---- errno names ----------------------------------------------------- */

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ 0, "ok" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
	{ EISDIR, "EISDIR" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
	{ EFBIG, "EFBIG" }, { ERANGE, "ERANGE" }, { EDOM, "EDOM" },
	{ ENODATA, "ENODATA" }, { EOVERFLOW, "EOVERFLOW" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ ENOEXEC, "ENOEXEC" }, { ENOTTY, "ENOTTY" }, { EPIPE, "EPIPE" },
	{ 524, "ENOTSUPP" },	/* kernel-internal, must never leak */
};

static const char *errname(int e)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static int errnum(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].e;
	if (name[0] == 'E' && name[1] >= '0' && name[1] <= '9')
		return atoi(name + 1);
	return -1;
}

/* ---- escaping -------------------------------------------------------- */

/* C-escape up to @max bytes of @p into @out (size >= 4 * max + 32). */
static void escape(const unsigned char *p, size_t len, size_t max, char *out)
{
	size_t i, o = 0;

	out[o++] = '"';
	for (i = 0; i < len && i < max; i++) {
		unsigned char c = p[i];

		if (c == '\n')
			o += sprintf(out + o, "\\n");
		else if (c == '\t')
			o += sprintf(out + o, "\\t");
		else if (c == '\\' || c == '"')
			o += sprintf(out + o, "\\%c", c);
		else if (c < 32 || c > 126)
			o += sprintf(out + o, "\\%03o", c);
		else
			out[o++] = c;
	}
	out[o++] = '"';
	if (len > max)
		o += sprintf(out + o, "...");
	sprintf(out + o, " (%zu bytes)", len);
}

/* ---- reading --------------------------------------------------------- */

/* Read up to MAX_CONTENT bytes of @path; -errno or the length. */
static ssize_t read_file(const char *path, unsigned char *buf)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < MAX_CONTENT) {
		n = read(fd, buf + len, MAX_CONTENT - len);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	return len;
}

/* ---- scan ------------------------------------------------------------ */

static struct strlist scan_w, scan_r, scan_vocab;
static unsigned char scan_buf[MAX_CONTENT + 1];

static int printable(const char *s, size_t len)
{
	size_t i;

	if (!len || len > MAX_WORD)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 32 || s[i] > 126)
			return 0;
	return 1;
}

static void vocab_add_n(const char *s, size_t len)
{
	char w[MAX_WORD + 1];

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!printable(s, len))
		return;
	memcpy(w, s, len);
	w[len] = '\0';
	sl_add(&scan_vocab, w);
}

/* Whole lines and their parts split at " ,=:\t". */
static void tokenise(const char *buf, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		size_t end = i;

		while (end < len && buf[end] != '\n')
			end++;
		vocab_add_n(buf + i, end - i);
		for (j = i; j < end;) {
			size_t k = j;

			while (k < end && !strchr(" ,=:\t", buf[k]))
				k++;
			if (k > j && k - j < end - i)
				vocab_add_n(buf + j, k - j);
			j = k + 1;
		}
		i = end + 1;
	}
}

static int scan_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	char line[4200];
	ssize_t n;

	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (st->st_mode & 0222)
		sl_add(&scan_w, path);
	if (!(st->st_mode & 0444))
		return 0;
	n = read_file(path, scan_buf);
	snprintf(line, sizeof(line), "%s %s", errname(n < 0 ? (int)-n : 0),
		 path);
	sl_add(&scan_r, line);
	if (n > 0)
		tokenise((const char *)scan_buf, n);
	return 0;
}

/* Words every tree should meet, whether or not a file shows them. */
static const char *const builtin_words[] = {
	"active", "ready", "reset", "error", "absent", "quarantined",
	"emergency", "mixed", "on", "off", "auto", "sim", "smbios", "none",
	"eio", "timeout", "after", "eio 1", "timeout 1", "eio 1 after 3",
	"add", "remove", "change", "move", "online", "offline", "bind",
	"unbind", "0", "1", "y", "n", "Y", "N", "yes", "no", "true", "false",
	"enabled", "disabled", "dsmil", "dsmil.0", "dsmil.1", "platform",
	"(null)", "max", "min", "0,1", "0x8003,0x8004", "-1",
};

/* The "quoted" strings of the ABI documents. */
static void scan_abi(const char *dir)
{
	static const char *const names[] = {
		"configfs-dsmil-sim", "debugfs-dsmil-sim", "sysfs-class-dsmil",
		"sysfs-devices-platform-dsmil",
	};
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ssize_t n, p;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		n = read_file(path, scan_buf);
		for (p = 0; p < n; p++) {
			ssize_t q = p + 1;

			if (scan_buf[p] != '"')
				continue;
			while (q < n && scan_buf[q] != '"' && scan_buf[q] != '\n')
				q++;
			if (q < n && scan_buf[q] == '"' && q - p - 1 <= 64) {
				vocab_add_n((const char *)scan_buf + p + 1,
					    q - p - 1);
				p = q;
			}
		}
	}
}

static int cmd_scan(int argc, char **argv)
{
	const char *wlist = NULL, *rlist = NULL, *vocab = NULL, *abi = NULL;
	size_t i;
	int c;

	while ((c = getopt(argc, argv, "w:r:v:a:")) != -1) {
		switch (c) {
		case 'w': wlist = optarg; break;
		case 'r': rlist = optarg; break;
		case 'v': vocab = optarg; break;
		case 'a': abi = optarg; break;
		default: return 2;
		}
	}
	if (vocab)
		sl_load(&scan_vocab, vocab);
	for (; optind < argc; optind++)
		if (nftw(argv[optind], scan_one, 32, FTW_PHYS) != 0)
			die("cannot walk %s: %s", argv[optind], strerror(errno));
	for (i = 0; i < sizeof(builtin_words) / sizeof(builtin_words[0]); i++)
		sl_add(&scan_vocab, builtin_words[i]);
	if (abi)
		scan_abi(abi);
	sl_sort_uniq(&scan_w);
	if (wlist)
		sl_save(&scan_w, wlist);
	if (rlist)
		sl_save(&scan_r, rlist);
	sl_sort_uniq(&scan_vocab);
	if (vocab)
		sl_save(&scan_vocab, vocab);
	printf("scan: %zu writable, %zu readable, %zu words\n", scan_w.n,
	       scan_r.n, scan_vocab.n);
	return 0;
}

/* ---- payloads -------------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* Everything a payload may be built from. */
struct gen {
	struct strlist vocab;
	const unsigned char *orig;	/* the file's saved contents */
	size_t orig_len;
};

static const char *const boundaries[] = {
	"0", "-0", "+0", "1", "-1", "+1", "2", "7", "12", "16", "17", "84",
	"100", "255", "256", "65535", "65536", "2147483647", "2147483648",
	"-2147483648", "-2147483649", "4294967295", "4294967296",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615",
	"18446744073709551616", "340282366920938463463374607431768211456",
	"0x0", "0x1", "0x7fffffff", "0x80000000", "0xffffffff",
	"0x100000000", "0x7fffffffffffffff", "0x8000000000000000",
	"0xffffffffffffffff", "0x10000000000000000", "0X1F", "0XFFFF", "0x",
	"0X", "0xg", "0x-1", "-0x1", "0x 1", "00", "01", "010", "0777", "08",
	"09", "0009", "000000000000000000001", "0o17", "0b101", "0x0x1",
	" 1", "1 ", "\t1", "1\t", " 1 ", "1\n\n", "1 \n", "\n1", "1\r",
	"0x8000", "0x8053", "0x8009", "0x800a", "0x8054", "0x7fff",
	"0xffff", "0x10000", "32768", "32851", "20000", "19999", "150000",
	"150001", "-273150", "-273151", "300000", "300001", "45000",
	"90000", "100000", "0x52000000", "1073741824", "1073741825", "50",
	"49", "200", "201", "10", "10000", "10001", "1e3", "1.5", "1.0",
	"--1", "++1", "1-", "1+", "1,2", "1 2", "0,1", "0,1,2,3,4,5,6",
	"0,0", "6,7", "1,", ",1", ",", "0x8003,0x8004", "0x8003,,0x8004",
};

static const char *const emptyish[] = {
	"", "\n", " ", "  ", "\t", "\n\n", " \n", "\r\n", "\r", "\v", "\f",
	"\n ", "\t\n",
};

static size_t put(unsigned char *buf, size_t len, const void *s, size_t n)
{
	if (len + n > MAX_PAYLOAD)
		n = MAX_PAYLOAD - len;
	memcpy(buf + len, s, n);
	return len + n;
}

static size_t puts_(unsigned char *buf, size_t len, const char *s)
{
	return put(buf, len, s, strlen(s));
}

static const char *pick_word(struct rng *r, const struct gen *g)
{
	if (!g->vocab.n)
		return "active";
	return g->vocab.v[below(r, g->vocab.n)];
}

/* A number in a random format. */
static size_t gen_number(struct rng *r, unsigned char *buf, size_t len)
{
	static const uint64_t mags[] = {
		16, 300, 300001, 1ULL << 32, 1ULL << 33, UINT64_MAX,
	};
	uint64_t v = rnd(r);
	uint64_t m = mags[below(r, 6)];
	char num[96];
	int pad = (int)below(r, 4) == 0 ? (int)below(r, 30) : 0;

	if (m != UINT64_MAX)
		v %= m + 1;
	switch (below(r, 8)) {
	case 0: len = puts_(buf, len, "-"); break;
	case 1: len = puts_(buf, len, "+"); break;
	case 2: len = puts_(buf, len, " "); break;
	default: break;
	}
	switch (below(r, 5)) {
	case 0:
		snprintf(num, sizeof(num), "0x%0*llx", pad,
			 (unsigned long long)v);
		break;
	case 1:
		snprintf(num, sizeof(num), "0X%0*llX", pad,
			 (unsigned long long)v);
		break;
	case 2:
		snprintf(num, sizeof(num), "0%llo", (unsigned long long)v);
		break;
	default:
		snprintf(num, sizeof(num), "%0*llu", pad,
			 (unsigned long long)v);
		break;
	}
	len = puts_(buf, len, num);
	if (!below(r, 10))
		len = puts_(buf, len, " ");
	return len;
}

/* A long string: 1000..64 KiB of one kind of filler. */
static size_t gen_long(struct rng *r, const struct gen *g,
		       unsigned char *buf)
{
	static const size_t lens[] = {
		1000, 4094, 4095, 4096, 4097, 8191, 8192, 65536,
	};
	size_t n = lens[below(r, 8)], len = 0, i;
	int kind = (int)below(r, 6);
	const char *w = pick_word(r, g);

	for (i = 0; i < n; i++) {
		switch (kind) {
		case 0: buf[i] = 'x'; break;
		case 1: buf[i] = '1'; break;
		case 2: buf[i] = '0'; break;
		case 3: buf[i] = (unsigned char)rnd(r); break;
		case 4: buf[i] = i % 2 ? ',' : '1'; break;
		default: buf[i] = w[i % strlen(w)]; break;
		}
	}
	len = n;
	if (below(r, 2) && len < MAX_PAYLOAD)
		buf[len - 1] = '\n';
	return len;
}

/* A vocabulary word, maybe mangled. */
static size_t gen_word(struct rng *r, const struct gen *g,
		       unsigned char *buf)
{
	const char *w = pick_word(r, g);
	size_t len = puts_(buf, 0, w), i;

	switch (below(r, 12)) {
	case 0:	/* two words */
		len = puts_(buf, len, below(r, 2) ? " " : ",");
		len = puts_(buf, len, pick_word(r, g));
		break;
	case 1:	/* case flipped */
		for (i = 0; i < len; i++)
			if ((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z')
				buf[i] ^= 0x20;
		break;
	case 2:	/* leading or trailing blank */
		if (below(r, 2)) {
			memmove(buf + 1, buf, len);
			buf[0] = ' ';
			len++;
		} else {
			len = puts_(buf, len, " ");
		}
		break;
	case 3:	/* a NUL inside or at the end */
		buf[len] = 0;
		len++;
		if (len > 2 && below(r, 2)) {
			size_t at = below(r, len - 1);

			buf[at] = 0;
		}
		break;
	case 4:	/* truncated */
		if (len > 1)
			len = 1 + below(r, len - 1);
		break;
	case 5:	/* two newlines */
		len = puts_(buf, len, "\n\n");
		return len;
	case 6:	/* a number glued on */
		len = gen_number(r, buf, len);
		break;
	default:
		break;
	}
	return len;
}

/* The file's own contents with a mutation. */
static size_t gen_mutant(struct rng *r, const struct gen *g,
			 unsigned char *buf)
{
	size_t len = put(buf, 0, g->orig, g->orig_len > 8192 ? 8192 : g->orig_len);

	if (!len)
		return gen_word(r, g, buf);
	switch (below(r, 6)) {
	case 0:
		buf[below(r, len)] ^= (unsigned char)(1u << below(r, 8));
		break;
	case 1:
		buf[below(r, len)] = (unsigned char)rnd(r);
		break;
	case 2:
		len = below(r, len + 1);
		break;
	case 3:
		len = put(buf, len, buf, len);
		break;
	case 4:
		if (buf[len - 1] == '\n')
			len--;
		break;
	default:
		len = puts_(buf, len, "\n");
		break;
	}
	return len;
}

/* A comma-separated list of tokens, groups or numbers. */
static size_t gen_list(struct rng *r, unsigned char *buf)
{
	size_t n = below(r, 4) ? below(r, 10) : below(r, 300), len = 0, i;
	char num[32];

	for (i = 0; i < n; i++) {
		uint64_t v;

		if (i)
			len = puts_(buf, len, below(r, 20) ? "," : ", ");
		switch (below(r, 4)) {
		case 0:
			v = below(r, 8);
			snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
			break;
		case 1:
			v = 0x8000 + below(r, 0x60);
			snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
			break;
		case 2:
			v = 0x8000 + below(r, 0x60);
			snprintf(num, sizeof(num), "0x%llx", (unsigned long long)v);
			break;
		default:
			v = rnd(r) % 0x20000;
			snprintf(num, sizeof(num), "0x%llx", (unsigned long long)v);
			break;
		}
		len = puts_(buf, len, num);
	}
	if (!below(r, 10))
		len = puts_(buf, len, ",");
	return len;
}

/* "word K [after N]" phrases, as the fault knob wants them. */
static size_t gen_phrase(struct rng *r, const struct gen *g,
			 unsigned char *buf)
{
	static const char *const heads[] = { "eio", "timeout", "none", "EIO" };
	size_t len = puts_(buf, 0, below(r, 4) ? heads[below(r, 4)] :
					    pick_word(r, g));

	len = puts_(buf, len, below(r, 10) ? " " : "  ");
	len = gen_number(r, buf, len);
	if (below(r, 2)) {
		len = puts_(buf, len, below(r, 8) ? " after " : " after");
		if (below(r, 8))
			len = gen_number(r, buf, len);
	}
	return len;
}

/* Payload @i for the file whose path hashes to @fh. */
static size_t gen_payload(const struct gen *g, uint64_t seed, uint64_t fh,
			  unsigned long i, unsigned char *buf)
{
	struct rng r = { seed * 0x9e3779b97f4a7c15ULL ^ fh ^
			 (i * 0xd1b54a32d192ed03ULL) };
	unsigned int kind;
	size_t len = 0, k;
	int nl = 1;

	/* payload 0 is the file's own contents: one write a setting takes */
	if (!i && g->orig_len)
		return put(buf, 0, g->orig, g->orig_len);
	rnd(&r);
	kind = (unsigned int)below(&r, 100);
	if (kind < 10) {		/* random bytes */
		len = 1 + below(&r, below(&r, 8) ? 64 : 600);
		for (k = 0; k < len; k++)
			buf[k] = (unsigned char)rnd(&r);
		nl = 0;
	} else if (kind < 15) {		/* random printable text */
		len = 1 + below(&r, 80);
		for (k = 0; k < len; k++)
			buf[k] = (unsigned char)(32 + below(&r, 95));
	} else if (kind < 30) {		/* boundary numbers */
		len = puts_(buf, 0, boundaries[below(&r, sizeof(boundaries) /
						      sizeof(boundaries[0]))]);
	} else if (kind < 40) {		/* numbers in any format */
		len = gen_number(&r, buf, 0);
	} else if (kind < 45) {		/* long strings */
		len = gen_long(&r, g, buf);
		nl = 0;
	} else if (kind < 72) {		/* vocabulary */
		len = gen_word(&r, g, buf);
	} else if (kind < 80) {		/* empty-ish */
		k = below(&r, sizeof(emptyish) / sizeof(emptyish[0]) + 1);
		if (k == sizeof(emptyish) / sizeof(emptyish[0]))
			len = put(buf, 0, "\0", 1 + below(&r, 3));
		else
			len = puts_(buf, 0, emptyish[k]);
		nl = 0;
	} else if (kind < 88) {		/* own contents, mutated */
		len = gen_mutant(&r, g, buf);
		nl = 0;
	} else if (kind < 94) {		/* lists */
		len = gen_list(&r, buf);
	} else {			/* phrases */
		len = gen_phrase(&r, g, buf);
	}
	if (nl && below(&r, 2))
		len = puts_(buf, len, "\n");
	return len;
}

/* ---- kernel log watch ------------------------------------------------ */

static const char *const splat_words[] = {
	"BUG:", "kernel BUG", "WARNING:", "Oops", "general protection", "UBSAN", "KASAN",
	"Call Trace", "refcount_t", "list_del corruption",
	"sleeping function called", "circular locking", "kmemleak",
	"Kernel panic", "stack-protector", "RIP:",
};

static int kmsg_fd = -1;

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/*
 * Read the kernel log records that arrived since the last call: their
 * number; *splat = 1 (and the record in @first) when one is a splat,
 * else @first gets the first record if it was empty.
 */
static int kmsg_poll(int *splat, char *first, size_t size)
{
	char rec[8192];
	int count = 0;

	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		const char *msg;
		size_t i;
		int bad = 0;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		count++;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		for (i = 0; i < sizeof(splat_words) / sizeof(splat_words[0]); i++)
			if (strstr(msg, splat_words[i]))
				bad = 1;
		if (bad && !*splat) {
			*splat = 1;
			snprintf(first, size, "%.*s", (int)strcspn(msg, "\n"), msg);
		} else if (!first[0]) {
			snprintf(first, size, "%.*s", (int)strcspn(msg, "\n"), msg);
		}
	}
	return count;
}

/* ---- hang watchdog --------------------------------------------------- */

static volatile unsigned long wd_progress;
static volatile const char *wd_path;
static volatile unsigned long wd_index;
static unsigned int wd_limit = 60;
static uint64_t wd_seed;

static void *watchdog(void *arg)
{
	unsigned long last = ~0UL;
	unsigned int still = 0;

	(void)arg;
	for (;;) {
		unsigned long p = wd_progress;

		sleep(1);
		if (p != last) {
			last = p;
			still = 0;
			continue;
		}
		if (++still < wd_limit)
			continue;
		fprintf(stdout,
			"HANG: a write to %s (payload %lu, seed %llu) did not return in %u s\n",
			wd_path ? (const char *)wd_path : "?", wd_index,
			(unsigned long long)wd_seed, wd_limit);
		fflush(stdout);
		_exit(3);
	}
	return NULL;
}

/* ---- fuzz ------------------------------------------------------------ */

struct result {
	const char *path;
	unsigned long n, ok, shortw;
	unsigned long err[MAX_ERRNO];
	double max_s, secs;
	unsigned long max_i;
	int kmsg;
	const char *restore;
	int failed;
};

static int allowed[MAX_ERRNO];
static int fail_lines;

static void fail_line(struct result *res, const char *fmt, ...)
{
	va_list ap;

	res->failed = 1;
	if (fail_lines++ >= MAX_FAIL_LINES)
		return;
	printf("FAIL %s: ", res->path);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static ssize_t write_once(const char *path, const void *buf, size_t len,
			  int *err)
{
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		*err = errno;
		return -2;
	}
	n = write(fd, buf, len);
	*err = n < 0 ? errno : 0;
	close(fd);
	return n;
}

/* Put @orig back if the file now reads differently. */
static const char *restore(const char *path, const unsigned char *orig,
			   ssize_t orig_len, unsigned char *cur)
{
	ssize_t n;
	int err;

	if (orig_len < 0)
		return "n/a";
	n = read_file(path, cur);
	if (n == orig_len && !memcmp(cur, orig, n))
		return "same";
	if (write_once(path, orig, orig_len, &err) == orig_len)
		return "ok";
	/* driver_override reads "(null)" when unset: an empty line clears */
	if (orig_len == 7 && !memcmp(orig, "(null)\n", 7) &&
	    write_once(path, "\n", 1, &err) == 1)
		return "ok";
	return errname(err);
}

static void fuzz_file(struct result *res, struct gen *g, uint64_t seed,
		      unsigned long count, unsigned char *buf,
		      unsigned char *orig, unsigned char *cur)
{
	uint64_t fh = fnv1a(res->path);
	ssize_t orig_len = read_file(res->path, orig);
	char esc[4 * 80 + 64], klog[512];
	double start = now_s();
	unsigned long i;

	g->orig = orig;
	g->orig_len = orig_len > 0 ? (size_t)orig_len : 0;
	wd_path = res->path;
	for (i = 0; i < count; i++) {
		size_t len = gen_payload(g, seed, fh, i, buf);
		double t0 = now_s(), dt;
		int err, splat = 0;
		ssize_t n;

		wd_index = i;
		n = write_once(res->path, buf, len, &err);
		dt = now_s() - t0;
		wd_progress++;
		res->n++;
		if (dt > res->max_s) {
			res->max_s = dt;
			res->max_i = i;
		}
		if (n == -2) {
			fail_line(res, "open for writing failed: %s", errname(err));
			return;
		}
		if (n < 0) {
			res->err[err < MAX_ERRNO ? err : 0]++;
			/* configfs answers an empty write with EFAULT itself */
			if ((err != EFAULT || len) &&
			    (err >= MAX_ERRNO || !allowed[err])) {
				escape(buf, len, 80, esc);
				fail_line(res, "payload %lu %s: unexpected errno %s",
					  i, esc, errname(err));
			}
		} else if ((size_t)n > len || (!n && len)) {
			escape(buf, len, 80, esc);
			fail_line(res, "payload %lu %s: write returned %zd", i,
				  esc, n);
		} else if ((size_t)n < len) {
			res->shortw++;
		} else {
			res->ok++;
		}
		klog[0] = '\0';
		res->kmsg += kmsg_poll(&splat, klog, sizeof(klog));
		if (splat) {
			escape(buf, len, 80, esc);
			fail_line(res, "payload %lu %s: kernel splat: %s", i,
				  esc, klog);
		}
	}
	res->restore = restore(res->path, orig, orig_len, cur);
	res->secs = now_s() - start;
}

static void log_result(FILE *log, const struct result *res)
{
	int e;

	fprintf(log, "%s n=%lu ok=%lu", res->path, res->n, res->ok);
	if (res->shortw)
		fprintf(log, " short=%lu", res->shortw);
	for (e = 1; e < MAX_ERRNO; e++)
		if (res->err[e])
			fprintf(log, " %s=%lu", errname(e), res->err[e]);
	fprintf(log, " s=%.2f max_ms=%.1f(#%lu) kmsg=%d restore=%s%s\n",
		res->secs, res->max_s * 1e3, res->max_i, res->kmsg, res->restore,
		res->failed ? " FAILED" : "");
}

/* Summary per attribute name (the last path component). */
static void summarise(struct result *res, size_t nfiles)
{
	size_t i, j;
	int e;

	for (i = 0; i < nfiles; i++) {
		const char *name = strrchr(res[i].path, '/');
		struct result sum;
		size_t files = 0;

		name = name ? name + 1 : res[i].path;
		if (!name[0])
			continue;
		memset(&sum, 0, sizeof(sum));
		for (j = i; j < nfiles; j++) {
			const char *nj = strrchr(res[j].path, '/');

			nj = nj ? nj + 1 : res[j].path;
			if (strcmp(nj, name))
				continue;
			files++;
			sum.n += res[j].n;
			sum.ok += res[j].ok;
			sum.shortw += res[j].shortw;
			for (e = 0; e < MAX_ERRNO; e++)
				sum.err[e] += res[j].err[e];
			if (j != i)
				res[j].path = xstrdup("/");	/* counted */
		}
		printf("  %-24s files=%-4zu writes=%-7lu ok=%lu", name, files,
		       sum.n, sum.ok);
		if (sum.shortw)
			printf(" short=%lu", sum.shortw);
		for (e = 1; e < MAX_ERRNO; e++)
			if (sum.err[e])
				printf(" %s=%lu", errname(e), sum.err[e]);
		putchar('\n');
	}
}

static void set_allowed(const char *list)
{
	char *copy = xstrdup(list), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int e = errnum(tok);

		if (e <= 0 || e >= MAX_ERRNO)
			die("unknown errno name '%s'", tok);
		allowed[e] = 1;
	}
	free(copy);
}

static int cmd_fuzz(int argc, char **argv)
{
	const char *wlist = NULL, *vocab = NULL, *logpath = NULL;
	unsigned long count = 1000;
	struct strlist files = { 0 };
	struct gen g = { 0 };
	struct result *res;
	unsigned char *buf, *orig, *cur;
	pthread_t wd;
	FILE *log = NULL;
	double t0;
	size_t i;
	int c, failed = 0;

	set_allowed("EPERM,EINVAL,ERANGE,EBUSY,ENODEV,E2BIG,EIO,ETIMEDOUT,EOPNOTSUPP,ENODATA,EOVERFLOW");
	while ((c = getopt(argc, argv, "s:n:v:o:t:e:l:")) != -1) {
		switch (c) {
		case 's': wd_seed = strtoull(optarg, NULL, 0); break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'v': vocab = optarg; break;
		case 'o': logpath = optarg; break;
		case 't': wd_limit = strtoul(optarg, NULL, 0); break;
		case 'e': set_allowed(optarg); break;
		case 'l': wlist = optarg; break;
		default: return 2;
		}
	}
	if (wlist)
		sl_load(&files, wlist);
	for (; optind < argc; optind++)
		sl_add(&files, argv[optind]);
	if (vocab)
		sl_load(&g.vocab, vocab);
	if (logpath) {
		log = fopen(logpath, "a");
		if (!log)
			die("cannot open %s: %s", logpath, strerror(errno));
	}
	res = calloc(files.n + 1, sizeof(*res));
	buf = malloc(MAX_PAYLOAD + 1);
	orig = malloc(MAX_CONTENT + 1);
	cur = malloc(MAX_CONTENT + 1);
	if (!res || !buf || !orig || !cur)
		die("out of memory");
	kmsg_open();
	if (pthread_create(&wd, NULL, watchdog, NULL))
		die("cannot start the watchdog");
	printf("fuzz: seed %llu, %lu payloads per file, %zu files, %zu words\n",
	       (unsigned long long)wd_seed, count, files.n, g.vocab.n);
	fflush(stdout);
	t0 = now_s();
	for (i = 0; i < files.n; i++) {
		res[i].path = files.v[i];
		fuzz_file(&res[i], &g, wd_seed, count, buf, orig, cur);
		if (!res[i].restore)
			res[i].restore = "skipped";
		failed |= res[i].failed;
		if (log) {
			log_result(log, &res[i]);
			fflush(log);
		}
	}
	printf("fuzz: %zu files, %lu writes each, %.1f s%s\n", files.n, count,
	       now_s() - t0, failed ? ", FAILED" : "");
	summarise(res, files.n);
	if (log)
		fclose(log);
	fflush(stdout);
	return failed;
}

static int cmd_show(int argc, char **argv)
{
	struct gen g = { 0 };
	unsigned char *buf = malloc(MAX_PAYLOAD + 1), *orig;
	unsigned long idx = 0;
	uint64_t seed = 0;
	ssize_t orig_len;
	char *esc;
	size_t len;
	int c;

	while ((c = getopt(argc, argv, "s:v:i:")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'v': sl_load(&g.vocab, optarg); break;
		case 'i': idx = strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (optind >= argc || !buf)
		die("usage: show [-s SEED] [-v VOCAB] -i I FILE");
	/* The mutations need the contents the file had before fuzzing. */
	orig = malloc(MAX_CONTENT + 1);
	if (!orig)
		die("out of memory");
	orig_len = read_file(argv[optind], orig);
	g.orig = orig;
	g.orig_len = orig_len > 0 ? (size_t)orig_len : 0;
	len = gen_payload(&g, seed, fnv1a(argv[optind]), idx, buf);
	esc = malloc(4 * len + 64);
	if (!esc)
		die("out of memory");
	escape(buf, len, len, esc);
	printf("%s\n", esc);
	return 0;
}

static int cmd_readcheck(int argc, char **argv)
{
	struct strlist lines = { 0 };
	unsigned char *buf = malloc(MAX_CONTENT + 1);
	size_t i, bad = 0;

	if (argc < 2 || !buf)
		die("usage: readcheck RLIST");
	sl_load(&lines, argv[1]);
	for (i = 0; i < lines.n; i++) {
		char *path = strchr(lines.v[i], ' ');
		const char *now;
		ssize_t n;

		if (!path)
			continue;
		*path++ = '\0';
		n = read_file(path, buf);
		now = errname(n < 0 ? (int)-n : 0);
		if (strcmp(now, lines.v[i])) {
			printf("READ %s: was %s, now %s\n", path, lines.v[i], now);
			bad++;
		}
	}
	printf("readcheck: %zu files read, %zu changed\n", lines.n, bad);
	return bad ? 1 : 0;
}

static int cmd_states(int argc, char **argv)
{
	return dsmil_check_states(argc > 1 ? strtoul(argv[1], NULL, 0) : 0);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: dsmil-fuzz scan|fuzz|show|readcheck|states ...");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "scan"))
		return cmd_scan(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fuzz"))
		return cmd_fuzz(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "readcheck"))
		return cmd_readcheck(argc - 1, argv + 1);
	if (!strcmp(argv[1], "states"))
		return cmd_states(argc - 1, argv + 1);
	die("unknown command '%s'", argv[1]);
	return 2;
}
