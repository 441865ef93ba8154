/*
 * mkbad IN.elf OUTDIR: write malformed copies of a valid guest, each
 * breaking one check of the guest loader (kernel/loader.c), for the tests
 * that boot them and expect a named refusal.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ELF32 (System V ABI): field offsets in the file header and a program header. */
#define EHDR_SIZE    52 /* sizeof(Elf32_Ehdr) */
#define EI_CLASS     4  /* e_ident[EI_CLASS] */
#define ELFCLASS32   1
#define ELFCLASS64   2
#define EHDR_ENTRY   24 /* e_entry */
#define EHDR_PHOFF   28 /* e_phoff */
#define EHDR_PHNUM   44 /* e_phnum */
#define PHDR_SIZE    32 /* sizeof(Elf32_Phdr) */
#define PHDR_OFFSET  4  /* p_offset */
#define PHDR_PADDR   12 /* p_paddr */
#define PHDR_FILESZ  16 /* p_filesz */
#define PT_LOAD      1

/* Multiboot v1 header: magic, flags, checksum, within the first 8 KiB. */
#define MB_MAGIC     0x1BADB002u
#define MB_CHECKSUM  8
#define MB_HDR_SIZE  12
#define MB_SEARCH    8192

/* What the variants put in. */
#define OUTSIDE_PADDR 0x4000000u /* 64 MiB: beyond a 16 MiB VM */
#define LOWMEM_PADDR  0x1000u    /* below 1 MiB */
#define BAD_ENTRY     0x00F00000u /* 15 MiB: in RAM, but in no segment of a small guest */
#define MAX_IMAGE     (1 << 22)

static const char *in_path, *out_dir;

static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* Write size bytes of data to OUTDIR/name.elf or exit naming the file. */
static void write_image(const char *name, const uint8_t *data, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.elf", out_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		fprintf(stderr, "mkbad: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* Offset of the first PT_LOAD program header, or exit. */
static size_t first_load(const uint8_t *img, size_t size)
{
	uint32_t phoff = get32(img + EHDR_PHOFF);
	uint16_t phnum;

	memcpy(&phnum, img + EHDR_PHNUM, 2);
	for (uint16_t i = 0; i < phnum; i++) {
		size_t ph = phoff + (size_t)PHDR_SIZE * i;

		if (ph + PHDR_SIZE <= size && get32(img + ph) == PT_LOAD)
			return ph;
	}
	fprintf(stderr, "mkbad: %s: no PT_LOAD segment\n", in_path);
	exit(1);
}

/* Offset of the Multiboot header magic, or exit. */
static size_t multiboot_header(const uint8_t *img, size_t size)
{
	for (size_t off = 0; off + MB_HDR_SIZE <= size && off < MB_SEARCH; off += 4)
		if (get32(img + off) == MB_MAGIC)
			return off;
	fprintf(stderr, "mkbad: %s: no Multiboot header\n", in_path);
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkbad IN.elf OUTDIR\n");
		return 2;
	}
	in_path = argv[1];
	out_dir = argv[2];
	FILE *f = fopen(in_path, "rb");
	static uint8_t img[MAX_IMAGE + 1], bad[MAX_IMAGE];
	size_t size;

	if (!f) {
		fprintf(stderr, "mkbad: cannot open %s: %s\n", in_path, strerror(errno));
		return 1;
	}
	size = fread(img, 1, sizeof(img), f);
	fclose(f);
	if (size > MAX_IMAGE) {
		fprintf(stderr, "mkbad: %s is larger than %d bytes\n", in_path, MAX_IMAGE);
		return 1;
	}
	if (size < EHDR_SIZE || memcmp(img, "\x7f" "ELF", 4) != 0 || img[EI_CLASS] != ELFCLASS32) {
		fprintf(stderr, "mkbad: %s is not an ELF32 file\n", in_path);
		return 1;
	}
	size_t ph = first_load(img, size), mb = multiboot_header(img, size);
	uint32_t seg_off = get32(img + ph + PHDR_OFFSET), seg_size = get32(img + ph + PHDR_FILESZ);

	if (seg_size < 2 || (uint64_t)seg_off + seg_size > size) {
		fprintf(stderr, "mkbad: %s: first PT_LOAD (offset %#x, %u bytes) is not inside the file: start from a valid guest\n",
			in_path, seg_off, seg_size);
		return 1;
	}
	const char text[] = "This is a text file, not a guest.\n";

	write_image("notelf", (const uint8_t *)text, sizeof(text) - 1);
#define VARIANT(name, edit) do { memcpy(bad, img, size); edit; write_image(name, bad, size); } while (0)
	VARIANT("elf64", bad[EI_CLASS] = ELFCLASS64);
	VARIANT("nomultiboot", put32(bad + mb, 0xDEADBEEF));
	VARIANT("badchecksum", put32(bad + mb + MB_CHECKSUM, get32(img + mb + MB_CHECKSUM) + 1));
	VARIANT("outside", put32(bad + ph + PHDR_PADDR, OUTSIDE_PADDR));
	VARIANT("badphdr", put32(bad + EHDR_PHOFF, (uint32_t)size + 64));
	VARIANT("lowmem", put32(bad + ph + PHDR_PADDR, LOWMEM_PADDR));
	VARIANT("entry", put32(bad + EHDR_ENTRY, BAD_ENTRY));
#undef VARIANT
	write_image("truncated", img, seg_off + seg_size / 2);
	return 0;
}
