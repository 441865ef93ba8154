/* What a guest reads from its Multiboot info block. */
#include "guest.h"

size_t gstrlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

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
