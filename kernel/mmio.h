/**
 * @file mmio.h
 * @brief Device memory: the guest's MOV to or from a device page, emulated.
 *
 * Device pages are never mapped in a shadow, so every access to one is a
 * page-fault exit that the virtual TLB answers VTLB_DEVICE (shadow/fault.c);
 * the instruction is decoded (kernel/decode.c) and the device's register
 * file (kernel/pc/) read or written here.
 */
#ifndef KERNEL_MMIO_H
#define KERNEL_MMIO_H

#include "kernel/dispatch.h"

/** @brief Reset @p vm's memory-mapped chips and hand their pages to its virtual TLB; false (printed) on failure. */
bool mmio_init(struct vm *vm);

/**
 * @brief Emulate the instruction at RIP, whose access at guest-linear
 * @p e->addr reached guest-physical @p gpa, a device page. MOV to or from
 * memory only, at the fault's address, as the device's registers take it;
 * anything else stops the VM by name.
 * @return RESUME_NEXT with @p e->insn_len set, or RESUME_SAME when the VM stopped
 */
enum resume mmio_access(struct vm *vm, struct vm_exit *e, uint32_t gpa);

#endif
