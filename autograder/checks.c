/*
 * The test kinds. Every emulator run goes through tools/hvrun, which has its
 * own timeout and judges the emulator's status together with the kernel's
 * result line; here the consoles are compared with native runs of the same
 * guest and the same seed.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grade.h"

#define CONSOLE_MAX (1u << 20)   /* read at most 1 MiB of a console: floods are cut */
/* A run's hang limit is what a right run needs, the same however busy the
 * machine, about ten times over: in Bochs instructions (26.7 million for the
 * longest right run, lab4/access_matrix_under_vtx; about 12 s of Bochs), in
 * QEMU CPU time (1.4 s for lab5/spinning_guest_beside_os). The wall-clock
 * limits end what hangs idle. */
#define BOCHS_INSN_LIMIT "300000000" /* instructions */
#define QEMU_CPU_LIMIT  "10" /* CPU-seconds */
#define BOCHS_TIMEOUT "60"   /* seconds */
#define QEMU_TIMEOUT  "20"   /* seconds */
#define UNIT_CPU_LIMIT "--cpu=2:3" /* prlimit(1): CPU-seconds of each unit test's process (SIGXCPU,
				       * then SIGKILL); they take milliseconds */
#define UNIT_TIMEOUT "60"     /* seconds for a lab's unit tests together: a loop meets UNIT_CPU_LIMIT first; this
			      * ends one that sleeps, with room for a loaded machine (they take under a second) */
#define MAX_GUESTS  4

/* Append a formatted sentence to the test's output. */
static void say(struct test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct test *t, const char *fmt, ...)
{
	size_t n = strlen(t->output);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->output + n, sizeof(t->output) - n, fmt, ap);
	va_end(ap);
}

/* Say what went wrong, first (the report puts it before the hint and the details). */
static void happened(struct test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void happened(struct test *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->happened, sizeof(t->happened), fmt, ap);
	va_end(ap);
}

/* The last lines of a file, appended to the output. */
static void say_tail(struct test *t, const char *path, int lines)
{
	char *text = file_read(path, CONSOLE_MAX), *p;
	int seen = 0;

	if (!text)
		return;
	for (p = text + strlen(text); p > text; p--)
		if (p[-1] == '\n' && p[0] && ++seen > lines)
			break;
	say(t, "last lines of %s:\n%s", path, p);
	free(text);
}

/* The line of text containing needle, or NULL. */
static const char *line_with(const char *text, const char *needle)
{
	const char *p = text ? strstr(text, needle) : NULL;

	return p ? line_start(text, p) : NULL;
}

/* The wall-clock limit of a run in this test's emulator. */
static const char *run_timeout(const struct test *t)
{
	return strcmp(t->args[0], "bochs") ? QEMU_TIMEOUT : BOCHS_TIMEOUT;
}

/* hvrun's hang limit of a run in this test's emulator: its option and value. */
static const char *run_limit(const struct test *t, const char **value)
{
	bool bochs = !strcmp(t->args[0], "bochs");

	*value = bochs ? BOCHS_INSN_LIMIT : QEMU_CPU_LIMIT;
	return bochs ? "--insn-limit" : "--cpu-limit";
}

/* How tools/hvrun says a run hung, and where Bochs stopped it. */
#define HUNG       "timeout after "
#define STOPPED_IN " (stopped in "

/* Why a run under the hypervisor did not end cleanly, in the runner's words
 * (a hang is named as one, with the limit, and said first; Bochs' failed
 * VM-entry check quoted), then the console's last lines. */
static void say_run_failed(struct test *t, const char *dir)
{
	char path[600], *runner;
	const char *failed, *bochs;

	snprintf(path, sizeof(path), "%s.hvrun.txt", dir);
	runner = file_read(path, CONSOLE_MAX);
	failed = runner ? strstr(runner, "FAILED: ") : NULL;
	failed = failed ? failed + strlen("FAILED: ") : NULL;
	t->hung = failed && !strncmp(failed, HUNG, strlen(HUNG));
	if (t->hung) { /* "timeout after 300000000 instructions: the run hung (stopped in vmx_run)" */
		const char *limit = failed + strlen(HUNG), *in = strstr(failed, STOPPED_IN);

		in = in ? in + strlen(STOPPED_IN) : NULL;
		happened(t, "the run hung: it was stopped after %.*s%s%.*s (a right run needs a tenth of that or less).",
			 (int)strcspn(limit, ":\n"), limit, in ? ", in " : "", in ? (int)strcspn(in, ")\n") : 0, in ? in : "");
	} else if (failed)
		say(t, "the run did not end cleanly: %.*s.\n", (int)strcspn(failed, "\n"), failed);
	else
		say(t, "the run did not end cleanly.\n");
	if ((bochs = line_with(runner, "VMFAIL")) || (bochs = line_with(runner, "VMENTER FAIL")))
		say(t, "Bochs names the check that failed:\n%.*s\n", (int)strcspn(bochs, "\n"), bochs);
	free(runner);
	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	snprintf(t->evidence, sizeof(t->evidence), "%s", path);
	say_tail(t, path, 8);
}

/* "name.elf args" -> "DIR/name.elf args seed=S", the guest from the built or hidden guests. */
static void guest_path(const struct grade_config *cfg, const struct test *t, const char *guest,
		       char *out, size_t size)
{
	const char *dir = t->hidden && cfg->hidden ? cfg->hidden : cfg->guest_dir;

	snprintf(out, size, "%s/%s seed=%u", dir, guest, cfg->seed);
}

/* Run guests under the hypervisor of this test's lab; returns hvrun's status. */
static int hv_run(const struct grade_config *cfg, const struct test *t, const char *dir,
		  char guests[][512], int n, const char *hvargs)
{
	char log[600], hvrun[600];
	char *argv[16 + 2 * MAX_GUESTS] = { hvrun, "--quiet", "--emu", t->args[0], "--kernel",
					   (char *)cfg->hv[t->lab], "--out", (char *)dir };
	int a = 8;

	snprintf(hvrun, sizeof(hvrun), "%s/tools/hvrun", cfg->tree);
	snprintf(log, sizeof(log), "%s.hvrun.txt", dir);
	argv[a++] = "--timeout";
	argv[a++] = (char *)run_timeout(t);
	const char *limit;

	argv[a++] = (char *)run_limit(t, &limit);
	argv[a++] = (char *)limit;
	if (hvargs && *hvargs) {
		argv[a++] = "--hvargs";
		argv[a++] = (char *)hvargs;
	}
	/* A budget counts TSC ticks, and lab 7's guests time their interrupts by
	 * the VM's clock: make ticks instructions in QEMU too, or a loaded machine
	 * (its TSC runs on while QEMU waits for the host) spends a budget before
	 * the guests finish, or fires a guest's timer before the HLT that waits for it. */
	if ((hvargs && strstr(hvargs, "budget=")) || (t->lab == INTERRUPTS_LAB && !strcmp(t->args[0], "qemu")))
		argv[a++] = "--deterministic";
	for (int i = 0; i < n; i++) {
		argv[a++] = "--guest";
		argv[a++] = guests[i];
	}
	argv[a] = NULL;
	return proc_run(log, cfg->emu_user, argv);
}

/* The guest's native console (QEMU, no hypervisor) in dir/serial.txt, where dir
 * is named after the guest and its arguments; false if the run failed. A guest
 * runs natively once per grading run: the tests that compare with it (and run
 * at the same time) share it, the first one running it under a lock. */
static bool native_run(const struct grade_config *cfg, const char *guest, char *dir, size_t size)
{
	char log[700], hvrun[600], g[512], lock[700], ok[700], *p;
	char *argv[] = { hvrun, "--quiet", "--emu", "native", "--out", dir, "--timeout",
			 QEMU_TIMEOUT, "--cpu-limit", QEMU_CPU_LIMIT, "--guest", g, NULL };
	const char *name = strrchr(guest, '/') ? strrchr(guest, '/') + 1 : guest;
	uint32_t hash = 2166136261u; /* FNV-1a of the whole string: two directories, two names */
	struct stat st;
	bool passed;
	int fd;

	for (p = (char *)guest; *p; p++)
		hash = (hash ^ (uint8_t)*p) * 16777619u;
	snprintf(dir, size, "%s/logs/native-%s-%08x", cfg->out, name, hash);
	for (p = strrchr(dir, '/') + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			*p = '_';
	snprintf(lock, sizeof(lock), "%s.lock", dir);
	snprintf(ok, sizeof(ok), "%s.passed", dir);
	snprintf(log, sizeof(log), "%s.hvrun.txt", dir);
	fd = open(lock, O_CREAT | O_RDWR, 0644);
	if (fd < 0)
		return false;
	flock(fd, LOCK_EX); /* held until close() */
	passed = stat(ok, &st) == 0;
	if (!passed && stat(log, &st) != 0) { /* not run yet (a failed run is not tried again) */
		snprintf(hvrun, sizeof(hvrun), "%s/tools/hvrun", cfg->tree);
		snprintf(g, sizeof(g), "%s", guest);
		passed = proc_run(log, cfg->emu_user, argv) == 0;
		if (passed)
			close(open(ok, O_CREAT | O_WRONLY, 0644));
	}
	close(fd); /* and the lock with it */
	return passed;
}

/* The lines of VM id in a console, without their "[vmN] " prefix. */
static char *vm_lines(const char *console, int id)
{
	char prefix[16], *out = calloc(1, strlen(console) + 1), *o = out;
	size_t plen = (size_t)snprintf(prefix, sizeof(prefix), "[vm%d] ", id);

	for (const char *p = console; out && *p; ) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p + 1) : strlen(p);

		if (len > plen && !strncmp(p, prefix, plen)) {
			memcpy(o, p + plen, len - plen);
			o += len - plen;
		}
		p += len;
	}
	return out;
}

/* Where VM id's text first differs from native's, said first: the line number and both lines. */
static void say_difference(struct test *t, int id, const char *want, const char *got)
{
	int line = 1;

	while (*want && *want == *got) {
		line += *want == '\n';
		want++;
		got++;
	}
	while (line > 1 && want[-1] != '\n') {
		want--;
		got--;
	}
	happened(t, "vm%d's line %d differs from the same guest run natively:\n  native:      %.*s\n  virtualised: %.*s%s",
		 id, line, (int)strcspn(want, "\n"), want, (int)strcspn(got, "\n"), got, *got ? "" : "(nothing)");
}

/* VM id's lines in dir/serial.txt must equal native's; says why not. */
static bool same_as_native(struct test *t, const char *dir, int id, const char *native_dir)
{
	char path[600];
	char *console, *native, *lines;
	bool same;

	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	console = file_read(path, CONSOLE_MAX);
	snprintf(path, sizeof(path), "%s/serial.txt", native_dir);
	native = file_read(path, CONSOLE_MAX);
	lines = console ? vm_lines(console, id) : NULL;
	same = native && lines && !strcmp(native, lines);
	if (!same && native && lines) {
		say_difference(t, id, native, lines);
		say(t, "the whole difference: sed -n 's/^\\[vm%d\\] //p' %s/serial.txt | diff %s/serial.txt -\n",
		    id, dir, native_dir);
		snprintf(t->evidence, sizeof(t->evidence), "%s/serial.txt", dir);
	}
	free(console);
	free(native);
	free(lines);
	return same;
}

/* Whether dir/serial.txt contains text. */
static bool console_has(const char *dir, const char *text)
{
	char path[600], *console;
	bool has;

	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	console = file_read(path, CONSOLE_MAX);
	has = console && strstr(console, text);
	free(console);
	return has;
}

/* The first line of the assertion message between a test's [RUN ] and its [FAIL],
 * or the bounds check's report (an index past an array's end), or NULL. */
static const char *assertion_message(const char *out, const char *fail)
{
	const char *run = fail;

	while (run > out && strncmp(run, "[RUN ] ", 7))
		run--;
	for (const char *q = run; q && q < fail; q = strchr(q, '\n'), q = q ? q + 1 : NULL) {
		const char *end = strchr(q, '\n'), *error = strstr(q, ": runtime error: ");

		if (!strncmp(q, "[----]   ", 9) && q[9] != '\n' && q[9] != ' ')
			return q + 9;
		if (error && (!end || error < end))
			return q;
	}
	return NULL;
}

/* Name each failing unit test with its assertion message (a repeated message once). */
static void say_failed_unit_tests(struct test *t, const char *out)
{
	const char *last = NULL;

	for (const char *p = out; (p = strstr(p, "[FAIL] ")) != NULL; p++) {
		const char *msg = assertion_message(out, p);
		int len = msg ? (int)strcspn(msg, "\n") : 0;

		int flen = (int)strcspn(p, "\n");

		say(t, "\n  %.*s", flen, p);
		if (flen > 7 && !strncmp(p + flen - 7, " CRASH!", 7))
			say(t, " (a crash, or a loop that never ends: each unit test may use 2 CPU-seconds)");
		if (msg && !(last && !strncmp(last, msg, len) && last[len] == '\n'))
			say(t, "\n      %.*s", len, msg);
		if (msg)
			last = msg;
	}
}

static void check_unit(const struct grade_config *cfg, struct test *t)
{
	char filter[128];
	/* Criterion runs each test in a process of its own: one that loops is
	 * stopped by its CPU limit and counted as a crash, the others still run. */
	char *argv[] = { "timeout", "--kill-after=5", UNIT_TIMEOUT, "prlimit", UNIT_CPU_LIMIT,
			 (char *)cfg->unit_bin[t->lab], "--filter", filter, "--verbose=1", "--jobs=1", NULL };
	char *out;
	int tested = 0, passing = 0;

	snprintf(filter, sizeof(filter), "%s", t->args[0]);
	int status = proc_run(t->log, cfg->student_user, argv);

	if (cfg->student_user) /* nothing the student's code started outlives its tests */
		proc_kill_user(cfg->student_user);
	out = file_read(t->log, CONSOLE_MAX);
	const char *syn = out ? strstr(out, "Synthesis: Tested: ") : NULL;

	if (status == 124 || status == 128 + 9) { /* timeout(1): a hang; name the test that ran last */
		const char *run = NULL;

		for (const char *p = out; p && (p = strstr(p, "[RUN ] ")) != NULL; p++)
			run = p + 7;
		say(t, "the unit tests %s did not finish within %s s: a loop that never ends? The last one started: %.*s\n",
		    filter, UNIT_TIMEOUT, run ? (int)strcspn(run, "\n") : 7, run ? run : "unknown");
	} else if (!syn || sscanf(syn, "Synthesis: Tested: %d | Passing: %d", &tested, &passing) != 2 ||
	    tested == 0) {
		say(t, "the unit tests %s did not run. ", filter);
	} else {
		t->score = t->points * passing / tested;
		t->passed = passing == tested;
		say(t, "%d of %d unit tests pass.", passing, tested);
		say_failed_unit_tests(t, out);
		say(t, "\n");
	}
	free(out);
}

/* Count in a console: the number after "key " in the first line starting with prefix. */
static bool console_number(const char *console, const char *prefix, const char *key, unsigned long *n)
{
	const char *line = strstr(console, prefix), *k;

	if (!line)
		return false;
	k = strstr(line, key);
	return k && k < line + strcspn(line, "\n") && sscanf(k + strlen(key), "%lu", n) == 1;
}

/*
 * Precise invalidation, as the guest can count it: every page filled again
 * within one CR3 epoch (a refill) must be owed to an INVLPG of the guest's
 * or to an eviction from a full pool. The hypervisor counts exits and
 * evictions outside the student's code; hidden + true faults must add up
 * to the page-fault exits.
 */
static void check_precise(struct test *t, const char *dir)
{
	char path[600], *console;
	unsigned long hidden = 0, truef = 0, pf = 0, invlpg = 0, refills = 0, evicted = 0;

	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	console = file_read(path, CONSOLE_MAX);
	if (!console || !console_number(console, "hv: vm0 vtlb: ", "vtlb: ", &hidden) ||
	    !console_number(console, "hv: vm0 vtlb: ", "entries, ", &refills) ||
	    !console_number(console, "hv: vm0 vtlb: ", "), ", &truef) ||
	    !console_number(console, "hv: vm0 exits: ", "page-fault ", &pf)) {
		happened(t, "no virtual TLB statistics on the console");
	} else {
		const char *e = strstr(strstr(console, "hv: vm0 vtlb: "), " evicted"); /* "..., N evicted" */

		console_number(console, "hv: vm0 exits: ", "invlpg ", &invlpg);
		while (e && e[-1] >= '0' && e[-1] <= '9')
			e--;
		evicted = e ? strtoul(e, NULL, 10) : 0;
		if (hidden + truef != pf)
			happened(t, "the statistics do not add up: %lu hidden + %lu true faults, but %lu page-fault exits",
				 hidden, truef, pf);
		else if (refills > invlpg + evicted)
			happened(t, "correct, but imprecise: %lu pages were filled again within a CR3 epoch, but the guest executed only %lu INVLPGs (and %lu page tables were evicted): invalidation drops more than it must",
				 refills, invlpg, evicted);
		else
			t->passed = true;
	}
	free(console);
}

/* TEST_SAME and TEST_PRECISE: args EMU GUEST. */
static void check_same(const struct grade_config *cfg, struct test *t)
{
	char dir[600], native[600], g[1][512];
	int status;

	guest_path(cfg, t, t->args[1], g[0], sizeof(g[0]));
	snprintf(dir, sizeof(dir), "%s.run", t->log);
	if (!native_run(cfg, g[0], native, sizeof(native))) {
		say(t, "the guest itself fails natively (grader problem): see %s\n", native);
		return;
	}
	status = hv_run(cfg, t, dir, g, 1, NULL);
	if (status != 0) {
		say_run_failed(t, dir);
		if (!t->hung) /* where its output went wrong, when it did */
			same_as_native(t, dir, 0, native);
		return;
	}
	if (!same_as_native(t, dir, 0, native))
		return;
	if (t->kind == TEST_PRECISE)
		check_precise(t, dir);
	else
		t->passed = true;
	if (t->passed)
		t->score = t->points;
}

/* TEST_FAILS: args EMU GUEST TEXT. */
static void check_fails(const struct grade_config *cfg, struct test *t)
{
	char dir[600], path[600], g[1][512];
	int status;

	guest_path(cfg, t, t->args[1], g[0], sizeof(g[0]));
	snprintf(dir, sizeof(dir), "%s.run", t->log);
	status = hv_run(cfg, t, dir, g, 1, NULL);
	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	snprintf(t->evidence, sizeof(t->evidence), "%s", path);
	if (status == 0)
		happened(t, "the run succeeded; it must stop the VM with \"%s\"", t->args[2]);
	else if (!console_has(dir, "hv: end: failure")) {
		say_run_failed(t, dir); /* hung or crashed: which, and the console */
		return;
	} else if (!console_has(dir, t->args[2]))
		say(t, "the console does not say \"%s\"\n", t->args[2]);
	else
		t->passed = true;
	if (!t->passed)
		say_tail(t, path, 8);
	t->score = t->passed ? t->points : 0;
}

/* The VMs took turns: the first [vm1] line comes before vm0 ends. NULL, or why not.
 * (Which VM prints first says nothing: a line is printed when its newline comes.) */
static const char *not_interleaved(const char *dir)
{
	char path[600], *console;
	const char *vm1, *end0, *why = NULL;

	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	console = file_read(path, CONSOLE_MAX);
	vm1 = console ? strstr(console, "[vm1] ") : NULL;
	end0 = console ? strstr(console, "hv: vm0 exited") : NULL;
	if (!vm1 || !end0 || vm1 > end0)
		why = "the VMs did not take turns: vm0 ended before vm1 printed anything";
	free(console);
	return why;
}

/* The VMs a pair test compares (args[2]: their ids) printed their native output; says
 * where the first that did not went wrong. */
static bool same_as_natives(const struct grade_config *cfg, struct test *t, const char *dir, char g[][512])
{
	char native[600];

	for (const char *id = t->args[2]; *id; id++) {
		if (*id < '0' || *id > '9')
			continue;
		if (!native_run(cfg, g[*id - '0'], native, sizeof(native))) {
			say(t, "guest %c fails natively (grader problem)\n", *id);
			return false;
		}
		if (!same_as_native(t, dir, *id - '0', native))
			return false;
	}
	return true;
}

/* TEST_PAIR: args EMU "G1,G2" "COMPARED VM IDS" EXPECT [HVARGS]; EXPECT is
 * success, interleaved (success, and the VMs took turns) or a console text. */
static void check_pair(const struct grade_config *cfg, struct test *t)
{
	char dir[600], path[600], list[512], g[MAX_GUESTS][512];
	char *save = NULL, *name;
	int n = 0, status;

	snprintf(list, sizeof(list), "%s", t->args[1]);
	for (name = strtok_r(list, ",", &save); name && n < MAX_GUESTS; name = strtok_r(NULL, ",", &save))
		guest_path(cfg, t, name, g[n++], sizeof(g[0]));
	snprintf(dir, sizeof(dir), "%s.run", t->log);
	status = hv_run(cfg, t, dir, g, n, t->nargs > 4 ? t->args[4] : NULL);
	snprintf(path, sizeof(path), "%s/serial.txt", dir);
	bool expect_interleaved = !strcmp(t->args[3], "interleaved");
	bool expect_success = expect_interleaved || !strcmp(t->args[3], "success");

	if (expect_success && status != 0) {
		say_run_failed(t, dir);
		if (!t->hung) /* where their output went wrong, when it did */
			same_as_natives(cfg, t, dir, g);
		return;
	}
	if (!expect_success && !console_has(dir, t->args[3])) {
		say(t, "the console does not say \"%s\". ", t->args[3]);
		snprintf(t->evidence, sizeof(t->evidence), "%s", path);
		say_tail(t, path, 8);
		return;
	}
	const char *why = expect_interleaved ? not_interleaved(dir) : NULL;

	if (why) {
		happened(t, "%s", why);
		snprintf(t->evidence, sizeof(t->evidence), "%s", path);
		return;
	}
	if (same_as_natives(cfg, t, dir, g)) {
		t->passed = true;
		t->score = t->points;
	}
}

/* Run test t by its kind; a failed emulator test then says first what happened. */
void check_run(const struct grade_config *cfg, struct test *t)
{
	char dir[600];

	if ((t->kind == TEST_UNIT && !cfg->unit_bin[t->lab]) || (t->kind != TEST_UNIT && !cfg->hv[t->lab])) {
		say(t, "lab %d does not build:\n%s", t->lab, cfg->build_error[t->lab]);
		return;
	}
	switch (t->kind) {
	case TEST_UNIT:
		check_unit(cfg, t);
		break;
	case TEST_SAME:
	case TEST_PRECISE:
		check_same(cfg, t);
		break;
	case TEST_FAILS:
		check_fails(cfg, t);
		break;
	case TEST_PAIR:
		check_pair(cfg, t);
		break;
	}
	snprintf(dir, sizeof(dir), "%s.run", t->log); /* where every emulator check ran */
	if (t->kind != TEST_UNIT && !t->passed)
		explain_run(t, dir);
}
