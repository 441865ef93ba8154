/**
 * @file x86.h
 * @brief Port I/O and control-register access for 32-bit guests.
 */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#include <stdint.h>

#define CR0_PE (1u << 0)  /**< protected mode */
#define CR0_PG (1u << 31) /**< paging */

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

#endif
