/*
 * Fake guest memory and a shadow pool for the virtual TLB's unit tests. The
 * guest's RAM is a host buffer; its "host-physical" address and the pool's
 * are made-up constants, since no CPU walks the shadow in a unit test.
 */
#ifndef AUTOGRADER_TESTS_VTLB_FIXTURE_H
#define AUTOGRADER_TESTS_VTLB_FIXTURE_H

#include <stdlib.h>

#include "shadow/vtlb.h"

#define RAM_SIZE   (8u << 20)
#define RAM_HPA    0x40000000u /* where the fake host keeps guest-physical 0 */
#define POOL_HPA   0x80000000u
#define PD_GPA     0x00010000u /* the guest's page directory */
#define PT_GPA     0x00011000u /* a guest page table */

extern struct guest_mem mem;
extern struct vtlb vt;
extern uint8_t *pool;

/** Fresh zeroed RAM and a pool of pool_pages; CR3 = PD_GPA. */
void fixture_setup(int pool_pages);
void fixture_teardown(void);

/** The guest's 32-bit entry at gpa. */
uint32_t *entry(uint32_t gpa);

/** Map gva -> gpa with a 4 KiB page through PT_GPA (or a PT at pt_gpa). */
void map4k(uint32_t gva, uint32_t gpa, uint32_t pde_flags, uint32_t pte_flags);
void map4k_in(uint32_t pt_gpa, uint32_t gva, uint32_t gpa, uint32_t pde_flags, uint32_t pte_flags);

/** Map gva's 4 MiB region -> gpa with a PS=1 PDE. */
void map4m(uint32_t gva, uint32_t gpa, uint32_t pde_flags);

/** A guest mode with paging on and the given extra CR0/CR4 bits. */
struct guest_mode paged(uint32_t cr0_bits, uint32_t cr4_bits);

#endif
