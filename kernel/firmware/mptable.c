/*
 * The MP table of a VM: the floating pointer in the EBDA's first KiB, where
 * an OS's search looks first (MP: Intel MultiProcessor Specification 1.4,
 * 4 (MP Floating Pointer Structure)), and right after it the configuration
 * table (4.2) with its entries in the order of their types (4.3):
 * - one processor, the bootstrap one (4.3.1);
 * - one bus, ISA (4.3.2); no PCI, which the guest contract leaves out;
 * - one IOAPIC (4.3.3);
 * - the ISA IRQs on the IOAPIC pins pc_ioapic_pin (kernel/pc/platform.c)
 *   wires them to (4.3.4): IRQ n on pin n, but IRQ 0 on pin 2 and IRQ 2 (the
 *   PICs' cascade, no device's) on none, as the default configurations wire
 *   them (5.3, Table 5-2: the 8259A's INTR on INTIN0, IRQ 0 on INTIN2) and as
 *   the firmwares of QEMU (SeaBIOS) and Bochs report them;
 * - the 8259A's output on LINT0 as ExtINT, NMI on LINT1 (4.3.5): the virtual
 *   wire mode (3.6.2.2) the IMCR-less floating pointer announces.
 */
#include "kernel/firmware/mptable.h"

#define POINTER_SIGNATURE "_MP_"
#define CONFIG_SIGNATURE  "PCMP"
#define OEM_ID            "HVTEACH "     /* 8 characters, space-padded. MP 4.2 */
#define PRODUCT_ID        "PC          " /* 12 characters */
#define PARAGRAPHS        1              /* the floating pointer's length in 16-byte units */
#define LINT0             0
#define LINT1             1

_Static_assert(MPTABLE_CONFIG_GPA + MPTABLE_CONFIG_SIZE <= BIOS_EBDA_GPA + BIOS_EBDA_KIB * KiB,
	       "the MP table fits in the EBDA");

/* The value that makes the n bytes at p sum to 0 (modulo 256). MP 4.1, 4.2 (CHECKSUM) */
static uint8_t checksum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (n--)
		sum += *b++;
	return (uint8_t)-sum;
}

/* Append the entry of n bytes at entry to the table at *next; count it. */
static void append(uint8_t **next, uint16_t *entries, const void *entry, size_t n)
{
	memcpy(*next, entry, n);
	*next += n;
	(*entries)++;
}

/* The ISA interrupts and the local ones, after the processor, bus and IOAPIC. MP 4.3.4, 4.3.5 */
static void append_interrupts(uint8_t **next, uint16_t *entries, const struct mptable_facts *f)
{
	for (unsigned irq = 0; irq < PC_ISA_IRQS; irq++) {
		int pin = pc_ioapic_pin(irq);
		struct mp_interrupt e = { MP_IO_INTERRUPT, MP_INT, MP_FLAGS_CONFORM, MPTABLE_ISA_BUS,
					  (uint8_t)irq, f->ioapic_id, (uint8_t)pin };

		if (pin != PC_NO_PIN)
			append(next, entries, &e, sizeof(e));
	}
	struct mp_interrupt lint0 = { MP_LOCAL_INTERRUPT, MP_EXTINT, MP_FLAGS_CONFORM, MPTABLE_ISA_BUS, 0,
				      f->lapic_id, LINT0 };
	struct mp_interrupt lint1 = { MP_LOCAL_INTERRUPT, MP_NMI, MP_FLAGS_CONFORM, MPTABLE_ISA_BUS, 0,
				      MPTABLE_ALL_APICS, LINT1 };

	append(next, entries, &lint0, sizeof(lint0));
	append(next, entries, &lint1, sizeof(lint1));
}

void mptable_build(uint8_t *ram, const struct mptable_facts *f)
{
	struct mp_floating_pointer *mp = (void *)(ram + MPTABLE_POINTER_GPA);
	struct mp_config_header *conf = (void *)(ram + MPTABLE_CONFIG_GPA);
	uint8_t *next = (uint8_t *)(conf + 1);
	uint16_t entries = 0;
	struct mp_processor cpu = { MP_PROCESSOR, f->lapic_id, f->lapic_version,
				    MP_CPU_ENABLED | MP_CPU_BOOTSTRAP, f->cpu_signature, f->cpu_features, { 0 } };
	struct mp_bus isa = { MP_BUS, MPTABLE_ISA_BUS, "ISA   " };
	struct mp_ioapic ioapic = { MP_IOAPIC, f->ioapic_id, f->ioapic_version, MP_IOAPIC_ENABLED,
				    f->ioapic_address };

	memset(conf, 0, MPTABLE_CONFIG_SIZE);
	append(&next, &entries, &cpu, sizeof(cpu));
	append(&next, &entries, &isa, sizeof(isa));
	append(&next, &entries, &ioapic, sizeof(ioapic));
	append_interrupts(&next, &entries, f);
	memcpy(conf->signature, CONFIG_SIGNATURE, sizeof(conf->signature));
	memcpy(conf->oem, OEM_ID, sizeof(conf->oem));
	memcpy(conf->product, PRODUCT_ID, sizeof(conf->product));
	conf->length = (uint16_t)(next - (uint8_t *)conf);
	conf->spec_rev = MPTABLE_SPEC_REV;
	conf->entries = entries;
	conf->lapic = f->lapic_address;
	conf->checksum = checksum(conf, conf->length);

	memset(mp, 0, sizeof(*mp));
	memcpy(mp->signature, POINTER_SIGNATURE, sizeof(mp->signature));
	mp->config = MPTABLE_CONFIG_GPA;
	mp->length = PARAGRAPHS;
	mp->spec_rev = MPTABLE_SPEC_REV;
	mp->checksum = checksum(mp, sizeof(*mp));
}
