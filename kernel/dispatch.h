/**
 * @file dispatch.h
 * @brief Handling normalised VM exits: one small handler per exit kind.
 */
#ifndef KERNEL_DISPATCH_H
#define KERNEL_DISPATCH_H

#include "kernel/backend.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

/** @brief What a handler wants done with the guest's RIP. */
enum resume {
	RESUME_NEXT, /**< the exiting instruction was emulated: skip it */
	RESUME_SAME, /**< re-execute it (a fault was fixed or injected) */
};

/**
 * @brief Handle exit @p e of @p vm: count it, have the backend complete it
 * (struct backend complete_exit), call its handler, advance RIP when the
 * handler emulated the instruction. The VM's state says whether it
 * goes on.
 */
void dispatch_exit(struct vm *vm, struct vm_exit *e);

/**
 * @brief CPUID leaf @p leaf, subleaf @p subleaf as the guest sees it: the
 * host's, less what the guest contract does not offer (VMX, SVM, PAE, PSE-36,
 * long mode), with the hypervisor-present bit set.
 */
struct cpuid_regs guest_cpuid(uint32_t leaf, uint32_t subleaf);

/** @brief IN/OUT: the guest contract's devices (kernel/devices.c). */
enum resume devices_io(struct vm *vm, const struct vm_exit *e);

/** @brief MOV to/from CR0, CR3, CR4 (kernel/cr.c). */
enum resume cr_access(struct vm *vm, const struct vm_exit *e);

/** @brief MOV to/from DR0-DR7, emulated on the vCPU's own copy (kernel/dr.c). */
enum resume dr_access(struct vm *vm, const struct vm_exit *e);

/**
 * @brief The hypervisor completed an instruction for the guest: with RFLAGS.TF
 * set, raise the single-step \#DB the CPU would have (kernel/dr.c).
 */
void dr_single_step(struct vcpu *v);

/** @brief A \#DB the guest raised: update its DR6 and DR7 and deliver it (kernel/dr.c). */
enum resume dr_debug_exception(struct vm *vm, const struct vm_exit *e);

#endif
