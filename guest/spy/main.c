/*
 * The isolation spies (spy.h): role=plant or role=seek.
 */
#include "guest.h"
#include "spy.h"

static volatile uint32_t secret_key = SECRET_KEY; /* read at run time: never folded into a secret */

uint32_t secret(uint32_t n)
{
	return ~(secret_key ^ (n & 0xFF));
}

uint32_t secret_complement(uint32_t n)
{
	return secret_key ^ (n & 0xFF);
}

bool is_secret(uint32_t word)
{
	return (~word & SECRET_MASK) == (secret_key & SECRET_MASK);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *args = mb_args(mbi);

	(void)magic;
	console_init();
	if (arg_flag(args, "role=plant"))
		return spy_plant();
	if (arg_flag(args, "role=seek"))
		return spy_seek(mbi);
	gprintf("spy: role=plant or role=seek\n");
	return GUEST_FAILURE;
}
