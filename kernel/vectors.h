/**
 * @file vectors.h
 * @brief The exception vectors the given code names. SDM Vol3A 6.3.1, Table 6-1
 *
 * Only given code includes this header: the lab 1 files keep their own
 * definitions, so that a student's `#define VEC_PAGE_FAULT` never clashes.
 */
#ifndef KERNEL_VECTORS_H
#define KERNEL_VECTORS_H

#define VEC_DIVIDE_ERROR        0  /**< \#DE: divide error */
#define VEC_DEBUG               1  /**< \#DB: debug exception */
#define VEC_BREAKPOINT          3  /**< \#BP: INT3 */
#define VEC_OVERFLOW            4  /**< \#OF: INTO */
#define VEC_INVALID_OPCODE      6  /**< \#UD: invalid opcode */
#define VEC_DOUBLE_FAULT        8  /**< \#DF: double fault */
#define VEC_INVALID_TSS         10 /**< \#TS: invalid TSS */
#define VEC_SEGMENT_NOT_PRESENT 11 /**< \#NP: segment not present */
#define VEC_STACK_FAULT         12 /**< \#SS: stack-segment fault */
#define VEC_GENERAL_PROTECTION  13 /**< \#GP: general protection */
#define VEC_PAGE_FAULT          14 /**< \#PF: page fault */
#define VEC_ALIGNMENT           17 /**< \#AC: alignment check */

/**
 * @brief The exceptions both backends intercept besides \#PF. \#DB and \#AC,
 * so that a guest looping in their delivery exits at every turn
 * (CVE-2015-8104, CVE-2015-5307). \#TS, \#NP, \#SS and \#GP, the
 * contributory exceptions that an event's delivery can raise, so that one
 * raised while delivering an event the hypervisor injected reaches
 * event_next() and Table 6-5 (QEMU's TCG raises it as is instead of a \#DF).
 * Each is reflected to the guest as the CPU raised it.
 */
#define VEC_INTERCEPTED (1u << VEC_DEBUG | 1u << VEC_ALIGNMENT | 1u << VEC_INVALID_TSS | \
			 1u << VEC_SEGMENT_NOT_PRESENT | 1u << VEC_STACK_FAULT | 1u << VEC_GENERAL_PROTECTION)

#endif
