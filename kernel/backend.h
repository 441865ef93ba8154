/**
 * @file backend.h
 * @brief The operations a virtualisation backend offers to the rest of the hypervisor.
 *
 * There is one backend per CPU vendor extension; main.c picks it at boot
 * from CPUID. All policy sits above these calls.
 */
#ifndef KERNEL_BACKEND_H
#define KERNEL_BACKEND_H

#include "kernel/vcpu.h"
#include "kernel/vmexit.h"

struct vm;

/** @brief A backend: Intel VT-x or AMD-V. */
struct backend {
	const char *name; /**< "VT-x" or "AMD-V", printed at boot */
	/**
	 * @brief Before @p e's handler runs: complete what the exit left unsaid,
	 * or check it. AMD-V without decode assists decodes the guest's bytes for
	 * the instruction's length, register and operands (kernel/complete.c);
	 * VT-x names them all, so there a missing or wrong one is lab 1's
	 * omission and stops the VM naming it (kernel/vmx/lab1check.c).
	 * @return false when the exit is over: the VM stopped, or reading an
	 * operand raised an exception for the guest (vcpu.raised)
	 */
	bool (*complete_exit)(struct vm *vm, struct vm_exit *e);

	/** @brief True when this CPU has the extension; otherwise print why not. */
	bool (*probe)(void);

	/** @brief Turn the extension on for this CPU (VMXON, EFER.SVME); false, having printed why, on failure. */
	bool (*cpu_enable)(void);

	/**
	 * @brief Make every vCPU exit with EXIT_PREEMPT after about @p ticks of
	 * its backend's timer (VT-x: VMX-preemption timer; AMD-V: host LAPIC
	 * timer). Called after cpu_enable, before any vcpu_init.
	 */
	bool (*set_time_slice)(uint32_t ticks);

	/**
	 * @brief Prepare @p v (registers already set in the Multiboot state)
	 * for its first run. Returns false, having printed why, when it cannot.
	 */
	bool (*vcpu_init)(struct vcpu *v);

	/**
	 * @brief The virtual TLB dropped entries: make the CPU forget its cached
	 * translations of @p v before it runs again.
	 */
	void (*flush_tlb)(struct vcpu *v);

	/** @brief Make @p v the vCPU the CPU runs next (VT-x: VMPTRLD its VMCS). */
	void (*switch_to)(struct vcpu *v);

	/** @brief Run @p v until its next exit and describe the exit in @p e. */
	void (*run)(struct vcpu *v, struct vm_exit *e);

	/**
	 * @brief Deliver @p e (an interrupt, NMI or hardware exception) to the
	 * guest at its next entry. Only kernel/event.c decides what that is; for
	 * \#PF set vcpu.cr2 first.
	 */
	void (*inject)(struct vcpu *v, const struct event *e);

	/**
	 * @brief Base of the guest's segment register @p seg (enum seg_reg,
	 * kernel/decode.h), for the linear address of an instruction
	 * kernel/complete.c decodes: its bytes at CS base + RIP, INVLPG's operand.
	 */
	uint32_t (*segment_base)(struct vcpu *v, int seg);

	/**
	 * @brief True when @p v runs 32-bit code: its code segment's D flag is
	 * set, so instructions default to 32-bit operands and addresses; false
	 * in 16-bit code (D clear, real or virtual-8086 mode). SDM Vol3A 3.4.5
	 * (Segment Descriptors). For the decoder (kernel/decode.h), through decode_at_rip.
	 */
	bool (*code32)(struct vcpu *v);

	/** @brief The guest's current privilege level (0 to 3), for the rights of an emulated access. */
	int (*cpl)(struct vcpu *v);

	/**
	 * @brief The interrupt shadow @p v is in (enum irq_shadow bits,
	 * kernel/irq.h): VT-x's guest interruptibility state, SDM Vol3C 24.4.2;
	 * AMD-V's VMCB interrupt shadow, one bit for both, reported as STI.
	 */
	unsigned (*interrupt_shadow)(struct vcpu *v);

	/** @brief The instruction in @p v's interrupt shadow was emulated: end the shadow, as the CPU would after it. */
	void (*end_interrupt_shadow)(struct vcpu *v);

	/**
	 * @brief Open (@p open) or close @p v's interrupt window: while open, @p v
	 * exits with EXIT_INTR_WINDOW before the first instruction at which it can
	 * take an interrupt. VT-x: interrupt-window exiting, SDM Vol3C 26.6.5;
	 * AMD-V: V_IRQ with the VINTR intercept, APM Vol2 15.21. Called only to
	 * change it (vcpu.window_open says what it is); it stays as set, an
	 * EXIT_INTR_WINDOW included, until the next call.
	 */
	void (*interrupt_window)(struct vcpu *v, bool open);

	/**
	 * @brief Make @p v's next run exit with EXIT_PREEMPT after at most about
	 * @p ticks TSC ticks, when that comes before its time slice ends: the
	 * deadline of its chips' next timer, never less than the run loop's
	 * minimum (kernel/runloop.c). VCLOCK_NEVER: the slice alone.
	 */
	void (*set_deadline)(struct vcpu *v, uint64_t ticks);
};

/**
 * @brief TSC the world-switch code of either backend takes just before
 * entering the guest. In Bochs the TSC counts instructions, so differences
 * with tsc_at_exit are exact hypervisor costs (kernel/cost.h).
 */
extern uint64_t tsc_at_entry;

/** @brief TSC the world-switch code takes just after coming back from the guest. */
extern uint64_t tsc_at_exit;


/** @brief The backend this CPU uses, chosen once at boot (kernel/main.c). */
extern const struct backend *active_backend;

/** @brief Intel VT-x (kernel/vmx/). */
extern const struct backend vmx_backend;

/** @brief AMD-V (kernel/svm/). */
extern const struct backend svm_backend;

#endif
