/*
 * Processes and the scheduler. There is one kernel stack (the runtime's trap
 * stack): a process that is not running is just its saved trap frame and its
 * page directory. Switching is copying the next process's frame over the one
 * the trap will return to, and loading its page directory. Round-robin on
 * yield, and on the timer's interrupt for a preemptible process (its ring-3
 * frames have EFLAGS_IF: intr.c); a job of processes that are not
 * preemptible runs in an order fixed by its yields.
 */
#include "guest.h"
#include "os.h"
#include "paging.h"
#include "rand.h"

#define NPROC     4
#define HEAP_GAP  256   /* the heap starts 0-255 pages (seed) after the program */
#define STACK_POS 65536 /* the stack top lies 1-65536 pages (seed) below KERNEL_BASE */

struct proc *current;
static struct proc procs[NPROC];
static int next_pid = 1;

/* A free slot, cleared, with a new pid; NULL if none. */
static struct proc *proc_alloc(void)
{
	for (int i = 0; i < NPROC; i++) {
		if (procs[i].state == PROC_FREE) {
			procs[i] = (struct proc){ .state = PROC_RUNNABLE, .pid = next_pid++ };
			return &procs[i];
		}
	}
	return NULL;
}

/* Whether va lies in p's program, heap or stack: a page there is mapped on first touch. */
int proc_owns(const struct proc *p, uint32_t va)
{
	uint32_t stack_bottom = p->stack_top - USER_STACK_PAGES * PAGE_SIZE;

	return (va >= p->image_start && va < p->image_end) || (va >= p->heap_start && va < p->brk) ||
	       (va >= stack_bottom && va < p->stack_top);
}

/* Make next the running process: its page directory, and its registers in tf for the IRET. */
static void switch_to(struct proc *next, struct trap_frame *tf)
{
	if (verbose && next != current)
		gprintf("os: switch from pid %d to pid %d\n", current->pid, next->pid);
	current = next;
	vm_switch(next->pgdir);
	*tf = next->tf;
}

/* The first runnable process after the current one, round-robin (the current one last); NULL if none. */
static struct proc *next_runnable(void)
{
	int cur = (int)(current - procs);

	for (int i = 1; i <= NPROC; i++) {
		struct proc *p = &procs[(cur + i) % NPROC];

		if (p->state == PROC_RUNNABLE)
			return p;
	}
	return NULL;
}

/* Create process 1 from the user program and run it; it gets the seed in EAX, the job in EBX. */
void proc_start_first(const uint8_t *elf, uint32_t elf_size, uint32_t seed, uint32_t job, int preemptible)
{
	struct prng rng = prng_seed(seed);
	struct proc *p = proc_alloc();
	uint32_t entry;

	p->pgdir = vm_create();
	entry = elf_load(p->pgdir, elf, elf_size, p);
	p->heap_start = p->brk = p->image_end + prng_below(&rng, HEAP_GAP) * PAGE_SIZE;
	p->stack_top = KERNEL_BASE - (1 + prng_below(&rng, STACK_POS)) * PAGE_SIZE;
	gprintf("os: pid %d: program %x-%x, entry %x, heap at %x, stack top %x\n", p->pid,
		p->image_start, p->image_end, entry, p->heap_start, p->stack_top);
	trap_frame_user(&p->tf, entry, p->stack_top);
	p->tf.eax = seed;
	p->tf.ebx = job;
	if (preemptible)
		p->tf.eflags |= EFLAGS_IF; /* fork copies it to the children */
	current = p;
	vm_switch(p->pgdir);
	trap_return(&p->tf);
}

/* fork(): a copy of the current process whose fork() returns 0; the child's pid, or -1. */
int proc_fork(struct trap_frame *tf)
{
	struct proc *child = proc_alloc();
	int pid;

	if (!child)
		return -1;
	pid = child->pid;
	*child = *current;
	child->pid = pid;
	child->pgdir = vm_fork(current->pgdir);
	child->tf = *tf;
	child->tf.eax = 0;
	return pid;
}

/* sbrk(bytes): grow the heap; the old end, or -1 if it would reach the stack. */
uint32_t proc_sbrk(uint32_t bytes)
{
	uint32_t old = current->brk, stack_bottom = current->stack_top - USER_STACK_PAGES * PAGE_SIZE;

	if (bytes > stack_bottom - old)
		return (uint32_t)-1;
	current->brk += bytes;
	return old;
}

/* yield(): save the current process's registers and run the next one. */
void proc_yield(struct trap_frame *tf)
{
	current->tf = *tf;
	switch_to(next_runnable(), tf);
}

/* exit(code): free the current process and run the next one; after the last, the next command. */
void proc_exit(struct trap_frame *tf, int code)
{
	struct proc *next;

	gprintf("os: pid %d exited with code %d\n", current->pid, code);
	if (code)
		stats.failed_exits++;
	vm_switch(V2P(boot_pgdir)); /* off the page directory we are about to free */
	vm_free(current->pgdir);
	current->state = PROC_FREE;
	next = next_runnable();
	if (!next)
		shell_next();
	switch_to(next, tf);
}

/* alive(pid): whether process pid exists. */
int proc_alive(int pid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == PROC_RUNNABLE && procs[i].pid == pid)
			return 1;
	return 0;
}

/* The pid the next process gets. */
int proc_next_pid(void)
{
	return next_pid;
}
