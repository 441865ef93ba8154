/*
 * What a VM's firmware leaves in its low memory (kernel/firmware/firmware.h):
 * the BIOS data area (bios.c) and the MP table (mptable.c), which reports
 * the VM's chips as their registers read and its processor as the guest's
 * CPUID shows it.
 */
#include "kernel/dispatch.h"
#include "kernel/firmware/bios.h"
#include "kernel/firmware/firmware.h"
#include "kernel/firmware/mptable.h"
#include "kernel/vm.h"

/* The chips' registers the MP table reports. SDM Vol3A Table 10-1; 82093AA: 3.1, 3.2.1, 3.2.2 */
#define LAPIC_REG_VERSION  0x030
#define LAPIC_ID_SHIFT     24   /* the ID in bits 31:24. SDM Vol3A 10.4.6 */
#define IOAPIC_MMIO_REGSEL 0x00
#define IOAPIC_MMIO_WINDOW 0x10
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_ID_SHIFT    24   /* the ID in bits 27:24. 82093AA: 3.2.1 */

/* An IOAPIC register as a read through IOREGSEL and IOWIN gives it, on a copy of the chip. */
static uint32_t ioapic_register(const struct vioapic *io, uint32_t reg)
{
	struct vioapic copy = *io;
	uint32_t value = 0;

	vioapic_write(&copy, IOAPIC_MMIO_REGSEL, reg);
	vioapic_read(&copy, IOAPIC_MMIO_WINDOW, &value);
	return value;
}

void firmware_build(struct vm *vm)
{
	struct cpuid_regs id = guest_cpuid(CPUID_LEAF_FEATURES, 0);
	uint32_t lapic_version = 0;
	struct mptable_facts f = {
		.lapic_id = (uint8_t)(vm->lapic.id >> LAPIC_ID_SHIFT),
		.cpu_signature = id.eax,
		.cpu_features = id.edx,
		.ioapic_id = (uint8_t)(vm->ioapic.id >> IOAPIC_ID_SHIFT),
		.ioapic_version = (uint8_t)ioapic_register(&vm->ioapic, IOAPIC_REG_VERSION),
		.lapic_address = VLAPIC_BASE,
		.ioapic_address = VIOAPIC_BASE,
	};

	vlapic_read(&vm->lapic, LAPIC_REG_VERSION, &lapic_version);
	f.lapic_version = (uint8_t)lapic_version;
	bios_build(vm->ram);
	mptable_build(vm->ram, &f);
}
