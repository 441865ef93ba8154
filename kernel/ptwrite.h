/**
 * @file ptwrite.h
 * @brief Lab 6's emulated writes to write-protected guest page tables.
 */
#ifndef KERNEL_PTWRITE_H
#define KERNEL_PTWRITE_H

#include "kernel/dispatch.h"
#include "kernel/vm.h"

/**
 * @brief The guest's write at guest-physical @p gpa faulted on a protected
 * guest table (VTLB_PT_WRITE): emulate it if it is a 4-byte MOV to one
 * aligned entry (RESUME_NEXT), else unsync the table and let the guest
 * execute it again (RESUME_SAME).
 */
enum resume ptwrite_emulate(struct vm *vm, struct vm_exit *e, uint32_t gpa);

#endif
