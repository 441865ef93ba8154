/*
 * Page directories and page faults. Every page directory shares the kernel's
 * PDEs (global 4 MiB pages at KERNEL_BASE); below KERNEL_BASE each process
 * has its own page tables. Page-table memory is reached through P2V.
 *
 * Invalidation is precise: INVLPG after changing a present PTE of the loaded
 * page directory, nothing after filling a not-present one (SDM Vol3A
 * 4.10.4.3 (Optional Invalidation): not-present entries are never cached),
 * and a CR3 write only to switch processes.
 */
#include "guest.h"
#include "os.h"
#include "paging.h"
#include "x86.h"

#define USER_PDES PDX(KERNEL_BASE) /* PDEs below the kernel's */

enum fault_kind { FAULT_INVALID, FAULT_DEMAND, FAULT_COW_COPY, FAULT_COW_REUSE };

static uint32_t loaded_pgdir; /* what CR3 holds, so that we never need to read it */

static uint32_t *pgdir_entries(uint32_t pgdir)
{
	return P2V(pgdir);
}

/* The PTE for va in pgdir; with alloc, create its page table if missing, else return NULL. */
static uint32_t *pte_find(uint32_t pgdir, uint32_t va, int alloc)
{
	uint32_t *pde = &pgdir_entries(pgdir)[PDX(va)];

	if (!(*pde & PTE_P)) {
		if (!alloc)
			return NULL;
		/* User PDEs allow everything; each PTE decides. */
		*pde = frame_alloc() | PTE_US | PTE_RW | PTE_P;
	}
	return &((uint32_t *)P2V(*pde & PTE_FRAME))[PTX(va)];
}

/* INVLPG va if pgdir is the loaded one. */
static void flush(uint32_t pgdir, uint32_t va)
{
	if (pgdir == loaded_pgdir) {
		invlpg(va);
		stats.invlpgs++;
	}
}

/* Map the page at va to frame pa with flags (PTE_US, PTE_RW, PTE_COW); the frame's reference passes to the mapping. */
void vm_map(uint32_t pgdir, uint32_t va, uint32_t pa, uint32_t flags)
{
	uint32_t *pte = pte_find(pgdir, va, 1), old = *pte;

	*pte = pa | flags | PTE_P;
	if (old & PTE_P)
		flush(pgdir, va);
}

/* Load pgdir into CR3 unless it is there already. */
void vm_switch(uint32_t pgdir)
{
	if (pgdir != loaded_pgdir) {
		write_cr3(pgdir);
		loaded_pgdir = pgdir;
		stats.cr3_writes++;
	}
}

/* A new page directory with the kernel's mappings only: its half, RAM and the chips (intr.c). */
uint32_t vm_create(void)
{
	uint32_t pgdir = frame_alloc();

	for (uint32_t i = USER_PDES; i < ENTRIES; i++)
		pgdir_entries(pgdir)[i] = boot_pgdir[i];
	return pgdir;
}

/*
 * A copy of parent's user space, sharing every frame: writable pages become
 * read-only and PTE_COW in both, so that the first write to one copies it;
 * a share() page (PTE_SHARED) stays writable in both.
 */
uint32_t vm_fork(uint32_t parent)
{
	uint32_t child = vm_create();

	for (uint32_t i = 0; i < USER_PDES; i++) {
		uint32_t pde = pgdir_entries(parent)[i];
		uint32_t *pt = P2V(pde & PTE_FRAME);

		for (uint32_t j = 0; (pde & PTE_P) && j < ENTRIES; j++) {
			uint32_t va = i << 22 | j << 12;

			if (!(pt[j] & PTE_P))
				continue;
			if ((pt[j] & PTE_RW) && !(pt[j] & PTE_SHARED)) {
				pt[j] = (pt[j] & ~(uint32_t)PTE_RW) | PTE_COW;
				flush(parent, va);
			}
			frame_get(pt[j] & PTE_FRAME);
			*pte_find(child, va, 1) = pt[j];
		}
	}
	return child;
}

/* Drop every user frame, page table and the directory itself; pgdir must not be loaded. */
void vm_free(uint32_t pgdir)
{
	if (pgdir == loaded_pgdir)
		panic("vm_free: page directory %x is loaded", pgdir);
	for (uint32_t i = 0; i < USER_PDES; i++) {
		uint32_t pde = pgdir_entries(pgdir)[i];
		uint32_t *pt = P2V(pde & PTE_FRAME);

		if (!(pde & PTE_P))
			continue;
		for (uint32_t j = 0; j < ENTRIES; j++)
			if (pt[j] & PTE_P)
				frame_put(pt[j] & PTE_FRAME);
		frame_put(pde & PTE_FRAME);
	}
	frame_put(pgdir);
}

/* Exchange the PTEs (frames and rights) of the pages at va1 and va2; 0, or -1 if either is unmapped. */
int vm_swap(uint32_t pgdir, uint32_t va1, uint32_t va2)
{
	uint32_t *pte1, *pte2, tmp;

	va1 = PAGE_DOWN(va1);
	va2 = PAGE_DOWN(va2);
	if (va1 >= KERNEL_BASE || va2 >= KERNEL_BASE)
		return -1;
	pte1 = pte_find(pgdir, va1, 0);
	pte2 = pte_find(pgdir, va2, 0);
	if (!pte1 || !pte2 || !(*pte1 & PTE_P) || !(*pte2 & PTE_P))
		return -1;
	tmp = *pte1;
	*pte1 = *pte2;
	*pte2 = tmp;
	flush(pgdir, va1);
	flush(pgdir, va2);
	return 0;
}

/* share(): a fresh zeroed page at SHARE_VA, kept shared by fork; its address, or -1 if one is there. */
uint32_t vm_share(uint32_t pgdir)
{
	uint32_t *pte = pte_find(pgdir, SHARE_VA, 0);

	if (pte && (*pte & PTE_P))
		return (uint32_t)-1;
	vm_map(pgdir, SHARE_VA, frame_alloc(), PTE_US | PTE_RW | PTE_SHARED);
	return SHARE_VA;
}

/* A write to a PTE_COW page: copy it, or take it over if no one else shares it any more. */
static enum fault_kind cow_fault(uint32_t pgdir, uint32_t va, uint32_t pte)
{
	uint32_t old = pte & PTE_FRAME, copy;

	if (frame_refs(old) == 1) {
		vm_map(pgdir, va, old, PTE_US | PTE_RW);
		stats.cow_reuses++;
		return FAULT_COW_REUSE;
	}
	copy = frame_alloc();
	memcpy(P2V(copy), P2V(old), PAGE_SIZE);
	frame_put(old);
	vm_map(pgdir, va, copy, PTE_US | PTE_RW);
	stats.cow_copies++;
	return FAULT_COW_COPY;
}

/* Resolve a page fault of process p at va, from ring 3 or from the kernel touching user memory. */
static enum fault_kind vm_fault(struct proc *p, uint32_t va, uint32_t error)
{
	uint32_t *pte;

	if (!p || va >= KERNEL_BASE)
		return FAULT_INVALID;
	if (!(error & PFERR_P)) {
		if (!proc_owns(p, va))
			return FAULT_INVALID;
		vm_map(p->pgdir, PAGE_DOWN(va), frame_alloc(), PTE_US | PTE_RW); /* zero-filled */
		stats.demand_faults++;
		return FAULT_DEMAND;
	}
	pte = pte_find(p->pgdir, va, 0);
	if (!(error & PFERR_W) || !pte || !(*pte & PTE_COW))
		return FAULT_INVALID;
	return cow_fault(p->pgdir, PAGE_DOWN(va), *pte);
}

static void on_page_fault(struct trap_frame *tf)
{
	static const char *const kinds[] = { "invalid", "demand", "cow copy", "cow reuse" };
	uint32_t va = read_cr2();
	enum fault_kind kind = vm_fault(current, va, tf->error);

	if (kind == FAULT_INVALID) {
		gprintf("os: pid %d: page fault at %x (error %x) is not a valid access\n",
			current ? current->pid : 0, va, tf->error);
		trap_print(tf);
		guest_exit(GUEST_FAILURE);
	}
	if (verbose)
		gprintf("os: pid %d: %s fault at %x\n", current->pid, kinds[kind], va);
}

/* Drop boot.S's identity map and handle page faults from now on. */
void vm_init(void)
{
	boot_pgdir[0] = 0;
	vm_switch(V2P(boot_pgdir)); /* flushes the identity map: it is not global */
	trap_set_handler(T_PF, on_page_fault);
}
