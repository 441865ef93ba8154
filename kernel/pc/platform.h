/**
 * @file platform.h
 * @brief The PC around one VM's CPU, as the rest of the hypervisor sees it:
 * its chips' timers, its ISA interrupt lines, and the interrupt the
 * controllers present to the CPU.
 *
 * The wiring is MP specification 1.4's default configuration (5.3, Table
 * 5-2), which the MP table the hypervisor gives the guest states
 * (kernel/firmware/mptable.c) and QEMU's and Bochs's firmware report
 * natively: ISA IRQ n drives input n of the 8259A pair and, but for IRQ 0
 * and the cascade IRQ 2, pin n of the IOAPIC; IRQ 0 drives pin 2 (pin 0 is
 * the PIC's output, not modelled). The master PIC's output reaches the local
 * APIC's LINT0, which takes it when LINT0 is programmed ExtINT (the
 * "virtual wire" mode every PC firmware leaves).
 */
#ifndef KERNEL_PC_PLATFORM_H
#define KERNEL_PC_PLATFORM_H

#include "kernel/lib.h"

struct vm;

#define PC_ISA_IRQS 16 /**< ISA interrupt lines IRQ 0-15 */
#define PC_NO_VECTOR (-1) /**< pc_intr_pending: no interrupt for the CPU */
#define PC_NO_PIN (-1)    /**< pc_ioapic_pin: the line reaches no IOAPIC pin */

/** @brief The IOAPIC pin ISA line @p irq (0-15) drives, or PC_NO_PIN (IRQ 2, the cascade); kernel/pc/wiring.c. MP 1.4, Table 5-2 */
int pc_ioapic_pin(unsigned irq);

/** @brief Put every chip of @p vm in the state the firmware leaves at the guest's entry. */
void pc_reset(struct vm *vm);

/**
 * @brief Fire every timer of @p vm's chips whose deadline its clock has
 * reached (kernel/vclock.h), and move console input into COM1 while the VM's
 * input is open. Asks the chips only when one changed (pc_changed) or the
 * earliest deadline has come: otherwise their last answers stand.
 */
void pc_update(struct vm *vm);

/**
 * @brief A guest access or an event may have changed a timer of @p vm's chips
 * or the vector they present: pc_update, pc_deadline and pc_intr_pending ask
 * the chips again. Called by every access to the PIC, PIT, CMOS clock, local
 * APIC and IOAPIC (kernel/devices.c, kernel/mmio.c), by pc_set_irq,
 * pc_intr_ack and pc_reset; a chip that changes the rest of the PC only
 * through its ISA line (COM1) needs no call of its own.
 */
void pc_changed(struct vm *vm);

/** @brief The earliest time on @p vm's clock at which one of its chips' timers fires, or VCLOCK_NEVER. */
uint64_t pc_deadline(struct vm *vm);

/**
 * @brief Drive ISA interrupt line @p irq (0-15) of @p vm @p high or low. An
 * edge-triggered chip raises a pulse: high, then low.
 */
void pc_set_irq(struct vm *vm, unsigned irq, bool high);

/**
 * @brief The vector @p vm's interrupt controllers ask the CPU to take now:
 * the local APIC's highest-priority pending interrupt, or the PIC's through
 * LINT0; PC_NO_VECTOR when none. Reading it changes no chip.
 */
int pc_intr_pending(struct vm *vm);

/**
 * @brief The CPU took @p vector, the one pc_intr_pending() named: the local
 * APIC moves it from IRR to ISR, or the PIC runs its INTA cycle.
 */
void pc_intr_ack(struct vm *vm, uint8_t vector);

#endif
