/**
 * @file rand.h
 * @brief Seeded pseudo-random numbers and digests for test guests (header only).
 *
 * A guest takes `seed=N` on its command line (arg_uint() in guest.h) and derives every address
 * and value it uses from prng_seed(N), so that a grader can move them on every run while the
 * output stays reproducible for one seed. Header only, so that ring-3 programs linked without
 * the guest runtime can use it too. 32-bit arithmetic only.
 */
#ifndef GUEST_RAND_H
#define GUEST_RAND_H

#include <stdint.h>

#define FNV1A_INIT 2166136261u /**< FNV-1a offset basis: the digest of nothing */

/** @brief The state of one xorshift32 generator (never 0). */
struct prng {
	uint32_t state; /**< current value */
};

/** @brief A generator for @p seed; every seed, 0 included, gives a distinct, well-mixed state. */
static inline struct prng prng_seed(uint32_t seed)
{
	uint32_t x = seed + 0x9E3779B9u; /* murmur3's finaliser spreads small seeds over all bits */

	x = (x ^ (x >> 16)) * 0x85EBCA6Bu;
	x = (x ^ (x >> 13)) * 0xC2B2AE35u;
	x ^= x >> 16;
	return (struct prng){ x ? x : 1 };
}

/** @brief The next 32-bit value (Marsaglia's xorshift32: 13, 17, 5). */
static inline uint32_t prng_next(struct prng *g)
{
	uint32_t x = g->state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return g->state = x;
}

/** @brief A value in [0, n), n > 0 (slightly biased for large n; fine for tests). */
static inline uint32_t prng_below(struct prng *g, uint32_t n)
{
	return prng_next(g) % n;
}

/** @brief Fold the four bytes of @p v (little-endian) into FNV-1a digest @p h. */
static inline uint32_t fnv1a_u32(uint32_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		h = (h ^ (v & 0xFF)) * 16777619u;
	return h;
}

#endif
