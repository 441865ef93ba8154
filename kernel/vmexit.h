/**
 * @file vmexit.h
 * @brief The exit interface: what every backend turns its VM exits into.
 *
 * A backend (kernel/vmx/ for Intel VT-x, kernel/svm/ for AMD-V) runs the
 * guest until it exits, then describes the exit as one struct vm_exit.
 * Everything above this line (devices, the virtual TLB, the scheduler) sees
 * only these events and never includes a backend header
 * (docs/architecture.md, "The exit interface").
 */
#ifndef KERNEL_VMEXIT_H
#define KERNEL_VMEXIT_H

#include "kernel/event.h"
#include "kernel/lib.h"

/** @brief What made the guest exit, independent of the backend. */
enum exit_kind {
	EXIT_UNHANDLED,    /**< anything else: @c raw and @c detail name it (0: what a decoder leaves unmapped) */
	EXIT_CPUID,        /**< CPUID: emulate it */
	EXIT_IO,           /**< IN/OUT: @c port, @c size, @c in */
	EXIT_HLT,          /**< HLT */
	EXIT_SHUTDOWN,     /**< triple fault (the guest is beyond help) */
	EXIT_CR_READ,      /**< MOV from CR @c cr into GPR @c gpr, or SMSW (@c form) */
	EXIT_CR_WRITE,     /**< MOV to CR @c cr from GPR @c gpr, or CLTS or LMSW (@c form) */
	EXIT_PAGE_FAULT,   /**< \#PF at @c addr with @c error_code */
	EXIT_INVLPG,       /**< INVLPG @c addr */
	EXIT_EXCEPTION,    /**< another intercepted exception (\#DB, \#AC): @c vector, @c error_code */
	EXIT_DR_READ,      /**< MOV from DR @c dr into GPR @c gpr */
	EXIT_DR_WRITE,     /**< MOV to DR @c dr from GPR @c gpr */
	EXIT_FENCE,        /**< AMD-V: the CPU reached host-physical @c addr outside the VM's memory (kernel/svm/npt.c) */
	EXIT_TASK_SWITCH,  /**< a task switch to TSS @c selector, by @c task_source (outside the guest contract) */
	EXIT_PREEMPT,      /**< the time slice is over */
	EXIT_MSR,          /**< RDMSR or WRMSR (outside the guest contract) */
	EXIT_VIRT_INSN,    /**< a VMX or SVM instruction, INVLPGA included (the guest gets \#UD) */
	EXIT_INTR_WINDOW,  /**< the interrupt window opened: the guest can take an interrupt now (kernel/irq.c) */
	EXIT_ENTRY_FAILED, /**< the backend could not enter the guest: @c detail says why */
	EXIT_KIND_COUNT    /**< number of kinds (for statistics) */
};

/** @brief What started a task switch (the VT-x exit qualification's encoding). SDM Vol3C 27.2.1 */
enum task_source {
	TASK_BY_CALL,     /**< CALL to a TSS or task gate */
	TASK_BY_IRET,     /**< IRET with EFLAGS.NT set */
	TASK_BY_JMP,      /**< JMP to a TSS or task gate */
	TASK_BY_IDT_GATE, /**< an exception or interrupt through a task gate in the IDT */
	TASK_UNINTERCEPTED, /**< seen afterwards: the CPU's CR3 changed without an exit */
};

/** @brief Which instruction accessed CR0: MOV, or one of the legacy machine-status-word forms. */
enum cr_form {
	CR_MOV,  /**< MOV to or from CR @c cr */
	CR_CLTS, /**< CLTS: clear CR0.TS */
	CR_LMSW, /**< LMSW: load CR0 bits 3:0 from @c msw (PE can be set, not cleared) */
	CR_SMSW, /**< SMSW: store CR0 into GPR @c gpr (@c size bytes) or the memory at @c addr */
};

/** @brief Value of vm_exit.gpr and vm_exit.insn_len when the backend could not tell. */
#define EXIT_UNKNOWN (-1)

/** @brief Value of vm_exit.gpr when the operand is in memory, at linear address vm_exit.addr. */
#define EXIT_MEMORY (-2)

/**
 * @brief One normalised VM exit.
 *
 * Only the fields of the exit's kind are meaningful. A backend that cannot
 * tell the instruction length or the GPR (AMD-V without decode assists)
 * leaves them EXIT_UNKNOWN, and its struct backend complete_exit decodes the
 * instruction (kernel/complete.c).
 */
struct vm_exit {
	enum exit_kind kind;  /**< what happened */
	uint32_t raw;         /**< the backend's own exit code, for messages */
	int insn_len;         /**< bytes of the exiting instruction, or EXIT_UNKNOWN */
	uint64_t addr;        /**< \#PF: the faulting address (CR2); INVLPG: the operand; SMSW: the memory operand */
	uint32_t error_code;  /**< \#PF or other exception: the error code */
	uint8_t vector;       /**< EXIT_EXCEPTION: the exception number */
	bool from_insn;       /**< EXIT_EXCEPTION: raised by the instruction at RIP (INT1), delivered after it */
	uint32_t debug_bits;  /**< EXIT_EXCEPTION \#DB: the DR6 bits this debug exception sets (B0-B3, BD, BS) */
	int cr;               /**< EXIT_CR_*: 0, 3 or 4 */
	enum cr_form form;    /**< EXIT_CR_*: MOV, or CLTS, LMSW, SMSW (CR0 only) */
	uint16_t msw;         /**< CR_LMSW: the source operand */
	int dr;               /**< EXIT_DR_*: 0 to 7 */
	int gpr;              /**< EXIT_CR_*, EXIT_DR_*: enum gpr index, EXIT_MEMORY (SMSW), or EXIT_UNKNOWN */
	uint16_t selector;    /**< EXIT_TASK_SWITCH: the new task's TSS selector */
	enum task_source task_source; /**< EXIT_TASK_SWITCH: what started it */
	uint16_t port;        /**< EXIT_IO: port */
	uint8_t size;         /**< EXIT_IO: 1, 2 or 4 bytes; SMSW into a register: 2 or 4 */
	bool in;              /**< EXIT_IO: IN (true) or OUT (false) */
	bool string;          /**< EXIT_IO: INS/OUTS (outside the guest contract) */
	const char *detail;   /**< EXIT_ENTRY_FAILED, EXIT_UNHANDLED: a sentence for the console */
	struct event interrupted; /**< any kind: the event whose delivery this exit interrupted (kernel/event.h) */
};

/** @brief Short lower-case name of an exit kind, for statistics and messages. */
const char *exit_kind_name(enum exit_kind kind);

#endif
