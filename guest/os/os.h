/*
 * The guest OS kernel: memory layout, processes, and what every file shares.
 *
 * Virtual memory of every process:
 *
 *   0xC0000000 + 16 MiB  +------------------------------+
 *                        | kernel: physical 0-16 MiB,   |  4 MiB pages, global,
 *   KERNEL_BASE          | kernel image at +1 MiB       |  supervisor only
 *   (0xC0000000)         +------------------------------+
 *                        | user stack (seed-placed top),|  mapped on first touch
 *                        | up to USER_STACK_PAGES       |
 *                        |            ...               |
 *                        | heap [heap_start, brk)       |  mapped on first touch
 *                        | (seed-placed gap)            |
 *                        | user program (ELF segments)  |  loaded; .bss on first touch
 *   0x08048000           +------------------------------+
 */
#ifndef OS_OS_H
#define OS_OS_H

#define KERNEL_BASE      0xC0000000 /* the kernel's half of every address space */
#define KERNEL_PDES      4          /* 4 MiB pages mapping physical 0-16 MiB at KERNEL_BASE */
#define USER_STACK_PAGES 64         /* how far a user stack may grow */
#define PTE_COW          0x200      /* an AVL bit: read-only for now, copy on the next write */
#define PTE_SHARED       0x400      /* an AVL bit: a share() page, which fork shares writable */

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "cpu.h"
#include "guest/os/syscall.h"

#define P2V(pa) ((void *)((uint32_t)(pa) + KERNEL_BASE)) /* physical to kernel virtual */
#define V2P(va) ((uint32_t)(va) - KERNEL_BASE)            /* kernel virtual to physical */

enum proc_state { PROC_FREE, PROC_RUNNABLE };

struct proc {
	enum proc_state state;
	int pid;
	uint32_t pgdir;          /* physical address of its page directory: what CR3 gets */
	struct trap_frame tf;    /* its user registers while another process runs */
	uint32_t image_start;    /* [image_start, image_end): the program; .bss mapped on touch */
	uint32_t image_end;
	uint32_t heap_start;     /* [heap_start, brk): the heap, mapped on touch */
	uint32_t brk;
	uint32_t stack_top;      /* [stack_top - USER_STACK_PAGES pages, stack_top): the stack */
};

/* What the kernel did, printed at the end. */
struct stats {
	unsigned demand_faults;  /* pages mapped on first touch */
	unsigned cow_copies;     /* copy-on-write faults that copied the page */
	unsigned cow_reuses;     /* copy-on-write faults on a page no one else shared any more */
	unsigned cr3_writes;     /* after boot */
	unsigned invlpgs;
	unsigned syscalls[SYS_COUNT];
	unsigned failed_exits;   /* processes that exited with a nonzero code */
	unsigned preempted_jobs; /* jobs run preemptible: the timer decided their order of events */
};

/* What every job starts from (shell.c). */
struct shell_job {
	const uint8_t *elf;      /* the user program */
	uint32_t elf_size;
	uint32_t seed;
	int timer;               /* the LAPIC timer runs (intr.c): a job may be preempted */
};

extern struct stats stats;
extern int verbose;
extern struct proc *current;  /* the running process */
extern uint32_t boot_pgdir[]; /* boot.S; the kernel's own page directory afterwards */

/* main.c */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void os_summary(void) __attribute__((noreturn));

/* frame.c: physical page frames with reference counts */
void frames_init(uint32_t start_pa, uint32_t end_pa);
uint32_t frame_alloc(void);
void frame_get(uint32_t pa);
void frame_put(uint32_t pa);
unsigned frame_refs(uint32_t pa);
unsigned frames_used(void);

/* vm.c: page directories, page faults */
void vm_init(void);
uint32_t vm_create(void);
void vm_map(uint32_t pgdir, uint32_t va, uint32_t pa, uint32_t flags);
void vm_switch(uint32_t pgdir);
uint32_t vm_fork(uint32_t parent);
void vm_free(uint32_t pgdir);
int vm_swap(uint32_t pgdir, uint32_t va1, uint32_t va2);
uint32_t vm_share(uint32_t pgdir);

/* elf.c */
uint32_t elf_load(uint32_t pgdir, const uint8_t *image, uint32_t size, struct proc *p);

/* proc.c: processes and the round-robin scheduler */
void proc_start_first(const uint8_t *elf, uint32_t elf_size, uint32_t seed, uint32_t job, int preemptible)
	__attribute__((noreturn));
int proc_alive(int pid);
int proc_next_pid(void);
int proc_fork(struct trap_frame *tf);
uint32_t proc_sbrk(uint32_t bytes);
void proc_yield(struct trap_frame *tf);
void proc_exit(struct trap_frame *tf, int code);
int proc_owns(const struct proc *p, uint32_t va);

/* syscall.c */
void syscall_init(void);

/* intr.c: the LAPIC timer and COM1's receiver interrupt */
void intr_init(int timer);
void intr_wait(void);

/* shell.c: jobs from command lines */
void shell_start(const struct shell_job *job, const char *commands) __attribute__((noreturn));
void shell_next(void) __attribute__((noreturn));

#endif /* !__ASSEMBLER__ */
#endif
