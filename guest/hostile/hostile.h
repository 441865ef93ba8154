/**
 * @file hostile.h
 * @brief The hostile guest's attacks beyond guest memory (main.c lists them all).
 */
#ifndef GUEST_HOSTILE_H
#define GUEST_HOSTILE_H

#include <stdint.h>

/** @brief A task switch to a second TSS by JMP (@p how 0), CALL (1) or a task gate for \#UD (2). */
void attack_task_switch(int how);

/** @brief Ring 3 with CR0.AM and EFLAGS.AC on a misaligned stack: \#AC in the delivery of \#AC, forever. */
void attack_alignment_loop(void);

/** @brief A data breakpoint on the IDT entry of \#DB: \#DB in the delivery of \#DB, forever. */
void attack_debug_loop(void);

/** @brief Read every port from 0x100 to 0x2FF, @p rounds times. */
void attack_port_walk(uint32_t rounds);

/** @brief Print @p kib KiB of console output. */
void attack_console_flood(uint32_t kib);

/** @brief Bochs' magic breakpoint, XCHG BX,BX, three times. */
void attack_magic_breakpoint(void);

#endif
