/*
 * COM1 as a 16550A (kernel/pc/uart.c), against the datasheet (16550A:
 * National Semiconductor PC16550D datasheet): the receiver FIFO and its
 * trigger levels, IIR's priorities and FIFO bits, the THRE interrupt's
 * clearing, the divisor latch behind DLAB, loopback, and IRQ 4 driven whatever OUT2 says (as QEMU).
 * The host's input, the console and the ISA line are fakes here.
 */
#include <criterion/criterion.h>

#include "autograder/tests/pc_fixture.h"
#include "kernel/console.h"

#define RBR 0x3F8
#define THR 0x3F8
#define DLL 0x3F8
#define IER 0x3F9
#define DLM 0x3F9
#define IIR 0x3FA
#define FCR 0x3FA
#define LCR 0x3FB
#define MCR 0x3FC
#define LSR 0x3FD
#define MSR 0x3FE
#define SCR 0x3FF
#define COM1_IRQ 4 /* COM1's ISA line on a PC */

static struct vm vm;
static uint8_t host_input[256];          /* what the host has for the VM */
static size_t host_len, host_next;
static uint8_t console[256];             /* what the guest printed */
static size_t console_len;

int console_input_byte(int vm_id)
{
	cr_assert_eq(vm_id, 0);
	return host_next < host_len ? host_input[host_next++] : -1;
}

bool console_input_open_for(int vm_id)
{
	cr_assert_eq(vm_id, 0);
	return host_next < host_len;
}

void vm_console_byte(struct vm *v, uint8_t byte)
{
	(void)v;
	console[console_len++] = byte;
}

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	host_len = host_next = console_len = 0;
	memset(pc_irq_level, 0, sizeof(pc_irq_level));
	memset(pc_irq_drives, 0, sizeof(pc_irq_drives));
	uart_reset(&vm);
}

TestSuite(uart, .init = setup);

static uint8_t in(uint16_t port)
{
	return (uint8_t)uart_read(&vm, port, 1);
}

static void out(uint16_t port, uint8_t value)
{
	uart_write(&vm, port, 1, value);
}

/* The host has @p s for the VM's receiver. */
static void host_sends(const char *s)
{
	size_t n = strlen(s);

	memcpy(host_input + host_len, s, n);
	host_len += n;
}

Test(uart, reset_state_reads_as_the_datasheet_says)
{
	cr_assert_eq(in(IER), 0);
	cr_assert_eq(in(IIR), 0x01, "no interrupt pending, FIFOs off");
	cr_assert_eq(in(LCR), 0);
	cr_assert_eq(in(MCR), 0);
	cr_assert_eq(in(LSR), 0x60, "THRE and TEMT, no data");
	cr_assert_eq(in(MSR) & 0xF0, 0xB0, "CTS, DSR and DCD of a null modem");
}

Test(uart, transmit_is_console_output_and_thr_stays_empty)
{
	out(LCR, 0x03);
	out(THR, 'h');
	out(THR, 'i');
	cr_assert_eq(console_len, 2);
	cr_assert_eq(memcmp(console, "hi", 2), 0);
	cr_assert_eq(in(LSR) & 0x60, 0x60);
}

Test(uart, dlab_selects_the_divisor_latch_not_thr_and_ier)
{
	out(LCR, 0x83);
	out(DLL, 0x0C);
	out(DLM, 0x00);
	cr_assert_eq(console_len, 0, "a divisor byte is no output");
	cr_assert_eq(in(DLL), 0x0C);
	cr_assert_eq(in(DLM), 0x00);
	out(LCR, 0x03);
	cr_assert_eq(in(IER), 0, "IER was not written through DLM");
	out(SCR, 0x5A);
	cr_assert_eq(in(SCR), 0x5A);
	cr_assert_eq(in(LCR), 0x03);
}

Test(uart, without_fifo_the_receiver_holds_one_byte_and_the_host_keeps_the_rest)
{
	host_sends("abc");
	cr_assert_eq(in(LSR) & 0x01, 0x01, "data ready");
	cr_assert_eq(host_next, 1, "one byte taken: a 16450's RBR has room for one");
	cr_assert_eq(in(RBR), 'a');
	cr_assert_eq(in(RBR), 'b');
	cr_assert_eq(in(RBR), 'c');
	cr_assert_eq(in(LSR) & 0x01, 0, "empty");
	cr_assert_eq(in(RBR), 'c', "an empty RBR reads its last byte again");
}

Test(uart, fifo_takes_sixteen_bytes_in_order_and_no_more)
{
	host_sends("0123456789abcdefXYZ");
	out(FCR, 0x01);
	cr_assert_eq(in(IIR) & 0xC0, 0xC0, "IIR bits 7:6 say the FIFOs are on");
	cr_assert_eq(host_next, 16, "the FIFO's 16 bytes, the rest stays with the host");
	for (const char *p = "0123456789abcdefXYZ"; *p; p++)
		cr_assert_eq(in(RBR), (uint8_t)*p);
	cr_assert_eq(in(LSR) & 0x01, 0);
}

Test(uart, fcr_clears_the_receiver_and_turning_fifos_off_clears_them)
{
	out(FCR, 0x01);
	host_sends("ab");
	cr_assert_eq(in(LSR) & 0x01, 0x01);
	out(FCR, 0x03);
	cr_assert_eq(host_next, 2);
	cr_assert_eq(in(LSR) & 0x01, 0, "bit 1 cleared the receiver FIFO");
	host_sends("c");
	cr_assert_eq(in(LSR) & 0x01, 0x01);
	out(FCR, 0x00);
	cr_assert_eq(in(LSR) & 0x01, 0, "a change of bit 0 cleared the FIFOs");
	cr_assert_eq(in(IIR) & 0xC0, 0);
}

Test(uart, received_data_interrupt_and_its_trigger_level)
{
	out(IER, 0x01);
	cr_assert_eq(in(IIR), 0x01);
	out(FCR, 0x81); /* trigger level 8 */
	host_sends("1234567");
	cr_assert_eq(in(IIR), 0xCC, "7 < 8 bytes, and no more coming: character timeout");
	host_sends("8");
	cr_assert_eq(in(IIR), 0xC4, "8 bytes: received data available");
	for (int i = 0; i < 8; i++)
		in(RBR);
	cr_assert_eq(in(IIR), 0xC1, "reading RBR empties it and clears the interrupt");
}

Test(uart, thre_interrupt_is_raised_by_enabling_it_and_cleared_by_reading_iir)
{
	out(IER, 0x02);
	cr_assert_eq(in(IIR), 0x02, "THR is empty: enabling the interrupt raises it");
	cr_assert_eq(in(IIR), 0x01, "reading IIR cleared it");
	out(THR, 'x');
	cr_assert_eq(in(IIR), 0x02, "THR empty again after the byte went");
	out(IER, 0x00);
	out(IER, 0x02);
	out(THR, 'y');
	cr_assert_eq(in(IIR), 0x02);
}

Test(uart, iir_names_the_highest_priority_source)
{
	out(MCR, 0x10); /* loopback: the modem inputs follow MCR, THR feeds RBR */
	in(MSR);
	out(IER, 0x0B); /* received data, THRE, modem status */
	out(THR, 'z');  /* THRE pending, a byte received */
	out(MCR, 0x12); /* RTS -> CTS changes: modem status pending */
	cr_assert_eq(in(IIR), 0x04, "received data (priority 2) before THRE and modem status");
	cr_assert_eq(in(RBR), 'z');
	cr_assert_eq(in(IIR), 0x02, "then THRE (priority 3), cleared by this read");
	cr_assert_eq(in(IIR), 0x00, "then modem status (priority 4)");
	cr_assert_eq(in(MSR), 0x11, "CTS and its delta; reading MSR clears the delta");
	cr_assert_eq(in(IIR), 0x01);
}

Test(uart, loopback_maps_mcr_onto_msr_and_takes_no_host_input)
{
	host_sends("h");
	out(MCR, 0x1F);
	cr_assert_eq(in(MSR) & 0xF0, 0xF0, "DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD");
	cr_assert_eq(host_next, 0, "in loopback the serial input is cut off");
	out(THR, 'L');
	cr_assert_eq(console_len, 0, "in loopback nothing is sent");
	cr_assert_eq(in(RBR), 'L');
	out(MCR, 0x1B); /* OUT1 off: RI falls */
	cr_assert_eq(in(MSR) & 0x04, 0x04, "trailing edge of RI");
}

Test(uart, the_interrupt_output_drives_irq4_whatever_out2_says)
{
	out(IER, 0x01);
	host_sends("a");
	in(LSR);
	cr_assert_eq(pc_irq_level[COM1_IRQ], 1, "a pending interrupt with OUT2 off (xv6's setting, as QEMU): IRQ 4 high");
	out(MCR, 0x08);
	cr_assert_eq(pc_irq_level[COM1_IRQ], 1, "OUT2 on: IRQ 4 still high");
	in(RBR);
	cr_assert_eq(pc_irq_level[COM1_IRQ], 0, "the source is gone: IRQ 4 low");
	host_sends("b");
	uart_receive(&vm);
	cr_assert_eq(pc_irq_level[COM1_IRQ], 1, "a byte from the host raises it again");
	out(MCR, 0x18);
	cr_assert_eq(pc_irq_level[COM1_IRQ], 0, "loopback holds the interrupt output inactive");
	out(MCR, 0x08);
	out(IER, 0x00);
	cr_assert_eq(pc_irq_level[COM1_IRQ], 0, "the source disabled");
	cr_assert_eq(pc_irq_drives[COM1_IRQ], 6, "the line is driven only when it changes");
}
