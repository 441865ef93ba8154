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

/* Where the chips' ID registers hold the ID. SDM Vol3A 10.4.6; 82093AA: 3.2.1 */
#define LAPIC_ID_SHIFT  24
#define IOAPIC_ID_SHIFT 24

void firmware_build(struct vm *vm)
{
	struct cpuid_regs id = guest_cpuid(CPUID_LEAF_FEATURES, 0);
	struct mptable_facts f = {
		.lapic_id = (uint8_t)(vm->pc.lapic.id >> LAPIC_ID_SHIFT),
		.cpu_signature = id.eax,
		.cpu_features = id.edx,
		.lapic_version = (uint8_t)VLAPIC_VERSION,
		.ioapic_id = (uint8_t)(vm->pc.ioapic.id >> IOAPIC_ID_SHIFT),
		.ioapic_version = (uint8_t)VIOAPIC_VERSION,
		.lapic_address = VLAPIC_BASE,
		.ioapic_address = VIOAPIC_BASE,
	};

	bios_build(vm->ram);
	mptable_build(vm->ram, &f);
}
