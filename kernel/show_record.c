/*
 * make show's record writer: JSON objects, one per console line, prefixed
 * "hv-show: " so that tools/show finds them among the other output.
 */
#include "kernel/console.h"
#include "kernel/vmexit.h"
#include "kernel/show_record.h"

#define RECORD_PREFIX  "hv-show: "
#define RECORD_RESERVE 32 /* kept free by a string field for what follows it */

void record_put(struct record *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->text + r->len, sizeof(r->text) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len = r->len + (size_t)n < sizeof(r->text) ? r->len + (size_t)n : sizeof(r->text) - 1;
}

void record_begin(struct record *r, const char *type, int vm)
{
	r->len = 0;
	record_put(r, "{\"t\":\"%s\"", type);
	if (vm >= 0)
		record_put(r, ",\"vm\":%d", vm);
}

void record_put_string(struct record *r, const char *key, const char *s)
{
	record_put(r, ",\"%s\":\"", key);
	for (; *s && r->len < sizeof(r->text) - RECORD_RESERVE; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			record_put(r, "\\%c", c);
		else if (c < 0x20 || c >= 0x7F)
			record_put(r, "\\u%04x", c);
		else
			record_put(r, "%c", c);
	}
	record_put(r, "\"");
}

void record_emit(struct record *r)
{
	record_put(r, "}");
	console_write(RECORD_PREFIX, sizeof(RECORD_PREFIX) - 1);
	console_write(r->text, r->len);
	console_write("\n", 1);
}

void record_put_kinds(struct record *r, const char *key, const uint64_t *count)
{
	const char *sep = "";

	record_put(r, ",\"%s\":{", key);
	for (int k = 0; k < EXIT_KIND_COUNT; k++)
		if (count[k]) {
			record_put(r, "%s\"%s\":%lu", sep, exit_kind_name((enum exit_kind)k), count[k]);
			sep = ",";
		}
	record_put(r, "}");
}

void table_begin(struct table *t, const char *type, int vm, int snap, int pdx)
{
	t->type = type;
	t->vm = vm;
	t->snap = snap;
	t->pdx = pdx;
	t->items = 0;
	record_begin(&t->r, type, vm);
	record_put(&t->r, ",\"id\":%d", snap);
	if (pdx >= 0)
		record_put(&t->r, ",\"pdx\":%d", pdx);
	record_put(&t->r, ",\"e\":[");
}

void table_flush(struct table *t)
{
	if (!t->items)
		return;
	record_put(&t->r, "]");
	record_emit(&t->r);
	table_begin(t, t->type, t->vm, t->snap, t->pdx);
}

void table_add(struct table *t, uint32_t index, uint32_t value, int extra)
{
	record_put(&t->r, "%s[%u,%u", t->items ? "," : "", index, value);
	if (extra != NO_EXTRA)
		record_put(&t->r, ",%d", extra);
	record_put(&t->r, "]");
	if (++t->items == ITEMS_PER_RECORD)
		table_flush(t);
}
