/*
 * The seeker: look for the planter's secrets everywhere this VM can read
 * (spy.h). Each look names the first place holding one, or says "clean".
 */
#include "guest.h"
#include "spy.h"

#define FNSAVE_SIZE 108 /* SDM Vol1 8.1.10, 32-bit protected mode */

static const char *entry_register_names[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };

/* The general registers as this VM started. */
static const char *look_entry_registers(void)
{
	for (int i = 0; i < 8; i++)
		if (is_secret(guest_entry_regs[i]))
			return entry_register_names[i];
	return NULL;
}

/* The debug registers, as read by MOV from DR. */
static void read_debug_registers(uint32_t dr[8])
{
	__asm__ volatile("mov %%dr0, %0; mov %%dr1, %1; mov %%dr2, %2; mov %%dr3, %3"
			 : "=r"(dr[0]), "=r"(dr[1]), "=r"(dr[2]), "=r"(dr[3]));
	__asm__ volatile("mov %%dr6, %0; mov %%dr7, %1" : "=r"(dr[6]), "=r"(dr[7]));
	dr[4] = dr[6]; /* DR4 and DR5 alias DR6 and DR7 (CR4.DE=0) */
	dr[5] = dr[7];
}

/* DR0-DR7: none holds a secret, and no breakpoint is enabled. */
static const char *look_debug_registers(const uint32_t dr[8])
{
	static const char *const dr_names[8] = { "DR0", "DR1", "DR2", "DR3", "DR4", "DR5", "DR6", "DR7" };

	for (int i = 0; i < 8; i++)
		if (is_secret(dr[i]))
			return dr_names[i];
	if (dr[7] & 0xFF)
		return "DR7 (breakpoints enabled)";
	return NULL;
}

/* x87/MMX registers and environment, CR2, FS and GS. */
static const char *look_cpu(void)
{
	uint32_t area[FNSAVE_SIZE / 4] __attribute__((aligned(16)));
	uint32_t cr2, fs, gs;

	__asm__ volatile("fnsave %0; frstor %0" : "=m"(area) : : "memory");
	for (unsigned i = 0; i < FNSAVE_SIZE / 4; i++)
		if (is_secret(area[i]))
			return "the x87/MMX registers";
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	if (is_secret(cr2))
		return "CR2";
	__asm__ volatile("mov %%fs, %0; mov %%gs, %1" : "=r"(fs), "=r"(gs));
	if ((fs & 0xFFFF) == 0x23 || (gs & 0xFFFF) == 0x23)
		return "FS or GS (the planter's selector)";
	return NULL;
}

/* Whether [start, end) holds the planter's pair of secrets. */
static bool ram_has_pair(uint32_t start, uint32_t end)
{
	uint32_t lo = secret_complement(SECRET_MEM_LO), hi = secret_complement(SECRET_MEM_HI);

	for (const volatile uint32_t *p = (uint32_t *)start; p + 1 < (uint32_t *)end; p++)
		if (~p[0] == lo && ~p[1] == hi)
			return true;
	return false;
}

/* All of this VM's RAM, as the Multiboot info describes it. */
static const char *look_ram(const struct mb_info *mbi)
{
	if (ram_has_pair(0x1000, mbi->mem_lower * 1024u) ||
	    ram_has_pair(1u << 20, (1u << 20) + mbi->mem_upper * 1024u))
		return "RAM";
	return NULL;
}

static void spin(uint32_t iterations)
{
	for (volatile uint32_t i = 0; i < iterations; i++)
		;
}

int spy_seek(const struct mb_info *mbi)
{
	const char *where = look_entry_registers();
	uint32_t dr[8];

	gprintf("spy: seeker starts\n");
	gprintf("spy: entry registers %s%s\n", where ? "hold a secret: " : "clean", where ? where : "");
	for (int look = 1; look <= SEEK_LOOKS; look++) {
		spin(SEEK_DELAY);
		where = look_cpu();
		if (!where && look == SEEK_LOOKS)
			where = look_ram(mbi);
		gprintf("spy: look %d: %s%s\n", look, where ? "found a secret in " : "clean", where ? where : "");
	}
	/* Last, as they exit on every access: a hypervisor that cannot emulate them stops here. */
	read_debug_registers(dr);
	where = look_debug_registers(dr);
	gprintf("spy: debug registers %s%s\n", where ? "hold a secret: " : "clean", where ? where : "");
	gprintf("spy: dr0-3 %x %x %x %x, dr6 %x, dr7 %x\n", dr[0], dr[1], dr[2], dr[3], dr[6], dr[7]);
	gprintf("spy: last look done\n");
	return GUEST_SUCCESS;
}
