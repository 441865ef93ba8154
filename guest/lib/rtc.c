/* The CMOS clock's registers (rtc.h): select with the index port, then the data port. */
#include "rtc.h"
#include "x86.h"

uint8_t rtc_get(uint8_t reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

void rtc_set(uint8_t reg, uint8_t value)
{
	outb(RTC_INDEX, reg);
	outb(RTC_DATA, value);
}
