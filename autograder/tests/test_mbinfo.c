/*
 * The guest's Multiboot info block: the facts a native QEMU boot with the
 * same RAM size gives (-m 16M: mem_lower 639, mem_upper 15232),
 * the command line, and a memory map a guest can walk.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "kernel/mbinfo.h"
#include "kernel/multiboot.h"

#define RAM_SIZE (16u << 20)

static uint8_t *ram;
static char err[200];

static void setup(void)
{
	ram = calloc(1, RAM_SIZE);
	cr_assert_not_null(ram);
}

static void teardown(void)
{
	free(ram);
}

TestSuite(mbinfo, .init = setup, .fini = teardown);

Test(mbinfo, memory_sizes_match_native_qemu)
{
	const struct mb_info *mbi = (const void *)(ram + MBINFO_GPA);

	cr_assert(mbinfo_build(ram, RAM_SIZE, "lab1.elf seed=7", err, sizeof(err)));
	cr_assert(mbi->flags & MB_INFO_MEMORY);
	cr_assert_eq(mbi->mem_lower, 639);
	cr_assert_eq(mbi->mem_upper, 15232, "got %u", mbi->mem_upper); /* QEMU -m 16M */
}

Test(mbinfo, memory_sizes_follow_the_ram_size)
{
	/* Option mem=: QEMU -m 64M and -m 256M report the RAM less its first MiB and the
	 * firmware's top 128 KiB. Only the info area is written, so the 16 MiB buffer serves. */
	static const struct {
		uint64_t ram_size;
		uint32_t mem_upper;
	} native[] = { { 64u << 20, 64384 }, { 256u << 20, 260992 } };
	const struct mb_info *mbi = (const void *)(ram + MBINFO_GPA);

	for (size_t i = 0; i < sizeof(native) / sizeof(native[0]); i++) {
		cr_assert(mbinfo_build(ram, native[i].ram_size, "lab1.elf", err, sizeof(err)));
		cr_assert_eq(mbi->mem_lower, 639);
		cr_assert_eq(mbi->mem_upper, native[i].mem_upper, "%lu MiB: got %u",
			     (unsigned long)(native[i].ram_size >> 20), mbi->mem_upper);
	}
}

Test(mbinfo, command_line_is_copied)
{
	const struct mb_info *mbi = (const void *)(ram + MBINFO_GPA);

	cr_assert(mbinfo_build(ram, RAM_SIZE, "lab1.elf seed=7 x", err, sizeof(err)));
	cr_assert(mbi->flags & MB_INFO_CMDLINE);
	cr_assert(mbi->cmdline >= MBINFO_GPA && mbi->cmdline < MBINFO_GPA + MBINFO_AREA_SIZE);
	cr_assert_str_eq((const char *)ram + mbi->cmdline, "lab1.elf seed=7 x");
}

Test(mbinfo, memory_map_is_native_qemus)
{
	/* QEMU -m 16M: its firmware's E820 map, which its Multiboot loader passes on,
	 * less the ranges beyond the RAM (the BIOS ROM's alias below 4 GiB). */
	static const struct {
		uint64_t addr, len;
		uint32_t type;
	} native[] = {
		{ 0, 0x9FC00, MB_MMAP_AVAILABLE },           /* base memory */
		{ 0x9FC00, 0x400, MB_MMAP_RESERVED },        /* the EBDA (and the MP table in it) */
		{ 0xF0000, 0x10000, MB_MMAP_RESERVED },      /* the BIOS ROM area */
		{ 0x100000, 15232 * 1024, MB_MMAP_AVAILABLE }, /* extended memory: mem_upper */
		{ 0xFE0000, 0x20000, MB_MMAP_RESERVED },     /* the firmware's top 128 KiB */
	};
	const struct mb_info *mbi = (const void *)(ram + MBINFO_GPA);
	size_t n = 0;

	cr_assert(mbinfo_build(ram, RAM_SIZE, "", err, sizeof(err)));
	cr_assert(mbi->flags & MB_INFO_MMAP);
	for (uint32_t p = mbi->mmap_addr; p < mbi->mmap_addr + mbi->mmap_length; n++) {
		const struct mb_mmap_entry *e = (const void *)(ram + p);

		cr_assert_lt(n, sizeof(native) / sizeof(native[0]), "more entries than natively");
		cr_assert_eq(e->addr, native[n].addr, "entry %zu", n);
		cr_assert_eq(e->len, native[n].len, "entry %zu", n);
		cr_assert_eq(e->type, native[n].type, "entry %zu", n);
		cr_assert(e->addr + e->len <= RAM_SIZE);
		p += e->size + 4;
	}
	cr_assert_eq(n, sizeof(native) / sizeof(native[0]));
}

Test(mbinfo, memory_map_ends_with_the_ram_of_option_mem)
{
	/* mem=256: QEMU -m 256M, the same ranges with extended memory to 256 MiB less 128 KiB */
	const struct mb_info *mbi = (const void *)(ram + MBINFO_GPA);
	const struct mb_mmap_entry *e;

	cr_assert(mbinfo_build(ram, 256u << 20, "", err, sizeof(err)));
	e = (const void *)(ram + mbi->mmap_addr + mbi->mmap_length - sizeof(*e));
	cr_assert_eq(e->addr + e->len, 256u << 20);
	cr_assert_eq(e->type, MB_MMAP_RESERVED);
	e--;
	cr_assert_eq(e->addr, 0x100000);
	cr_assert_eq(e->len, (uint64_t)mbi->mem_upper * 1024);
	cr_assert_eq(e->type, MB_MMAP_AVAILABLE);
}

Test(mbinfo, info_block_stays_below_one_mib)
{
	cr_assert(MBINFO_GPA + MBINFO_AREA_SIZE <= 0x9FC00);
}

Test(mbinfo, overlong_command_line_is_refused)
{
	char *line = malloc(MBINFO_AREA_SIZE);

	memset(line, 'x', MBINFO_AREA_SIZE - 1);
	line[MBINFO_AREA_SIZE - 1] = '\0';
	cr_assert_not(mbinfo_build(ram, RAM_SIZE, line, err, sizeof(err)));
	cr_assert(strstr(err, "command line too long"), "%s", err);
	free(line);
}
