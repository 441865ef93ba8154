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
	uint64_t r15; /**< saved by trapentry.S */
	uint64_t r14; /**< saved by trapentry.S */
	uint64_t r13; /**< saved by trapentry.S */
	uint64_t r12; /**< saved by trapentry.S */
	uint64_t r11; /**< saved by trapentry.S */
	uint64_t r10; /**< saved by trapentry.S */
	uint64_t r9; /**< saved by trapentry.S */
	uint64_t r8; /**< saved by trapentry.S */
	uint64_t rdi; /**< saved by trapentry.S */
	uint64_t rsi; /**< saved by trapentry.S */
	uint64_t rbp; /**< saved by trapentry.S */
	uint64_t rbx; /**< saved by trapentry.S */
	uint64_t rdx; /**< saved by trapentry.S */
	uint64_t rcx; /**< saved by trapentry.S */
	uint64_t rax; /**< saved by trapentry.S */
	uint64_t vector;     /**< exception number */
	uint64_t error_code; /**< CPU's error code, or 0 */
	uint64_t rip;        /**< pushed by the CPU */
	uint64_t cs;         /**< pushed by the CPU */
	uint64_t rflags;     /**< pushed by the CPU */
	uint64_t rsp;        /**< pushed by the CPU */
	uint64_t ss;         /**< pushed by the CPU */
};

/** @brief Install the TSS (with a separate double-fault stack) and the IDT. */
void trap_init(void);

/** @brief Called by trap.S for every host exception. */
void trap_handler(struct trapframe *tf);

/** @brief Address of the host TSS (VMCS host TR base). */
uint64_t tss_base(void);

/** @brief Base of the GDT this kernel runs with, as SGDT reads it (VMCS host GDTR base). */
uint64_t gdt_base(void);

/** @brief Base of the IDT this kernel runs with, as SIDT reads it (VMCS host IDTR base). */
uint64_t idt_base(void);

/** @brief The host GDT (boot.S), for the VMCS host GDTR base. */
extern uint64_t gdt64[];

#endif
