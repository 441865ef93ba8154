/*
 * Control registers, flags and INVLPG with paging off, through many registers
 * and addressing forms: the hypervisor must emulate MOV to/from CR0/CR3/CR4
 * with any GPR (and show the written value in the next read, which on VT-x
 * comes from the read shadow without an exit), keep the guest's RFLAGS and
 * CR2 across exits, and skip INVLPG of any 32-bit addressing form, decoding
 * the bytes itself where the CPU does not tell (AMD-V without decode assists),
 * with segment overrides, ignored REP prefixes and 16-bit addressing (67),
 * and in 16-bit code (code16.S); and CLTS, LMSW and SMSW, the machine-status-word forms of CR0 access, with
 * register and memory operands.
 * Output must equal the native run.
 */
#include "code16.h"
#include "guest.h"
#include "x86.h"

#define CR0_MP  (1u << 1)
#define CR0_EM  (1u << 2)
#define CR0_TS  (1u << 3)
#define CR0_WP  (1u << 16)
#define CR0_AM  (1u << 18)
#define CR4_PSE (1u << 4)
#define CR4_PGE (1u << 7)
/* CF, PF, AF, ZF, SF, DF, OF and the always-one bit 1; IF stays clear. */
#define ARITH_FLAGS 0x00000CD7u

/* MOV to CR3 from one register, then MOV from CR3 into another: the value must survive. */
#define CR3_ROUNDTRIP(in, out, value) ({                                          \
	uint32_t r;                                                               \
	__asm__ volatile("mov %1, %%cr3; mov %%cr3, %0" : "=" out(r) : in((uint32_t)(value))); \
	r; })

#define CR0_ROUNDTRIP(in, out, value) ({                                          \
	uint32_t r;                                                               \
	__asm__ volatile("mov %1, %%cr0; mov %%cr0, %0" : "=" out(r) : in((uint32_t)(value))); \
	r; })

#define CR4_ROUNDTRIP(in, out, value) ({                                          \
	uint32_t r;                                                               \
	__asm__ volatile("mov %1, %%cr4; mov %%cr4, %0" : "=" out(r) : in((uint32_t)(value))); \
	r; })

/* MOV to a debug register from one register, then MOV from it into another. */
#define DR_ROUNDTRIP(dr, in, out, value) ({                                       \
	uint32_t r;                                                               \
	__asm__ volatile("mov %1, %%" dr "; mov %%" dr ", %0" : "=" out(r) : in((uint32_t)(value))); \
	r; })

/* RFLAGS set before CPUID (an exit on both backends) and read right after. */
static uint32_t flags_across_cpuid(uint32_t flags)
{
	uint32_t leaf = 0, after;

	__asm__ volatile("push %[f]; popf; cpuid; pushf; pop %[out]; cld"
			 : [out] "=S"(after), "+a"(leaf) : [f] "D"(flags) : "ebx", "ecx", "edx", "cc");
	return after;
}

/* RFLAGS set before a MOV to CR3 (an exit) and read right after. */
static uint32_t flags_across_cr3_write(uint32_t flags)
{
	uint32_t after;

	__asm__ volatile("push %[f]; popf; mov %[cr3], %%cr3; pushf; pop %[out]; cld"
			 : [out] "=S"(after) : [f] "D"(flags), [cr3] "a"(0) : "cc", "memory");
	return after;
}

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
	__asm__ volatile("invlpg %%fs:8(%0)" : : "r"(b) : "memory");
	__asm__ volatile("invlpg %%gs:(%0)" : : "r"(a) : "memory");
	__asm__ volatile("invlpg %%cs:(%0)" : : "r"(a) : "memory");
	__asm__ volatile("invlpg %%ss:(%0)" : : "r"(a) : "memory");
	__asm__ volatile("invlpg %%es:(%0)" : : "r"(a) : "memory");
	__asm__ volatile(".byte 0xf3; invlpg (%0)" : : "r"(a) : "memory"); /* REP: ignored */
	__asm__ volatile(".byte 0xf2; invlpg 4(%0)" : : "r"(a) : "memory"); /* REPNE: ignored */
	/* 67: 16-bit addressing in 32-bit code, [BX] and [BP+SI+disp8]; BX's high half is dropped */
	__asm__ volatile("addr16 invlpg (%%bx)" : : "b"(0x00380fa0) : "memory");
	__asm__ volatile("addr16 invlpg 8(%%bp,%%si)" : : "S"(0x00510020) : "memory");
}

/* CLTS, LMSW and SMSW (SDM Vol2A CLTS, LMSW; Vol2B SMSW): each result printed. */
static void msw_forms(uint32_t cr0)
{
	static volatile uint32_t word = 0xBBBBBBBB;
	static volatile uint16_t source = 0x0001;
	uint32_t r32, r16 = 0xAAAA5555;

	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_TS));
	__asm__ volatile("smsw %0" : "=r"(r32));
	__asm__ volatile("smsw %w0" : "+r"(r16));
	__asm__ volatile("smsw %0" : "=m"(word));
	gprintf("crs: smsw with TS set: r32 %x, r16 %x, m16 %x\n", r32, r16, word);
	__asm__ volatile("clts");
	gprintf("crs: clts: cr0 %x\n", read_cr0());
	__asm__ volatile("lmsw %w0" : : "r"(CR0_MP | CR0_EM | CR0_TS)); /* PE clear: stays set */
	gprintf("crs: lmsw mp|em|ts from a register: cr0 %x\n", read_cr0());
	__asm__ volatile("lmsw %0" : : "m"(source));
	gprintf("crs: lmsw pe from memory: cr0 %x\n", read_cr0());
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	console_init();
	uint32_t cr0 = read_cr0();

	gprintf("crs: cr0 %x\n", cr0);
	gprintf("crs: cr0 wp eax->ebx %x\n", CR0_ROUNDTRIP("a", "b", cr0 | CR0_WP));
	gprintf("crs: cr0 am ecx->esi %x\n", CR0_ROUNDTRIP("c", "S", cr0 | CR0_AM));
	gprintf("crs: cr0 back edi->edx %x\n", CR0_ROUNDTRIP("D", "d", cr0));
	gprintf("crs: flags across cpuid %x\n", flags_across_cpuid(ARITH_FLAGS));
	gprintf("crs: flags across mov cr3 %x\n", flags_across_cr3_write(ARITH_FLAGS));
	gprintf("crs: flags cleared across cpuid %x\n", flags_across_cpuid(0x2));
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
	code16_forms();
	msw_forms(cr0);
	/* Debug registers: a write then a read (MOV-DR exits; DR7 enables nothing here). */
	gprintf("crs: dr0 eax->ebx %x\n", DR_ROUNDTRIP("dr0", "a", "b", 0x00dead00));
	gprintf("crs: dr3 esi->edi %x\n", DR_ROUNDTRIP("dr3", "S", "D", 0x0000beef));
	gprintf("crs: dr7 ecx->edx %x\n", DR_ROUNDTRIP("dr7", "c", "d", 0x00000400));
	DR_ROUNDTRIP("dr0", "a", "b", 0);
	DR_ROUNDTRIP("dr3", "a", "b", 0);
	return GUEST_SUCCESS;
}
