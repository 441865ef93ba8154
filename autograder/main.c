/*
 * grade: build a tree and score it lab by lab.
 *
 *   grade --tree DIR --out DIR [--lab "N ..."] [--mode student|reference|isolate]
 *         [--test "labN/NAME ..."] [--hidden DIR] [--jobs N] [--seed N]
 *
 * student   the tree as it is (the hand-out with the student's code)
 * reference SOLUTION=1: the reference solutions (must score full marks)
 * isolate   lab N is built from the tree's files, every other lab from
 *           solutions/: one broken lab cannot fail the next (instructors)
 *
 * Tests come from autograder/tests.list (and HIDDEN/tests.list, their own
 * category); --test keeps only the named ones (a failure looked at again).
 * Each runs in a child process, up to --jobs at once, with its own log; the
 * report ends with "N passed, N failed".
 *
 * --sandbox STUDENT,EMU (as root; Gradescope's setup.sh creates the users):
 * every lab is built as STUDENT, then the build is made root's and read-only;
 * the unit tests, the student's code run natively, run as STUDENT one at a
 * time, and whatever they started is killed after each; the emulators run
 * as EMU, whose log directory STUDENT cannot write. The report is written by
 * root once both users' processes are gone.
 *
 * --intro FILE: its text heads results.json's own output (Gradescope's
 * run_autograder says there which files it took from the submission).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "grade.h"

static struct test tests[MAX_TESTS];
static int test_count; /* of tests[], once --lab and --test have chosen */
static struct grade_config cfg;
static const char *mode = "student";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(const char *why)
{
	fprintf(stderr, "grade: %s\nusage: grade --tree DIR --out DIR [--lab \"N ...\"] [--mode student|reference|isolate] [--test \"labN/NAME ...\"] [--hidden DIR] [--jobs N] [--seed N] [--sandbox STUDENT,EMU] [--intro FILE]\n", why);
	exit(2);
}

/* A seed nobody can predict when it was not given. */
static unsigned fresh_seed(void)
{
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &seed, sizeof(seed)) != sizeof(seed))
			seed ^= (unsigned)clock();
		close(fd);
	}
	return seed % 1000000;
}

/* --lab "N ...": the labs graded (spaces or commas); 0 or nothing: every lab. */
static void parse_labs(const char *v)
{
	char *words = strdup(v), *save = NULL, *end;

	for (char *w = strtok_r(words, " ,", &save); w; w = strtok_r(NULL, " ,", &save)) {
		long lab = strtol(w, &end, 10);

		if (*end || lab < 0 || lab > NUM_LABS)
			usage("--lab takes lab numbers, 1 to 7 (0: every lab)");
		if (lab)
			cfg.labs |= 1u << lab;
	}
	free(words);
}

/* --sandbox STUDENT,EMU: two users, and only root can become them. */
static void parse_sandbox(const char *v)
{
	char *users = strdup(v), *comma = strchr(users, ',');

	if (!*v)
		return;
	if (!comma || comma == users || !comma[1] || strchr(comma + 1, ','))
		usage("--sandbox takes two users: STUDENT,EMU");
	*comma = '\0';
	cfg.student_user = users;
	cfg.emu_user = comma + 1;
	if (geteuid() != 0)
		usage("--sandbox runs the student's code as other users, which only root can do");
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage("an option without its value");
		if (!strcmp(a, "--tree")) cfg.tree = v;
		else if (!strcmp(a, "--out")) cfg.out = v;
		else if (!strcmp(a, "--lab")) parse_labs(v);
		else if (!strcmp(a, "--mode")) mode = v;
		else if (!strcmp(a, "--test")) cfg.only = *v ? v : NULL;
		else if (!strcmp(a, "--hidden")) cfg.hidden = *v ? v : NULL;
		else if (!strcmp(a, "--jobs")) cfg.jobs = atoi(v);
		else if (!strcmp(a, "--seed")) cfg.seed = (unsigned)atoi(v);
		else if (!strcmp(a, "--sandbox")) parse_sandbox(v);
		else if (!strcmp(a, "--intro")) cfg.intro = *v ? v : NULL;
		else usage("unknown option");
		i++;
	}
	if (!cfg.tree || !cfg.out)
		usage("--tree and --out are required");
	if (strcmp(mode, "student") && strcmp(mode, "reference") && strcmp(mode, "isolate"))
		usage("--mode must be student, reference or isolate");
	if (cfg.jobs <= 0)
		cfg.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN) + 1;
	if (!cfg.seed)
		cfg.seed = fresh_seed();
}

/* The compiler's error lines (or the log's tail) from a failed build. */
static void build_error_text(const char *log, char *out, size_t size)
{
	char *text = file_read(log, 1 << 20);
	size_t n = 0;

	out[0] = '\0';
	/* gcc and ld messages, not the command lines (whose -Werror says "error" too) */
	for (char *line = text ? strtok(text, "\n") : NULL; line && n < size - 1; line = strtok(NULL, "\n"))
		if ((strstr(line, ": error:") || strstr(line, ": fatal error:") || strstr(line, ": Error: ") ||
		     strstr(line, "undefined reference") ||
		     strstr(line, "No rule to make target")) && !strstr(out, line)) /* once, though tried again */
			n += (size_t)snprintf(out + n, size - n, "  %s\n", line);
	if (!n)
		snprintf(out, size, "  (no compiler message: see %s)\n", log);
	else
		n += (size_t)snprintf(out + n, size - n, "  (the whole build: %s)\n", log);
	free(text);
}

/* make TARGETS (NULL-ended) in the tree with the words of vars and BUILD under
 * --out, as the student's user when sandboxed; false if it failed (message in err). */
static bool make(const char *log, const char *vars, const char *const targets[], char *err, size_t size)
{
	char jobs[16], build[640], hidden[640], words[128], *argv[32], *save = NULL;
	int a = 0, status;

	snprintf(jobs, sizeof(jobs), "-j%d", cfg.jobs);
	snprintf(build, sizeof(build), "BUILD=%s/build", cfg.out);
	snprintf(hidden, sizeof(hidden), "HIDDEN=%s", cfg.hidden ? cfg.hidden : "");
	snprintf(words, sizeof(words), "%s", vars);
	argv[a++] = "make";
	argv[a++] = "-C";
	argv[a++] = (char *)cfg.tree;
	argv[a++] = "--no-print-directory";
	argv[a++] = jobs;
	argv[a++] = build;
	argv[a++] = hidden;
	for (char *w = strtok_r(words, " ", &save); w && a < 20; w = strtok_r(NULL, " ", &save))
		argv[a++] = w;
	for (int i = 0; targets[i] && a < 31; i++)
		argv[a++] = (char *)targets[i];
	argv[a] = NULL;
	status = proc_run(log, cfg.student_user, argv);
	if (status != 0 && err)
		build_error_text(log, err, size);
	return status == 0;
}

/* The make variables and build directory of lab's kernel in this mode. */
static void variant(int lab, char *vars, size_t vsize, char *dir, size_t dsize)
{
	bool reference = !strcmp(mode, "reference");

	if (!strcmp(mode, "isolate")) {
		snprintf(vars, vsize, "SOLUTION=1 STUDENT_LABS=%d", lab);
		snprintf(dir, dsize, "%s/build/solution-lab%d", cfg.out, lab);
	} else {
		snprintf(vars, vsize, "SOLUTION=%d", reference);
		snprintf(dir, dsize, "%s/build/%s", cfg.out, reference ? "solution" : "handout");
	}
}

/* Where the background build says lab's build is done (its hypervisor, its unit tests). */
static void built_marker(int lab, char *path, size_t size)
{
	snprintf(path, size, "%s/build/built-lab%d", cfg.out, lab);
}

/* In the build child: say that lab's kernel and unit tests are built (or not). */
static void mark_built(int lab, const char *hv, const char *unit, const char *error)
{
	char path[600], tmp[620];
	FILE *f;

	built_marker(lab, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%s\n%s\n%s", hv ? hv : "-", unit ? unit : "-", error);
	fclose(f);
	rename(tmp, path); /* the parent sees a whole marker or none */
}

/* Whether any chosen test belongs to lab: a lab without one is not built. */
static bool lab_has_tests(int lab)
{
	for (int i = 0; i < test_count; i++)
		if (tests[i].lab == lab)
			return true;
	return false;
}

/* Lab's kernel and unit tests apart (one may build when the other does not), then its marker. */
static void build_lab_apart(int lab, const char *vars, const char *hv, const char *unit, const char *log)
{
	if (make(log, vars, (const char *[]){ hv, NULL }, cfg.build_error[lab], TEXT_MAX))
		cfg.hv[lab] = hv;
	if (make(log, vars, (const char *[]){ unit, NULL }, cfg.build_error[lab], TEXT_MAX))
		cfg.unit_bin[lab] = unit;
	mark_built(lab, cfg.hv[lab], cfg.unit_bin[lab], cfg.build_error[lab]);
}

/* The build child: each lab's kernel and unit tests, in lab order (one build
 * serves every lab unless the mode isolates labs), each marked when done. */
static void build_labs(void)
{
	static char hv[NUM_LABS + 1][700], unit[NUM_LABS + 1][700];
	char log[600], vars[128], dir[600];
	int first = 0, clean = 0; /* the first lab built; how many built without an error */

	for (int lab = 1; lab <= NUM_LABS; lab++) {
		if (!lab_has_tests(lab))
			continue;
		if (first && strcmp(mode, "isolate")) {
			mark_built(lab, cfg.hv[first], cfg.unit_bin[first], cfg.build_error[first]);
			continue;
		}
		variant(lab, vars, sizeof(vars), dir, sizeof(dir));
		snprintf(hv[lab], sizeof(hv[lab]), "%s/hv.elf32", dir);
		snprintf(unit[lab], sizeof(unit[lab]), "%s/unit-tests", dir);
		snprintf(log, sizeof(log), "%s/build-lab%d.log", cfg.out, lab);
		printf("grade: building %s\n", vars);
		/* The first build makes the guests too, in the same parallel make; it is
		 * tried again piece by piece below when anything fails. */
		if (!first && make(log, vars, (const char *[]){ "guests", "bad-guests", hv[lab], unit[lab], NULL }, NULL, 0)) {
			first = lab;
			clean = 1;
			mark_built(lab, hv[lab], unit[lab], "");
			cfg.hv[lab] = hv[lab];
			cfg.unit_bin[lab] = unit[lab];
			continue;
		}
		if (!first) {
			snprintf(log, sizeof(log), "%s/build-guests.log", cfg.out);
			if (!make(log, "", (const char *[]){ "guests", "bad-guests", NULL }, NULL, 0)) {
				fprintf(stderr, "grade: the guests do not build (not student code): see %s\n", log);
				_exit(3);
			}
			snprintf(log, sizeof(log), "%s/build-lab%d.log", cfg.out, lab);
		}
		/* Once two labs built cleanly, every reference object exists (each
		 * built the other's): the other labs compile only their own files and
		 * link, so they build at once, each in its own child. */
		if (clean >= 2 && fork() > 0)
			continue;
		build_lab_apart(lab, vars, hv[lab], unit[lab], log);
		if (clean >= 2)
			_exit(0);
		clean += cfg.hv[lab] && cfg.unit_bin[lab];
		first = first ? first : lab;
	}
	while (wait(NULL) > 0) /* the labs built at once */
		;
}

/* Start the builds (the guests, then each lab) in a child; returns its pid. A
 * lab's tests start as soon as it is built; the child ends with status 3 when
 * the guests do not build. */
static pid_t build(void)
{
	char log[600], dir[600];
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/build/guest", cfg.out);
	cfg.guest_dir = strdup(dir);
	if (cfg.student_user) { /* the student's user builds; nothing of theirs runs yet */
		snprintf(dir, sizeof(dir), "%s/build", cfg.out);
		if (proc_run(NULL, NULL, (char *[]){ "mkdir", "-p", dir, NULL }) != 0 ||
		    proc_run(NULL, NULL, (char *[]){ "chown", "-R", (char *)cfg.student_user, dir, NULL }) != 0)
			usage("--sandbox: cannot give the build directory to the student's user");
	}
	for (int lab = 1; lab <= NUM_LABS; lab++) {
		built_marker(lab, log, sizeof(log));
		unlink(log);
	}
	pid = fork();
	if (pid == 0) {
		build_labs();
		_exit(0);
	}
	return pid;
}

/* Whether lab's build is done; loads its result into cfg the first time. After
 * the build child ended (builder_done), a lab without a marker failed to build. */
static bool lab_built(int lab, bool builder_done)
{
	static bool loaded[NUM_LABS + 1];
	char path[600], *text, *unit, *error;

	if (loaded[lab])
		return true;
	built_marker(lab, path, sizeof(path));
	text = file_read(path, TEXT_MAX + 1500);
	if (!text) {
		if (!builder_done)
			return false;
		snprintf(cfg.build_error[lab], TEXT_MAX, "  (the build stopped: see %s/build-lab%d.log)\n",
			 cfg.out, lab);
		return loaded[lab] = true;
	}
	unit = strchr(text, '\n');
	error = unit ? strchr(unit + 1, '\n') : NULL;
	if (unit && error) {
		*unit++ = '\0';
		*error++ = '\0';
		cfg.hv[lab] = strcmp(text, "-") ? strdup(text) : NULL;
		cfg.unit_bin[lab] = strcmp(unit, "-") ? strdup(unit) : NULL;
		snprintf(cfg.build_error[lab], TEXT_MAX, "%s", error);
	}
	free(text);
	return loaded[lab] = true;
}

/* Run test i in a child that writes its result to a file; returns the child's pid. */
static pid_t start_test(int i)
{
	struct test *t = &tests[i];
	pid_t pid;

	snprintf(t->log, sizeof(t->log), "%s/logs/lab%d-%s", cfg.out, t->lab, t->name);
	pid = fork();
	if (pid == 0) {
		char path[600];
		double start = now();
		FILE *f;

		check_run(&cfg, t);
		t->seconds = now() - start;
		snprintf(path, sizeof(path), "%s.result", t->log);
		f = fopen(path, "wb");
		if (f) {
			fwrite(t, sizeof(*t), 1, f);
			fclose(f);
		}
		_exit(0);
	}
	return pid;
}

/* The progress line of test i, the done-th of count to end. */
static void print_result(int i, int done, int count)
{
	const struct test *t = &tests[i];

	printf("[%2d/%d] lab%d/%-36s %-4s %5.1f/%-3.0f %5.1fs\n", done, count, t->lab, t->name,
	       t->passed ? "ok" : "FAIL", t->score, t->points, t->seconds);
	fflush(stdout);
}

/* Take back a finished test's result; a child that died leaves its reason. */
static void finish_test(int i, int done, int count)
{
	struct test *t = &tests[i], r;
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s.result", t->log);
	f = fopen(path, "rb");
	if (f && fread(&r, sizeof(r), 1, f) == 1) {
		t->score = r.score;
		t->passed = r.passed;
		t->hung = r.hung;
		t->seconds = r.seconds;
		memcpy(t->happened, r.happened, sizeof(t->happened));
		memcpy(t->output, r.output, sizeof(t->output));
		memcpy(t->hint, r.hint, sizeof(t->hint)); /* the check may point it at what failed */
		memcpy(t->evidence, r.evidence, sizeof(t->evidence));
	} else {
		snprintf(t->output, sizeof(t->output), "the grader's check died (see %s*)\n", t->log);
	}
	if (f)
		fclose(f);
	print_result(i, done, count);
}

/* An emulator test whose kernel already hung in that emulator is not run: it
 * would hang too, and a lab's hangs would add up. Says so as test i's result,
 * with the hung test's hint: the same code is to blame. */
static bool hung_before(int i)
{
	struct test *t = &tests[i];

	if (t->kind == TEST_UNIT || !cfg.hv[t->lab])
		return false;
	for (int j = 0; j < i; j++) {
		const struct test *h = &tests[j];

		if (h->hung && h->kind != TEST_UNIT && cfg.hv[h->lab] && !strcmp(cfg.hv[h->lab], cfg.hv[t->lab]) &&
		    !strcmp(h->args[0], t->args[0])) {
			snprintf(t->output, sizeof(t->output),
				 "not run: the same kernel hung in %s in lab%d/%s; make that test pass first\n",
				 h->args[0], h->lab, h->name);
			snprintf(t->hint, sizeof(t->hint), "%s", h->hint);
			return true;
		}
	}
	return false;
}

/* Sandboxed, after every build: the build becomes root's and read-only, so that
 * no test can change what another runs; the emulators' user gets the log directory. */
static void sandbox_lock(void)
{
	char build[600], logs[600];

	snprintf(build, sizeof(build), "%s/build", cfg.out);
	snprintf(logs, sizeof(logs), "%s/logs", cfg.out);
	if (proc_run(NULL, NULL, (char *[]){ "chown", "-R", "root:root", build, NULL }) != 0 ||
	    proc_run(NULL, NULL, (char *[]){ "chmod", "-R", "go-w", build, NULL }) != 0 ||
	    proc_run(NULL, NULL, (char *[]){ "chown", (char *)cfg.emu_user, logs, NULL }) != 0) {
		fprintf(stderr, "grade: --sandbox: cannot lock %s or give %s to %s\n", build, logs, cfg.emu_user);
		exit(2);
	}
}

/* The build child's end: status 3 says the guests do not build (said by the child). */
static void builder_ended(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		exit(2);
}

/* Run the tests, up to --jobs at once, each as soon as its lab is built (when
 * sandboxed: once every lab is built, and one unit-test run at a time). */
static void run_all(int count, pid_t builder)
{
	pid_t pids[MAX_TESTS];
	int next = 0, running = 0, done = 0, status, unit_running = -1; /* the unit test running, or -1 */

	if (cfg.student_user) {
		if (waitpid(builder, &status, 0) == builder)
			builder_ended(status);
		builder = 0;
		sandbox_lock();
	}
	while (done < count) {
		while (running < cfg.jobs && next < count && lab_built(tests[next].lab, builder == 0) &&
		       !(cfg.student_user && tests[next].kind == TEST_UNIT && unit_running >= 0)) {
			if (hung_before(next)) {
				pids[next] = 0;
				print_result(next, ++done, count);
				next++;
				continue;
			}
			if (tests[next].kind == TEST_UNIT)
				unit_running = next;
			pids[next] = start_test(next);
			next++;
			running++;
		}
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0) {
			usleep(20000); /* nothing ended: a build or a test is still going */
			continue;
		}
		if (pid == builder) {
			builder_ended(status);
			builder = 0;
		}
		for (int i = 0; i < next; i++)
			if (pids[i] == pid) {
				running--;
				unit_running = unit_running == i ? -1 : unit_running;
				finish_test(i, ++done, count);
			}
	}
	if (builder > 0)
		waitpid(builder, NULL, 0);
	if (cfg.student_user) { /* the report is written once nothing of the student's runs */
		proc_kill_user(cfg.student_user);
		proc_kill_user(cfg.emu_user);
	}
}

/* Whether the list "labN/NAME ..." (spaces or commas) has the word name. */
static bool list_has(const char *list, const char *name)
{
	char *words = strdup(list), *save = NULL;
	bool found = false;

	for (char *w = strtok_r(words, " ,", &save); w && !found; w = strtok_r(NULL, " ,", &save))
		found = !strcmp(w, name);
	free(words);
	return found;
}

/* Test t's name as the grader prints it and --test gives it: "labN/NAME". */
static const char *test_name(const struct test *t, char *buf, size_t size)
{
	snprintf(buf, size, "lab%d/%s", t->lab, t->name);
	return buf;
}

/* Whether --test names test t; true without --test. */
static bool named_by_only(const struct test *t)
{
	char name[80];

	return !cfg.only || list_has(cfg.only, test_name(t, name, sizeof(name)));
}

/* Every name --test gives is a test of the list: a misspelt one is said, not ignored. */
static void check_only_names(int count)
{
	char *words = cfg.only ? strdup(cfg.only) : NULL, *save = NULL, name[80];

	for (char *w = words ? strtok_r(words, " ,", &save) : NULL; w; w = strtok_r(NULL, " ,", &save)) {
		bool known = false;

		for (int i = 0; i < count && !known; i++)
			known = !strcmp(test_name(&tests[i], name, sizeof(name)), w);
		if (!known) {
			fprintf(stderr, "grade: --test names %s, which autograder/tests.list does not have (names are labN/NAME, as the grader prints them)\n", w);
			exit(2);
		}
	}
	free(words);
}

/* Keep the tests of --lab and --test, or all. */
static int select_lab(int count)
{
	int kept = 0;

	check_only_names(count);
	for (int i = 0; i < count; i++) {
		const struct test *t = &tests[i];

		if ((cfg.labs && !(cfg.labs & 1u << t->lab)) || !named_by_only(t))
			continue;
		tests[kept++] = *t;
	}
	return kept;
}

/* Isolation takes every other lab from solutions/: a student tree has none. */
static void check_isolate_possible(void)
{
	char path[600];
	struct stat st;

	snprintf(path, sizeof(path), "%s/solutions", cfg.tree);
	if (!strcmp(mode, "isolate") && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "grade: ISOLATE=1 builds every lab but the graded one from solutions/, and %s has none (a student tree): run make grade without ISOLATE\n",
			cfg.tree);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	char path[600];
	double start = now();
	int count, hidden = 0;

	parse_args(argc, argv);
	check_isolate_possible();
	snprintf(path, sizeof(path), "rm -rf '%s/logs' && mkdir -p '%s/logs'", cfg.out, cfg.out);
	if (system(path) != 0)
		usage("cannot create the --out directory");
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(path, sizeof(path), "%s/autograder/tests.list", cfg.tree);
	count = testlist_read(path, false, tests, MAX_TESTS, 0);
	if (count > 0 && cfg.hidden) {
		snprintf(path, sizeof(path), "%s/tests.list", cfg.hidden);
		hidden = testlist_read(path, true, tests, MAX_TESTS, count);
	}
	if (count <= 0 || hidden < 0)
		return 2;
	count = test_count = select_lab(count + hidden);
	printf("grade: %s mode, %d tests, seed %u\n", mode, count, cfg.seed);
	run_all(count, build());
	report_write(&cfg, tests, count, now() - start);
	for (int i = 0; i < count; i++)
		if (!tests[i].passed)
			return 1;
	return 0;
}
