/**
 * @file svm.h
 * @brief The AMD-V backend's internals. Only files in kernel/svm/ include this header.
 */
#ifndef KERNEL_SVM_SVM_H
#define KERNEL_SVM_SVM_H

#include "kernel/vcpu.h"
#include "kernel/vmexit.h"
#include "kernel/svm/vmcb.h"

/** @brief Per-vCPU AMD-V state. */
struct svm_vcpu {
	struct vmcb *vmcb;  /**< the guest's VMCB (one page) */
	bool flush_tlb;     /**< flush this ASID's TLB entries at the next VMRUN */
};

/**
 * @brief VMSAVE host state to @p host_save_pa, VMRUN @p vmcb_pa with the GPRs
 * in @p gpr, and restore the host after the \#VMEXIT (kernel/svm/entry.S).
 */
void svm_enter(uint64_t vmcb_pa, uint64_t *gpr, uint64_t host_save_pa);

/** @brief Fill the VMCB of @p v: intercepts, permission maps, Multiboot guest state. */
bool svm_vmcb_setup(struct vcpu *v, int asid);

struct vm;

/**
 * @brief Nested page tables that map only @p vm's RAM and shadow pool, one to
 * one (kernel/svm/npt.c). @return their root's host-physical address, or 0
 * (printed) when out of memory.
 */
uint64_t svm_fence_build(const struct vm *vm);

/** @brief Turn the \#VMEXIT recorded in @p vmcb into @p e. APM Vol2 15.6 */
void svm_decode_exit(const struct vmcb *vmcb, uint64_t rip, struct vm_exit *e);

#endif
