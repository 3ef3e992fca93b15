// SPDX-License-Identifier: GPL-2.0
/*
 * dell-wmi-call - talk to the (emulated) Dell firmware through mainline's
 * /dev/wmi/dell-smbios, independently of the dsmil driver.
 *
 * Usage: dell-wmi-call [-d DEV] [-t] [-q] OP [ARGS] [OP [ARGS]]...
 *
 * Several operations may follow each other in one run (one exec in the
 * TCG guest costs ~0.25 s); they run in order and each prints one line.
 * Numbers are C literals (0x0a00, 2560, 0755).
 *
 *   read LOC            class 0 select 0: print the value as 0x%08x
 *   write LOC VAL       class 1 select 0, input[1] = VAL
 *   count LOC           the firmware's write counter of LOC (decimal)
 *   reads LOC           the firmware's read counter of LOC (decimal)
 *   peek LOC            "value=0x.. writes=N reads=N" without counting
 *   poke LOC VAL        set the value without counting
 *   stats               "calls=N writes=N reads=N" since the last reset
 *   reset               firmware back to its boot state
 *   inject-error N [LOC [STATUS]]
 *                       the next N token calls (on LOC, 0 = any) return
 *                       STATUS (default -1); N = 0 disarms
 *   inject-slow MS [LOC [N]]
 *                       the next N (default 1) token calls (on LOC, 0 = any)
 *                       wait MS ms first; MS = 0 disarms
 *   drop-writes N [LOC] the next N token writes (on LOC, 0 = any) answer
 *                       ok and count but leave the value; N = 0 disarms
 *   slow-mode sleep|spin
 *                       how the firmware waits (ASL Sleep or a Timer spin)
 *   set-temp DK         thermal zone temperature in 0.1 K (3132 = 40.0 C)
 *   get-temp            print it (0.1 K)
 *   ident               check that the firmware is the dsmil emulation
 *   raw CLASS SELECT IN0 [IN1 [IN2 [IN3]]]
 *                       any call; prints "status=S out=O1,O2,O3"
 *
 * read and write are select 0 token calls, which mainline's call filter
 * only lets through for locations in the SMBIOS token table (else the
 * ioctl fails: EFAULT on 6.1, EINVAL on 6.12, "Invalid call" in dmesg);
 * everything else uses the emulation's test select 0x5A, which the filter
 * lets root (CAP_SYS_RAWIO) make for any location.  See
 * tests/firmware/README.md.
 *
 *   -d DEV  device node (default /dev/wmi/dell-smbios)
 *   -t      print "time_us=N" (the ioctl round trip) before each
 *           operation's own output line
 *   -q      print nothing for write, poke, reset, inject-error,
 *           inject-slow, drop-writes, slow-mode and set-temp
 *
 * Exit status: 0 ok; 1 the ioctl failed (errno shown); 2 usage; 3 the
 * firmware returned a non-zero status in output[0] (shown as
 * "firmware status -1" on stderr, and on stdout as "status=-1").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/wmi.h>

#define DEFAULT_DEV	"/dev/wmi/dell-smbios"
/* dell-smbios-wmi: firmware buffer size (4096) + the u64 length field */
#define BUF_LEN		4104
#define SEL_TEST	0x5A

#define LOC_IDENT	0x0BF0
#define LOC_DROP	0x0BFA
#define LOC_SLOWMODE	0x0BFB
#define LOC_STATS	0x0BFC
#define LOC_TEMP	0x0BFD
#define LOC_ERROR	0x0BFE
#define LOC_SLOW	0x0BFF
#define FW_MAGIC	0x44534657	/* "DSFW" */

static const char *prog = "dell-wmi-call";
static int fd = -1;
static int opt_time, opt_quiet;
static struct dell_wmi_smbios_buffer *buf;
static uint32_t out[4];	/* output[0..3] of the last call */

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [-d DEV] [-t] [-q] OP [ARGS] [OP [ARGS]]...\n"
		"  read LOC | write LOC VAL | count LOC | reads LOC | peek LOC |\n"
		"  poke LOC VAL | stats | reset | inject-error N [LOC [STATUS]] |\n"
		"  inject-slow MS [LOC [N]] | drop-writes N [LOC] |\n"
		"  slow-mode sleep|spin | set-temp DK |\n"
		"  get-temp | ident | raw CLASS SELECT IN0 [IN1 [IN2 [IN3]]]\n",
		prog);
	exit(2);
}

static uint32_t num(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || *end || v < -0x80000000LL || v > 0xffffffffLL) {
		fprintf(stderr, "%s: bad number '%s'\n", prog, s);
		exit(2);
	}
	return (uint32_t)v;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* call: one firmware call; returns output[0] (0 = ok).  Exits on ioctl error. */
static int32_t call(uint16_t cls, uint16_t sel, uint32_t in0, uint32_t in1,
		    uint32_t in2, uint32_t in3)
{
	double t0;

	memset(buf, 0, BUF_LEN);
	buf->length = BUF_LEN;
	buf->std.cmd_class = cls;
	buf->std.cmd_select = sel;
	buf->std.input[0] = in0;
	buf->std.input[1] = in1;
	buf->std.input[2] = in2;
	buf->std.input[3] = in3;
	t0 = now_us();
	if (ioctl(fd, DELL_WMI_SMBIOS_CMD, buf) < 0) {
		int e = errno;

		fprintf(stderr, "%s: class %u select %u loc 0x%04x: ioctl: %s%s\n",
			prog, cls, sel, in0, strerror(e),
			(e == EFAULT || e == EINVAL) && cls <= 1 ?
			" (refused by dell-smbios' call filter: a select 0..2 call on a"
			" location outside the SMBIOS token table, or a class the"
			" table does not support)" : "");
		exit(1);
	}
	if (opt_time)
		printf("time_us=%.0f\n", now_us() - t0);
	out[0] = buf->std.output[0];
	out[1] = buf->std.output[1];
	out[2] = buf->std.output[2];
	out[3] = buf->std.output[3];
	return (int32_t)out[0];
}

/* check: stop with status 3 when the firmware reported an error. */
static void check(int32_t st)
{
	if (!st)
		return;
	fprintf(stderr, "%s: firmware status %d\n", prog, st);
	printf("status=%d\n", st);
	fflush(stdout);
	exit(3);
}

static void done(const char *what)
{
	if (!opt_quiet)
		printf("%s\n", what);
}

int main(int argc, char **argv)
{
	const char *dev = DEFAULT_DEV;
	int c, i;

	while ((c = getopt(argc, argv, "+d:tqh")) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 't': opt_time = 1; break;
		case 'q': opt_quiet = 1; break;
		default: usage();
		}
	}
	if (optind >= argc)
		usage();

	buf = calloc(1, BUF_LEN);
	if (!buf)
		return 1;
	fd = open(dev, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, dev, strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = optind; i < argc; ) {
		const char *op = argv[i++];
		int left = argc - i;

#define NEED(n) do { if (left < (n)) usage(); } while (0)
		if (!strcmp(op, "read")) {
			NEED(1);
			check(call(0, 0, num(argv[i]), 0, 0, 0));
			printf("0x%08x\n", out[1]);
			i += 1;
		} else if (!strcmp(op, "write")) {
			NEED(2);
			check(call(1, 0, num(argv[i]), num(argv[i + 1]), 0, 0));
			done("ok");
			i += 2;
		} else if (!strcmp(op, "count") || !strcmp(op, "reads")) {
			NEED(1);
			check(call(0, SEL_TEST, num(argv[i]), 0, 0, 0));
			printf("%u\n", op[0] == 'c' ? out[2] : out[3]);
			i += 1;
		} else if (!strcmp(op, "peek")) {
			NEED(1);
			check(call(0, SEL_TEST, num(argv[i]), 0, 0, 0));
			printf("value=0x%08x writes=%u reads=%u\n", out[1], out[2], out[3]);
			i += 1;
		} else if (!strcmp(op, "poke")) {
			NEED(2);
			check(call(1, SEL_TEST, num(argv[i]), num(argv[i + 1]), 0, 0));
			done("ok");
			i += 2;
		} else if (!strcmp(op, "stats")) {
			check(call(0, SEL_TEST, LOC_STATS, 0, 0, 0));
			printf("calls=%u writes=%u reads=%u\n", out[1], out[2], out[3]);
		} else if (!strcmp(op, "reset")) {
			check(call(1, SEL_TEST, LOC_STATS, 0, 0, 0));
			done("ok");
		} else if (!strcmp(op, "inject-error")) {
			uint32_t n, loc = 0, st = 0;

			NEED(1);
			n = num(argv[i++]);
			left--;
			if (left >= 1 && argv[i][0] >= '0' && argv[i][0] <= '9')
				loc = num(argv[i++]), left--;
			if (left >= 1 && (argv[i][0] == '-' ||
					  (argv[i][0] >= '0' && argv[i][0] <= '9')))
				st = num(argv[i++]);
			check(call(1, SEL_TEST, LOC_ERROR, n, loc, st));
			done("ok");
		} else if (!strcmp(op, "inject-slow")) {
			uint32_t ms, loc = 0, n = 0;

			NEED(1);
			ms = num(argv[i++]);
			left--;
			if (left >= 1 && argv[i][0] >= '0' && argv[i][0] <= '9')
				loc = num(argv[i++]), left--;
			if (left >= 1 && argv[i][0] >= '0' && argv[i][0] <= '9')
				n = num(argv[i++]);
			check(call(1, SEL_TEST, LOC_SLOW, ms, loc, n));
			done("ok");
		} else if (!strcmp(op, "drop-writes")) {
			uint32_t n, loc = 0;

			NEED(1);
			n = num(argv[i++]);
			left--;
			if (left >= 1 && argv[i][0] >= '0' && argv[i][0] <= '9')
				loc = num(argv[i++]);
			check(call(1, SEL_TEST, LOC_DROP, n, loc, 0));
			done("ok");
		} else if (!strcmp(op, "slow-mode")) {
			NEED(1);
			if (strcmp(argv[i], "sleep") && strcmp(argv[i], "spin"))
				usage();
			check(call(1, SEL_TEST, LOC_SLOWMODE, !strcmp(argv[i], "spin"), 0, 0));
			done("ok");
			i += 1;
		} else if (!strcmp(op, "set-temp")) {
			NEED(1);
			check(call(1, SEL_TEST, LOC_TEMP, num(argv[i]), 0, 0));
			done("ok");
			i += 1;
		} else if (!strcmp(op, "get-temp")) {
			check(call(0, SEL_TEST, LOC_TEMP, 0, 0, 0));
			printf("%u\n", out[1]);
		} else if (!strcmp(op, "ident")) {
			check(call(0, SEL_TEST, LOC_IDENT, 0, 0, 0));
			if (out[1] != FW_MAGIC) {
				fprintf(stderr, "%s: not the dsmil firmware emulation (0x%08x)\n",
					prog, out[1]);
				return 3;
			}
			printf("dsmil-fw tokens=%u base=0x%04x\n", out[2], out[3]);
		} else if (!strcmp(op, "raw")) {
			uint32_t in[4] = { 0 };
			uint16_t cls, sel;
			int k;
			int32_t st;

			NEED(3);
			cls = num(argv[i++]);
			sel = num(argv[i++]);
			for (k = 0; k < 4 && i < argc &&
			     ((argv[i][0] >= '0' && argv[i][0] <= '9') || argv[i][0] == '-'); k++)
				in[k] = num(argv[i++]);
			st = call(cls, sel, in[0], in[1], in[2], in[3]);
			printf("status=%d out=0x%08x,0x%08x,0x%08x\n", st, out[1], out[2], out[3]);
			if (st)
				return 3;
		} else {
			fprintf(stderr, "%s: unknown operation '%s'\n", prog, op);
			usage();
		}
#undef NEED
	}
	return 0;
}
