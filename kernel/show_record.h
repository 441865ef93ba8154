/**
 * @file show_record.h
 * @brief make show's record writer, for kernel/show*.c only: one JSON object per
 * console line, "hv-show: {...}", built in one buffer sized so that it fits.
 * Table records ("gpd", "gpt", "spd", "spt") hold ITEMS_PER_RECORD entries a
 * line, [index, value] or [index, value, extra]. kernel/show_record.c
 * implements it; docs/show.md documents every record.
 */
#ifndef KERNEL_SHOW_RECORD_H
#define KERNEL_SHOW_RECORD_H

#include "kernel/lib.h"

#define RECORD_BYTES     1024 /**< one record line */
#define ITEMS_PER_RECORD 16   /**< table entries per "gpd", "gpt", "spd" or "spt" record */
#define NO_EXTRA         (-1) /**< a table entry without a third number */

/** @brief One record line being built. */
struct record {
	char text[RECORD_BYTES]; /**< the line, without the prefix */
	size_t len;              /**< bytes of it so far */
};

/** @brief A table record: entries of one table, ITEMS_PER_RECORD a line. */
struct table {
	struct record r;  /**< the line being built */
	const char *type; /**< "gpd", "gpt", "spd" or "spt" */
	int vm;           /**< the VM's number */
	int snap;         /**< the snapshot's number */
	int pdx;          /**< the table's PD index; < 0: a directory */
	int items;        /**< entries in the line being built */
};

/** @brief Start r as {"t":type and, for vm >= 0, "vm":vm. */
void record_begin(struct record *r, const char *type, int vm);

/** @brief Append formatted text to r; what would not fit is cut (records are sized not to). */
void record_put(struct record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** @brief Append "key":"s" with JSON escapes, cut short to keep room for what follows. */
void record_put_string(struct record *r, const char *key, const char *s);

/** @brief Append "key":{"kind":n,...} with the exit kinds whose count is not zero. */
void record_put_kinds(struct record *r, const char *key, const uint64_t *count);

/** @brief Close r with } and print it as one console line. */
void record_emit(struct record *r);

/** @brief Start the table record of snapshot snap of vm: a directory (pdx < 0) or the table at pdx. */
void table_begin(struct table *t, const char *type, int vm, int snap, int pdx);

/** @brief Add entry [index, value] (and extra, unless NO_EXTRA); a full line is printed. */
void table_add(struct table *t, uint32_t index, uint32_t value, int extra);

/** @brief Print the line being built, if it has entries. */
void table_flush(struct table *t);

#endif
