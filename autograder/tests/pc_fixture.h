/*
 * A VM for the PC chips' unit tests (test_pic.c, test_pit.c, test_rtc.c,
 * test_platform.c) and lab 7's (test_priority.c, test_deliver.c): its clock set by hand, pc_set_irq recorded and passed on
 * to kernel/pc/platform.c's, which drives the PICs and the IOAPIC (vm_stop is
 * fake_vm.c's).
 */
#ifndef AUTOGRADER_TESTS_PC_FIXTURE_H
#define AUTOGRADER_TESTS_PC_FIXTURE_H

#include "kernel/pc/platform.h"
#include "kernel/vm.h"

/** @brief The VM under test: reset to the firmware state by pc_fixture_reset. */
extern struct vm pc_vm;

/** @brief Rising edges each ISA line saw through pc_set_irq since the reset. */
extern unsigned pc_irq_rises[PC_ISA_IRQS];

/** @brief Calls of pc_set_irq for each ISA line since the reset, whatever the level. */
extern unsigned pc_irq_drives[PC_ISA_IRQS];

/** @brief The level each ISA line was last driven to. */
extern bool pc_irq_level[PC_ISA_IRQS];

/** @brief Put pc_vm in the firmware state (pc_reset) with @p ram_mib MiB of RAM, its clock at 0. */
void pc_fixture_reset(unsigned ram_mib);

/** @brief pc_vm's local APIC register at @p offset (SDM Vol3A Table 10-1); the test fails if it has no answer. */
uint32_t lapic_rd(uint32_t offset);

/** @brief Write @p value to pc_vm's local APIC register at @p offset; the test fails if it has no answer. */
void lapic_wr(uint32_t offset, uint32_t value);

/** @brief Whether vector @p v's bit is set in the 256-bit register (ISR, TMR or IRR) whose word for @p v is at @p offset_of_word. */
bool lapic_bit(uint32_t offset_of_word, unsigned v);

/** @brief Set pc_vm's clock to @p ns nanoseconds (VCLOCK_HZ is 1 GHz). */
void pc_fixture_at(uint64_t ns);

#endif
