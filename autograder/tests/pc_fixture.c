/*
 * The PC chips' test VM (pc_fixture.h).
 */
#include <criterion/criterion.h>
#include "autograder/tests/pc_fixture.h"
#include "kernel/pc/vlapic.h"

struct vm pc_vm;
unsigned pc_irq_rises[PC_ISA_IRQS];
unsigned pc_irq_drives[PC_ISA_IRQS];
bool pc_irq_level[PC_ISA_IRQS];

void pc_fixture_reset(unsigned ram_mib)
{
	memset(&pc_vm, 0, sizeof(pc_vm));
	memset(pc_irq_rises, 0, sizeof(pc_irq_rises));
	memset(pc_irq_drives, 0, sizeof(pc_irq_drives));
	memset(pc_irq_level, 0, sizeof(pc_irq_level));
	pc_vm.ram_size = (uint64_t)ram_mib * MiB;
	pc_reset(&pc_vm);
}

void pc_fixture_at(uint64_t ns)
{
	pc_vm.clock = ns;
}

uint32_t lapic_rd(uint32_t offset)
{
	uint32_t value = 0xDEADBEEF;

	cr_assert(vlapic_read(&pc_vm, offset, &value), "offset %#x has an answer", offset);
	return value;
}

void lapic_wr(uint32_t offset, uint32_t value)
{
	cr_assert(vlapic_write(&pc_vm, offset, value), "offset %#x has an answer", offset);
}

bool lapic_bit(uint32_t offset_of_word, unsigned v)
{
	return (lapic_rd(offset_of_word) >> (v % 32)) & 1;
}

/* Every call of pc_set_irq, recorded, then passed on to kernel/pc/platform.c's
 * (the link's --wrap=pc_set_irq, autograder/tests.mk). */
void __real_pc_set_irq(struct vm *vm, unsigned irq, bool high);
void __wrap_pc_set_irq(struct vm *vm, unsigned irq, bool high);

void __wrap_pc_set_irq(struct vm *vm, unsigned irq, bool high)
{
	cr_assert_lt(irq, PC_ISA_IRQS);
	if (high && !pc_irq_level[irq])
		pc_irq_rises[irq]++;
	pc_irq_drives[irq]++;
	pc_irq_level[irq] = high;
	__real_pc_set_irq(vm, irq, high);
}
