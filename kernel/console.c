/*
 * COM1 console. The UART is polled: the host never takes interrupts from it.
 * Output goes into a ring buffer that console_pump() moves into the UART's
 * 16-byte transmit FIFO whenever the FIFO is empty, so that no exit waits
 * for the serial line (at 115200 baud a byte takes about 870 instructions
 * in Bochs); the buffer waits only when it is full, and at the end.
 *
 * Input: vm N's console input arrives on the host's serial port N+2 (COM2
 * for vm0, COM3 for vm1, COM4 for vm2): COM1 stays the console's output as
 * without input, and one port per VM needs no framing and lets each VM's
 * input wait apart from the others'. A byte is read from a port only when
 * the VM's receiver has room (uart_receive), so the port holds the rest and
 * the emulator feeds the next one only then: nothing is lost, nothing is
 * buffered here. The input ports run with their FIFOs off: Bochs' terminal
 * mode (tools/serial-relay) reads into an enabled FIFO whether or not it
 * has room, overrunning it, but into RBR only when it is empty. The
 * hypervisor option input= says how many bytes each VM gets, so that the
 * host knows when its input has ended (console_input_may_come).
 */
#include "kernel/console.h"
#include "kernel/x86.h"

#define COM1      0x3F8
#define COM1_LSR  (COM1 + 5) /* line status */
#define UART_RBR  0          /* receiver buffer (from a port's base) */
#define UART_IER  1          /* interrupt enable */
#define UART_FCR  2          /* FIFO control */
#define UART_LCR  3          /* line control */
#define UART_MCR  4          /* modem control */
#define UART_LSR  5          /* line status */
#define UART_DLL  0          /* divisor latch low, with LCR.DLAB */
#define UART_DLM  1          /* divisor latch high, with LCR.DLAB */

#define IER_NONE  0x00       /* no UART interrupts: the console is polled */
#define DIVISOR_115200 1     /* baud rate divisor: 115200 / 1 */
#define FCR_ENABLE_CLEAR 0x07 /* enable the FIFOs and clear both */
#define FCR_OFF   0x00       /* FIFOs off: one byte in RBR at a time (16450 mode) */
#define MCR_DTR_RTS 0x03     /* data terminal ready, request to send */
#define LCR_8N1   0x03       /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB  0x80       /* divisor latch access */
#define LSR_DR    0x01       /* data ready: a received byte waits */
#define LSR_THRE  0x20       /* transmitter holding register empty */
#define LSR_TEMT  0x40       /* transmitter completely empty */
#define FIFO_SIZE 16         /* 16550A transmit FIFO; LSR.THRE means it is empty */
#define RING_SIZE (64 * 1024) /* bytes of output waiting for the UART (a power of two) */

/* The queue; tools/hvrun reads all three by name from a stopped Bochs run. */
static char console_ring[RING_SIZE];
static uint32_t console_ring_head, console_ring_tail; /* next byte to send, next free slot (free-running) */
/* The VM whose unfinished line the console's output ends with, or CONSOLE_NO_VM. */
static int open_line_vm = CONSOLE_NO_VM;

/* The host serial port of each VM's input: COM2-COM4 (the PC's standard bases). */
static const uint16_t input_ports[CONSOLE_INPUTS] = { 0x2F8, 0x3E8, 0x2E8 };
/* Bytes each VM's input still has to come: 0 none (closed or ended), or CONSOLE_INPUT_ENDLESS. */
static uint64_t input_left[CONSOLE_INPUTS];

/* Set the UART at @p base to 115200 baud, 8N1, polled, its FIFOs set by @p fcr. */
static void uart_setup(uint16_t base, uint8_t fcr)
{
	outb(base + UART_IER, IER_NONE);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, DIVISOR_115200 & 0xFF);
	outb(base + UART_DLM, DIVISOR_115200 >> 8);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, fcr);
	outb(base + UART_MCR, MCR_DTR_RTS);
}

void console_init(void)
{
	uart_setup(COM1, FCR_ENABLE_CLEAR);
	/* Every input port now, before the first byte is printed: tools/serial-relay
	 * sends input only after it, as a FIFO reset would drop a byte that came earlier. */
	for (int i = 0; i < CONSOLE_INPUTS; i++)
		uart_setup(input_ports[i], FCR_OFF);
}

void console_input_open(int vm_id, uint64_t bytes)
{
	input_left[vm_id] = bytes;
}

bool console_input_open_for(int vm_id)
{
	return vm_id >= 0 && vm_id < CONSOLE_INPUTS && input_left[vm_id];
}

int console_input_byte(int vm_id)
{
	uint8_t byte;

	/* vm3 (VM_MAX is 4) has no input port: closed, never looked up past the tables */
	if (vm_id >= CONSOLE_INPUTS || input_left[vm_id] == 0 || !(inb(input_ports[vm_id] + UART_LSR) & LSR_DR))
		return -1;
	byte = inb(input_ports[vm_id] + UART_RBR);
	if (input_left[vm_id] != CONSOLE_INPUT_ENDLESS)
		input_left[vm_id]--;
	return byte;
}

bool console_input_may_come(void)
{
	for (int i = 0; i < CONSOLE_INPUTS; i++)
		if (input_left[i])
			return true;
	return false;
}

void console_pump(void)
{
	if (console_ring_head == console_ring_tail || !(inb(COM1_LSR) & LSR_THRE))
		return;
	for (int i = 0; i < FIFO_SIZE && console_ring_head != console_ring_tail; i++)
		outb(COM1, (uint8_t)console_ring[console_ring_head++ % RING_SIZE]);
}

/* Queue one byte; a full buffer first waits for the UART to take some. */
static void console_putc(char c)
{
	while (console_ring_tail - console_ring_head == RING_SIZE)
		console_pump();
	console_ring[console_ring_tail++ % RING_SIZE] = c;
}

/* Queue @p n bytes as they are and start sending them. */
static void console_send(const char *s, size_t n)
{
	while (n--)
		console_putc(*s++);
	console_pump();
}

/* End the console's line if a VM left it unfinished: what follows is not its continuation. */
static void end_open_line(void)
{
	if (open_line_vm != CONSOLE_NO_VM)
		console_send("\n", 1);
	open_line_vm = CONSOLE_NO_VM;
}

void console_write(const char *s, size_t n)
{
	end_open_line();
	console_send(s, n);
}

void console_vm_text(int vm_id, const char *s, size_t n, bool line_ends)
{
	char prefix[16];

	if (open_line_vm != vm_id) {
		end_open_line();
		snprintf(prefix, sizeof(prefix), "[vm%d] ", vm_id);
		console_send(prefix, strlen(prefix));
	}
	console_send(s, n);
	if (line_ends)
		console_send("\n", 1);
	open_line_vm = line_ends ? CONSOLE_NO_VM : vm_id;
}

/* Format into a line buffer and send it; long output is cut, not lost silently. */
static void console_vprintf(const char *prefix, const char *fmt, va_list ap, bool newline)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(prefix, strlen(prefix));
	console_send(buf, strlen(buf));
	if (n >= (int)sizeof(buf))
		console_send("[...]", 5);
	if (newline)
		console_putc('\n');
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf("", fmt, ap, false);
	va_end(ap);
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf("hv: ", fmt, ap, true);
	va_end(ap);
}

void console_drain(void)
{
	while (console_ring_head != console_ring_tail)
		console_pump();
	while (!(inb(COM1_LSR) & LSR_TEMT))
		;
}
