/*
 * Reading the host's Multiboot info. The loader's data (the info block,
 * command lines, modules) stays where the loader put it; we only record its
 * ranges so that the page allocator never hands them out.
 */
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/machine.h"
#include "kernel/multiboot.h"

#define LOW_MEMORY_END (1 * MiB) /* BIOS data, EBDA, ROMs: never used */

extern char __kernel_start[], __kernel_end[];

/* Record [start, end) as not to be allocated. */
static void reserve(struct bootinfo *bi, uint64_t start, uint64_t end)
{
	if (bi->reserved_count == (int)ARRAY_SIZE(bi->reserved))
		panic("too many reserved ranges");
	bi->reserved[bi->reserved_count++] = (struct mem_range){ start, end };
}

/* Keep the usable RAM ranges of the memory map, above 1 MiB. */
static void parse_mmap(const struct mb_info *mbi, struct bootinfo *bi)
{
	uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

	while (p < end) {
		const struct mb_mmap_entry *e = (const void *)p;
		uint64_t start = e->addr < LOW_MEMORY_END ? LOW_MEMORY_END : e->addr;

		if (e->type == MB_MMAP_AVAILABLE && e->addr + e->len > start) {
			if (bi->ram_count == BOOT_MAX_RANGES)
				break;
			bi->ram[bi->ram_count++] = (struct mem_range){ start, e->addr + e->len };
		}
		p += e->size + sizeof(e->size);
	}
}

/* A module's string without the directories of its first word: QEMU passes
 * "dir/a.elf args", tools/hvrun's Bochs boot disk "a.elf args"; both become the latter. */
static const char *without_directories(const char *cmd)
{
	const char *name = cmd;

	for (const char *p = cmd; *p && *p != ' '; p++)
		if (*p == '/')
			name = p + 1;
	return name;
}

/* Record the guest images the loader gave us. */
static void parse_modules(const struct mb_info *mbi, struct bootinfo *bi)
{
	const struct mb_module *m = (const void *)(uint64_t)mbi->mods_addr;

	if (mbi->mods_count > BOOT_MAX_MODULES)
		hv_log("only the first %d of %u guest images are used", BOOT_MAX_MODULES,
		       mbi->mods_count);
	for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES; i++) {
		const char *cmd = m[i].string ? (const char *)(uint64_t)m[i].string : "";

		bi->modules[bi->module_count++] = (struct boot_module){
			.image = (const uint8_t *)(uint64_t)m[i].start,
			.size = m[i].end - m[i].start,
			.cmdline = without_directories(cmd),
		};
		reserve(bi, ALIGN_DOWN((uint64_t)m[i].start, 4096), m[i].end);
		reserve(bi, (uint64_t)cmd, (uint64_t)cmd + strlen(cmd) + 1);
	}
}

void bootinfo_parse(uint32_t magic, uint64_t mbi_addr, struct bootinfo *bi)
{
	const struct mb_info *mbi = (const void *)mbi_addr;

	if (magic != MB_BOOT_MAGIC)
		panic("not started by a Multiboot loader (EAX %#x)", magic);
	memset(bi, 0, sizeof(*bi));
	bi->cmdline = (mbi->flags & MB_INFO_CMDLINE) ? (const char *)(uint64_t)mbi->cmdline : "";
	reserve(bi, (uint64_t)__kernel_start, (uint64_t)__kernel_end);
	reserve(bi, mbi_addr, mbi_addr + sizeof(*mbi));
	if (!(mbi->flags & MB_INFO_MMAP))
		panic("the boot loader gave no memory map");
	parse_mmap(mbi, bi);
	if (mbi->flags & MB_INFO_MODS) {
		reserve(bi, mbi->mods_addr, mbi->mods_addr + mbi->mods_count * sizeof(struct mb_module));
		parse_modules(mbi, bi);
	}
}

/* The first word of the command line that is key=... (or, unless need_value, key
 * alone): a pointer just after key, or NULL. */
static const char *find_key(const struct bootinfo *bi, const char *key, bool need_value)
{
	size_t n = strlen(key);

	for (const char *p = bi->cmdline; *p; p++) {
		bool word_start = p == bi->cmdline || p[-1] == ' ';
		bool ends = p[n] == '=' || (!need_value && (p[n] == '\0' || p[n] == ' '));

		if (word_start && !strncmp(p, key, n) && ends)
			return p + n;
	}
	return NULL;
}

bool bootinfo_flag(const struct bootinfo *bi, const char *key)
{
	return find_key(bi, key, false) != NULL;
}

const char *bootinfo_option(const struct bootinfo *bi, const char *key)
{
	const char *after = find_key(bi, key, true);

	return after ? after + 1 : NULL;
}
