/**
 * @file show.h
 * @brief make show: the run as machine-readable records, for the patent's figures.
 *
 * With the hypervisor option @c show (or @c snap=), the hypervisor prints one
 * JSON object per line, prefixed "hv-show: ": a header, spans of exits (Fig. 1's
 * timeline of time slices), snapshots of each VM's guest page tables beside its
 * virtual TLB (Fig. 6), and each VM's end with its counters. tools/show draws
 * them; docs/show.md documents every record. Without the option nothing is
 * printed and each exit costs a call of show_exit() and its test of
 * show_enabled. kernel/show.c records, kernel/show_record.c writes the
 * records, kernel/show_options.c reads snap=.
 */
#ifndef KERNEL_SHOW_H
#define KERNEL_SHOW_H

#include "kernel/bootinfo.h"
#include "kernel/vm.h"

#define SHOW_FORMAT_VERSION 4   /**< the "v" of the header record; raised when a record changes */
#define SHOW_SNAPS_PER_VM   8   /**< snapshots per VM at most, its end snapshot included */
#define SHOW_SPAN_EXITS     64  /**< exits per span record at most (a span also ends with its slice) */
#define SHOW_MAX_SPTES      4096 /**< shadow PTEs printed per snapshot at most; the rest are counted */
#define SHOW_MAX_GPTES      4096 /**< guest PTEs printed per snapshot at most; the rest are counted */

extern bool show_enabled; /**< the option show (or snap=) was given: the hooks record */

/**
 * @brief Read the options @c show and @c snap= (end, paging, every:N, fault:0xADDR,
 * or several separated by commas) and, when either is given, print the header record.
 * @return false after printing why when snap= is malformed
 */
bool show_configure(const struct bootinfo *bi);

/** @brief Record exit @p e of @p vm (counted, not yet handled); snapshot it if snap= asks. */
void show_record_exit(struct vm *vm, const struct vm_exit *e);

/** @brief Record the end of @p vm: close its span, snapshot it, print its counters. */
void show_record_end(struct vm *vm);

/** @brief The dispatcher's hook: show_record_exit() when recording, else nothing. */
void show_exit(struct vm *vm, const struct vm_exit *e);

/** @brief vm_report()'s hook: show_record_end() when recording, else nothing. */
void show_vm_end(struct vm *vm);

#endif
