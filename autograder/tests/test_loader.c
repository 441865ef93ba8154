/*
 * The guest loader against a valid image built here byte by byte, and
 * against one broken copy of it per check. A refusal must name the problem
 * and leave the guest RAM untouched.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "kernel/loader.h"
#include "kernel/multiboot.h"

#define RAM_SIZE   (16u << 20)
#define LOAD_ADDR  0x100000u
#define CODE_SIZE  64u
#define BSS_SIZE   0x2000u
#define EHDR_SIZE  52u
#define PHDR_SIZE  32u
#define MB_OFFSET  (EHDR_SIZE + PHDR_SIZE)      /* Multiboot header right after */
#define CODE_OFFSET (MB_OFFSET + 12)
#define IMAGE_SIZE (CODE_OFFSET + CODE_SIZE)

static uint8_t image[IMAGE_SIZE];
static uint8_t *ram;
static struct guest_image g;
static char err[200];

static void put16(size_t off, uint16_t v) { memcpy(image + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(image + off, &v, 4); }

/* A minimal guest: one PT_LOAD segment holding the whole file at 1 MiB, plus bss. */
static void build_valid_image(void)
{
	memset(image, 0, sizeof(image));
	memcpy(image, "\x7f" "ELF", 4);
	image[4] = 1;                 /* ELFCLASS32 */
	image[5] = 1;                 /* little-endian */
	image[6] = 1;                 /* EV_CURRENT */
	put16(16, 2);                 /* e_type ET_EXEC */
	put16(18, 3);                 /* e_machine EM_386 */
	put32(20, 1);                 /* e_version */
	put32(24, LOAD_ADDR + CODE_OFFSET); /* e_entry */
	put32(28, EHDR_SIZE);         /* e_phoff */
	put16(40, EHDR_SIZE);         /* e_ehsize */
	put16(42, PHDR_SIZE);         /* e_phentsize */
	put16(44, 1);                 /* e_phnum */
	put32(EHDR_SIZE + 0, 1);      /* p_type PT_LOAD */
	put32(EHDR_SIZE + 4, 0);      /* p_offset */
	put32(EHDR_SIZE + 8, LOAD_ADDR);  /* p_vaddr */
	put32(EHDR_SIZE + 12, LOAD_ADDR); /* p_paddr */
	put32(EHDR_SIZE + 16, IMAGE_SIZE);            /* p_filesz */
	put32(EHDR_SIZE + 20, IMAGE_SIZE + BSS_SIZE); /* p_memsz */
	put32(MB_OFFSET, MB_HEADER_MAGIC);
	put32(MB_OFFSET + 4, MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMORY_INFO);
	put32(MB_OFFSET + 8, -(MB_HEADER_MAGIC + (MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMORY_INFO)));
	for (unsigned i = 0; i < CODE_SIZE; i++)
		image[CODE_OFFSET + i] = 0x90; /* nop */
}

static void setup(void)
{
	build_valid_image();
	ram = malloc(RAM_SIZE);
	cr_assert_not_null(ram);
	memset(ram, 0xAA, RAM_SIZE);
	err[0] = '\0';
}

static void teardown(void)
{
	free(ram);
}

/* Load a broken image: it must be refused with `expected` in the reason, RAM untouched. */
static void expect_refusal(size_t size, const char *expected)
{
	cr_assert_not(load_guest_elf(image, size, ram, RAM_SIZE, &g, err, sizeof(err)),
		      "the broken image was loaded");
	cr_assert(strstr(err, expected), "reason \"%s\" does not mention \"%s\"", err, expected);
	for (size_t i = LOAD_ADDR; i < LOAD_ADDR + IMAGE_SIZE + BSS_SIZE; i++)
		cr_assert_eq(ram[i], 0xAA, "RAM changed at %#zx by a refused image", i);
}

TestSuite(loader, .init = setup, .fini = teardown);

Test(loader, valid_image_is_copied_and_bss_zeroed)
{
	cr_assert(load_guest_elf(image, IMAGE_SIZE, ram, RAM_SIZE, &g, err, sizeof(err)), "%s", err);
	cr_assert_eq(g.entry, LOAD_ADDR + CODE_OFFSET);
	cr_assert_eq(g.load_start, LOAD_ADDR);
	cr_assert_eq(g.load_end, LOAD_ADDR + IMAGE_SIZE + BSS_SIZE);
	cr_assert_arr_eq(ram + LOAD_ADDR, image, IMAGE_SIZE);
	for (size_t i = 0; i < BSS_SIZE; i++)
		cr_assert_eq(ram[LOAD_ADDR + IMAGE_SIZE + i], 0, "bss byte %zu not zero", i);
	cr_assert_eq(ram[LOAD_ADDR - 1], 0xAA, "byte below the segment touched");
}

Test(loader, text_file_is_not_elf)
{
	memcpy(image, "hello, world\n", 13);
	expect_refusal(13, "not an ELF file");
}

Test(loader, elf64_is_refused_by_name)
{
	image[4] = 2;
	expect_refusal(IMAGE_SIZE, "ELF64");
}

Test(loader, file_shorter_than_elf_header_is_truncated)
{
	expect_refusal(20, "truncated");
}

Test(loader, wrong_machine_is_refused)
{
	put16(18, 62); /* EM_X86_64 */
	expect_refusal(IMAGE_SIZE, "not an i386 executable");
}

Test(loader, program_headers_past_end_of_file)
{
	put32(28, IMAGE_SIZE + 100);
	expect_refusal(IMAGE_SIZE, "program headers at offset");
}

Test(loader, missing_multiboot_header)
{
	put32(MB_OFFSET, 0x12345678);
	expect_refusal(IMAGE_SIZE, "no Multiboot v1 header");
}

Test(loader, multiboot_checksum_off_by_one)
{
	put32(MB_OFFSET + 8, -(MB_HEADER_MAGIC + 3) + 1);
	expect_refusal(IMAGE_SIZE, "bad checksum");
}

Test(loader, multiboot_unknown_required_flag)
{
	uint32_t flags = MB_HFLAG_MEMORY_INFO | (1u << 5);

	put32(MB_OFFSET + 4, flags);
	put32(MB_OFFSET + 8, -(MB_HEADER_MAGIC + flags));
	expect_refusal(IMAGE_SIZE, "requires flags 0x20");
}

Test(loader, multiboot_aout_kludge_refused)
{
	uint32_t flags = MB_HFLAG_AOUT_KLUDGE;

	put32(MB_OFFSET + 4, flags);
	put32(MB_OFFSET + 8, -(MB_HEADER_MAGIC + flags));
	expect_refusal(IMAGE_SIZE, "a.out");
}

Test(loader, truncated_segment_data)
{
	expect_refusal(IMAGE_SIZE - 10, "truncated image");
}

Test(loader, segment_outside_guest_ram)
{
	put32(EHDR_SIZE + 12, RAM_SIZE - 16); /* paddr: runs past the end of RAM */
	expect_refusal(IMAGE_SIZE, "outside the VM's RAM");
}

Test(loader, segment_address_wraps_around)
{
	put32(EHDR_SIZE + 12, 0xFFFFF000u);
	expect_refusal(IMAGE_SIZE, "outside the VM's RAM");
}

Test(loader, segment_below_one_mib)
{
	put32(EHDR_SIZE + 12, 0x1000);
	expect_refusal(IMAGE_SIZE, "below 1 MiB");
}

Test(loader, filesz_larger_than_memsz)
{
	put32(EHDR_SIZE + 20, 8);
	expect_refusal(IMAGE_SIZE, "exceeds memory size");
}

Test(loader, entry_outside_segments)
{
	put32(24, 0x900000);
	expect_refusal(IMAGE_SIZE, "entry point 0x900000");
}

Test(loader, no_loadable_segment)
{
	put32(EHDR_SIZE + 0, 4); /* PT_NOTE */
	expect_refusal(IMAGE_SIZE, "no loadable");
}
