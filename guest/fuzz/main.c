/*
 * A seeded fuzzer that attacks the hypervisor from inside its VM: random
 * page-table entries (frames anywhere, reserved bits, 4 MiB pages, tables
 * that map themselves), CR3, CR0.WP and CR4.PGE changes, port I/O to
 * random ports, random instruction bytes single-stepped in rings 3 and 0,
 * faults inside fault handlers and tight loops. Every exception is caught
 * and recovered from, so a round only ends the VM when the architecture or
 * the guest contract says so (HLT, a port-0xF4 write, an instruction
 * outside the contract, a shutdown).
 *
 * Arguments: seed=N (default 1), rounds=N (default 3000).
 * Prints a line every 500 rounds and the rounds done at the end.
 */
#include "cpu.h"
#include "guest.h"
#include "paging.h"
#include "rand.h"
#include "x86.h"

#define SCRATCH_PDE  8            /* PDEs 8-15: 32-64 MiB, rebuilt at random */
#define SCRATCH_PDES 8
#define SCRATCH_BASE (SCRATCH_PDE * LARGE_PAGE_SIZE)
#define SCRATCH_PTS  4            /* page tables the scratch PDEs may point to */
#define CODE_BYTES   16
#define STEP_LIMIT   24           /* single steps of random code before it is stopped */
#define EXIT_PORT    0xF4
#define LOOP_LIMIT   10000        /* faults in one round: the guest broke itself */
#define GUEST_LOOPED 0x12
#define COM1         0x3F8
#define T_DB         1
#define POPF         0x9D
#define IRET         0xCF
#define NOP          0x90
#define EFLAGS_TF    0x00000100

static uint32_t pgdir[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t scratch_pt[SCRATCH_PTS][ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t low_pt[ENTRIES] __attribute__((aligned(PAGE_SIZE))); /* 0-4 MiB */
static uint8_t code_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t user_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t ring0_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static void *const code_entry = code_page;
static struct prng rng;
static struct kjmp recover;
static volatile unsigned steps, nested, faults[32], faults_this_round;

/* Many faults within one round: random ring-0 bytes overwrote the guest's own
 * code or data, and it now loops through its handler. End the VM saying so:
 * a loop the hypervisor caused would instead never reach this handler. */
static void check_not_looping(const struct trap_frame *tf)
{
	if (++faults_this_round == LOOP_LIMIT) {
		gprintf("fuzz: %u faults in one round, the last %s at %x (cr2 %x): the guest loops on its own\n",
			faults_this_round, trap_name(tf->vector), tf->eip, read_cr2());
		guest_exit(GUEST_LOOPED);
	}
}

/* Any exception: count it, maybe fault again inside the handler, then go back. */
static void on_fault(struct trap_frame *tf)
{
	check_not_looping(tf);
	if (tf->vector < 32)
		faults[tf->vector]++;
	if (nested) {
		nested--;
		(void)*(volatile uint32_t *)(SCRATCH_BASE + prng_below(&rng, SCRATCH_PDES * LARGE_PAGE_SIZE));
	}
	klongjmp(&recover, 1);
}

/* Single steps of random code: stop it after STEP_LIMIT instructions. */
static void on_debug(struct trap_frame *tf)
{
	faults[T_DB]++;
	if (++steps >= STEP_LIMIT)
		klongjmp(&recover, 1);
	(void)tf;
}

/* A random value for a paging entry: a frame in the top half of RAM (the
 * guest's own image stays intact), one of the scratch page tables (tables
 * that map themselves), or now and then any value at all. */
static uint32_t random_entry(void)
{
	uint32_t r = prng_next(&rng), frame;

	switch (prng_below(&rng, 256)) { /* rarely anything: a frame past RAM ends the VM */
	case 0:
		return r; /* reserved bits, frames past RAM, PS: whatever it says */
	case 1 ... 63:
		frame = (uint32_t)scratch_pt[prng_below(&rng, SCRATCH_PTS)];
		break;
	default:
		frame = (8u << 20) + (prng_below(&rng, 8u << 20) & PTE_FRAME);
	}
	return frame | (r & 0xFFF) | PTE_P;
}

static void fuzz_paging(void)
{
	uint32_t *e = prng_below(&rng, 3) == 0 ? &pgdir[SCRATCH_PDE + prng_below(&rng, SCRATCH_PDES)]
					       : &scratch_pt[prng_below(&rng, SCRATCH_PTS)][prng_below(&rng, ENTRIES)];
	uint32_t va = SCRATCH_BASE + prng_below(&rng, SCRATCH_PDES * LARGE_PAGE_SIZE);

	*e = random_entry();
	if (prng_below(&rng, 2))
		invlpg(va);
	if (ksetjmp(&recover) == 0) {
		if (prng_below(&rng, 2))
			*(volatile uint32_t *)va = prng_next(&rng); /* may write a page table through itself */
		else
			(void)*(volatile uint32_t *)va;
	}
}

static void fuzz_control_registers(void)
{
	if (prng_below(&rng, 1024) == 0) { /* any CR4 bit, CR0.CD/NW/AM/TS: outside the contract or #GP */
		if (ksetjmp(&recover) == 0) {
			if (prng_below(&rng, 2))
				write_cr4(read_cr4() | 1u << prng_below(&rng, 32));
			else
				write_cr0(read_cr0() ^ (prng_next(&rng) & 0x60040008));
		}
		return;
	}
	switch (prng_below(&rng, 3)) {
	case 0:
		write_cr3((uint32_t)pgdir);
		break;
	case 1:
		write_cr0(read_cr0() ^ CR0_WP);
		break;
	default:
		write_cr4(read_cr4() ^ CR4_PGE);
	}
}

static void fuzz_ports(void)
{
	uint16_t port = (uint16_t)prng_next(&rng);

	if (port == EXIT_PORT || (port >= COM1 && port < COM1 + 8))
		return;
	if (prng_below(&rng, 2))
		(void)inb(port);
	else
		outb(port, (uint8_t)prng_next(&rng));
}

/* Random bytes, single-stepped for at most STEP_LIMIT instructions, in ring 3 or 0. */
static void fuzz_code(void)
{
	static struct trap_frame tf;
	int ring0 = prng_below(&rng, 200) == 0; /* ring-0 bytes soon do what the contract excludes */

	for (int i = 0; i < CODE_BYTES; i++) {
		code_page[i] = (uint8_t)prng_next(&rng);
		if (code_page[i] == POPF || code_page[i] == IRET)
			code_page[i] = NOP; /* they could clear TF and let the bytes run free */
	}
	code_page[CODE_BYTES] = 0xCD; /* int $0x80: back to ring 0 */
	code_page[CODE_BYTES + 1] = 0x80;
	steps = 0;
	if (ksetjmp(&recover))
		return;
	if (ring0) {
		/* On its own stack, every register 0: the bytes cannot reach this function's frames
		 * (klongjmp() brings ESP and EBP back). */
		__asm__ volatile("mov %0, %%esp; xor %%ebp, %%ebp; xor %%ebx, %%ebx; xor %%ecx, %%ecx;"
				 "xor %%edx, %%edx; xor %%esi, %%esi; xor %%edi, %%edi;"
				 "pushf; orl %1, (%%esp); popf; xor %%eax, %%eax; call *%2"
				 : : "r"(ring0_stack + PAGE_SIZE), "i"(EFLAGS_TF), "m"(code_entry)
				 : "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
		klongjmp(&recover, 1);
	}
	trap_frame_user(&tf, (uint32_t)code_page, (uint32_t)user_stack + PAGE_SIZE);
	tf.eflags |= EFLAGS_TF;
	trap_return(&tf);
}

static void fuzz_nested_fault(void)
{
	nested = 1 + prng_below(&rng, 3);
	if (ksetjmp(&recover) == 0)
		(void)*(volatile uint32_t *)(SCRATCH_BASE + prng_below(&rng, SCRATCH_PDES * LARGE_PAGE_SIZE));
	nested = 0;
}

static void tight_loop(void)
{
	for (volatile uint32_t i = prng_below(&rng, 20000); i; i--)
		;
}

static void on_syscall(struct trap_frame *tf)
{
	(void)tf;
	klongjmp(&recover, 1);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *args = mb_args(mbi);
	uint32_t rounds = arg_uint(args, "rounds", 3000);

	(void)magic;
	rng = prng_seed(arg_uint(args, "seed", 1));
	console_init();
	cpu_init();
	for (int v = 0; v < 32; v++)
		trap_set_handler((uint8_t)v, on_fault);
	trap_set_handler(T_DB, on_debug);
	trap_set_handler(T_SYSCALL, on_syscall);
	/* Ring 3 reaches only its code and stack: random bytes cannot write the guest's kernel. */
	for (uint32_t i = 0; i < ENTRIES; i++)
		low_pt[i] = (i * PAGE_SIZE) | PTE_P | PTE_RW;
	low_pt[PTX(code_page)] |= PTE_US;
	low_pt[PTX(user_stack)] |= PTE_US;
	pgdir[0] = (uint32_t)low_pt | PTE_P | PTE_RW | PTE_US;
	for (uint32_t i = 1; i < 4; i++)
		pgdir[i] = (i * LARGE_PAGE_SIZE) | PDE_PS | PTE_P | PTE_RW;
	write_cr3((uint32_t)pgdir);
	write_cr4(read_cr4() | CR4_PSE);
	write_cr0(read_cr0() | CR0_PG);
	gprintf("fuzz: seed %u, %u rounds\n", arg_uint(args, "seed", 1), rounds);
	for (uint32_t round = 1; round <= rounds; round++) {
		faults_this_round = 0;
		switch (prng_below(&rng, 20)) {
		case 0 ... 6: fuzz_paging(); break;
		case 7 ... 8: fuzz_control_registers(); break;
		case 9 ... 11: fuzz_ports(); break;
		case 12 ... 16: fuzz_code(); break;
		case 17 ... 18: fuzz_nested_fault(); break;
		default: tight_loop();
		}
		if (round % 500 == 0)
			gprintf("fuzz: round %u\n", round);
	}
	gprintf("fuzz: %u rounds done; faults:", rounds);
	for (int v = 0; v < 32; v++)
		if (faults[v])
			gprintf(" %s %u", trap_name((uint32_t)v), faults[v]);
	gprintf("\n");
	return GUEST_SUCCESS;
}
