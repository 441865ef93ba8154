/**
 * @file mmu.h
 * @brief The guest's MMU as the hypervisor emulates it: the virtual TLB wired to exits.
 *
 * Page-fault and INVLPG exits and control-register writes come here and go
 * to the virtual TLB (shadow/vtlb.h); what the guest must see (a reflected
 * \#PF) goes back through the backend.
 */
#ifndef KERNEL_MMU_H
#define KERNEL_MMU_H

#include "kernel/dispatch.h"

/** @brief Give @p vm an empty virtual TLB; false (printed) when the shadow pool cannot be had. */
bool mmu_init(struct vm *vm);

/** @brief A \#PF exit: fill the shadow (hidden fault), reflect it (true fault), emulate a device access (kernel/mmio.c), or stop the VM. */
enum resume mmu_page_fault(struct vm *vm, struct vm_exit *e);

/** @brief An INVLPG exit at @p gva. */
enum resume mmu_invlpg(struct vm *vm, uint32_t gva);

/** @brief The guest wrote CR0, CR3 or CR4; @p old is its paging state before. */
void mmu_paging_changed(struct vm *vm, const struct guest_mode *old, int cr);

/** @brief The guest's paging state now (its view of CR0, CR3, CR4). */
struct guest_mode mmu_mode(const struct vm *vm);

#define MMU_ACCESS_MAX 4 /**< the most bytes mmu_access() moves at once */

/**
 * @brief Read or write @p n bytes (at most MMU_ACCESS_MAX) of guest-linear
 * memory at @p linear as the guest's instruction would: with its CPL's
 * rights, setting A and D. @return false when that raised a \#PF for the
 * guest (vcpu.raised) or stopped the VM; nothing was written then
 */
bool mmu_access(struct vm *vm, uint32_t linear, void *buf, size_t n, bool write);

/**
 * @brief Translate guest-linear @p linear for a supervisor read, without
 * side effects. @return false when the guest's tables do not map it
 */
bool mmu_translate(struct vm *vm, uint32_t linear, uint32_t *gpa);

/** @brief Lab 6 (hypervisor option cache): keep each guest address space's shadow across CR3 writes, if lab 6 is implemented. */
void mmu_enable_cache(struct vm *vm);

/** @brief Print the virtual TLB's statistics line for @p vm. */
void mmu_report(const struct vm *vm);

#endif
