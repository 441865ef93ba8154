/*
 * Host TSS and IDT. Any exception in the host is a hypervisor bug: report it
 * with the registers and end the run as a failure. A double fault runs on
 * its own stack (IST1) so that even a stack overflow is reported. The only
 * interrupts are the local APIC timer's (AMD-V time slices) and spurious ones.
 */
#include "kernel/console.h"
#include "kernel/lapic.h"
#include "kernel/machine.h"
#include "kernel/trap.h"
#include "kernel/vectors.h"
#include "kernel/x86.h"

#define NUM_EXCEPTIONS 32
#define NUM_VECTORS    256
#define IDT_INTERRUPT_GATE 0x8E /* present, DPL 0, 64-bit interrupt gate */
#define TSS_AVAILABLE      0x89 /* present, 64-bit available TSS */
#define PIC1_DATA          0x21 /* 8259 interrupt mask registers */
#define PIC2_DATA          0xA1
#define PIC_MASK_ALL       0xFF /* every IRQ line masked */

/* SDM Vol3A 8.7 (Task Management in 64-bit Mode), Figure 8-11 */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* SDM Vol3A 6.14.1 (64-Bit Mode IDT), Figure 6-8 */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

/* A 64-bit TSS descriptor, two GDT slots. SDM Vol3A 8.2.3 (TSS Descriptor in 64-bit mode), Figure 8-4 */
struct tss_descriptor {
	uint16_t limit_low;  /* limit 15:0 */
	uint16_t base_low;   /* base 15:0 */
	uint8_t base_mid;    /* base 23:16 */
	uint8_t type_attr;   /* present, DPL, type */
	uint8_t limit_high;  /* limit 19:16; granularity and AVL 0 */
	uint8_t base_high;   /* base 31:24 */
	uint32_t base_upper; /* base 63:32 */
	uint32_t reserved;
} __attribute__((packed));

static struct tss64 tss;
static struct idt_gate idt[NUM_VECTORS];
static uint8_t double_fault_stack[8192] __attribute__((aligned(16)));
extern const uint64_t trap_stubs[NUM_EXCEPTIONS];
extern const char trap_stub_timer[], trap_stub_spurious[];

static const char *const exception_names[NUM_EXCEPTIONS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM no math coprocessor",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization exception",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security exception", "reserved 31",
};

uint64_t tss_base(void)
{
	return (uint64_t)&tss;
}

/* A descriptor-table register as SGDT and SIDT store it. */
struct table_reg {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

uint64_t gdt_base(void)
{
	struct table_reg gdtr;

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	return gdtr.base;
}

uint64_t idt_base(void)
{
	struct table_reg idtr;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	return idtr.base;
}

/* Write the 16-byte TSS descriptor into GDT slots 3 and 4 and load TR. */
static void tss_install(void)
{
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	struct tss_descriptor d = {
		.limit_low = (uint16_t)limit,
		.base_low = (uint16_t)base,
		.base_mid = (uint8_t)(base >> 16),
		.type_attr = TSS_AVAILABLE,
		.limit_high = (uint8_t)(limit >> 16),
		.base_high = (uint8_t)(base >> 24),
		.base_upper = (uint32_t)(base >> 32),
	};

	tss.ist[0] = (uint64_t)(double_fault_stack + sizeof(double_fault_stack));
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
	memcpy(&gdt64[SEL_TSS / 8], &d, sizeof(d));
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
}

/* Mask both 8259 PICs: the firmware leaves the timer enabled on vector 8, which
 * would look like a double fault, and no device interrupt may reach a guest. */
static void mask_legacy_pic(void)
{
	outb(PIC1_DATA, PIC_MASK_ALL);
	outb(PIC2_DATA, PIC_MASK_ALL);
}

/* IDT entry for vector v: an interrupt gate to the stub at address a. */
static void set_gate(int v, uint64_t a)
{
	idt[v] = (struct idt_gate){
		.offset_low = a & 0xFFFF,
		.selector = SEL_CODE64,
		.ist = v == VEC_DOUBLE_FAULT ? 1 : 0,
		.type_attr = IDT_INTERRUPT_GATE,
		.offset_mid = a >> 16 & 0xFFFF,
		.offset_high = a >> 32,
	};
}

/* A host exception is a hypervisor bug: show everything and end the run. */
static void report_exception(const struct trapframe *tf)
{
	hv_log("PANIC: host exception %lu (%s) at rip %#lx, error code %#lx",
	       tf->vector, exception_names[tf->vector & 31], tf->rip, tf->error_code);
	if (tf->vector == VEC_PAGE_FAULT)
		hv_log("  cr2 %#lx (the address the host touched)", read_cr2());
	hv_log("  rax %016lx rbx %016lx rcx %016lx rdx %016lx", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	hv_log("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx", tf->rsi, tf->rdi, tf->rbp, tf->rsp);
	hv_log("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx", tf->r8, tf->r9, tf->r10, tf->r11);
	hv_log("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx", tf->r12, tf->r13, tf->r14, tf->r15);
	hv_log("  cs %#lx rflags %#lx cr0 %#lx cr3 %#lx cr4 %#lx", tf->cs, tf->rflags,
	       read_cr0(), read_cr3(), read_cr4());
	print_backtrace(tf->rbp);
	machine_exit(false);
}

void trap_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	mask_legacy_pic();
	tss_install();
	for (int v = 0; v < NUM_EXCEPTIONS; v++)
		set_gate(v, trap_stubs[v]);
	set_gate(LAPIC_TIMER_VECTOR, (uint64_t)trap_stub_timer);
	set_gate(LAPIC_SPURIOUS_VECTOR, (uint64_t)trap_stub_spurious);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void trap_handler(struct trapframe *tf)
{
	if (tf->vector == LAPIC_TIMER_VECTOR) {
		lapic_eoi(); /* the INTR exit already ended the time slice */
		return;
	}
	if (tf->vector == LAPIC_SPURIOUS_VECTOR)
		return; /* no EOI for a spurious interrupt */
	report_exception(tf);
}
