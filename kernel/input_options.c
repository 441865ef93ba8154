/*
 * The options input= and until= (kernel/input_options.h): parsed once at
 * boot; the console (kernel/console.c) and each VM (kernel/vm.c) keep what
 * they ask for.
 */
#include "kernel/console.h"
#include "kernel/input_options.h"

/* The text of until=, decoded; shared by every VM. */
static char until_text[INPUT_UNTIL_MAX + 1];

/* The value of hex digit @p c, or -1. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode until='s value at @p text (up to a space) into until_text; false (printed) when malformed. */
static bool until_parse(const char *text)
{
	size_t n = 0;

	for (; *text && *text != ' '; text++) {
		char c = *text;

		if (c == '%') {
			int hi = hex_digit(text[1]), lo = hi < 0 ? -1 : hex_digit(text[2]);

			if (lo < 0 || (hi == 0 && lo == 0)) {
				hv_log("until=: '%%' must be followed by two hex digits of a nonzero byte (%%20 is a space)");
				return false;
			}
			c = (char)(hi * 16 + lo);
			text += 2;
		}
		if (c == '\n' || n == INPUT_UNTIL_MAX) {
			hv_log(c == '\n' ? "until=: the text cannot hold a newline (it is matched within a line)"
					 : "until=: the text is longer than %d bytes", INPUT_UNTIL_MAX);
			return false;
		}
		until_text[n++] = c;
	}
	until_text[n] = '\0';
	if (n == 0)
		hv_log("until=: the text is empty");
	return n > 0;
}

/* One entry of input= at @p text (up to ',' or a space) as a byte count in @p bytes; false when malformed. */
static bool input_entry(const char *text, uint64_t *bytes, const char **end)
{
	uint64_t v = 0;
	const char *s = text;

	if (!strncmp(s, "tty", 3)) {
		*bytes = CONSOLE_INPUT_ENDLESS;
		s += 3;
	} else {
		for (; *s >= '0' && *s <= '9' && v < UINT32_MAX; s++)
			v = v * 10 + (uint64_t)(*s - '0');
		*bytes = v;
		if (s == text || v >= UINT32_MAX)
			return false;
	}
	*end = s;
	return *s == ',' || *s == ' ' || *s == '\0';
}

bool input_configure(const struct bootinfo *bi, struct vm **vms, int count)
{
	const char *input = bootinfo_option(bi, "input"), *until = bootinfo_option(bi, "until");
	uint64_t bytes;

	for (int i = 0; input && *input && *input != ' '; i++) {
		if (i == count || i == CONSOLE_INPUTS) {
			hv_log("input=: more entries than the %d VM(s)%s", count < CONSOLE_INPUTS ? count : CONSOLE_INPUTS,
			       count > CONSOLE_INPUTS ? " that can have input (one host serial port each, COM2-COM4)" : "");
			return false;
		}
		if (!input_entry(input, &bytes, &input)) {
			hv_log("input=: entry %d must be a byte count below 2^32 or \"tty\"", i);
			return false;
		}
		console_input_open(i, bytes);
		vms[i]->has_input = true;
		input += *input == ',';
	}
	if (until && !until_parse(until))
		return false;
	for (int i = 0; until && i < count; i++)
		vms[i]->until = until_text;
	return true;
}
