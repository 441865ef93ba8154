/*
 * Console input: read lines from COM1 and answer each, polling the line
 * status register's data-ready bit (16550A: National Semiconductor PC16550D
 * datasheet, Line Status Register, bit 0), no interrupts.
 *
 * Each line is answered: "add A B" prints the sum, "rev TEXT" TEXT reversed,
 * any other line is echoed with its length. "quit", or Ctrl-D (0x04) at the
 * start of a line, ends the guest with a summary (lines, bytes, a checksum
 * of every byte received, so a lost or reordered byte shows). Arguments:
 * delay=N spins N loops before each line (a slow reader, whose input must
 * wait for it); forever ignores quit and Ctrl-D, for make run's UNTIL=;
 * prompt prints "echo> " before each line, without a newline, as a shell
 * does (make run's PROMPT= types a line at each).
 * Natively and under the hypervisor the same input gives the same output.
 */
#include "guest.h"
#include "uart.h"
#include "x86.h"

#define CTRL_D    0x04        /* end of input, typed at a line's start */
#define LINE_MAX  128         /* a longer line is answered in parts */

struct totals {
	uint32_t lines, bytes, checksum;
};

/* The next byte COM1 receives: wait for LSR.DR, then read RBR. */
static uint8_t read_byte(struct totals *t)
{
	uint8_t c;

	while (!(inb(COM1_LSR) & LSR_DR))
		;
	c = inb(COM1_RBR);
	t->bytes++;
	t->checksum = (t->checksum * 31 + c) & 0xFFFFFF;
	return c;
}

/* One line into @p buf (no newline; a carriage return is dropped); its length,
 * or -1 for Ctrl-D at its start. */
static int read_line(char *buf, struct totals *t)
{
	int n = 0;

	for (;;) {
		uint8_t c = read_byte(t);

		if (c == CTRL_D && n == 0)
			return -1;
		if (c == '\n')
			break;
		if (c == '\r')
			continue;
		buf[n++] = (char)c;
		if (n == LINE_MAX - 1)
			break;
	}
	buf[n] = '\0';
	return n;
}

/* Whether @p line starts with the word @p cmd; *rest: what follows it. */
static int is_command(const char *line, const char *cmd, const char **rest)
{
	size_t n = gstrlen(cmd);

	for (size_t i = 0; i < n; i++)
		if (line[i] != cmd[i])
			return 0;
	if (line[n] != '\0' && line[n] != ' ')
		return 0;
	*rest = line[n] ? line + n + 1 : line + n;
	return 1;
}

/* The decimal number at *s (skipping spaces), moving *s past it. */
static uint32_t number(const char **s)
{
	uint32_t v = 0;

	while (**s == ' ')
		(*s)++;
	for (; **s >= '0' && **s <= '9'; (*s)++)
		v = v * 10 + (uint32_t)(**s - '0');
	return v;
}

/* Answer one line; returns 1 when it ends the guest. */
static int answer(const char *line, int len, const struct totals *t, int forever)
{
	const char *rest;

	if (is_command(line, "quit", &rest) && !forever)
		return 1;
	if (is_command(line, "quit", &rest)) {
		gprintf("echo: quit ignored: this guest runs forever\n");
	} else if (is_command(line, "add", &rest)) {
		uint32_t a = number(&rest), b = number(&rest);

		gprintf("echo: %u + %u = %u\n", a, b, a + b);
	} else if (is_command(line, "rev", &rest)) {
		gprintf("echo: ");
		for (int i = (int)gstrlen(rest) - 1; i >= 0; i--)
			gprintf("%c", rest[i]);
		gprintf("\n");
	} else {
		gprintf("echo: line %u: \"%s\" (%d bytes)\n", t->lines, line, len);
	}
	return 0;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	const char *args = mb_args(mbi);
	uint32_t delay = arg_uint(args, "delay", 0);
	int forever = arg_flag(args, "forever");
	int prompt = arg_flag(args, "prompt");
	struct totals t = { 0, 0, 0 };
	char line[LINE_MAX];

	(void)magic;
	console_init();
	gprintf("echo: reading lines from COM1 (quit or Ctrl-D ends)\n");
	for (;;) {
		for (volatile uint32_t i = 0; i < delay; i++)
			;
		if (prompt)
			gprintf("echo> ");
		int len = read_line(line, &t);

		if (len < 0 && !forever)
			break;
		if (len < 0)
			continue;
		t.lines++;
		if (answer(line, len, &t, forever))
			break;
	}
	gprintf("echo: bye: %u lines, %u bytes, checksum %06x\n", t.lines, t.bytes, t.checksum);
	return GUEST_SUCCESS;
}
