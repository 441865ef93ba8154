/*
 * A small multi-process guest OS: the patent's Fig. 1 "operating system with
 * two applications", written to exercise a virtual TLB. A higher-half kernel
 * (global 4 MiB pages) runs one user program that forks: App1 and App2, each
 * with its own page directory, take turns on yield (every switch is a CR3
 * write), get stack and heap pages on first touch, share their data
 * copy-on-write, and ask the kernel to swap the frames behind two pages
 * (INVLPG). Deterministic: no timer, round-robin on yield.
 *
 * Arguments: seed=N (default 1) moves the user stack and heap and changes
 * every value the applications compute; verbose prints each fault and switch.
 * preempt: the local APIC timer runs (intr.c) and preempts ring 3; the jobs
 * are "spin" (a process preempted while it spins: user/spin.c), then "apps".
 * cmds: each line from COM1 is a command that starts a job (shell.c), until
 * "quit"; with preempt too, the timer runs meanwhile. forks: the job is
 * "forks" instead (user/forks.c: four processes, copy-on-write, demand
 * paging, hundreds of address-space switches). The printed facts never
 * depend on where a timer interrupt lands: only on the commands and the seed.
 */
#include "guest.h"
#include "os.h"
#include "paging.h"

#define MiB       0x100000
#define RAM_MAX   (16 * MiB) /* what KERNEL_PDES map */
#define ARGS_SIZE 256

extern char __kernel_start[], __kernel_end[];    /* kernel.ld */
extern const uint8_t user_elf[], user_elf_end[]; /* user_image.S */

struct stats stats;
int verbose;

void panic(const char *fmt, ...)
{
	va_list ap;

	gprintf("os: panic: ");
	va_start(ap, fmt);
	gvprintf(fmt, ap);
	va_end(ap);
	gprintf("\n");
	guest_exit(GUEST_FAILURE);
}

/* Copy the arguments out of the Multiboot info, whose frames the allocator will reuse. */
static void copy_args(const struct mb_info *mbi, char *args)
{
	struct mb_info info = *mbi;
	const char *s;
	int n = 0;

	info.cmdline = (uint32_t)P2V(info.cmdline); /* a physical address; reach it in the higher half */
	for (s = mb_args(&info); *s && n < ARGS_SIZE - 1; s++)
		args[n++] = *s;
	args[n] = '\0';
}

/* The end of usable RAM, from the Multiboot memory information. */
static uint32_t ram_end(const struct mb_info *mbi)
{
	uint32_t end = RAM_MAX;

	if ((mbi->flags & MB_INFO_MEMORY) && mbi->mem_upper < (RAM_MAX - MiB) / 1024)
		end = MiB + mbi->mem_upper * 1024;
	return end;
}

/* Entered from boot.S, in the higher half, with the identity map still there. */
void kmain(uint32_t magic, uint32_t info_pa)
{
	const struct mb_info *mbi = P2V(info_pa);
	static char args[ARGS_SIZE];
	uint32_t end = ram_end(mbi);
	struct shell_job job = { user_elf, (uint32_t)(user_elf_end - user_elf), 1, 0 };
	int cmds, forks;

	console_init();
	if (magic != MB_BOOT_MAGIC)
		panic("not started by a Multiboot loader (magic %x)", magic);
	copy_args(mbi, args);
	job.seed = arg_uint(args, "seed", 1);
	job.timer = arg_flag(args, "preempt");
	cmds = arg_flag(args, "cmds");
	forks = arg_flag(args, "forks");
	verbose = arg_flag(args, "verbose");

	vm_init();
	cpu_init();
	syscall_init();
	frames_init(PAGE_UP(V2P(__kernel_end)), end);
	gprintf("os: kernel at %p-%p, global 4 MiB pages; seed %u\n", (void *)__kernel_start,
		(void *)__kernel_end, job.seed);
	if (job.timer || cmds)
		intr_init(job.timer);
	if (job.timer)
		gprintf("os: the local APIC timer preempts ring 3\n");
	shell_start(&job, cmds ? NULL : forks ? "forks\n" : job.timer ? "spin\napps\n" : "apps\n");
}

void os_summary(void)
{
	static const char *const names[SYS_COUNT] = {
		[SYS_WRITE] = "write", [SYS_YIELD] = "yield", [SYS_EXIT] = "exit", [SYS_FORK] = "fork",
		[SYS_SBRK] = "sbrk", [SYS_SWAP] = "swap", [SYS_GETPID] = "getpid",
		[SYS_SHARE] = "share", [SYS_ALIVE] = "alive",
	};
	unsigned total = 0, leaked = frames_used();

	if (stats.preempted_jobs) {
		/* which of two processes copied a page, and how often they yielded while the other
		 * spun, depend on where the timer's interrupts landed: not printed */
		gprintf("os: page faults: %u demand, %u copy-on-write\n", stats.demand_faults,
			stats.cow_copies + stats.cow_reuses);
	} else {
		gprintf("os: page faults: %u demand, %u copy-on-write (%u copied, %u reused)\n",
			stats.demand_faults, stats.cow_copies + stats.cow_reuses, stats.cow_copies,
			stats.cow_reuses);
		gprintf("os: %u CR3 writes, %u INVLPGs\n", stats.cr3_writes, stats.invlpgs);
		for (int i = 1; i < SYS_COUNT; i++)
			total += stats.syscalls[i];
		gprintf("os: %u system calls:", total);
		for (int i = 1; i < SYS_COUNT; i++)
			if (stats.syscalls[i])
				gprintf(" %s %u", names[i], stats.syscalls[i]);
		gprintf("\n");
	}
	if (leaked)
		panic("%u frames still in use after every process exited", leaked);
	if (stats.failed_exits)
		panic("%u processes exited with a nonzero code", stats.failed_exits);
	gprintf("os: all processes exited, every frame freed\n");
	guest_exit(GUEST_SUCCESS);
}
