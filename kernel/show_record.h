/*
 * make show's record writer, for kernel/show*.c only: one JSON object per
 * console line, "hv-show: {...}", built in one buffer sized so that it fits.
 * Table records ("gpd", "gpt", "spd", "spt") hold ITEMS_PER_RECORD entries a
 * line, [index, value] or [index, value, extra]. kernel/show_record.c
 * implements it; docs/show.md documents every record.
 */
#ifndef KERNEL_SHOW_RECORD_H
#define KERNEL_SHOW_RECORD_H

#include "kernel/lib.h"

#define RECORD_BYTES     1024 /* one record line */
#define ITEMS_PER_RECORD 16   /* table entries per "gpd", "gpt", "spd" or "spt" record */
#define NO_EXTRA         (-1) /* a table entry without a third number */

/* One record line being built. */
struct record {
	char text[RECORD_BYTES];
	size_t len;
};

/* A table record: entries of one table, ITEMS_PER_RECORD a line. */
struct table {
	struct record r;
	const char *type;
	int vm, snap, pdx; /* pdx < 0: a directory */
	int items;         /* entries in the line being built */
};

/* Start r as {"t":type and, for vm >= 0, "vm":vm. */
void record_begin(struct record *r, const char *type, int vm);

/* Append formatted text to r; what would not fit is cut (records are sized not to). */
void record_put(struct record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append "key":"s" with JSON escapes, cut short to keep room for what follows. */
void record_put_string(struct record *r, const char *key, const char *s);

/* Append "key":{"kind":n,...} with the exit kinds whose count is not zero. */
void record_put_kinds(struct record *r, const char *key, const uint64_t *count);

/* Close r with } and print it as one console line. */
void record_emit(struct record *r);

/* Start the table record of snapshot snap of vm: a directory (pdx < 0) or the table at pdx. */
void table_begin(struct table *t, const char *type, int vm, int snap, int pdx);

/* Add entry [index, value] (and extra, unless NO_EXTRA); a full line is printed. */
void table_add(struct table *t, uint32_t index, uint32_t value, int extra);

/* Print the line being built, if it has entries. */
void table_flush(struct table *t);

#endif
