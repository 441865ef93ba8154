/**
 * @file show_options.h
 * @brief make show's option snap=, for kernel/show.c only: which moments, besides
 * the end of each VM, get a snapshot. kernel/show_options.c parses it.
 */
#ifndef KERNEL_SHOW_OPTIONS_H
#define KERNEL_SHOW_OPTIONS_H

#include "kernel/lib.h"

/** @brief What snap= asked for, besides the end of each VM. */
struct snap_rule {
	uint32_t every;      /**< nonzero: every this many exits of a VM */
	bool fault;          /**< at each page-fault exit on fault_page */
	uint32_t fault_page; /**< page address of fault: */
	bool paging;         /**< at a VM's first page-fault exit with guest paging on */
};

/** @brief Parse snap='s value (up to a space; NULL: none) into rule; false after printing why when it is malformed. */
bool snap_parse(const char *snap, struct snap_rule *rule);

#endif
