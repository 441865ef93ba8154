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
#define VEC_DOUBLE_FAULT        8  /**< \#DF: double fault */
#define VEC_INVALID_TSS         10 /**< \#TS: invalid TSS */
#define VEC_SEGMENT_NOT_PRESENT 11 /**< \#NP: segment not present */
#define VEC_STACK_FAULT         12 /**< \#SS: stack-segment fault */
#define VEC_GENERAL_PROTECTION  13 /**< \#GP: general protection */
#define VEC_PAGE_FAULT          14 /**< \#PF: page fault */
#define VEC_ALIGNMENT           17 /**< \#AC: alignment check */

#endif
