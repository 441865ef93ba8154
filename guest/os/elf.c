/*
 * Loading the user program: an ELF32 executable embedded in the kernel
 * (user_image.S). Its PT_LOAD segments are copied into fresh frames; the
 * pages past the file data (.bss) are left unmapped, to be mapped on first
 * touch. ELF: System V ABI, "Program Loading".
 */
#include "guest.h"
#include "os.h"
#include "paging.h"

#define ELF_MAGIC  0x464C457F /* "\x7fELF", little-endian */
#define ELFCLASS32 1
#define EM_386     3
#define PT_LOAD    1
#define PF_W       2

struct elf32_ehdr {
	uint32_t magic;
	uint8_t class, data, version, pad[9];
	uint16_t type, machine;
	uint32_t version2, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

/* Copy the file bytes of segment ph that fall in the page at va into a new frame; map it. */
static void load_page(uint32_t pgdir, const uint8_t *image, const struct elf32_phdr *ph, uint32_t va)
{
	uint32_t pa = frame_alloc();
	uint32_t from = va > ph->vaddr ? va : ph->vaddr;
	uint32_t to = va + PAGE_SIZE < ph->vaddr + ph->filesz ? va + PAGE_SIZE : ph->vaddr + ph->filesz;

	memcpy((uint8_t *)P2V(pa) + (from - va), image + ph->offset + (from - ph->vaddr), to - from);
	vm_map(pgdir, va, pa, PTE_US | (ph->flags & PF_W ? PTE_RW : 0));
}

/* Load the program into pgdir, set p's image bounds; returns the entry point. Panics on a bad file. */
uint32_t elf_load(uint32_t pgdir, const uint8_t *image, uint32_t size, struct proc *p)
{
	const struct elf32_ehdr *eh = (const void *)image;

	if (size < sizeof(*eh) || eh->magic != ELF_MAGIC || eh->class != ELFCLASS32 ||
	    eh->machine != EM_386 || eh->phentsize != sizeof(struct elf32_phdr) ||
	    eh->phoff + eh->phnum * sizeof(struct elf32_phdr) > size)
		panic("user program: not an ELF32 i386 executable");
	p->image_start = KERNEL_BASE;
	p->image_end = 0;
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf32_phdr *ph = (const void *)(image + eh->phoff + i * sizeof(*ph));

		if (ph->type != PT_LOAD)
			continue;
		if (ph->vaddr + ph->memsz > KERNEL_BASE || ph->vaddr + ph->memsz < ph->vaddr ||
		    ph->filesz > ph->memsz || ph->offset + ph->filesz > size)
			panic("user program: bad segment %d", i);
		for (uint32_t va = PAGE_DOWN(ph->vaddr); va < ph->vaddr + ph->filesz; va += PAGE_SIZE)
			load_page(pgdir, image, ph, va);
		if (PAGE_DOWN(ph->vaddr) < p->image_start)
			p->image_start = PAGE_DOWN(ph->vaddr);
		if (PAGE_UP(ph->vaddr + ph->memsz) > p->image_end)
			p->image_end = PAGE_UP(ph->vaddr + ph->memsz);
	}
	return eh->entry;
}
