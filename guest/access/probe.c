/*
 * Running one probe, and what the manual says it must do.
 *
 * Page tables: PDEs 0-3 identity-map the first 16 MiB with user-accessible,
 * writable 4 MiB pages, so that ring 3 can run this program's code and stack
 * (as kvm-unit-tests' access.c does). The test page lies elsewhere: its PDE
 * either points to test_pt (4 KiB page) or maps the 4 MiB page around the
 * test frame (PS=1). Both reach the same physical page.
 */
#include "cpu.h"
#include "guest.h"
#include "paging.h"
#include "probe.h"
#include "x86.h"

#define IDENTITY_PDES 4     /* 16 MiB */
#define OPCODE_MOV_EAX 0xB8 /* mov $imm32, %eax */
#define OPCODE_RET 0xC3


static uint32_t pgdir[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t test_pt[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint8_t user_stack[1024] __attribute__((aligned(16)));

static struct kjmp probe_done; /* where a trap ends the probe */
static struct kjmp warm_done;  /* where a fault ends the warming read */
static volatile int warming;   /* the fault belongs to the warming read (seen by the handler) */
static struct outcome *current;

/* #PF during a probe: record it and end the probe (or just end the warming read). */
static void on_page_fault(struct trap_frame *tf)
{
	if (warming) {
		warming = 0;
		klongjmp(&warm_done, 1);
	}
	current->faulted = 1;
	current->error = tf->error;
	current->cr2 = read_cr2();
	klongjmp(&probe_done, 1);
}

/* int $0x80 from ring3.S: the ring-3 access is over, EAX holds its value. */
static void on_user_done(struct trap_frame *tf)
{
	current->value = tf->eax;
	klongjmp(&probe_done, 1);
}

void probe_init(const struct test_page *t)
{
	uint8_t *code = (uint8_t *)t->pa; /* paging is still off */

	code[0] = OPCODE_MOV_EAX;
	memcpy(code + 1, &t->value, 4);
	code[5] = OPCODE_RET;
	for (uint32_t i = 0; i < IDENTITY_PDES; i++)
		pgdir[i] = i * LARGE_PAGE_SIZE | PDE_PS | PTE_US | PTE_RW | PTE_P;
	trap_set_handler(T_PF, on_page_fault);
	trap_set_handler(T_SYSCALL, on_user_done);
	write_cr3((uint32_t)pgdir);
	write_cr4(read_cr4() | CR4_PSE);
	write_cr0(read_cr0() | CR0_PG);
}

/* The access at CPL 0; a fault leaves through on_page_fault. */
static void access_ring0(const struct test_page *t, enum access access, struct outcome *o)
{
	volatile uint32_t *data = (volatile uint32_t *)(t->va + VALUE_OFFSET);

	switch (access) {
	case ACCESS_READ:
		o->value = *data;
		break;
	case ACCESS_WRITE:
		*data = t->new_value;
		break;
	case ACCESS_FETCH:
		o->value = ((uint32_t (*)(void))t->va)();
		break;
	}
}

/* The access at CPL 3, through ring3.S; it ends in on_user_done or on_page_fault. */
static void access_ring3(const struct test_page *t, enum access access)
{
	static const char *const stubs[] = { ring3_read, ring3_write, ring3_fetch };
	struct trap_frame tf;

	trap_frame_user(&tf, (uint32_t)stubs[access], (uint32_t)(user_stack + sizeof(user_stack)));
	tf.ebx = access == ACCESS_FETCH ? t->va : t->va + VALUE_OFFSET;
	tf.ecx = t->new_value;
	trap_return(&tf);
}

void probe_run(const struct test_page *t, const struct probe *p, struct outcome *o)
{
	volatile uint32_t *value = (volatile uint32_t *)(t->pa + VALUE_OFFSET); /* identity map */
	uint32_t *pde = &pgdir[PDX(t->va)], *pte = &test_pt[PTX(t->va)];

	*value = t->value;
	if (p->large) {
		*pde = (t->pa & PDE_LARGE_FRAME) | PDE_PS | p->pde_flags;
		*pte = 0;
	} else {
		*pde = (uint32_t)test_pt | p->pde_flags;
		*pte = t->pa | p->pte_flags;
	}
	invlpg(t->va); /* SDM Vol3A 4.10.4.1: also drops paging-structure caches */

	*o = (struct outcome){ 0 };
	current = o;
	/* Before a CPL-3 access, a supervisor read puts the page in the TLB: the user
	 * access must still be checked against U/S and R/W, not ride on that entry. */
	if (p->cpl == 3 && ksetjmp(&warm_done) == 0) {
		warming = 1;
		(void)*(volatile uint32_t *)(t->va + VALUE_OFFSET);
		warming = 0;
	}
	if (ksetjmp(&probe_done) == 0) {
		if (p->cpl == 3)
			access_ring3(t, p->access); /* does not return */
		access_ring0(t, p->access, o);
	}
	if (p->access == ACCESS_WRITE)
		o->value = *value;
	o->pde = *pde;
	o->pte = *pte;
	/* Platform README: on a fault past a present PDE with A=0, QEMU sets PDE.A, Bochs does not. */
	o->pde_a_unknown = o->faulted && !p->large && (p->pde_flags & PTE_P) && !(p->pde_flags & PTE_A);
}

/*
 * SDM Vol3A 4.6 (Access Rights): with 32-bit paging and no SMEP, SMAP or NX,
 * a CPL-3 access needs U/S=1 at both levels and a CPL-3 write R/W=1 at both;
 * a CPL-0 write needs R/W=1 at both levels only when CR0.WP=1; a fetch is a read.
 * SDM Vol3A 4.7: the error code has P=1 for a violation, W for a write, U for CPL 3.
 * SDM Vol3A 4.8: a successful access sets A in the entries it used, and D in the
 * leaf on a write; a faulting one leaves the leaf alone. A CPL-3 probe is preceded
 * by a supervisor read, which succeeds (setting A) whenever both entries are present.
 */
void probe_expect(const struct test_page *t, const struct probe *p, struct outcome *e)
{
	uint32_t pde = p->pde_flags, pte = p->large ? PTE_P | PTE_RW | PTE_US : p->pte_flags;
	uint32_t rights = pde & pte;
	int write = p->access == ACCESS_WRITE, user = p->cpl == 3;
	uint32_t access_bits = (write ? PFERR_W : 0) | (user ? PFERR_U : 0);

	*e = (struct outcome){ 0 };
	if (user && (pde & PTE_P) && (pte & PTE_P)) { /* the warming supervisor read */
		pde |= PTE_A;
		pte |= p->large ? 0 : PTE_A;
	}
	if (!(pde & PTE_P) || !(pte & PTE_P))
		e->faulted = 1;
	else if ((user && !(rights & PTE_US)) || (write && !(rights & PTE_RW) && (user || p->wp)))
		e->faulted = 1, e->error = PFERR_P;
	if (e->faulted) {
		e->error |= access_bits;
		e->cr2 = p->access == ACCESS_FETCH ? t->va : t->va + VALUE_OFFSET;
		e->value = write ? t->value : 0;
	} else {
		e->value = write ? t->new_value : t->value;
		pde |= PTE_A | (p->large && write ? PTE_D : 0);
		pte |= PTE_A | (write ? PTE_D : 0);
	}
	if (p->large) {
		e->pde = (t->pa & PDE_LARGE_FRAME) | PDE_PS | pde;
	} else {
		e->pde = (uint32_t)test_pt | pde;
		e->pte = t->pa | pte;
	}
}
