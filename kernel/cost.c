/*
 * Exit cost accounting for make bench: two RDTSC in the world switch (always
 * there, they are the cost's two ends) and, with option bench, a few
 * additions and one sampled store per exit, its own time left out; and the
 * cost of a VM switch, counted by the run loop's call at each one.
 */
#include "kernel/backend.h"
#include "kernel/console.h"
#include "kernel/cost.h"
#include "kernel/x86.h"

/* VM switches so far, and their ticks in all (cost_switch). */
static uint64_t switches, switch_ticks;

/* Next pseudo-random number (xorshift32; Marsaglia 2003). */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9E3779B9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* Offer one cost to a sample: Algorithm R keeps each of the n seen with probability S/n. */
static void sample_add(struct cost_sample *s, uint32_t value, uint32_t *rng)
{
	uint32_t slot = s->seen < COST_SAMPLES ? s->seen : next_random(rng) % (s->seen + 1);

	if (slot < COST_SAMPLES)
		s->value[slot] = value;
	s->seen++;
}

void cost_account(struct cost *c, enum exit_kind kind, uint64_t hidden_faults, uint64_t device_accesses)
{
	uint64_t start = rdtsc();

	if (c->pending_exit_tsc) {
		uint32_t ticks = (uint32_t)(tsc_at_entry - c->pending_exit_tsc - c->own_ticks);

		c->ticks[c->pending_kind] += ticks;
		sample_add(&c->by_kind[c->pending_kind], ticks, &c->rng);
		if (hidden_faults != c->pending_faults)
			sample_add(&c->hidden, ticks, &c->rng);
		if (device_accesses != c->pending_devices)
			sample_add(&c->device, ticks, &c->rng);
	}
	c->pending_exit_tsc = tsc_at_exit;
	c->pending_kind = kind;
	c->pending_faults = hidden_faults;
	c->pending_devices = device_accesses;
	c->own_ticks = rdtsc() - start;
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

/* The p-th percentile (0 < p < 100) of a sample: its value of rank ceil(n * p / 100). */
static uint32_t percentile(const struct cost_sample *s, uint32_t p)
{
	static uint32_t scratch[COST_SAMPLES];
	uint32_t n = s->seen < COST_SAMPLES ? s->seen : COST_SAMPLES;

	if (!n)
		return 0;
	memcpy(scratch, s->value, n * sizeof(scratch[0]));
	return select_kth(scratch, n, (n * p + 99) / 100 - 1);
}

void cost_report(const struct cost *c, int vm_id)
{
	hv_log("vm%d cost: hidden-fault round trip median %u ticks over %u faults", vm_id,
	       percentile(&c->hidden, 50), c->hidden.seen);
	if (c->device.seen)
		hv_log("vm%d cost: device-access round trip median %u ticks over %u accesses", vm_id,
		       percentile(&c->device, 50), c->device.seen);
	for (int k = 0; k < EXIT_KIND_COUNT; k++) {
		const struct cost_sample *s = &c->by_kind[k];

		if (s->seen)
			hv_log("vm%d cost: %s: %u exits, median %u, p90 %u, total %lu ticks", vm_id,
			       exit_kind_name((enum exit_kind)k), s->seen, percentile(s, 50),
			       percentile(s, 90), c->ticks[k]);
	}
}

void cost_slice_over(struct cost *c)
{
	c->pending_exit_tsc = 0;
}

void cost_switch(uint64_t slice_end)
{
	switches++;
	switch_ticks += tsc_at_entry - slice_end;
}

void cost_switch_report(void)
{
	hv_log("scheduler: %lu VM switches, %lu ticks each on average (from the end of one VM's slice to the next VM's entry)",
	       switches, switches ? switch_ticks / switches : 0);
}
