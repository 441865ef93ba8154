/*
 * Jobs, one per command line: from COM1 in command mode (argument cmds), or
 * from a fixed list (argument preempt alone: "spin", then "apps"; argument
 * forks: "forks"). Between
 * jobs no process exists and the kernel reads the next line here; the last
 * process of a job to exit comes back to shell_next().
 *
 *   apps  App1 and App2 of Fig. 1 (JOB_APPS), never preempted: they yield, and
 *         their lines alternate as in the default run
 *   forks four processes on copy-on-write pages (JOB_FORKS), never preempted:
 *         hundreds of yields, copies and pages mapped on demand
 *   spin  a process spinning in ring 3 until preempted (JOB_SPIN); needs the timer
 *   ps    what the kernel holds between jobs
 *   quit  the summary, and the guest exits
 *
 * COM1 is polled (LSR's data-ready bit); with nothing there the kernel waits
 * in HLT for the receiver interrupt or the timer (intr.c). PC16550D datasheet,
 * Line Status Register, bit 0.
 */
#include "guest.h"
#include "os.h"
#include "uart.h"
#include "x86.h"

#define LINE_MAX 64
#define PROMPT   "os> "

static const char *script;  /* the commands when they do not come from COM1; NULL: COM1 */
static struct shell_job job; /* what every job starts from */
static unsigned jobs_run;

/* The next command byte: from the script, or COM1 (waiting for it); 0 at the script's end. */
static char next_byte(void)
{
	if (script)
		return *script ? *script++ : 0;
	while (!(inb(COM1_LSR) & LSR_DR))
		intr_wait();
	return (char)inb(COM1_RBR);
}

/* One line into buf (no newline, carriage returns dropped); 0 at the input's end, else 1. */
static int read_line(char *buf)
{
	int n = 0;
	char c;

	while ((c = next_byte()) != '\n') {
		if (!c)
			return 0;
		if (c != '\r' && n < LINE_MAX - 1)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return 1;
}

/* Start job number nr as a new process 1; does not return. */
static void start_job(uint32_t nr, int preemptible)
{
	jobs_run++;
	stats.preempted_jobs += preemptible;
	proc_start_first(job.elf, job.elf_size, job.seed, nr, preemptible);
}

/* Run one command line; returns only for commands that start no job. */
static void run_command(const char *line)
{
	if (!gstrcmp(line, "apps"))
		start_job(JOB_APPS, 0);
	if (!gstrcmp(line, "forks"))
		start_job(JOB_FORKS, 0);
	if (!gstrcmp(line, "spin")) {
		if (!job.timer) {
			gprintf("os: spin needs the timer: start the guest with the argument preempt\n");
			return;
		}
		start_job(JOB_SPIN, 1);
	}
	if (!gstrcmp(line, "ps"))
		gprintf("os: ps: no process; %u jobs run, next pid %d, %u frames in use\n", jobs_run,
			proc_next_pid(), frames_used());
	else if (!gstrcmp(line, "quit"))
		os_summary();
	else if (line[0])
		gprintf("os: unknown command \"%s\": apps, forks, spin, ps or quit\n", line);
}

void shell_start(const struct shell_job *j, const char *commands)
{
	job = *j;
	script = commands;
	shell_next();
}

void shell_next(void)
{
	char line[LINE_MAX];

	for (;;) {
		if (!script)
			gprintf(PROMPT);
		if (!read_line(line))
			os_summary(); /* the end of the commands: as quit */
		if (!script)
			gprintf("%s\n", line);
		run_command(line);
	}
}
