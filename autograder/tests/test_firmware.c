/*
 * The firmware tables a PC OS reads at boot (kernel/firmware/): the BIOS
 * data area's two words, and the MP table found the way MP 4 says to search,
 * with both checksums, version 1.4, its entries in type order and counted,
 * the ISA IRQs on the IOAPIC pins of MP 1.4 Table 5-2. MP: Intel MultiProcessor Specification 1.4.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "kernel/firmware/bios.h"
#include "kernel/firmware/mptable.h"

#define RAM_SIZE (2u << 20)

static uint8_t *ram;
static const struct mptable_facts facts = {
	.lapic_id = 0, .lapic_version = 0x14, .cpu_signature = 0x60FB1, .cpu_features = 0x0781ABFD,
	.ioapic_id = 0, .ioapic_version = 0x20, .lapic_address = 0xFEE00000u, .ioapic_address = 0xFEC00000u,
};

static void setup(void)
{
	ram = calloc(1, RAM_SIZE);
	cr_assert_not_null(ram);
	bios_build(ram);
	mptable_build(ram, &facts);
}

static void teardown(void)
{
	free(ram);
}

TestSuite(firmware, .init = setup, .fini = teardown);

static uint16_t word(uint32_t gpa)
{
	return (uint16_t)(ram[gpa] | ram[gpa + 1] << 8);
}

static uint8_t sum(uint32_t gpa, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s += ram[gpa++];
	return s;
}

/* The floating pointer in the EBDA's first KiB, found as xv6's mpsearch does. MP 4 */
static uint32_t find_pointer(void)
{
	uint32_t ebda = (uint32_t)word(0x40E) << 4;

	for (uint32_t a = ebda; a < ebda + 1024; a += 16)
		if (!memcmp(ram + a, "_MP_", 4) && sum(a, 16) == 0)
			return a;
	return 0;
}

Test(firmware, bios_data_area_points_at_the_ebda_below_base_memory)
{
	cr_assert_eq(word(0x40E), 0x9FC0);
	cr_assert_eq(word(0x413), 639, "base memory KiB, as mem_lower");
	cr_assert_eq(ram[0x9FC00], 1, "the EBDA's size in KiB");
	cr_assert_eq(word(0x413) * 1024u, (uint32_t)word(0x40E) << 4, "the EBDA begins where base memory ends");
}

Test(firmware, floating_pointer_is_found_in_the_ebda_and_sums_to_zero)
{
	uint32_t a = find_pointer();
	const struct mp_floating_pointer *mp = (const void *)(ram + a);

	cr_assert_eq(a, MPTABLE_POINTER_GPA);
	cr_assert_eq(sizeof(*mp), 16);
	cr_assert_eq(mp->length, 1);
	cr_assert_eq(mp->spec_rev, 4);
	cr_assert_eq(mp->features[0], 0, "a table, not a default configuration");
	cr_assert_eq(mp->features[1], 0, "no IMCR: virtual wire mode");
	cr_assert_eq(mp->config, MPTABLE_CONFIG_GPA);
}

Test(firmware, configuration_table_header_is_right)
{
	const struct mp_config_header *c = (const void *)(ram + MPTABLE_CONFIG_GPA);

	cr_assert_eq(sizeof(*c), 44);
	cr_assert(!memcmp(c->signature, "PCMP", 4));
	cr_assert_eq(c->spec_rev, 4);
	cr_assert_eq(sum(MPTABLE_CONFIG_GPA, c->length), 0, "the base table's checksum");
	cr_assert_eq(c->length, MPTABLE_CONFIG_SIZE);
	cr_assert_eq(c->length, 44 + 20 + 8 + 8 + 17 * 8);
	cr_assert_eq(c->entries, 1 + 1 + 1 + 15 + 2);
	cr_assert_eq(c->lapic, 0xFEE00000u);
	cr_assert_eq(c->ext_length, 0);
	cr_assert(MPTABLE_CONFIG_GPA + c->length <= 0x9FC00 + 1024, "inside the EBDA");
}

Test(firmware, entries_in_type_order_say_the_facts)
{
	static const uint8_t length[] = { 20, 8, 8, 8, 8 }; /* MP 4.3, Table 4-3 */
	const struct mp_config_header *c = (const void *)(ram + MPTABLE_CONFIG_GPA);
	const uint8_t *e = (const uint8_t *)(c + 1), *end = (const uint8_t *)c + c->length;
	int n = 0, last = 0, lints = 0, irqs = 0;

	for (; e < end; e += length[*e], n++) {
		cr_assert_lt(*e, 5, "entry %d: type %u", n, *e);
		cr_assert_geq(*e, last, "entry %d out of type order", n);
		last = *e;
		if (*e == MP_PROCESSOR) {
			const struct mp_processor *p = (const void *)e;

			cr_assert_eq(p->lapic_version, 0x14);
			cr_assert_eq(p->flags, MP_CPU_ENABLED | MP_CPU_BOOTSTRAP);
			cr_assert_eq(p->signature, facts.cpu_signature);
			cr_assert_eq(p->features, facts.cpu_features);
		} else if (*e == MP_BUS) {
			cr_assert(!memcmp(((const struct mp_bus *)e)->bus_type, "ISA   ", 6));
		} else if (*e == MP_IOAPIC) {
			const struct mp_ioapic *io = (const void *)e;

			cr_assert_eq(io->address, 0xFEC00000u);
			cr_assert_eq(io->version, 0x20);
			cr_assert_eq(io->flags, MP_IOAPIC_ENABLED);
		} else if (*e == MP_IO_INTERRUPT) {
			const struct mp_interrupt *i = (const void *)e;

			cr_assert_eq(i->int_type, MP_INT);
			cr_assert_eq(i->src_irq, irqs < 2 ? irqs : irqs + 1, "ISA IRQs in order, IRQ 2 left out");
			cr_assert_eq(i->dst_pin, i->src_irq ? i->src_irq : 2,
				     "IRQ %u on pin %u: MP 1.4 Table 5-2 wires IRQ 0 to pin 2, IRQ n to pin n",
				     i->src_irq, i->dst_pin);
			cr_assert_eq(i->flags, MP_FLAGS_CONFORM);
			irqs++;
		} else {
			const struct mp_interrupt *l = (const void *)e;

			cr_assert_eq(l->dst_pin, lints);
			cr_assert_eq(l->int_type, lints ? MP_NMI : MP_EXTINT, "LINT0 ExtINT, LINT1 NMI");
			lints++;
		}
	}
	cr_assert_eq(e, end, "the last entry ends where the length says");
	cr_assert_eq(n, c->entries);
	cr_assert_eq(irqs, 15);
	cr_assert_eq(lints, 2);
}
