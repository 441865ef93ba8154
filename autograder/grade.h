/**
 * @file grade.h
 * @brief The autograder: a list of tests per lab, run in parallel, scored, reported.
 *
 * Each test runs in its own child process and writes its result to a file,
 * so that nothing a student tree does (a hang, a crash, a flood of output)
 * can take the grader down. Expected guest output always comes from running
 * the same guest natively with the same fresh seed: the grader compares,
 * never the kernel.
 */
#ifndef AUTOGRADER_GRADE_H
#define AUTOGRADER_GRADE_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_TESTS  128 /**< tests in one grading run */
#define MAX_ARGS   6   /**< arguments of one test */
#define NUM_LABS   7   /**< labs 1 to 5, and the optional labs 6 and 7 */
#define INTERRUPTS_LAB 7 /**< lab 7, virtual interrupts: its guests time interrupts by the VM's clock */
#define TEXT_MAX   2048 /**< bytes of a test's output kept for the report */

/** @brief What a test does. */
enum test_kind {
	TEST_UNIT,    /**< Criterion unit tests matching a filter: partial credit */
	TEST_SAME,    /**< a guest under the hypervisor prints exactly its native output */
	TEST_FAILS,   /**< a run must fail cleanly, with a given text on the console */
	TEST_PAIR,    /**< guests as VMs side by side; some must print their native output */
	TEST_PRECISE, /**< like SAME, and the virtual TLB refills little (hidden faults per new entry) */
};

/** @brief One test: its definition from the list and, after the run, its result. */
struct test {
	int lab;                 /**< 1 to NUM_LABS */
	char name[64];           /**< short, unique within the lab */
	double points;           /**< the most it scores */
	enum test_kind kind;     /**< what it does */
	char *args[MAX_ARGS];    /**< kind-specific arguments */
	int nargs;               /**< how many */
	char hint[256];          /**< what to look at when it fails: the list's hint, unless the run's
				      failure points at a lab function (check_run chooses) */
	bool hidden;             /**< from the HIDDEN directory: its own category, shown after publishing */
	/* result */
	double score;            /**< points earned */
	bool passed;             /**< full marks */
	bool hung;               /**< an emulator run hit its limit: the kernel's later runs in that emulator are not started */
	double seconds;          /**< wall time */
	char happened[1024];     /**< what went wrong, said first: the hypervisor's stop line, its line
				      naming the cause, or the first line that differs from the native
				      run; "" when the output's first line says it */
	char output[TEXT_MAX];   /**< the details: why it failed, the log's last lines */
	char log[512];           /**< path of the full log */
	char evidence[600];      /**< the file that shows why it failed (a build log, a console), or "" */
};

/** @brief Where things are, and how this run grades. */
struct grade_config {
	const char *tree;        /**< the tree graded (a student's or the reference) */
	const char *out;         /**< GRADE_DIR: logs, results.json, junit.xml */
	const char *hidden;      /**< directory of hidden tests, or NULL */
	unsigned labs;           /**< bit n set: lab n is graded; 0: every lab */
	const char *only;        /**< "labN/NAME ..." (spaces or commas): only these tests, or NULL for all */
	int jobs;                /**< tests at once */
	unsigned seed;           /**< seed= for every guest of this run */
	const char *unit_bin[NUM_LABS + 1]; /**< unit-test binary per lab, NULL when its build failed */
	const char *hv[NUM_LABS + 1];       /**< hypervisor ELF32 per lab, NULL when its build failed */
	char build_error[NUM_LABS + 1][TEXT_MAX]; /**< compiler message per lab when its build failed */
	const char *guest_dir;   /**< where the built guests are */
	const char *student_user; /**< --sandbox: the user the student's code is built and unit-tested as, or NULL */
	const char *emu_user;    /**< --sandbox: the user the emulators run as, or NULL */
	const char *intro;       /**< --intro: a file whose text heads results.json's output (Gradescope: what was submitted), or NULL */
};

/** @brief Read a test list (LAB|NAME|POINTS|KIND|ARGS...|HINT lines); returns tests added or -1. */
int testlist_read(const char *path, bool hidden, struct test *tests, int max, int count);

/** @brief Run test @p t (in a child process) and fill its result fields. */
void check_run(const struct grade_config *cfg, struct test *t);

/**
 * @brief After emulator test @p t failed (its runs in @p dir): the hypervisor's
 * stop line, if a VM was stopped, becomes what it says first (else its line that
 * names the cause, if one does), and the hint the lab function that the stop
 * reason, the hypervisor's or the runner's lines or the first differing guest
 * line point at (the list's hint if none does).
 */
void explain_run(struct test *t, const char *dir);

/** @brief The start of the line of @p text that holds @p p. */
const char *line_start(const char *text, const char *p);

/**
 * @brief Run @p argv with stdout and stderr appended to @p log (none if NULL),
 * as @p user unless NULL, wait, and return its exit status (or 128 + signal);
 * -1 if it could not start, 126 if it could not become @p user.
 */
int proc_run(const char *log, const char *user, char *const argv[]);

/** @brief Kill every process of @p user (what a sandboxed run left behind). */
void proc_kill_user(const char *user);

/** @brief Read at most @p max bytes of @p path into a new NUL-terminated buffer (NULL if absent). */
char *file_read(const char *path, size_t max);

/** @brief Print the table, the failures with their hints, and write results.json and junit.xml. */
void report_write(const struct grade_config *cfg, struct test *tests, int count, double seconds);

#endif
