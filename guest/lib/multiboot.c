/* What a guest reads from its Multiboot info block. */
#include "guest.h"

const char *mb_args(const struct mb_info *mbi)
{
	const char *s;

	if (!(mbi->flags & MB_INFO_CMDLINE) || !mbi->cmdline)
		return "";
	s = (const char *)mbi->cmdline;
	while (*s && *s != ' ') /* the program's path: QEMU and the hypervisor both pass it */
		s++;
	while (*s == ' ')
		s++;
	return s;
}

/* The word of args that is key or starts with "key=", else NULL. */
static const char *find_arg(const char *args, const char *key)
{
	size_t n = gstrlen(key);

	while (*args) {
		size_t i = 0;

		while (i < n && args[i] == key[i])
			i++;
		if (i == n && (args[n] == '\0' || args[n] == ' ' || args[n] == '='))
			return args;
		while (*args && *args != ' ') /* next word */
			args++;
		while (*args == ' ')
			args++;
	}
	return NULL;
}

int arg_flag(const char *args, const char *key)
{
	return find_arg(args, key) != NULL;
}

uint32_t arg_uint(const char *args, const char *key, uint32_t fallback)
{
	const char *s = find_arg(args, key);
	uint32_t v = 0, base = 10, digit;

	if (!s || s[gstrlen(key)] != '=')
		return fallback;
	s += gstrlen(key) + 1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++, v = v * base + digit) {
		if (*s >= '0' && *s <= '9')
			digit = (uint32_t)(*s - '0');
		else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			digit = (uint32_t)((*s | 0x20) - 'a' + 10);
		else
			break;
	}
	return v;
}
