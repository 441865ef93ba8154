/*
 * Address spaces whose page tables change while they are not current: what a
 * virtual TLB that keeps shadows across CR3 writes (lab 6) must get right.
 * Two address spaces A and B share the identity map of 0-16 MiB (4 MiB
 * pages) and each maps the test address X through a page table of its own.
 * Each step prints the value it reads, so the run must equal the native one.
 *
 * 1. X read in A and in B: each address space's own frame.
 * 2. B's PTE for X changed while A is current, then a switch to B: a CR3 write
 *    flushes every non-global translation (SDM Vol3A 4.10.4.1), so B reads the
 *    new frame.
 * 3. B's page directory changed while A is current (X's PDE now points to
 *    another page table), then a switch to B.
 * 4. A page table reused as data: B's old table, no longer in any directory,
 *    filled with data through the identity map and read back.
 * 5. A page table freed and reused as a page table: the same frame becomes
 *    A's table for X with new entries, without INVLPG (a CR3 write follows).
 * 6. Writes through the identity map to the current address space's own PTE,
 *    then INVLPG, many times (a guest that edits its tables in a loop).
 */
#include "guest.h"
#include "paging.h"
#include "x86.h"

#define X        0x40000000u /* the test address: PD index 256, outside the identity map */
#define IDENTITY 4           /* 4 MiB pages of the identity map */
#define ROUNDS   20

static uint32_t pd_a[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pd_b[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t tables[3][ENTRIES] __attribute__((aligned(PAGE_SIZE))); /* A's, B's, a spare */
static uint32_t frames[6][ENTRIES] __attribute__((aligned(PAGE_SIZE))); /* data pages */

/* A page directory with the identity map of 0-16 MiB (global) and X's table. */
static void directory(uint32_t *pd, uint32_t *table)
{
	for (uint32_t i = 0; i < IDENTITY; i++)
		pd[i] = (i * LARGE_PAGE_SIZE) | PDE_PS | PTE_G | PTE_P | PTE_RW;
	pd[PDX(X)] = (uint32_t)table | PTE_P | PTE_RW;
}

/* Table entry for X -> data frame n. */
static void map_x(uint32_t *table, int n)
{
	table[PTX(X)] = (uint32_t)frames[n] | PTE_P | PTE_RW;
}

static uint32_t read_x(void)
{
	return *(volatile uint32_t *)X;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t sum = 0;

	(void)magic;
	(void)mbi;
	console_init();
	for (int n = 0; n < 6; n++)
		frames[n][0] = 0xF0 + (uint32_t)n;
	directory(pd_a, tables[0]);
	directory(pd_b, tables[1]);
	map_x(tables[0], 0);
	map_x(tables[1], 1);
	write_cr3((uint32_t)pd_a);
	write_cr4(read_cr4() | CR4_PSE | CR4_PGE);
	write_cr0(read_cr0() | 0x80000000u);

	gprintf("aspace: 1. A reads %x", read_x());
	write_cr3((uint32_t)pd_b);
	gprintf(", B reads %x\n", read_x());

	write_cr3((uint32_t)pd_a);
	(void)read_x();
	map_x(tables[1], 2); /* B's table, B not current */
	write_cr3((uint32_t)pd_b);
	gprintf("aspace: 2. B's PTE changed while A ran: B reads %x\n", read_x());

	write_cr3((uint32_t)pd_a);
	map_x(tables[2], 3);
	pd_b[PDX(X)] = (uint32_t)tables[2] | PTE_P | PTE_RW; /* B's directory, B not current */
	write_cr3((uint32_t)pd_b);
	gprintf("aspace: 3. B's PDE changed while A ran: B reads %x\n", read_x());

	for (uint32_t i = 0; i < ENTRIES; i++) /* 4. B's old table, in no directory now */
		tables[1][i] = i * 3 + 1;
	for (uint32_t i = 0; i < ENTRIES; i++)
		sum += tables[1][i];
	gprintf("aspace: 4. a former page table as data: sum %x\n", sum);

	write_cr3((uint32_t)pd_a);
	for (uint32_t i = 0; i < ENTRIES; i++) /* 5. reused as A's table for X */
		tables[1][i] = 0;
	map_x(tables[1], 4);
	pd_a[PDX(X)] = (uint32_t)tables[1] | PTE_P | PTE_RW;
	write_cr3((uint32_t)pd_a);
	gprintf("aspace: 5. a freed page table reused as A's: A reads %x\n", read_x());

	sum = 0;
	for (int round = 0; round < ROUNDS; round++) { /* 6. the current table edited in a loop */
		map_x(tables[1], round % 2 ? 5 : 4);
		invlpg(X);
		sum = sum * 31 + read_x();
	}
	write_cr3((uint32_t)pd_b);
	gprintf("aspace: 6. %d edits of the current table: digest %x; B still reads %x\n", ROUNDS, sum,
		read_x());
	return GUEST_SUCCESS;
}
