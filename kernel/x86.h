/**
 * @file x86.h
 * @brief Inline wrappers for the x86 instructions the host kernel uses.
 *
 * One wrapper per instruction, nothing else. Constants that name bits of
 * control registers and MSRs live here too, each with its manual citation.
 */
#ifndef KERNEL_X86_H
#define KERNEL_X86_H

#include <stdint.h>

/* SDM Vol3A 2.5 (Control Registers) */
#define CR0_PE (1u << 0)  /**< protected mode enable */
#define CR0_MP (1u << 1)  /**< monitor coprocessor */
#define CR0_EM (1u << 2)  /**< x87 emulation */
#define CR0_TS (1u << 3)  /**< task switched */
#define CR0_ET (1u << 4)  /**< extension type (always 1) */
#define CR0_NE (1u << 5)  /**< native x87 error reporting */
#define CR0_WP (1u << 16) /**< supervisor writes honour read-only pages */
#define CR0_AM (1u << 18) /**< alignment mask */
#define CR0_NW (1u << 29) /**< not write-through */
#define CR0_CD (1u << 30) /**< cache disable */
#define CR0_PG (1u << 31) /**< paging enable */

#define CR4_PSE  (1u << 4)  /**< 4 MiB pages in 32-bit paging */
#define CR4_PAE  (1u << 5)  /**< physical address extension */
#define CR4_PGE  (1u << 7)  /**< global pages */
#define CR4_OSFXSR (1u << 9) /**< FXSAVE/FXRSTOR include the SSE registers */
#define CR4_VMXE (1u << 13) /**< VMX enable */

/* SDM Vol3A 17.2.3 (Debug Status Register (DR6)) */
#define DR6_B0_B3  0x0000000Fu /**< breakpoint conditions 0-3 met */
#define DR6_BD     (1u << 13)  /**< a MOV DR while DR7.GD was set */
#define DR6_BS     (1u << 14)  /**< single step (EFLAGS.TF) */
#define DR6_BT     (1u << 15)  /**< task switch to a TSS with its T flag */
#define DR6_FIXED1 0xFFFF0FF0u /**< bits that always read as 1; also the reset value */

/* SDM Vol3A 17.2.4 (Debug Control Register (DR7)) */
#define DR7_GD     (1u << 13)  /**< general detect: a MOV DR raises \#DB */
#define DR7_FIXED1 (1u << 10)  /**< reads as 1; DR7 after reset is just this bit */
#define DR7_FIXED0 0x0000D800u /**< bits 11, 12, 14 and 15 read as 0 */

/* SDM Vol3A 2.2.1 (Extended Feature Enable Register) */
#define MSR_EFER   0xC0000080u
#define MSR_FS_BASE        0xC0000100u /**< FS base (64-bit mode) */
#define MSR_GS_BASE        0xC0000101u /**< GS base (64-bit mode) */
#define MSR_SYSENTER_CS    0x174u      /**< SYSENTER target CS */
#define MSR_SYSENTER_ESP   0x175u      /**< SYSENTER target RSP */
#define MSR_SYSENTER_EIP   0x176u      /**< SYSENTER target RIP */
#define EFER_LME   (1u << 8)  /**< long mode enable */
#define EFER_SVME  (1u << 12) /**< AMD: SVM enable */

#define RFLAGS_TF (1u << 8)   /**< trap flag: a single-step \#DB after each instruction */
#define RFLAGS_IF (1u << 9)   /**< interrupt enable */
#define RFLAGS_VM (1u << 17)  /**< virtual-8086 mode: 16-bit code whatever CS's attributes say */

/** @brief Read an 8-bit I/O port. */
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/** @brief Write an 8-bit I/O port. */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/** @brief Write a 32-bit I/O port. */
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* CPUID leaves and the feature bits the hypervisor reads or hides.
 * SDM Vol2A CPUID (Tables 3-10, 3-11); APM Vol3 E.4.2, E.4.10 */
#define CPUID_LEAF_FEATURES     0x00000001u /**< leaf 1: standard feature flags */
#define CPUID_LEAF_EXT_MAX      0x80000000u /**< EAX: the largest extended leaf */
#define CPUID_LEAF_EXT_FEATURES 0x80000001u /**< extended feature flags */
#define CPUID_LEAF_SVM          0x8000000Au /**< AMD: SVM revision and features */
#define CPUID_1_ECX_VMX        (1u << 5)  /**< leaf 1 ECX: VT-x. SDM Vol3C 23.6 */
#define CPUID_1_ECX_HYPERVISOR (1u << 31) /**< leaf 1 ECX: "running under a hypervisor" */
#define CPUID_1_EDX_PAE        (1u << 6)  /**< leaf 1 EDX: PAE paging */
#define CPUID_1_EDX_PSE36      (1u << 17) /**< leaf 1 EDX: without it, bits 21:13 of a 4 MiB PDE are reserved */
#define CPUID_EXT_ECX_SVM      (1u << 2)  /**< leaf 8000_0001h ECX: AMD-V. APM Vol2 15.4 */
#define CPUID_EXT_EDX_LM       (1u << 29) /**< leaf 8000_0001h EDX: long mode */
#define CPUID_SVM_EDX_NP       (1u << 0)  /**< leaf 8000_000Ah EDX: nested paging */

/** @brief Registers returned by CPUID. */
struct cpuid_regs {
	uint32_t eax; /**< EAX */
	uint32_t ebx; /**< EBX */
	uint32_t ecx; /**< ECX */
	uint32_t edx; /**< EDX */
};

/** @brief Execute CPUID for @p leaf and @p subleaf. */
static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

#ifdef HOST_TEST
/* Host unit tests run lab code that touches MSRs and control registers
 * against a fake CPU: autograder/tests/fake_cpu.c defines these. */
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);
uint64_t read_cr0(void);
void write_cr0(uint64_t v);
uint64_t read_cr2(void);
void write_cr2(uint64_t v);
uint64_t read_cr3(void);
void write_cr3(uint64_t v);
uint64_t read_cr4(void);
void write_cr4(uint64_t v);
#else
/** @brief Read a model-specific register. */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

/** @brief Write a model-specific register. */
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/** @brief Read CR0. */
static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

/** @brief Write CR0. */
static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/** @brief Read CR2 (the last page-fault address). */
static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/** @brief Write CR2. */
static inline void write_cr2(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr2" : : "r"(v) : "memory");
}

/** @brief Read CR3 (the page-directory base). */
static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/** @brief Write CR3. */
static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

/** @brief Read CR4. */
static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/** @brief Write CR4. */
static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}
#endif /* HOST_TEST */

/** @brief Store the x87/MMX/SSE registers in the 16-byte aligned 512-byte @p area. SDM Vol2A FXSAVE */
static inline void fxsave(void *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

/** @brief Load the x87/MMX/SSE registers from an FXSAVE @p area. SDM Vol2A FXRSTOR */
static inline void fxrstor(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/** @brief Load the breakpoint-address registers DR0-DR3 from @p dr. */
static inline void write_dr0_3(const uint32_t dr[4])
{
	__asm__ volatile("mov %0, %%dr0; mov %1, %%dr1; mov %2, %%dr2; mov %3, %%dr3"
			 : : "r"((uint64_t)dr[0]), "r"((uint64_t)dr[1]), "r"((uint64_t)dr[2]),
			     "r"((uint64_t)dr[3]));
}

/** @brief Read the time-stamp counter (in Bochs: instructions executed). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/** @brief Read the flags register. */
static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/** @brief Halt forever with interrupts off. */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
