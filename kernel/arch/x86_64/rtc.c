/*
 * arch/x86_64/rtc.c - the PC's CMOS real-time clock, read once at boot to
 * give CLOCK_REALTIME its starting point. The RTC keeps local wall time in
 * BCD or binary, 12- or 24-hour form as status register B says; QEMU keeps
 * it in UTC, as Linux assumes on a PC unless told otherwise.
 */
#include <stdbool.h>

#include "kernel/cpu.h"
#include "kernel/time.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UPDATING 0x80   /* status A: an update is in progress */
#define RTC_24H 0x02        /* status B */
#define RTC_BINARY 0x04     /* status B */
#define RTC_PM 0x80         /* hours register in 12-hour form */
#define RTC_UPDATE_WAIT 1000000 /* polls; an update lasts under 2 ms */

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned rtc_value(uint8_t v, bool binary) { return binary ? v : (v & 15) + (v >> 4) * 10; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), by whole 400-year eras. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t rtc_read_seconds(void)
{
	for (unsigned spin = 0; spin < RTC_UPDATE_WAIT && (cmos_read(RTC_STATUS_A) & RTC_UPDATING);
	     spin++)
		; /* the registers are inconsistent during an update */
	uint8_t fmt = cmos_read(RTC_STATUS_B);
	bool bin = fmt & RTC_BINARY;
	unsigned s = rtc_value(cmos_read(RTC_SECONDS), bin);
	unsigned mi = rtc_value(cmos_read(RTC_MINUTES), bin);
	uint8_t hr = cmos_read(RTC_HOURS);
	unsigned h = rtc_value(hr & 0x7f, bin);
	if (!(fmt & RTC_24H))
		h = h % 12 + (hr & RTC_PM ? 12 : 0);
	unsigned d = rtc_value(cmos_read(RTC_DAY), bin);
	unsigned mo = rtc_value(cmos_read(RTC_MONTH), bin);
	unsigned y = rtc_value(cmos_read(RTC_YEAR), bin) + 2000;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0; /* no usable RTC: the epoch rather than nonsense */
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}
