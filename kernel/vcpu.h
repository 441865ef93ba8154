/**
 * @file vcpu.h
 * @brief A virtual CPU: the guest's registers as the hypervisor sees them.
 *
 * The backend copies RIP, RSP, RFLAGS and the control registers between this
 * struct and its VMCS/VMCB around every run, so code above the exit interface
 * reads and writes guest state here and nowhere else.
 */
#ifndef KERNEL_VCPU_H
#define KERNEL_VCPU_H

#include "kernel/event.h"
#include "kernel/lib.h"

/** @brief General-purpose registers in the x86 encoding order (ModRM.reg, VT-x qualifications). */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_COUNT
};

struct vm;

#define FXSAVE_AREA_SIZE 512 /**< bytes FXSAVE writes. SDM Vol1 10.5.1 (FXSAVE Area) */

/** @brief One virtual CPU. */
struct vcpu {
	uint64_t gpr[GPR_COUNT]; /**< guest GPRs; the entry code loads and saves them */
	uint64_t rip;            /**< guest instruction pointer */
	uint64_t rflags;         /**< guest flags */
	uint64_t cr0;            /**< CR0 as the guest believes it is */
	uint64_t cr2;            /**< the guest's CR2 (last \#PF address it was shown) */
	uint64_t cr3;            /**< CR3 as the guest wrote it (its page directory) */
	uint64_t cr4;            /**< CR4 as the guest believes it is */
	uint64_t shadow_root;    /**< host-physical root the CPU really uses (the virtual TLB's) */
	uint32_t dr[4];          /**< the guest's DR0-DR3 (breakpoint addresses) */
	uint32_t dr6;            /**< the guest's DR6 (debug status) */
	uint32_t dr7;            /**< the guest's DR7 (debug control) */
	/** @brief The guest's x87/MMX/SSE registers as FXSAVE stores them (kernel/cpustate.c). */
	uint8_t fpu[FXSAVE_AREA_SIZE] __attribute__((aligned(16)));
	struct event raised;     /**< the exception a handler raises for the guest at this exit (kernel/event.h) */
	bool injecting;          /**< the next entry already delivers an event (kernel/dispatch.c, kernel/irq.c) */
	bool window_open;        /**< its interrupt window is open (set_window, kernel/irq_deliver.c: the one place that opens and closes it) */
	struct vm *vm;           /**< the VM this vCPU belongs to */
	void *backend;           /**< the backend's own state (VMCS or VMCB) */
};

#endif
