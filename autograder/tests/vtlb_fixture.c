/* Fake guest memory and shadow pool for the virtual TLB's unit tests. */
#include <criterion/criterion.h>

#include "vtlb_fixture.h"

struct guest_mem mem;
struct vtlb vt;
uint8_t *pool;

void fixture_setup(int pool_pages)
{
	mem.ram = calloc(1, RAM_SIZE);
	mem.size = RAM_SIZE;
	mem.hpa = RAM_HPA;
	pool = aligned_alloc(4096, (size_t)pool_pages * 4096);
	cr_assert(mem.ram && pool);
	memset(pool, 0, (size_t)pool_pages * 4096);
	vtlb_init(&vt, mem, pool, POOL_HPA, pool_pages);
}

void fixture_teardown(void)
{
	free(mem.ram);
	free(pool);
}

uint32_t *entry(uint32_t gpa)
{
	return (uint32_t *)(mem.ram + gpa);
}

void map4k_in(uint32_t pt_gpa, uint32_t gva, uint32_t gpa, uint32_t pde_flags, uint32_t pte_flags)
{
	*entry(PD_GPA + PDX(gva) * 4) = pt_gpa | pde_flags;
	*entry(pt_gpa + PTX(gva) * 4) = (gpa & PTE_FRAME) | pte_flags;
}

void map4k(uint32_t gva, uint32_t gpa, uint32_t pde_flags, uint32_t pte_flags)
{
	map4k_in(PT_GPA, gva, gpa, pde_flags, pte_flags);
}

void map4m(uint32_t gva, uint32_t gpa, uint32_t pde_flags)
{
	*entry(PD_GPA + PDX(gva) * 4) = (gpa & PDE_FRAME_4M) | PTE_PS | pde_flags;
}

struct guest_mode paged(uint32_t cr0_bits, uint32_t cr4_bits)
{
	return (struct guest_mode){ CR0_PG | 0x11 | cr0_bits, PD_GPA, cr4_bits };
}
