/*
 * GDT, TSS and IDT for OS-like guests, and the C side of every trap
 * (trap.S has the entry stubs). See cpu.h for the contract.
 */
#include "cpu.h"
#include "guest.h"
#include "x86.h"

/* Segment descriptor, SDM Vol3A 3.4.5 (Segment Descriptors). */
struct seg_desc {
	uint16_t limit_low;
	uint16_t base_low;
	uint8_t base_mid;
	uint8_t access;      /* P, DPL, S, type */
	uint8_t limit_flags; /* G, D/B, limit 19:16 */
	uint8_t base_high;
} __attribute__((packed));

#define DESC_P        0x80       /* present */
#define DESC_DPL(n)   ((n) << 5) /* descriptor privilege level */
#define DESC_S        0x10       /* code or data segment (not a system descriptor) */
#define DESC_CODE_RX  0x0A       /* type: execute/read code */
#define DESC_DATA_RW  0x02       /* type: read/write data */
#define DESC_TSS32    0x09       /* type: available 32-bit TSS, SDM Vol3A 7.2.2 (TSS Descriptor) */
#define DESC_G        0x80       /* limit counts 4 KiB units */
#define DESC_DB       0x40       /* 32-bit segment */
#define FLAT_LIMIT    0xFFFFF    /* 4 GiB in 4 KiB units */

/* 32-bit interrupt gate, SDM Vol3A 6.11 (IDT Descriptors). */
struct gate_desc {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr; /* P, DPL, type */
	uint16_t offset_high;
} __attribute__((packed));

#define GATE_INT32 0x0E /* 32-bit interrupt gate: IF cleared on entry */

#define EXCEPTIONS  32
#define VECTORS     256
#define TRAP_STACK  8192

extern const uint32_t trap_stubs[EXCEPTIONS]; /* trap.S: entry of vector v */
extern const uint32_t irq_stubs[IRQ_VECTORS]; /* trap.S: entry of vector T_IRQ0 + n */
extern const char trap_stub_syscall[];        /* trap.S: entry of vector 0x80 */

static struct seg_desc gdt[SEG_TSS / 8 + 1];
static struct tss32 tss; /* only ss0:esp0 is used */
static struct gate_desc idt[VECTORS];
static trap_handler handlers[VECTORS];
static uint8_t trap_stack[TRAP_STACK] __attribute__((aligned(16)));

static struct seg_desc seg_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (struct seg_desc){
		.limit_low = limit & 0xFFFF,
		.base_low = base & 0xFFFF,
		.base_mid = (base >> 16) & 0xFF,
		.access = access,
		.limit_flags = flags | ((limit >> 16) & 0x0F),
		.base_high = base >> 24,
	};
}

static struct gate_desc gate_desc(uint32_t handler, int dpl)
{
	return (struct gate_desc){
		.offset_low = handler & 0xFFFF,
		.selector = SEG_KCODE,
		.type_attr = DESC_P | DESC_DPL(dpl) | GATE_INT32,
		.offset_high = handler >> 16,
	};
}

/* Load the GDT, reload every segment register from it, and load the task register. */
static void load_gdt(void)
{
	struct table_reg gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };

	gdt[SEG_KCODE / 8] = seg_desc(0, FLAT_LIMIT, DESC_P | DESC_DPL(0) | DESC_S | DESC_CODE_RX, DESC_G | DESC_DB);
	gdt[SEG_KDATA / 8] = seg_desc(0, FLAT_LIMIT, DESC_P | DESC_DPL(0) | DESC_S | DESC_DATA_RW, DESC_G | DESC_DB);
	gdt[SEG_UCODE / 8] = seg_desc(0, FLAT_LIMIT, DESC_P | DESC_DPL(3) | DESC_S | DESC_CODE_RX, DESC_G | DESC_DB);
	gdt[SEG_UDATA / 8] = seg_desc(0, FLAT_LIMIT, DESC_P | DESC_DPL(3) | DESC_S | DESC_DATA_RW, DESC_G | DESC_DB);
	gdt[SEG_TSS / 8] = seg_desc((uint32_t)&tss, sizeof(tss) - 1, DESC_P | DESC_DPL(0) | DESC_TSS32, 0);

	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	__asm__ volatile("ljmp %0, $1f\n1:" : : "i"(SEG_KCODE));
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%fs; mov %0, %%gs; mov %0, %%ss"
			 : : "r"(SEG_KDATA));
	__asm__ volatile("ltr %0" : : "r"((uint16_t)SEG_TSS));
}

void cpu_init(void)
{
	struct table_reg idtr = { sizeof(idt) - 1, (uint32_t)idt };

	tss.ss0 = SEG_KDATA;
	tss.esp0 = (uint32_t)(trap_stack + TRAP_STACK);
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 has no port access (IOPL 0) */
	load_gdt();

	for (int v = 0; v < EXCEPTIONS; v++)
		idt[v] = gate_desc(trap_stubs[v], 0);
	for (int n = 0; n < IRQ_VECTORS; n++)
		idt[T_IRQ0 + n] = gate_desc(irq_stubs[n], 0);
	idt[T_SYSCALL] = gate_desc((uint32_t)trap_stub_syscall, 3);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void trap_set_handler(uint8_t vector, trap_handler handler)
{
	handlers[vector] = handler;
}

const char *trap_name(uint32_t vector)
{
	static const char *const names[EXCEPTIONS] = {
		"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
		"invalid opcode", "device not available", "double fault", "coprocessor overrun",
		"invalid TSS", "segment not present", "stack fault", "general protection",
		"page fault", "reserved 15", "x87 error", "alignment check", "machine check",
		"SIMD error", "virtualization", "control protection",
	};

	if (vector == T_SYSCALL)
		return "system call";
	if (vector >= T_IRQ0 && vector < T_IRQ0 + IRQ_VECTORS)
		return "interrupt";
	if (vector < EXCEPTIONS && names[vector])
		return names[vector];
	return "vector";
}

void trap_print(const struct trap_frame *tf)
{
	gprintf("trap: %s (vector %u) error %x at %x:%x eflags %x cr2 %x\n", trap_name(tf->vector),
		tf->vector, tf->error, tf->cs & 0xFFFF, tf->eip, tf->eflags, read_cr2());
	gprintf("trap: eax %x ebx %x ecx %x edx %x esi %x edi %x ebp %x\n", tf->eax, tf->ebx,
		tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp);
	if (trap_from_user(tf))
		gprintf("trap: from ring 3, ss:esp %x:%x\n", tf->user_ss & 0xFFFF, tf->user_esp);
}

/* Called by trap.S with the frame it built; returning resumes the frame. */
void trap_dispatch(struct trap_frame *tf)
{
	trap_handler handler = handlers[tf->vector];

	if (!handler) {
		gprintf("trap: unexpected\n");
		trap_print(tf);
		guest_exit(GUEST_FAILURE);
	}
	handler(tf);
}

void trap_frame_user(struct trap_frame *tf, uint32_t eip, uint32_t esp)
{
	*tf = (struct trap_frame){
		.gs = SEG_UDATA, .fs = SEG_UDATA, .es = SEG_UDATA, .ds = SEG_UDATA,
		.eip = eip, .cs = SEG_UCODE, .eflags = EFLAGS_RESERVED,
		.user_esp = esp, .user_ss = SEG_UDATA,
	};
}
