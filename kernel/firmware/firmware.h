/**
 * @file firmware.h
 * @brief What a PC's firmware leaves in a VM's low memory at the guest's
 * entry: the BIOS data area and the MP table (kernel/firmware/bios.h,
 * kernel/firmware/mptable.h).
 */
#ifndef KERNEL_FIRMWARE_FIRMWARE_H
#define KERNEL_FIRMWARE_FIRMWARE_H

struct vm;

/**
 * @brief Write the BIOS data area and the MP table into the RAM of @p vm,
 * whose local APIC and IOAPIC are in their reset state: the table says what
 * their registers and the guest's CPUID say.
 */
void firmware_build(struct vm *vm);

#endif
