/**
 * @file trap.h
 * @brief The host's GDT, TSS and IDT: every host exception is reported, never silent.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

#define SEL_CODE64 0x08 /**< host 64-bit code segment */
#define SEL_DATA   0x10 /**< host data segment */
#define SEL_TSS    0x18 /**< host 64-bit TSS (VMX requires a non-zero host TR) */

/** @brief Registers saved by trap.S, in the order it pushes them (lowest address first). */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector;     /**< exception number */
	uint64_t error_code; /**< CPU's error code, or 0 */
	uint64_t rip, cs, rflags, rsp, ss; /**< pushed by the CPU */
};

/** @brief Install the TSS (with a separate double-fault stack) and the IDT. */
void trap_init(void);

/** @brief Called by trap.S for every host exception. */
void trap_handler(struct trapframe *tf);

/** @brief Address of the host TSS (VMCS host TR base). */
uint64_t tss_base(void);

/** @brief The host GDT (boot.S), for the VMCS host GDTR base. */
extern uint64_t gdt64[];

#endif
