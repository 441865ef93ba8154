/*
 * The 8259A pair (kernel/pc/pic.c) against the datasheet: 8259A: Intel
 * 8259A datasheet (Initialization Command Words, Operation Command Words,
 * Interrupt Sequence, Priority Modes, Cascade Mode).
 */
#include <criterion/criterion.h>

#include "autograder/tests/pc_fixture.h"

#define MASTER_BASE 0x20
#define SLAVE_BASE  0x28
#define OCW2_EOI    0x20
#define OCW3_IRR    0x0A
#define OCW3_ISR    0x0B

/* Initialise both PICs as Linux and xv6 do: edge, cascade, vectors 0x20 and 0x28, with @p icw4; all unmasked. */
static void init_pics(uint8_t icw4)
{
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x11);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, MASTER_BASE);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 1u << PIC_CASCADE_IR);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, icw4);
	pic_write(&pc_vm, PIC_SLAVE_CMD, 1, 0x11);
	pic_write(&pc_vm, PIC_SLAVE_DATA, 1, SLAVE_BASE);
	pic_write(&pc_vm, PIC_SLAVE_DATA, 1, PIC_CASCADE_IR);
	pic_write(&pc_vm, PIC_SLAVE_DATA, 1, icw4);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x00);
	pic_write(&pc_vm, PIC_SLAVE_DATA, 1, 0x00);
}

/* A rising edge on ISA line @p irq (high, then low: the IRR keeps it). */
static void pulse(unsigned irq)
{
	pic_set_irq(&pc_vm, irq, true);
	pic_set_irq(&pc_vm, irq, false);
}

/* The register OCW3 @p ocw3 selects on the command port @p port. */
static uint8_t read_reg(uint16_t port, uint8_t ocw3)
{
	pic_write(&pc_vm, port, 1, ocw3);
	return (uint8_t)pic_read(&pc_vm, port, 1);
}

static void setup(void)
{
	pc_fixture_reset(16);
	init_pics(0x01);
}

TestSuite(pic, .init = setup);

Test(pic, firmware_state_masks_all_but_the_cascade)
{
	pc_fixture_reset(16);
	cr_assert_eq(pic_read(&pc_vm, PIC_MASTER_DATA, 1), 0xFB);
	cr_assert_eq(pic_read(&pc_vm, PIC_SLAVE_DATA, 1), 0xFF);
	pulse(0);
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR, "IRQ 0 is masked");
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0xFA);
	cr_assert_eq(pic_pending(&pc_vm), 0x08, "the firmware's vector for IRQ 0");
}

Test(pic, icw1_clears_the_mask_and_the_sequence_ends_after_icw4)
{
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x5A);
	cr_assert_eq(pic_read(&pc_vm, PIC_MASTER_DATA, 1), 0x5A, "OCW1 reads back");
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x11);
	cr_assert_eq(pic_read(&pc_vm, PIC_MASTER_DATA, 1), 0x00, "ICW1 clears the mask (8259A: ICW1 b)");
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x40);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x04);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x01);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x01); /* OCW1 now */
	cr_assert_eq(pic_read(&pc_vm, PIC_MASTER_DATA, 1), 0x01);
	pulse(1);
	cr_assert_eq(pic_pending(&pc_vm), 0x41, "ICW2 0x40: IR1's vector");
}

Test(pic, without_ic4_there_is_no_icw4)
{
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x10);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x30);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x04);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0xF7); /* OCW1, not ICW4 */
	cr_assert_eq(pic_read(&pc_vm, PIC_MASTER_DATA, 1), 0xF7);
}

Test(pic, higher_priority_first_and_in_service_blocks_lower)
{
	pulse(3);
	pulse(1);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_IRR), 0x0A);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 1);
	cr_assert_eq(pic_ack(&pc_vm), MASTER_BASE + 1);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x02, "INTA sets ISR");
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_IRR), 0x08, "and clears the IRR bit");
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR, "IR3 waits behind IR1 in service");
	pulse(0);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 0, "IR0 nests above IR1");
	cr_assert_eq(pic_ack(&pc_vm), MASTER_BASE + 0);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, OCW2_EOI); /* ends IR0, the highest in service */
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x02);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, OCW2_EOI);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 3);
}

Test(pic, specific_eoi_ends_the_named_level)
{
	pulse(5);
	pic_ack(&pc_vm);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x60 | 4);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x20, "EOI of IR4 leaves IR5");
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x60 | 5);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x00);
}

Test(pic, mask_holds_the_request_in_irr)
{
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x10);
	pulse(4);
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_IRR), 0x10);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x00);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 4);
}

Test(pic, edge_triggered_needs_a_new_rising_edge)
{
	pic_set_irq(&pc_vm, 6, true);
	cr_assert_eq(pic_ack(&pc_vm), MASTER_BASE + 6);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, OCW2_EOI);
	pic_set_irq(&pc_vm, 6, true);
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR, "still high: no new edge");
	pic_set_irq(&pc_vm, 6, false);
	pic_set_irq(&pc_vm, 6, true);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 6);
}

Test(pic, cascade_gives_the_slaves_vector_and_sets_both_isrs)
{
	pulse(10);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_IRR), 0x04, "the slave's INT on IR2");
	cr_assert_eq(pic_pending(&pc_vm), SLAVE_BASE + 2);
	cr_assert_eq(pic_ack(&pc_vm), SLAVE_BASE + 2);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x04);
	cr_assert_eq(read_reg(PIC_SLAVE_CMD, OCW3_ISR), 0x04);
	pulse(4);
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR, "IR4 is below IR2 in service");
	pulse(1);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 1);
}

Test(pic, slave_requests_wait_for_the_masters_eoi)
{
	pulse(9);
	pulse(12);
	cr_assert_eq(pic_ack(&pc_vm), SLAVE_BASE + 1);
	pic_write(&pc_vm, PIC_SLAVE_CMD, 1, OCW2_EOI);
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR, "the master's IR2 is still in service");
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, OCW2_EOI);
	cr_assert_eq(pic_pending(&pc_vm), SLAVE_BASE + 4);
	cr_assert_eq(pic_ack(&pc_vm), SLAVE_BASE + 4);
}

Test(pic, special_fully_nested_lets_a_higher_slave_request_through)
{
	init_pics(0x11);
	pulse(12);
	pic_ack(&pc_vm);
	pulse(9);
	cr_assert_eq(pic_pending(&pc_vm), SLAVE_BASE + 1, "SFNM: IR2 in service blocks not the slave");
}

Test(pic, withdrawn_master_request_is_spurious_ir7)
{
	pulse(5);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 5);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x20);
	cr_assert_eq(pic_ack(&pc_vm), MASTER_BASE + 7, "no request at INTA: IR7 (8259A: Interrupt Sequence)");
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x00, "a spurious IR7 sets no ISR bit");
}

Test(pic, withdrawn_slave_request_leaves_the_cascade_input)
{
	pulse(12);
	pic_write(&pc_vm, PIC_SLAVE_DATA, 1, 0x10);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_IRR), 0x00, "the slave's INT fell: IR2 follows it");
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR);
	cr_assert_eq(pic_ack(&pc_vm), MASTER_BASE + 7);
	cr_assert_eq(read_reg(PIC_SLAVE_CMD, OCW3_ISR), 0x00);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x00);
}

Test(pic, auto_eoi_sets_no_isr)
{
	init_pics(0x03);
	pulse(3);
	cr_assert_eq(pic_ack(&pc_vm), MASTER_BASE + 3);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x00);
	pulse(5);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 5, "nothing in service blocks IR5");
}

Test(pic, set_priority_rotates_the_order)
{
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0xC0 | 4); /* IR4 lowest: IR5 highest */
	pulse(3);
	pulse(6);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 6);
}

Test(pic, rotate_on_eoi_makes_the_ended_level_lowest)
{
	pulse(1);
	pic_ack(&pc_vm);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0xA0);
	pulse(1);
	pulse(3);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 3, "IR1 is now the lowest");
}

Test(pic, level_triggered_by_elcr_follows_the_line)
{
	pic_write(&pc_vm, PIC_ELCR_SLAVE, 1, 0x08); /* IRQ 11 */
	cr_assert_eq(pic_read(&pc_vm, PIC_ELCR_SLAVE, 1), 0x08);
	pic_write(&pc_vm, PIC_ELCR_MASTER, 1, 0xFF);
	cr_assert_eq(pic_read(&pc_vm, PIC_ELCR_MASTER, 1), 0xF8, "IRQ 0-2 cannot be level");
	pic_set_irq(&pc_vm, 11, true);
	cr_assert_eq(pic_ack(&pc_vm), SLAVE_BASE + 3);
	pic_write(&pc_vm, PIC_SLAVE_CMD, 1, OCW2_EOI);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, OCW2_EOI);
	cr_assert_eq(pic_pending(&pc_vm), SLAVE_BASE + 3, "still high: asks again");
	pic_set_irq(&pc_vm, 11, false);
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR);
	cr_assert_eq(read_reg(PIC_SLAVE_CMD, OCW3_IRR), 0x00);
}

Test(pic, ltim_makes_every_input_level_triggered)
{
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x19);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, MASTER_BASE);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x04);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x01);
	pulse(3);
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR, "a pulse already ended leaves nothing");
	pic_set_irq(&pc_vm, 3, true);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 3);
}

Test(pic, poll_reads_the_highest_request_and_acknowledges_it)
{
	pulse(6);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x0C);
	cr_assert_eq(pic_read(&pc_vm, PIC_MASTER_CMD, 1), 0x86);
	cr_assert_eq(read_reg(PIC_MASTER_CMD, OCW3_ISR), 0x40);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x0C);
	cr_assert_eq(pic_read(&pc_vm, PIC_MASTER_CMD, 1), 0x00, "nothing requested");
}

Test(pic, special_mask_mode_lets_lower_levels_through)
{
	pulse(3);
	pic_ack(&pc_vm);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x08);
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x68); /* set special mask mode */
	pulse(5);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 5);
}

Test(pic, icw4_8080_mode_stops_the_vm)
{
	pic_write(&pc_vm, PIC_MASTER_CMD, 1, 0x11);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, MASTER_BASE);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x04);
	pic_write(&pc_vm, PIC_MASTER_DATA, 1, 0x00);
	cr_assert_eq(pc_vm.state, VM_STOPPED);
	cr_assert(strstr(pc_vm.stop_reason, "8080/8085 mode"), "%s", pc_vm.stop_reason);
}

Test(pic, the_vms_are_apart)
{
	struct vm other;

	memset(&other, 0, sizeof(other));
	pic_reset(&other);
	pulse(1);
	cr_assert_eq(pic_pending(&other), PC_NO_VECTOR);
}

Test(pic, icw1_resets_the_edge_sense_a_high_line_needs_a_new_edge)
{
	pic_set_irq(&pc_vm, 4, true);
	init_pics(0x01);
	cr_assert_eq(pic_pending(&pc_vm), PC_NO_VECTOR, "8259A: ICW1 a: a low-to-high transition is needed");
	pic_set_irq(&pc_vm, 4, false);
	pic_set_irq(&pc_vm, 4, true);
	cr_assert_eq(pic_pending(&pc_vm), MASTER_BASE + 4);
}
