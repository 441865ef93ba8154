/*
 * The lab 1 guest: a paging-off Multiboot program that prints what it finds
 * and ends with 0x10 on port 0xF4. Every line is the same natively and under
 * the hypervisor: that is what lab 1's test compares.
 */
#include "guest.h"
#include "x86.h"

extern char __image_start[], __image_end[];

/* The number of primes below n, by trial division: work whose result is known. */
static unsigned count_primes(unsigned n)
{
	unsigned count = 0;

	for (unsigned i = 2; i < n; i++) {
		unsigned d = 2;

		while (d * d <= i && i % d)
			d++;
		if (d * d > i)
			count++;
	}
	return count;
}

/* FNV-1a hash of a string, so the output depends on every byte of the arguments. */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t cr0 = read_cr0();
	const char *args = mb_args(mbi);

	console_init();
	gprintf("lab1: hello from a Multiboot guest\n");
	gprintf("lab1: multiboot magic %s\n", magic == MB_BOOT_MAGIC ? "ok" : "WRONG");
	gprintf("lab1: args \"%s\" (hash %08x)\n", args, fnv1a(args));
	if (mbi->flags & MB_INFO_MEMORY)
		gprintf("lab1: memory %u KiB low, %u KiB high\n", mbi->mem_lower, mbi->mem_upper);
	gprintf("lab1: protected mode %s, paging %s\n", cr0 & CR0_PE ? "on" : "off",
		cr0 & CR0_PG ? "on" : "off");
	gprintf("lab1: image %p-%p\n", (void *)__image_start, (void *)__image_end);
	gprintf("lab1: %u primes below 10000\n", count_primes(10000));
	gprintf("lab1: done\n");
	return GUEST_SUCCESS;
}
