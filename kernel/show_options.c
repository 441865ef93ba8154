/*
 * make show's option snap=: end, paging, every:N or fault:0xADDR, several
 * separated by commas (docs/show.md).
 */
#include "kernel/console.h"
#include "kernel/show_options.h"
#include "shadow/pte.h"

#define SNAP_TEXT_MAX 64 /* bytes of snap='s value kept for messages */

/* Parse one item of snap= (up to a comma, space or the end) into rule; false if malformed. */
static bool parse_item(const char *s, size_t n, struct snap_rule *rule)
{
	uint64_t v = 0;
	unsigned base = 10;
	size_t i;

	if (n == 3 && !strncmp(s, "end", 3))
		return true;
	if (n == 6 && !strncmp(s, "paging", 6)) {
		rule->paging = true;
		return true;
	}
	if (n > 6 && !strncmp(s, "every:", 6))
		i = 6;
	else if (n > 6 && !strncmp(s, "fault:", 6))
		i = 6;
	else
		return false;
	if (n > i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	for (; i < n; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			   : base == 16 && c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			   : base == 16 && c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : base;

		if (d >= base || (v = v * base + d) > UINT32_MAX)
			return false;
	}
	if (s[0] == 'f') {
		rule->fault = true;
		rule->fault_page = (uint32_t)v & PTE_FRAME;
		return true;
	}
	rule->every = (uint32_t)v;
	return v != 0;
}

bool snap_parse(const char *snap, struct snap_rule *rule)
{
	char text[SNAP_TEXT_MAX];
	size_t n;

	for (const char *s = snap; s && *s && *s != ' ';) {
		size_t len = 0;

		while (s[len] && s[len] != ' ' && s[len] != ',')
			len++;
		if (!parse_item(s, len, rule)) {
			for (n = 0; snap[n] && snap[n] != ' ' && n < sizeof(text) - 1; n++)
				text[n] = snap[n];
			text[n] = '\0';
			hv_log("snap=%s: expected end, paging, every:N or fault:0xADDR (several separated by commas)", text);
			return false;
		}
		s += len + (s[len] == ',');
	}
	return true;
}
