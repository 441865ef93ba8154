/*
 * Task switches (SDM Vol3A 7.3 (Task Switching)): a second TSS whose CR3 the
 * CPU would load. Natively task B runs, prints and ends the guest; under the
 * hypervisor every task switch is stopped (docs/guest-contract.md).
 */
#include "cpu.h"
#include "guest.h"
#include "hostile.h"
#include "x86.h"

/* Segment and gate descriptors, SDM Vol3A 3.4.5, 7.2.2, 7.2.5, 6.11 */
#define SEL_CODE   0x08
#define SEL_DATA   0x10
#define SEL_TSS_A  0x18 /* the task that runs first */
#define SEL_TSS_B  0x20 /* the task switched to */
#define GDT_CODE32 0x00CF9A000000FFFFull /* base 0, limit 4 GiB, execute/read, DPL 0 */
#define GDT_DATA32 0x00CF92000000FFFFull /* base 0, limit 4 GiB, read/write, DPL 0 */
#define TSS_AVAILABLE 0x89               /* present, DPL 0, available 32-bit TSS */
#define GATE_TASK     0x85               /* present, DPL 0, task gate */
#define VEC_UD     6

static uint64_t gdt[5];
static uint64_t idt[32];
static struct tss32 tss_a, tss_b;
static uint8_t task_b_stack[4096] __attribute__((aligned(16)));
static const char *const how_names[] = { "JMP", "CALL", "a task gate for #UD" };
static int switched_by;

static uint64_t tss_descriptor(const struct tss32 *t)
{
	uint32_t base = (uint32_t)t, limit = sizeof(*t) - 1;

	return (uint64_t)(limit & 0xFFFF) | (uint64_t)(base & 0xFFFFFF) << 16 |
	       (uint64_t)TSS_AVAILABLE << 40 | (uint64_t)(base >> 24) << 56;
}

/* Task B: natively the switch lands here. */
static void task_b(void)
{
	gprintf("hostile: task B reached by %s\n", how_names[switched_by]);
	guest_exit(GUEST_SUCCESS);
}

/* Our own GDT, IDT and TSS A; TSS B runs task_b with the same CR3 and segments. */
static void tables_init(void)
{
	struct table_reg gdtr = { sizeof(gdt) - 1, (uint32_t)gdt }, idtr = { sizeof(idt) - 1, (uint32_t)idt };

	gdt[SEL_CODE / 8] = GDT_CODE32;
	gdt[SEL_DATA / 8] = GDT_DATA32;
	gdt[SEL_TSS_A / 8] = tss_descriptor(&tss_a);
	gdt[SEL_TSS_B / 8] = tss_descriptor(&tss_b);
	idt[VEC_UD] = (uint64_t)SEL_TSS_B << 16 | (uint64_t)GATE_TASK << 40;
	tss_b = (struct tss32){
		.cr3 = read_cr3(), .eip = (uint32_t)task_b, .eflags = 0x2,
		.esp = (uint32_t)(task_b_stack + sizeof(task_b_stack)),
		.cs = SEL_CODE, .ss = SEL_DATA, .ds = SEL_DATA, .es = SEL_DATA, .fs = SEL_DATA, .gs = SEL_DATA,
		.iomap_base = sizeof(struct tss32),
	};
	tss_a.iomap_base = sizeof(struct tss32);
	__asm__ volatile("lgdt %0; lidt %1" : : "m"(gdtr), "m"(idtr));
	__asm__ volatile("ljmp %0, $1f\n1:" : : "i"(SEL_CODE));
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss; mov %0, %%fs; mov %0, %%gs" : : "r"(SEL_DATA));
	__asm__ volatile("ltr %0" : : "r"((uint16_t)SEL_TSS_A));
}

void attack_task_switch(int how)
{
	switched_by = how;
	tables_init();
	gprintf("hostile: task switch to TSS selector 0x%x by %s\n", SEL_TSS_B, how_names[how]);
	if (how == 0)
		__asm__ volatile("ljmp %0, $0" : : "i"(SEL_TSS_B));
	else if (how == 1)
		__asm__ volatile("lcall %0, $0" : : "i"(SEL_TSS_B));
	else
		__asm__ volatile("ud2");
	gprintf("hostile: still in task A: the task switch did not happen\n");
}
