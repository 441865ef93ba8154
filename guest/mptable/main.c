/*
 * The firmware a PC OS reads at boot, checked against the specifications
 * and printed in a form that is the same natively and under the hypervisor:
 * - the MP floating pointer, found where MP 4 says to search (the first KiB
 *   of the EBDA, the last KiB of base memory, the BIOS ROM at 0xF0000), and
 *   the configuration table it names, with MP 4.1, 4.2 and 4.3's rules:
 *   signatures, checksums, version 1.4, the entry count and length, the
 *   entries in ascending type order;
 * - what the table says: the processor (checked against CPUID and the local
 *   APIC's version register), the ISA bus, the IOAPIC (against its ID
 *   register), ISA IRQ 0-15's IOAPIC pins and LINT0/LINT1;
 * - the BIOS data area's EBDA segment and base memory size, against the
 *   Multiboot info's mem_lower and memory map;
 * - CGA text memory at 0xB8000: 32 KiB that keep what is written.
 *
 * QEMU's firmware (SeaBIOS) adds what the hypervisor leaves out, so those
 * parts are normalised: the table's PCI bus and its PCI interrupts are not
 * printed (PCI is outside the guest contract), nor the entry count and
 * length (checked, not printed), nor OEM strings or where the pointer was
 * found (each firmware chooses). ISA IRQ 0 is where the hypervisor differs:
 * QEMU's and Bochs's firmwares route it to pin 2 and leave IRQ 2 out (as MP
 * 5.3's default configurations wire it, Table 5-2), the hypervisor to pin 0 as its
 * platform wires it (kernel/pc/platform.h); either is printed as one line
 * once its rules hold. Natively the guest needs a VGA (tools/hvrun --vga) for
 * the CGA memory. Argument `dump` prints the raw entries and the floating
 * pointer's place too (not the same on both). Bochs's BIOS (tools/hvrun
 * --emu bochs-native) differs more: no LINT entries, the IOAPIC's ID 1, its
 * local APIC version 0x11 where the chip reads another, so the tests compare
 * with QEMU's.
 * MP: Intel MultiProcessor Specification 1.4, chapter 4.
 */
#include "guest.h"
#include "x86.h"

#define BDA_EBDA_SEGMENT 0x40E     /* word: the EBDA's real-mode segment */
#define BDA_BASE_KIB     0x413     /* word: base memory in KiB */
#define BIOS_ROM         0xF0000u  /* MP 4: the third area searched, to 0xFFFFF */
#define BIOS_ROM_SIZE    0x10000u
#define KIB              1024u
#define LAPIC_VERSION    0xFEE00030u
#define IOAPIC_REGSEL    0xFEC00000u
#define IOAPIC_WINDOW    0xFEC00010u
#define IOAPIC_REG_ID    0x00
#define IOAPIC_REG_VER   0x01
#define IOAPIC_ADDRESS   0xFEC00000u
#define LAPIC_ADDRESS    0xFEE00000u
#define CGA_TEXT         0xB8000u
#define CGA_TEXT_SIZE    0x8000u
#define IOAPIC_ID_SHIFT  24        /* the ID in bits 27:24 of IOAPICID. 82093AA: 3.2.1 */
#define IOAPIC_ID_MASK   0xF
#define IOAPIC_MAX_REDIR_SHIFT 16  /* IOAPICVER bits 23:16: the last redirection entry. 82093AA: 3.2.2 */
#define ISA_IRQS         16
#define NO_PIN           0xFF
#define IMCR_PRESENT     0x80       /* feature byte 2 bit 7 (IMCRP). MP 4.1 */
#define ALL_APICS        0xFF       /* a local interrupt's destination: every local APIC. MP 4.3.5 */

/* MP 4.1, Figure 4-2: the floating pointer structure. */
struct mp_pointer {
	char signature[4];      /* "_MP_" */
	uint32_t config;        /* the configuration table's physical address */
	uint8_t length;         /* in 16-byte units: 1 */
	uint8_t spec_rev;       /* 4: version 1.4 */
	uint8_t checksum;       /* all bytes sum to 0 */
	uint8_t features[5];    /* 1: default configuration (0: a table); 2 bit 7: IMCR present */
} __attribute__((packed));

/* MP 4.2, Figure 4-3: the configuration table header. */
struct mp_config {
	char signature[4];      /* "PCMP" */
	uint16_t length;        /* the base table's bytes, header included */
	uint8_t spec_rev;       /* 4 */
	uint8_t checksum;       /* the base table's bytes sum to 0 */
	char oem[8];
	char product[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entries;       /* entries in the base table */
	uint32_t lapic;         /* the local APIC's address */
	uint16_t ext_length;    /* the extended table's bytes */
	uint8_t ext_checksum;   /* with the extended table's bytes, sums to 0 */
	uint8_t reserved;
} __attribute__((packed));

/* MP 4.3, Table 4-3: entry types and lengths. */
enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_IO_INTERRUPT, MP_LOCAL_INTERRUPT, MP_TYPES };
static const uint8_t entry_length[MP_TYPES] = { 20, 8, 8, 8, 8 };

/* MP 4.3.1, Figure 4-4. */
struct mp_processor {
	uint8_t type, lapic_id, lapic_version, flags; /* flags: bit 0 enabled, bit 1 bootstrap */
	uint32_t signature, features;
	uint32_t reserved[2];
} __attribute__((packed));
#define CPU_ENABLED   0x01
#define CPU_BOOTSTRAP 0x02

/* MP 4.3.2, Figure 4-5. */
struct mp_bus {
	uint8_t type, id;
	char bus_type[6]; /* "ISA   " */
} __attribute__((packed));

/* MP 4.3.3, Figure 4-6. */
struct mp_ioapic {
	uint8_t type, id, version, flags; /* flags: bit 0 enabled */
	uint32_t address;
} __attribute__((packed));
#define IOAPIC_ENABLED 0x01

/* MP 4.3.4 and 4.3.5, Figures 4-7 and 4-8: an I/O or local interrupt assignment. */
struct mp_interrupt {
	uint8_t type, int_type; /* Table 4-7: 0 INT, 1 NMI, 2 SMI, 3 ExtINT */
	uint16_t flags;         /* polarity (bits 1:0), trigger (3:2): 0 conforms to the bus */
	uint8_t src_bus, src_irq, dst_apic, dst_pin;
} __attribute__((packed));
#define INT_VECTORED 0
#define INT_NMI      1
#define INT_EXTINT   3

static int failures;

/* Report a broken rule; the guest then ends with GUEST_FAILURE. */
static void fail(const char *what)
{
	gprintf("mptable: FAILED: %s\n", what);
	failures++;
}

/* The 32-bit word at physical address a (paging stays off). */
static uint32_t peek(uint32_t a)
{
	return *(volatile uint32_t *)a;
}

/* A word of low memory (the address hidden from GCC, which takes a constant near 0 for a null pointer). */
static uint16_t peek16(uint32_t a)
{
	__asm__("" : "+r"(a));
	return *(volatile uint16_t *)a;
}

/* IOAPIC register reg, through IOREGSEL and IOWIN. 82093AA: 3.1 */
static uint32_t ioapic_read(uint32_t reg)
{
	*(volatile uint32_t *)IOAPIC_REGSEL = reg;
	return peek(IOAPIC_WINDOW);
}

/* The byte sum of [p, p + n), which a right checksum makes 0. */
static uint8_t sum(const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

/* Whether the n characters at a and b are the same. */
static int same(const char *a, const char *b, uint32_t n)
{
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

/* The floating pointer in [base, base + len): on a 16-byte boundary, signed and summing to 0. MP 4.1 */
static const struct mp_pointer *search(uint32_t base, uint32_t len)
{
	for (uint32_t a = base; a + sizeof(struct mp_pointer) <= base + len; a += 16) {
		const struct mp_pointer *p = (const void *)a;

		if (same(p->signature, "_MP_", 4) && sum(p, sizeof(*p)) == 0)
			return p;
	}
	return NULL;
}

/* MP 4: the EBDA's first KiB, else base memory's last KiB, else the BIOS ROM. */
static const struct mp_pointer *find_pointer(void)
{
	uint32_t ebda = (uint32_t)peek16(BDA_EBDA_SEGMENT) << 4;
	const struct mp_pointer *p = NULL;

	if (ebda)
		p = search(ebda, KIB);
	if (!p)
		p = search(peek16(BDA_BASE_KIB) * KIB - KIB, KIB);
	if (!p)
		p = search(BIOS_ROM, BIOS_ROM_SIZE);
	return p;
}

/* CPUID leaf 1: the signature in EAX, the features in EDX. */
static void cpuid1(uint32_t *signature, uint32_t *features)
{
	uint32_t b, c;

	__asm__ volatile("cpuid" : "=a"(*signature), "=b"(b), "=c"(c), "=d"(*features) : "a"(1), "c"(0));
}

/* The floating pointer's rules (MP 4.1): length 1, version 1.4, a table rather than a default configuration. */
static void check_pointer(const struct mp_pointer *p)
{
	if (p->length != 1 || p->spec_rev != 4)
		fail("floating pointer: length or version not 1 and 1.4");
	if (p->features[0] != 0 || !p->config)
		fail("floating pointer: no configuration table");
	gprintf("mptable: floating pointer: length %u, spec 1.%u, checksum ok, a configuration table, IMCR %s\n",
		p->length, p->spec_rev, p->features[1] & IMCR_PRESENT ? "present (PIC mode)" : "absent (virtual wire mode)");
}

/* The header's rules (MP 4.2): signature, version, the base and the extended tables' checksums, the local APIC. */
static void check_header(const struct mp_config *c)
{
	if (!same(c->signature, "PCMP", 4) || c->spec_rev != 4)
		fail("configuration table: signature or version");
	if (sum(c, c->length) != 0)
		fail("configuration table: checksum");
	if (c->ext_length && (uint8_t)(sum((const uint8_t *)c + c->length, c->ext_length) + c->ext_checksum))
		fail("configuration table: extended table checksum");
	if (c->lapic != LAPIC_ADDRESS)
		fail("configuration table: the local APIC is not at 0xfee00000");
	gprintf("mptable: configuration table: PCMP, spec 1.%u, checksum ok, local APIC at %x\n", c->spec_rev,
		c->lapic);
}

/* A processor entry (MP 4.3.1), against the local APIC's version register and CPUID leaf 1. */
static void print_processor(const struct mp_processor *e, uint32_t signature, uint32_t features)
{
	uint32_t version = peek(LAPIC_VERSION) & 0xFF;

	gprintf("mptable: processor: APIC ID %u, %s, %s, APIC version %x (the chip's %s), signature %s, features %s\n",
		e->lapic_id, e->flags & CPU_ENABLED ? "enabled" : "disabled",
		e->flags & CPU_BOOTSTRAP ? "bootstrap" : "application", e->lapic_version,
		e->lapic_version == version ? "too" : "differs", e->signature == signature ? "as CPUID's" : "differs",
		e->features == features ? "as CPUID's" : "differ");
}

/* An IOAPIC entry (MP 4.3.3), against the chip's ID register. */
static void print_ioapic(const struct mp_ioapic *e)
{
	uint32_t id = ioapic_read(IOAPIC_REG_ID) >> IOAPIC_ID_SHIFT & IOAPIC_ID_MASK;

	gprintf("mptable: IOAPIC: ID %u (the chip's %s), %s, at %x\n", e->id, e->id == id ? "too" : "differs",
		e->flags & IOAPIC_ENABLED ? "enabled" : "disabled", e->address);
	if (e->address != IOAPIC_ADDRESS)
		fail("IOAPIC not at 0xfec00000");
}

/* A local interrupt entry (MP 4.3.5): which LINT pin, what kind of signal, which local APICs. */
static void print_local(const struct mp_interrupt *e)
{
	static const char *const kinds[] = { "INT", "NMI", "SMI", "ExtINT" }; /* MP Table 4-7 */

	gprintf("mptable: LINT%u: %s, flags %x, to ", e->dst_pin, e->int_type < 4 ? kinds[e->int_type] : "?",
		e->flags);
	if (e->dst_apic == ALL_APICS)
		gprintf("every local APIC\n");
	else
		gprintf("local APIC %u\n", e->dst_apic);
}

/*
 * ISA IRQ -> IOAPIC pin from the table's ISA interrupts, no pin twice: IRQ 0
 * on pin 0 (IRQ 2 then on pin 2) or on pin 2 (IRQ 2 then without one, MP
 * 5.3's default configurations); every other IRQ on the pin of its number.
 * Printed: the IRQs of the PC AT's own devices; QEMU's firmware gives 5 and
 * 9-11 to PCI and leaves them out, the hypervisor lists them (on their pins).
 */
static void print_isa_irqs(const uint8_t *pin, uint32_t pins)
{
	static const uint8_t at_devices[] = { 1, 3, 4, 6, 7, 8, 12, 13, 14, 15 };
	uint32_t used = 0;

	for (int irq = 0; irq < ISA_IRQS; irq++) {
		if (pin[irq] == NO_PIN)
			continue;
		if (pin[irq] >= pins || used & (1u << pin[irq]))
			fail("an ISA IRQ on a pin past the IOAPIC's or on a pin another has");
		if (irq != 0 && irq != 2 && pin[irq] != irq)
			fail("an ISA IRQ besides 0 and 2 on a pin not of its number");
		used |= 1u << pin[irq];
	}
	if ((pin[0] == 0 && pin[2] == 2) || (pin[0] == 2 && pin[2] == NO_PIN))
		gprintf("mptable: ISA IRQ 0 -> a pin of its own (pin 0, or pin 2 with IRQ 2 unassigned)\n");
	else
		fail("ISA IRQ 0 and 2: neither identity nor MP 5.3's IRQ 0 on pin 2");
	gprintf("mptable: ISA IRQ");
	for (uint32_t i = 0; i < sizeof(at_devices); i++)
		gprintf("%s %u -> %d", i ? "," : "", at_devices[i],
			pin[at_devices[i]] == NO_PIN ? -1 : pin[at_devices[i]]);
	gprintf("; the others on their own pins or unassigned\n");
}

/* Walk the base table's entries: MP 4.3's rules, then what they say. */
static void check_entries(const struct mp_config *c, int dump)
{
	const uint8_t *e = (const uint8_t *)(c + 1), *end = (const uint8_t *)c + c->length;
	uint8_t pin[ISA_IRQS], isa_bus = NO_PIN, last_type = 0;
	uint32_t signature, features, pins = (ioapic_read(IOAPIC_REG_VER) >> IOAPIC_MAX_REDIR_SHIFT & 0xFF) + 1;
	int n = 0, processors = 0, ioapics = 0, isa_interrupts = 0, other_flags = 0;

	cpuid1(&signature, &features);
	memset(pin, NO_PIN, sizeof(pin));
	for (; e < end; e += entry_length[*e], n++) {
		if (*e >= MP_TYPES || e + entry_length[*e] > end) {
			fail("an entry of unknown type, or one past the table's length");
			return;
		}
		if (dump)
			gprintf("mptable: dump: entry %d: %x %x %x %x  %x %x %x %x\n", n, e[0], e[1], e[2], e[3], e[4],
				e[5], e[6], e[7]);
		if (*e < last_type)
			fail("entries not in ascending type order");
		last_type = *e;
		switch (*e) {
		case MP_PROCESSOR:
			processors++;
			print_processor((const void *)e, signature, features);
			break;
		case MP_BUS:
			if (same(((const struct mp_bus *)e)->bus_type, "ISA   ", 6)) {
				isa_bus = ((const struct mp_bus *)e)->id;
				gprintf("mptable: bus: ISA\n");
			}
			break;
		case MP_IOAPIC:
			ioapics++;
			print_ioapic((const void *)e);
			break;
		case MP_IO_INTERRUPT: {
			const struct mp_interrupt *i = (const void *)e;

			if (i->src_bus != isa_bus || i->int_type != INT_VECTORED || i->src_irq >= ISA_IRQS)
				break; /* PCI's, or the 8259A's ExtINT on pin 0 */
			isa_interrupts++;
			other_flags |= i->flags;
			pin[i->src_irq] = i->dst_pin;
			break;
		}
		case MP_LOCAL_INTERRUPT:
			print_local((const void *)e);
			break;
		}
	}
	if (n != c->entries)
		fail("the entry count disagrees with the entries within the length");
	gprintf("mptable: %d processor, %d IOAPIC of %u pins, ISA interrupts %s\n", processors, ioapics, pins,
		other_flags ? "with their own polarity or trigger" : "conforming to the bus (edge, active high)");
	print_isa_irqs(pin, pins);
}

/* MP 4, and the BIOS data area the search reads. */
static void check_bda(const struct mb_info *mbi, const struct mp_pointer *p)
{
	uint32_t ebda = (uint32_t)peek16(BDA_EBDA_SEGMENT) << 4, base_kib = peek16(BDA_BASE_KIB);

	gprintf("mptable: BIOS data area: EBDA at %x, base memory %u KiB (mem_lower %s)\n", ebda, base_kib,
		mbi->mem_lower == base_kib ? "the same" : "differs");
	if (ebda != base_kib * KIB)
		fail("the EBDA does not begin where base memory ends");
	if (!((uint32_t)p - ebda < KIB || (uint32_t)p - (base_kib * KIB - KIB) < KIB ||
	      (uint32_t)p - BIOS_ROM < BIOS_ROM_SIZE))
		fail("the floating pointer lies outside MP 4's areas");
}

/*
 * The memory map: its available ranges, its reserved ones below 1 MiB (natively
 * more follow above the RAM: the BIOS ROM's alias below 4 GiB), and whether
 * an available range holds the EBDA, the MP structures or the BIOS ROM.
 */
static void check_map(const struct mb_info *mbi, const struct mp_pointer *p)
{
	uint32_t ebda = (uint32_t)peek16(BDA_EBDA_SEGMENT) << 4, table = p->config;
	int overlaps = 0;

	if (!(mbi->flags & MB_INFO_MMAP)) {
		fail("no memory map");
		return;
	}
	for (int available = 1; available >= 0; available--) {
		gprintf("mptable: memory map: %s", available ? "available" : "reserved below 1 MiB");
		for (uint32_t a = mbi->mmap_addr; a < mbi->mmap_addr + mbi->mmap_length;) {
			const struct mb_mmap_entry *m = (const void *)a;
			uint32_t start = (uint32_t)m->addr, end = (uint32_t)(m->addr + m->len);

			if ((m->type == MB_MMAP_AVAILABLE) == available && m->addr >> 32 == 0 &&
			    (available || m->addr + m->len <= BIOS_ROM + BIOS_ROM_SIZE))
				gprintf(" %x-%x", start, end);
			if (available && m->type == MB_MMAP_AVAILABLE && m->addr < 0x100000 &&
			    (ebda - start < end - start || table - start < end - start ||
			     (uint32_t)p - start < end - start || end > BIOS_ROM))
				overlaps++;
			a += m->size + 4;
		}
		gprintf("\n");
	}
	gprintf("mptable: memory map: the EBDA, the MP structures and the BIOS ROM %s\n",
		overlaps ? "lie in available RAM" : "lie outside available RAM");
}

/* The word written to CGA text memory's word i: a letter, its attribute varied with i. */
static uint16_t cga_pattern(uint32_t i)
{
	return (uint16_t)((0x0700 | ('a' + i % 26)) ^ (i << 8 & 0x7000));
}

/* CGA text memory: every word of its 32 KiB keeps what is written. */
static void check_cga(void)
{
	volatile uint16_t *cga = (volatile uint16_t *)CGA_TEXT;
	uint32_t n = CGA_TEXT_SIZE / 2, bad = 0;

	for (uint32_t i = 0; i < n; i++)
		cga[i] = cga_pattern(i);
	for (uint32_t i = 0; i < n; i++)
		bad += cga[i] != cga_pattern(i);
	gprintf("mptable: CGA text memory: %u KiB at %x, %u words read back differently\n", CGA_TEXT_SIZE / KIB,
		CGA_TEXT, bad);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	int dump = arg_flag(mb_args(mbi), "dump");
	const struct mp_pointer *p;

	(void)magic;
	console_init();
	p = find_pointer();
	if (!p) {
		fail("no MP floating pointer in the EBDA, base memory's last KiB or the BIOS ROM");
		return GUEST_FAILURE;
	}
	if (dump)
		gprintf("mptable: dump: pointer at %x, table at %x, %u entries, %u bytes, OEM %x\n", (uint32_t)p,
			p->config, ((const struct mp_config *)p->config)->entries,
			((const struct mp_config *)p->config)->length, peek(p->config + 8));
	check_pointer(p);
	check_header((const void *)p->config);
	check_entries((const void *)p->config, dump);
	check_bda(mbi, p);
	check_map(mbi, p);
	check_cga();
	gprintf("mptable: %s\n", failures ? "FAILED" : "all checks passed");
	return failures ? GUEST_FAILURE : GUEST_SUCCESS;
}
