/**
 * @file spy.h
 * @brief Two guests that test isolation between VMs: a planter and a seeker.
 *
 * The planter (role=plant, the first VM) fills every register it can reach
 * with secrets (general registers, x87/MMX, DR0-DR3, DR6, DR7, CR2, FS/GS)
 * and a stretch of its RAM, then spins with them in place. The seeker
 * (role=seek, the second VM) looks for them several times while the planter
 * spins. Natively each runs alone and finds nothing; under the hypervisor
 * the seeker must find nothing either, and print exactly its native output.
 *
 * A secret is 0x5EC2E7nn. No binary holds one: they are computed at run time
 * from SECRET_KEY (their complement), so the seeker's own code and data,
 * identical to the planter's, can never look like the planter's secrets.
 */
#ifndef GUEST_SPY_H
#define GUEST_SPY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/multiboot.h"

#define SECRET_KEY      0xA13D18FFu /**< ~0x5EC2E700: the complement of the secrets' common part */
#define SECRET_MASK     0xFFFFFF00u /**< the bits every secret shares */
#define SECRET_MEM_LO   0xA1        /**< the pair of secrets repeated in the planter's RAM */
#define SECRET_MEM_HI   0xB2
#define PLANT_RAM_START (4u << 20)  /**< the planter fills 4 MiB to 5 MiB of its RAM */
#define PLANT_RAM_END   (5u << 20)
#define SEEK_LOOKS      3           /**< the seeker looks this many times */
#define SEEK_DELAY      300000u     /**< spin iterations before each look (several time slices) */
#define PLANT_SPIN      30000000u   /**< spin iterations: the planter outlives every look, the RAM scan included */

/** @brief Secret number @p n (0-255), computed at run time. */
uint32_t secret(uint32_t n);

/** @brief The complement of secret number @p n: what the seeker compares with ~word. */
uint32_t secret_complement(uint32_t n);

/** @brief Whether @p word is one of the secrets, without the secret in any register or memory. */
bool is_secret(uint32_t word);

/** @brief Load EAX, EBX, ECX, EDX, ESI, EDI, EBP from @p regs and spin @p iterations times (spin.S). */
void spin_with_registers(const uint32_t regs[7], uint32_t iterations);

/** @brief The planter: plant, spin, end. Returns the exit code. */
int spy_plant(void);

/** @brief The seeker: look SEEK_LOOKS times, RAM of @p mbi included the last time. Returns the exit code. */
int spy_seek(const struct mb_info *mbi);

#endif
