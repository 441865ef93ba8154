/**
 * @file x86.h
 * @brief Port I/O and control-register access for 32-bit guests.
 *
 * The constants are plain hexadecimal so that assembly files can include this header.
 */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#define CR0_PE 0x00000001 /**< protected mode */
#define CR0_PG 0x80000000 /**< paging */

#ifndef __ASSEMBLER__
#include <stdint.h>

/** @brief Read an 8-bit port. */
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/** @brief Write an 8-bit port. */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/** @brief Write a 32-bit port. */
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/** @brief Read CR0. */
static inline uint32_t read_cr0(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

/** @brief Write CR0 (paging on or off, CR0.WP). */
static inline void write_cr0(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/** @brief Write CR2 (a guest may: it is only the CPU's record of the last page fault). */
static inline void write_cr2(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr2" : : "r"(v));
}

/** @brief Read CR2: the linear address of the last page fault. */
static inline uint32_t read_cr2(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/** @brief Read CR3: the physical address of the page directory. */
static inline uint32_t read_cr3(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/** @brief Load CR3: switch page directory; flushes every non-global TLB entry. */
static inline void write_cr3(uint32_t pgdir_pa)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(pgdir_pa) : "memory");
}

/** @brief Read CR4. */
static inline uint32_t read_cr4(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/** @brief Write CR4 (CR4.PSE, CR4.PGE). */
static inline void write_cr4(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/** @brief Invalidate the TLB entry (and paging-structure caches) for linear address @p va. */
static inline void invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif /* !__ASSEMBLER__ */
#endif
