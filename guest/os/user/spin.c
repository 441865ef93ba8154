/*
 * Preemption, shown by what happens rather than by when (job JOB_SPIN): the
 * spinner forks a setter, then loops in ring 3 without a system call until
 * the setter sets a flag in the page share() gives both. Only the kernel's
 * timer interrupt can take the CPU from the spinner so that the setter runs:
 * without preemption the spinner loops until SPIN_LIMIT and says so. The
 * lines come in one order whatever the timer's phase: each process waits
 * (yielding) for the other's step before its own next line.
 */
#include "jobs.h"
#include "ulib.h"

#define SPIN_LIMIT 0x40000000u /* far more loops than a timer period lasts */

struct flags {
	volatile uint32_t ready; /* the spinner has printed its line and spins */
	volatile uint32_t set;   /* the setter has printed its line */
};

/* The child: wait for the spinner to spin, then stop it. */
static int setter(struct flags *f)
{
	while (!f->ready)
		yield();
	uprintf("setter: pid %d ran while the spinner spun: it was preempted; setting the flag\n", getpid());
	f->set = 1;
	return 0;
}

int spin_job(uint32_t seed __attribute__((unused)))
{
	struct flags *f = share();
	uint32_t loops = 0;
	int pid;

	if (f == (void *)-1) {
		uprintf("spinner: share failed\n");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		uprintf("spinner: fork failed\n");
		return 1;
	}
	if (pid == 0)
		return setter(f);
	uprintf("spinner: pid %d spins in ring 3, no system calls, until pid %d sets the flag\n", getpid(), pid);
	f->ready = 1;
	while (!f->set && loops < SPIN_LIMIT)
		loops++;
	if (!f->set) {
		uprintf("spinner: %u loops and never preempted: WRONG\n", loops);
		return 1;
	}
	while (alive(pid)) /* its exit line first, whatever the timer's phase */
		yield();
	uprintf("spinner: the flag is set and pid %d is gone\n", pid);
	return 0;
}
