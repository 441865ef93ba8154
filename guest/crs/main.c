/*
 * Control registers and INVLPG with paging off, through many registers and
 * addressing forms: the hypervisor must emulate MOV to/from CR0/CR3/CR4 with
 * any GPR and skip INVLPG of any 32-bit addressing form, decoding the bytes
 * itself where the CPU does not tell (AMD-V without decode assists).
 * Output must equal the native run.
 */
#include "guest.h"
#include "x86.h"

#define CR4_PSE (1u << 4)
#define CR4_PGE (1u << 7)

/* MOV to CR3 from one register, then MOV from CR3 into another: the value must survive. */
#define CR3_ROUNDTRIP(in, out, value) ({                                          \
	uint32_t r;                                                               \
	__asm__ volatile("mov %1, %%cr3; mov %%cr3, %0" : "=" out(r) : in((uint32_t)(value))); \
	r; })

#define CR4_ROUNDTRIP(in, out, value) ({                                          \
	uint32_t r;                                                               \
	__asm__ volatile("mov %1, %%cr4; mov %%cr4, %0" : "=" out(r) : in((uint32_t)(value))); \
	r; })

/* Every addressing form the decoder knows; with paging off INVLPG changes nothing. */
static void invlpg_forms(void)
{
	uint32_t a = 0x200000, b = 0x300000, i = 3;

	__asm__ volatile("invlpg (%0)" : : "r"(a) : "memory");
	__asm__ volatile("invlpg 0x10(%0)" : : "r"(a) : "memory");
	__asm__ volatile("invlpg 0x1000(%0,%1,4)" : : "r"(a), "r"(i) : "memory");
	__asm__ volatile("invlpg (,%0,8)" : : "r"(b) : "memory");
	__asm__ volatile("invlpg 0x803000" : : : "memory");
	__asm__ volatile("invlpg -8(%%esp)" : : : "memory");
	__asm__ volatile("invlpg %%ds:4(%0)" : : "r"(b) : "memory");
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	console_init();
	gprintf("crs: cr0 %x\n", read_cr0());
	gprintf("crs: cr3 eax->ebx %x\n", CR3_ROUNDTRIP("a", "b", 0x00123000));
	gprintf("crs: cr3 ecx->edx %x\n", CR3_ROUNDTRIP("c", "d", 0x00456000));
	gprintf("crs: cr3 esi->edi %x\n", CR3_ROUNDTRIP("S", "D", 0x00789000));
	gprintf("crs: cr3 edx->eax %x\n", CR3_ROUNDTRIP("d", "a", 0x00000000));
	gprintf("crs: cr4 pse ebx->ecx %x\n", CR4_ROUNDTRIP("b", "c", CR4_PSE));
	gprintf("crs: cr4 pse|pge edi->esi %x\n", CR4_ROUNDTRIP("D", "S", CR4_PSE | CR4_PGE));
	gprintf("crs: cr4 0 eax->edx %x\n", CR4_ROUNDTRIP("a", "d", 0));
	/* CR2 is the guest's own register: what it writes survives the exits of this line. */
	write_cr2(0x00c2c2c0);
	gprintf("crs: cr2 after a printed line ");
	gprintf("%x\n", read_cr2());
	invlpg_forms();
	gprintf("crs: invlpg forms done\n");
	return GUEST_SUCCESS;
}
