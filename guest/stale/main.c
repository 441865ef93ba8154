/*
 * A guest that leaves each kind of virtual-TLB entry make show colours
 * (docs/show.md): it reads a page (the shadow fills it), points the page's
 * PTE at another frame without INVLPG (the shadow entry is now stale), reads
 * a writable page whose D bit is clear (read-only in the shadow until its
 * first write), writes a global page (the shadow agrees, writable), reads a
 * piece of a 4 MiB page, and last touches TOUCHED_LAST, the moment
 * `snap=fault:0x300000` draws. The stale page is never read again, so the
 * output is the same natively, whatever the TLB kept.
 */
#include "guest.h"
#include "paging.h"
#include "x86.h"

#define STALE_PAGE   0x00200000u /* read, then remapped without INVLPG */
#define NEW_FRAME    0x00202000u /* the frame STALE_PAGE maps afterwards */
#define CLEAN_PAGE   0x00203000u /* writable, only read: D stays clear */
#define GLOBAL_PAGE  0x00204000u /* written: dirty, global */
#define READONLY     0x00205000u /* read-only, read */
#define LARGE_PAGE   0x00400000u /* one 4 MiB page, PDE 1 */
#define TOUCHED_LAST 0x00300000u /* the last hidden fault */

static uint32_t pgdir[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t pt0[ENTRIES] __attribute__((aligned(PAGE_SIZE))); /* 0-4 MiB in 4 KiB pages */

/* Identity paging: 0-4 MiB in 4 KiB pages (READONLY read-only, GLOBAL_PAGE global), 4-8 MiB one 4 MiB page. */
static void paging_on(void)
{
	for (uint32_t i = 0; i < ENTRIES; i++)
		pt0[i] = (i * PAGE_SIZE) | PTE_P | PTE_RW | PTE_US;
	pt0[PTX(READONLY)] &= ~(uint32_t)PTE_RW;
	pt0[PTX(GLOBAL_PAGE)] |= PTE_G;
	pgdir[0] = (uint32_t)pt0 | PTE_P | PTE_RW | PTE_US;
	pgdir[PDX(LARGE_PAGE)] = LARGE_PAGE | PDE_PS | PTE_P | PTE_RW | PTE_US;
	write_cr3((uint32_t)pgdir);
	write_cr4(read_cr4() | CR4_PSE | CR4_PGE);
	write_cr0(read_cr0() | CR0_PG);
}

/* Read the word at va. */
static uint32_t peek(uint32_t va)
{
	return *(volatile uint32_t *)va;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	console_init();
	paging_on();
	gprintf("stale: paging on: 0-4 MiB in 4 KiB pages, 4-8 MiB as one 4 MiB page\n");
	(void)peek(STALE_PAGE);
	pt0[PTX(STALE_PAGE)] = NEW_FRAME | PTE_P | PTE_RW | PTE_US; /* no INVLPG */
	gprintf("stale: read %x, then pointed its PTE at frame %x without INVLPG\n", STALE_PAGE, NEW_FRAME);
	(void)peek(CLEAN_PAGE);
	*(volatile uint32_t *)GLOBAL_PAGE = 0x600d;
	(void)peek(READONLY);
	(void)peek(LARGE_PAGE + 5 * PAGE_SIZE);
	gprintf("stale: read %x (clean), wrote %x (global), read %x (read-only) and %x (4 MiB page)\n",
		CLEAN_PAGE, GLOBAL_PAGE, READONLY, LARGE_PAGE + 5 * PAGE_SIZE);
	(void)peek(TOUCHED_LAST);
	gprintf("stale: touched %x last\n", TOUCHED_LAST);
	return GUEST_SUCCESS;
}
