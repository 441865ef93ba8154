/*
 * The guest loader. All checks come before any byte is copied, so a refused
 * image leaves the VM's RAM as it was. ELF: System V ABI, Intel386
 * supplement; Multiboot: specification 0.6.96, 3.1.
 */
#include "kernel/loader.h"
#include "kernel/multiboot.h"

/* ELF32 file header and program header, the fields we read. */
struct elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define EI_CLASS      4
#define EI_DATA       5
#define ELFCLASS32    1
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define ET_EXEC       2
#define EM_386        3
#define PT_LOAD       1
#define MAX_SEGMENTS  64

/* Format a refusal into err; always returns false. */
static bool refuse(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool refuse(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return false;
}

/* The ELF header: an i386 ELF32 executable whose program headers lie in the file. */
static bool check_elf_header(const uint8_t *image, size_t size, char *err, size_t n)
{
	const struct elf32_ehdr *eh = (const void *)image;

	if (size < 4 || memcmp(image, "\x7f" "ELF", 4) != 0)
		return refuse(err, n, "not an ELF file (no \\x7fELF magic at offset 0)");
	if (size < sizeof(*eh))
		return refuse(err, n, "truncated: %zu bytes, an ELF32 header needs %zu", size,
			      sizeof(*eh));
	if (eh->ident[EI_CLASS] == ELFCLASS64)
		return refuse(err, n, "ELF64 image: guests must be ELF32 i386 (link with -m elf_i386)");
	if (eh->ident[EI_CLASS] != ELFCLASS32 || eh->ident[EI_DATA] != ELFDATA2LSB)
		return refuse(err, n, "not a little-endian ELF32 file (class %u, data %u)",
			      eh->ident[EI_CLASS], eh->ident[EI_DATA]);
	if (eh->machine != EM_386 || eh->type != ET_EXEC)
		return refuse(err, n, "not an i386 executable (e_machine %u, e_type %u)",
			      eh->machine, eh->type);
	if (eh->phnum == 0 || eh->phnum > MAX_SEGMENTS ||
	    eh->phentsize != sizeof(struct elf32_phdr))
		return refuse(err, n, "bad program header table (%u entries of %u bytes)",
			      eh->phnum, eh->phentsize);
	if ((uint64_t)eh->phoff + (uint64_t)eh->phnum * sizeof(struct elf32_phdr) > size)
		return refuse(err, n, "program headers at offset %u run past the end of the file (%zu bytes)",
			      eh->phoff, size);
	return true;
}

/* The Multiboot v1 header: in the first 8 KiB, 4-byte aligned, checksum and flags right. */
static bool check_multiboot_header(const uint8_t *image, size_t size, char *err, size_t n)
{
	size_t limit = size < MB_HEADER_SEARCH ? size : MB_HEADER_SEARCH;

	for (size_t off = 0; off + sizeof(struct mb_header) <= limit; off += 4) {
		const struct mb_header *h = (const void *)(image + off);

		if (h->magic != MB_HEADER_MAGIC)
			continue;
		if ((uint32_t)(h->magic + h->flags + h->checksum) != 0)
			return refuse(err, n, "Multiboot header at offset %zu: bad checksum (magic + flags + checksum = %#x, must be 0)",
				      off, (uint32_t)(h->magic + h->flags + h->checksum));
		if (h->flags & MB_HFLAG_AOUT_KLUDGE)
			return refuse(err, n, "Multiboot header at offset %zu asks for a.out load addresses (flag 16): link as ELF without it",
				      off);
		uint32_t unknown = h->flags & MB_HFLAG_REQUIRED_MASK &
				   ~(MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMORY_INFO | MB_HFLAG_VIDEO_MODE);
		if (unknown)
			return refuse(err, n, "Multiboot header at offset %zu requires flags %#x this loader does not know",
				      off, unknown);
		return true;
	}
	return refuse(err, n, "no Multiboot v1 header (magic %#x) in the first %d bytes",
		      MB_HEADER_MAGIC, MB_HEADER_SEARCH);
}

/* One PT_LOAD segment: its file bytes exist and its memory lies in RAM above 1 MiB. */
static bool check_segment(const struct elf32_phdr *ph, int i, size_t size, uint64_t ram_size,
			  char *err, size_t n)
{
	uint64_t end = (uint64_t)ph->paddr + ph->memsz;

	if (ph->filesz > ph->memsz)
		return refuse(err, n, "segment %d: file size %#x exceeds memory size %#x", i,
			      ph->filesz, ph->memsz);
	if ((uint64_t)ph->offset + ph->filesz > size)
		return refuse(err, n, "segment %d: file bytes %#x-%#lx run past the end of the file (%zu bytes): truncated image",
			      i, ph->offset, (uint64_t)ph->offset + ph->filesz, size);
	if (ph->paddr < GUEST_LOAD_MIN)
		return refuse(err, n, "segment %d: guest-physical %#x is below 1 MiB (guests load at 1 MiB and up)",
			      i, ph->paddr);
	if (end > ram_size)
		return refuse(err, n, "segment %d: guest-physical %#x-%#lx is outside the VM's RAM (%lu MiB, up to %#lx)",
			      i, ph->paddr, end, ram_size / MiB, ram_size);
	return true;
}

bool load_guest_elf(const uint8_t *image, size_t size, uint8_t *ram, uint64_t ram_size,
		    struct guest_image *out, char *err, size_t err_size)
{
	if (!check_elf_header(image, size, err, err_size) ||
	    !check_multiboot_header(image, size, err, err_size))
		return false;

	const struct elf32_ehdr *eh = (const void *)image;
	const struct elf32_phdr *ph = (const void *)(image + eh->phoff);
	struct guest_image g = { .load_start = UINT32_MAX };
	bool entry_loaded = false;

	for (int i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
			continue;
		if (!check_segment(&ph[i], i, size, ram_size, err, err_size))
			return false;
		if (ph[i].paddr < g.load_start)
			g.load_start = ph[i].paddr;
		if (ph[i].paddr + ph[i].memsz > g.load_end)
			g.load_end = ph[i].paddr + ph[i].memsz;
		if (eh->entry >= ph[i].paddr && eh->entry < ph[i].paddr + ph[i].memsz)
			entry_loaded = true;
	}
	if (g.load_end == 0)
		return refuse(err, err_size, "no loadable (PT_LOAD) segment");
	if (!entry_loaded)
		return refuse(err, err_size, "entry point %#x is not inside any loaded segment",
			      eh->entry);

	for (int i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
			continue;
		memcpy(ram + ph[i].paddr, image + ph[i].offset, ph[i].filesz);
		memset(ram + ph[i].paddr + ph[i].filesz, 0, ph[i].memsz - ph[i].filesz);
	}
	g.entry = eh->entry;
	*out = g;
	return true;
}
