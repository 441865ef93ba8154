/*
 * Exit cost accounting for make bench. Cheap enough to be always on: two
 * RDTSC in the world switch and a few additions per exit.
 */
#include "kernel/backend.h"
#include "kernel/console.h"
#include "kernel/cost.h"

void cost_entered(struct cost *c)
{
	uint64_t ticks;

	if (!c->pending_exit_tsc)
		return;
	ticks = tsc_at_entry - c->pending_exit_tsc;
	c->ticks[c->pending_kind] += ticks;
	if (c->pending_hidden && c->hidden_count < COST_SAMPLES)
		c->hidden[c->hidden_count++] = (uint32_t)ticks;
	c->pending_exit_tsc = 0;
}

void cost_exited(struct cost *c, enum exit_kind kind, bool hidden_fault)
{
	c->pending_exit_tsc = tsc_at_exit;
	c->pending_kind = kind;
	c->pending_hidden = hidden_fault;
}

/* The k-th smallest of a[0..n) (Hoare's quickselect); reorders a. */
static uint32_t select_kth(uint32_t *a, uint32_t n, uint32_t k)
{
	uint32_t lo = 0, hi = n - 1;

	while (lo < hi) {
		uint32_t pivot = a[(lo + hi) / 2], i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				uint32_t t = a[i];

				a[i++] = a[j];
				a[j] = t;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

void cost_report(const struct cost *c, int vm_id)
{
	static uint32_t scratch[COST_SAMPLES];
	char buf[400];
	size_t n = 0;

	memcpy(scratch, c->hidden, c->hidden_count * sizeof(scratch[0]));
	n += snprintf(buf, sizeof(buf), "vm%d cost: hidden-fault round trip median %u ticks over %u faults; ticks by exit:",
		      vm_id, c->hidden_count ? select_kth(scratch, c->hidden_count, c->hidden_count / 2) : 0,
		      c->hidden_count);
	for (int k = 0; k < EXIT_KIND_COUNT && n < sizeof(buf); k++)
		if (c->ticks[k])
			n += snprintf(buf + n, sizeof(buf) - n, " %s %lu", exit_kind_name((enum exit_kind)k),
				      c->ticks[k]);
	hv_log("%s", buf);
}
