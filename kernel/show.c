/*
 * make show's records (docs/show.md): what is recorded, and when; each
 * record is written by kernel/show_record.c as one JSON line for tools/show
 * to draw as the patent's figures.
 * Fig. 1: spans of exits, each within one time slice of one VM. Fig. 6:
 * snapshots of a VM's guest page tables (read through guest_entry) beside
 * its virtual TLB (the shadow directory the CPU walks, at vtlb_cr3, and its
 * tables, visited with vtlb_next_pde and vtlb_next_pte), at the moments
 * snap= chooses (kernel/show_options.c parses it). With lab 6's cache a
 * snapshot also has every root and the guest tables they were filled from,
 * and the end record the cache's counters (kernel/show_cache.c). Entries
 * are printed raw; tools/show classifies them.
 */
#include "kernel/backend.h"
#include "kernel/mmu.h"
#include "kernel/show.h"
#include "kernel/show_cache.h"
#include "kernel/show_options.h"
#include "kernel/show_record.h"
#include "kernel/x86.h"

bool show_enabled;

static struct snap_rule rule; /* what snap= asked for */

/* The open span: consecutive exits of one VM within one of its time slices. */
static struct {
	struct vm *vm;                    /* NULL: none open */
	uint32_t slice;                   /* its slice's number (from 0, over all VMs) */
	uint64_t slice_start;             /* vm->slice_start when it opened */
	uint64_t t0, t1;                  /* the previous span's end; its last exit */
	uint32_t exits, invlpg, cr3;      /* exits in it, of them INVLPG and MOV to CR3 */
	uint32_t kinds[EXIT_KIND_COUNT];  /* exits by kind */
	uint64_t hidden0, true0;          /* the VM's fault counters when it opened */
} span;

static uint64_t tsc_base;     /* times are TSC ticks since show_configure */
static uint64_t last_time;    /* when the last span or VM report ended */
static uint32_t slices;       /* slices begun so far */
static struct {
	uint32_t exits;       /* exits seen */
	uint32_t snaps;       /* snapshots printed */
	uint32_t snaps_left;  /* snapshots snap= asked for beyond SHOW_SNAPS_PER_VM */
	bool paging_seen;     /* had a page-fault exit with guest paging on */
} per_vm[VM_MAX];

static struct record line; /* single CPU, one record at a time */
static struct table tab;

/* What a snapshot printed, and what it left out. */
struct snap_counts {
	uint32_t gpd, gpt, gpt_left_out, gpt_outside;
	uint32_t spd, spt, spt_left_out;
	bool gpd_outside;
};

/* The virtual TLB: present shadow PDEs (with their PT's pool page), then each one's present PTEs. */
static void shadow_tables(const struct vm *vm, int snap, struct snap_counts *c)
{
	const struct vtlb *v = &vm->vtlb;

	table_begin(&tab, "spd", vm->id, snap, -1);
	for (struct vtlb_cursor pde = { 0 }; vtlb_next_pde(v, &pde);) {
		table_add(&tab, pde.index, pde.entry, pde.pt_page);
		c->spd++;
	}
	table_flush(&tab);
	for (struct vtlb_cursor pde = { 0 }; vtlb_next_pde(v, &pde);) {
		table_begin(&tab, "spt", vm->id, snap, (int)pde.index);
		for (struct vtlb_cursor pte = { 0 }; vtlb_next_pte(v, pde.index, &pte);) {
			if (c->spt == SHOW_MAX_SPTES) {
				c->spt_left_out++;
				continue;
			}
			table_add(&tab, pte.index, pte.entry, NO_EXTRA);
			c->spt++;
		}
		table_flush(&tab);
	}
}

/* The guest's entry at gpa (inside RAM: the caller checked its table). */
static uint32_t guest_word(const struct vm *vm, uint32_t gpa)
{
	return *guest_entry(&vm->vtlb.mem, gpa);
}

/* Whether the whole 4 KiB table at gpa lies inside the VM's RAM. */
static bool table_in_ram(const struct vm *vm, uint32_t gpa)
{
	return guest_entry(&vm->vtlb.mem, gpa) && guest_entry(&vm->vtlb.mem, gpa + PAGE_SIZE_4K - 4);
}

/* The present PTEs of the guest page table at gpa, for PD index pdx. */
static void guest_table(const struct vm *vm, int snap, uint32_t pdx, uint32_t gpa, struct snap_counts *c)
{
	if (!table_in_ram(vm, gpa)) {
		record_begin(&line, "gpt", vm->id);
		record_put(&line, ",\"id\":%d,\"pdx\":%u,\"outside\":true,\"e\":[]", snap, pdx);
		record_emit(&line);
		c->gpt_outside++;
		return;
	}
	table_begin(&tab, "gpt", vm->id, snap, (int)pdx);
	for (uint32_t ptx = 0; ptx < ENTRIES; ptx++) {
		uint32_t pte = guest_word(vm, gpa + 4 * ptx);

		if (!(pte & PTE_P))
			continue;
		if (c->gpt == SHOW_MAX_GPTES) {
			c->gpt_left_out++;
			continue;
		}
		table_add(&tab, ptx, pte, NO_EXTRA);
		c->gpt++;
	}
	table_flush(&tab);
}

/* The guest's hierarchy from its CR3: present PDEs, then the page tables the shadow
 * also has (so that its entries can be classified), then the others. */
static void guest_tables(const struct vm *vm, const struct guest_mode *m, int snap, struct snap_counts *c)
{
	uint32_t pd = m->cr3 & PTE_FRAME;

	if (!table_in_ram(vm, pd)) {
		c->gpd_outside = true;
		return;
	}
	table_begin(&tab, "gpd", vm->id, snap, -1);
	for (uint32_t pdx = 0; pdx < ENTRIES; pdx++)
		if (guest_word(vm, pd + 4 * pdx) & PTE_P) {
			table_add(&tab, pdx, guest_word(vm, pd + 4 * pdx), NO_EXTRA);
			c->gpd++;
		}
	table_flush(&tab);
	for (int shadowed = 1; shadowed >= 0; shadowed--)
		for (uint32_t pdx = 0; pdx < ENTRIES; pdx++) {
			uint32_t pde = guest_word(vm, pd + 4 * pdx);
			bool large = (pde & PTE_PS) && (m->cr4 & CR4_PSE);

			if ((pde & PTE_P) && !large && !!(vtlb_get_pde(&vm->vtlb, pdx) & PTE_P) == shadowed)
				guest_table(vm, snap, pdx, pde & PTE_FRAME, c);
		}
}

/* Print snapshot of vm's tables, taken because of why (at exit e, or NULL at its end). */
static void snapshot(struct vm *vm, const char *why, const struct vm_exit *e)
{
	struct guest_mode m = mmu_mode(vm);
	struct snap_counts c = { 0 };
	struct cache_counts cache = { 0 };
	int snap = (int)per_vm[vm->id].snaps++;

	record_begin(&line, "snap", vm->id);
	record_put(&line, ",\"id\":%d", snap);
	record_put_string(&line, "why", why);
	record_put(&line, ",\"exit\":%u,\"tsc\":%lu,\"cr0\":%u,\"cr3\":%u,\"cr4\":%u,\"root\":%u,\"ram\":%u,\"ram_hpa\":%u",
	    per_vm[vm->id].exits, rdtsc() - tsc_base, m.cr0, m.cr3, m.cr4, vtlb_cr3(&vm->vtlb),
	    vm->vtlb.mem.size, vm->vtlb.mem.hpa);
	record_put(&line, ",\"cache\":%s,\"slot\":%d", vm->vtlb.caching ? "true" : "false", vm->vtlb.cur);
	if (e) {
		record_put_string(&line, "kind", exit_kind_name(e->kind));
		if (e->kind == EXIT_PAGE_FAULT)
			record_put(&line, ",\"addr\":%u,\"error\":%u", (uint32_t)e->addr, e->error_code);
	}
	record_emit(&line);
	shadow_tables(vm, snap, &c);
	if (m.cr0 & CR0_PG)
		guest_tables(vm, &m, snap, &c);
	show_cache_snapshot(&line, vm, snap, &cache);
	record_begin(&line, "snap_end", vm->id);
	record_put(&line, ",\"id\":%d,\"gpd\":%u,\"gpt\":%u,\"gpt_left_out\":%u,\"gpt_outside\":%u,\"gpd_outside\":%s",
	    snap, c.gpd, c.gpt, c.gpt_left_out, c.gpt_outside, c.gpd_outside ? "true" : "false");
	record_put(&line, ",\"spd\":%u,\"spt\":%u,\"spt_left_out\":%u", c.spd, c.spt, c.spt_left_out);
	record_put(&line, ",\"roots\":%u,\"gtabs\":%u", cache.roots, cache.gtables);
	record_emit(&line);
}

/* Print the open span (unless it has no exit) and close it. */
static void span_close(void)
{
	const struct vtlb_stats *s = &span.vm->vtlb.stats;
	uint64_t kinds[EXIT_KIND_COUNT];

	last_time = span.t1;
	if (!span.exits) {
		span.vm = NULL;
		return;
	}
	for (int k = 0; k < EXIT_KIND_COUNT; k++)
		kinds[k] = span.kinds[k];
	record_begin(&line, "span", span.vm->id);
	record_put(&line, ",\"slice\":%u,\"t0\":%lu,\"t1\":%lu,\"exits\":%u", span.slice, span.t0, span.t1, span.exits);
	record_put_kinds(&line, "kinds", kinds);
	record_put(&line, ",\"hidden\":%lu,\"true\":%lu,\"invlpg\":%u,\"cr3\":%u", s->hidden_faults - span.hidden0,
	    s->true_faults - span.true0, span.invlpg, span.cr3);
	record_emit(&line);
	span.vm = NULL;
}

/* Open a span of vm at time now (closing the open one); new_slice: vm's slice began. */
static void span_open(struct vm *vm, uint64_t now, bool new_slice)
{
	if (span.vm)
		span_close();
	if (new_slice)
		slices++;
	memset(span.kinds, 0, sizeof(span.kinds));
	span.vm = vm;
	span.slice = slices - 1;
	span.slice_start = vm->slice_start;
	span.t0 = span.t1 = last_time ? last_time : now;
	span.exits = span.invlpg = span.cr3 = 0;
	span.hidden0 = vm->vtlb.stats.hidden_faults;
	span.true0 = vm->vtlb.stats.true_faults;
}

/* A snapshot snap= asked for, unless it would take the end snapshot's place. The
 * open span ends before it and a new one begins after it: its output is nobody's time. */
static void snapshot_asked(struct vm *vm, const char *why, const struct vm_exit *e)
{
	if (per_vm[vm->id].snaps + 1 >= SHOW_SNAPS_PER_VM) {
		per_vm[vm->id].snaps_left++;
		return;
	}
	span_close();
	snapshot(vm, why, e);
	last_time = rdtsc() - tsc_base;
	span_open(vm, last_time, false);
}

/* The moments snap= chose that exit e of vm is (its exits-th). */
static void snapshots_due(struct vm *vm, const struct vm_exit *e, uint32_t exits)
{
	bool fault = e->kind == EXIT_PAGE_FAULT;

	if (rule.every && exits % rule.every == 0)
		snapshot_asked(vm, "every", e);
	if (rule.fault && fault && ((uint32_t)e->addr & PTE_FRAME) == rule.fault_page)
		snapshot_asked(vm, "fault", e);
	if (rule.paging && fault && !per_vm[vm->id].paging_seen && (mmu_mode(vm).cr0 & CR0_PG)) {
		per_vm[vm->id].paging_seen = true;
		snapshot_asked(vm, "paging", e);
	}
}

void show_record_exit(struct vm *vm, const struct vm_exit *e)
{
	uint64_t now = rdtsc() - tsc_base;

	if (span.vm != vm || vm->slice_start != span.slice_start)
		span_open(vm, now, true);
	else if (span.exits == SHOW_SPAN_EXITS)
		span_open(vm, now, false);
	snapshots_due(vm, e, ++per_vm[vm->id].exits); /* before the exit counts: it is handled after them */
	span.exits++;
	span.kinds[e->kind < EXIT_KIND_COUNT ? e->kind : EXIT_UNHANDLED]++;
	span.invlpg += e->kind == EXIT_INVLPG;
	span.cr3 += e->kind == EXIT_CR_WRITE && e->cr == 3;
	span.t1 = rdtsc() - tsc_base;
}

/* Print vm's end: how it ended, its exits by kind, its interrupts injected, device accesses and parks, its virtual TLB's and cache's counters. */
static void end_record(const struct vm *vm)
{
	const struct vtlb_stats *s = &vm->vtlb.stats;
	uint64_t total = 0;

	for (int k = 0; k < EXIT_KIND_COUNT; k++)
		total += vm->stats.exits[k];
	record_begin(&line, "end", vm->id);
	record_put(&line, ",\"state\":\"%s\",\"code\":%u,\"total\":%lu", vm->state == VM_EXITED ? "exited" : "stopped",
	    vm->exit_code, total);
	record_put_kinds(&line, "exits", vm->stats.exits);
	record_put(&line, ",\"interrupts\":%lu,\"device\":%lu,\"parks\":%lu", vm->stats.interrupts,
	    vm->stats.device_accesses, vm->stats.parks);
	record_put(&line, ",\"vtlb\":{\"hidden\":%lu,\"new\":%lu,\"refills\":%lu,\"true\":%lu,\"invlpg_drops\":%lu",
	    s->hidden_faults, s->new_entries, s->refills, s->true_faults, s->invlpg_drops);
	record_put(&line, ",\"cr3_drops\":%lu,\"flush_drops\":%lu,\"evictions\":%lu,\"pages_in_use\":%d,\"pages_peak\":%u}",
	    s->cr3_drops, s->flush_drops, s->evictions, vm->vtlb.pages_in_use, s->pages_peak);
	show_cache_end(&line, vm);
	record_put(&line, ",\"snaps\":%u,\"snaps_left_out\":%u", per_vm[vm->id].snaps, per_vm[vm->id].snaps_left);
	record_put_string(&line, "reason", vm->state == VM_STOPPED ? vm->stop_reason : "");
	record_emit(&line);
}

void show_record_end(struct vm *vm)
{
	if (span.vm == vm)
		span_close();
	snapshot(vm, "end", NULL);
	end_record(vm);
	last_time = rdtsc() - tsc_base; /* the report's output is nobody's slice */
}

bool show_configure(const struct bootinfo *bi)
{
	const char *snap = bootinfo_option(bi, "snap");

	if (!snap && !bootinfo_flag(bi, "show"))
		return true;
	if (!snap_parse(snap, &rule))
		return false;
	show_enabled = true;
	tsc_base = rdtsc();
	record_begin(&line, "show", -1);
	record_put(&line, ",\"v\":%d,\"vms\":%d,\"backend\":\"%s\",\"every\":%u", SHOW_FORMAT_VERSION,
	    bi->module_count, active_backend->name, rule.every);
	if (rule.fault)
		record_put(&line, ",\"fault\":%u", rule.fault_page);
	else
		record_put(&line, ",\"fault\":null");
	record_put(&line, ",\"paging\":%s,\"snaps_per_vm\":%d,\"span_exits\":%d,\"max_sptes\":%d,\"max_gptes\":%d",
	    rule.paging ? "true" : "false", SHOW_SNAPS_PER_VM, SHOW_SPAN_EXITS, SHOW_MAX_SPTES, SHOW_MAX_GPTES);
	record_emit(&line);
	return true;
}

void show_exit(struct vm *vm, const struct vm_exit *e)
{
	if (show_enabled)
		show_record_exit(vm, e);
}

void show_vm_end(struct vm *vm)
{
	if (show_enabled)
		show_record_end(vm);
}
