/*
 * arch/x86_64/acpi.c - just enough ACPI to power off, reset and find the
 * IOAPIC: RSDP -> RSDT/XSDT -> FADT (PM1 control ports, reset register,
 * DSDT whose \_S5 package gives the S5 sleep type) and MADT.
 *
 * acpi_init() runs while the boot page tables map the low 4 GiB and copies
 * out every value it needs, so nothing here touches the tables later
 * (firmware keeps them in memory the direct map may not cover).
 */
#include "kernel/acpi.h"

#include <stdbool.h>

#include "kernel/cpu.h"
#include "kernel/kstring.h"
#include "kernel/layout.h"
#include "kernel/printf.h"

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct acpi_gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t address;
} __attribute__((packed));

#define ISA_IRQS 16
#define EARLY_MAP_LIMIT 0x100000000ull

static struct {
	bool found;
	uint64_t rsdt, xsdt;
	uint16_t pm1a_cnt, pm1b_cnt;
	uint16_t slp_typ_a, slp_typ_b;
	bool have_s5;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	bool have_reset;
	uint64_t ioapic_pa;
	uint32_t ioapic_gsi_base;
	uint32_t isa_gsi[ISA_IRQS];
	uint16_t isa_flags[ISA_IRQS];
} acpi;

static const void *acpi_phys(uint64_t pa, uint64_t len)
{
	if (!pa || pa + len > EARLY_MAP_LIMIT || pa + len < pa)
		return NULL;
	return phys_to_direct(pa);
}

static bool checksum_ok(const void *p, uint32_t len)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

/* A whole table at pa, checked, or NULL. */
static const struct acpi_header *table_at(uint64_t pa)
{
	const struct acpi_header *h = acpi_phys(pa, sizeof(*h));
	if (!h || h->length < sizeof(*h) || h->length > (16u << 20) || !acpi_phys(pa, h->length))
		return NULL;
	return checksum_ok(h, h->length) ? h : NULL;
}

static uint64_t rsdp_scan(uint64_t start, uint64_t len)
{
	for (uint64_t pa = start; pa + 20 <= start + len; pa += 16) {
		const uint8_t *p = acpi_phys(pa, 20);
		if (p && !memcmp(p, "RSD PTR ", 8) && checksum_ok(p, 20))
			return pa;
	}
	return 0;
}

static bool rsdp_use(uint64_t pa)
{
	const uint8_t *p = acpi_phys(pa, 36);
	if (!p || memcmp(p, "RSD PTR ", 8) || !checksum_ok(p, 20))
		return false;
	acpi.rsdt = *(const uint32_t *)(p + 16);
	if (p[15] >= 2 && checksum_ok(p, 36))
		acpi.xsdt = *(const uint64_t *)(p + 24);
	return true;
}

const void *acpi_find_table(const char *sig)
{
	const struct acpi_header *root = acpi.xsdt ? table_at(acpi.xsdt) : table_at(acpi.rsdt);
	if (!root)
		return NULL;
	unsigned width = acpi.xsdt ? 8 : 4;
	unsigned n = (root->length - sizeof(*root)) / width;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = width == 8 ? *(const uint64_t *)(entries + 8 * i)
					 : *(const uint32_t *)(entries + 4 * i);
		const struct acpi_header *h = table_at(pa);
		if (h && !memcmp(h->sig, sig, 4))
			return h;
	}
	return NULL;
}

/* One AML integer of a package: BytePrefix n, ZeroOp, OneOp or a raw byte. */
static const uint8_t *aml_small_int(const uint8_t *p, const uint8_t *end, uint16_t *out)
{
	if (p >= end)
		return NULL;
	if (*p == 0x0a && p + 1 < end) {
		*out = p[1];
		return p + 2;
	}
	*out = (*p == 0x01) ? 1 : (*p == 0x00) ? 0 : *p;
	return p + 1;
}

/* \_S5 in the DSDT: Name(_S5_, Package(){SLP_TYPa, SLP_TYPb, ...}). */
static void dsdt_find_s5(const struct acpi_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt, *end = p + dsdt->length;
	for (const uint8_t *q = p + sizeof(*dsdt); q + 8 < end; q++) {
		if (memcmp(q, "_S5_", 4))
			continue;
		if (!(q[-1] == 0x08 || (q[-1] == '\\' && q[-2] == 0x08)) || q[4] != 0x12)
			continue; /* a reference to _S5_, not its definition */
		const uint8_t *r = q + 5;
		r += 1 + (*r >> 6); /* PkgLength: lead byte + extra bytes */
		r += 1;             /* NumElements */
		r = aml_small_int(r, end, &acpi.slp_typ_a);
		if (r && aml_small_int(r, end, &acpi.slp_typ_b)) {
			acpi.have_s5 = true;
			return;
		}
	}
}

static void fadt_parse(const struct acpi_header *fadt)
{
	const uint8_t *f = (const uint8_t *)fadt;
	uint32_t len = fadt->length;
	acpi.pm1a_cnt = (uint16_t)*(const uint32_t *)(f + 64);
	acpi.pm1b_cnt = (uint16_t)*(const uint32_t *)(f + 68);
	if (!acpi.pm1a_cnt && len >= 184)
		acpi.pm1a_cnt = (uint16_t)((const struct acpi_gas *)(f + 172))->address;
	if (len >= 129 && (*(const uint32_t *)(f + 112) & (1u << 10))) {
		acpi.reset_reg = *(const struct acpi_gas *)(f + 116);
		acpi.reset_value = f[128];
		acpi.have_reset = true;
	}
	uint64_t dsdt_pa = *(const uint32_t *)(f + 40);
	if (len >= 148 && *(const uint64_t *)(f + 140))
		dsdt_pa = *(const uint64_t *)(f + 140);
	const struct acpi_header *dsdt = table_at(dsdt_pa);
	if (dsdt)
		dsdt_find_s5(dsdt);
}

static void madt_parse(const struct acpi_header *madt)
{
	const uint8_t *p = (const uint8_t *)madt + 44, *end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == 1 && p[1] >= 12 && !acpi.ioapic_pa) {
			acpi.ioapic_pa = *(const uint32_t *)(p + 4);
			acpi.ioapic_gsi_base = *(const uint32_t *)(p + 8);
		} else if (p[0] == 2 && p[1] >= 10 && p[3] < ISA_IRQS) {
			acpi.isa_gsi[p[3]] = *(const uint32_t *)(p + 4);
			acpi.isa_flags[p[3]] = *(const uint16_t *)(p + 8);
		}
	}
}

int acpi_init(uint64_t rsdp_hint)
{
	for (unsigned i = 0; i < ISA_IRQS; i++)
		acpi.isa_gsi[i] = i;
	acpi.ioapic_pa = 0;
	uint64_t rsdp = rsdp_hint;
	if (!rsdp || !rsdp_use(rsdp)) {
		uint64_t ebda = (uint64_t)*(const uint16_t *)phys_to_direct(0x40e) << 4;
		rsdp = ebda ? rsdp_scan(ebda, 1024) : 0;
		if (!rsdp)
			rsdp = rsdp_scan(0xe0000, 0x20000);
		if (!rsdp || !rsdp_use(rsdp))
			return -1;
	}
	acpi.found = true;
	const struct acpi_header *fadt = acpi_find_table("FACP");
	if (fadt)
		fadt_parse(fadt);
	const struct acpi_header *madt = acpi_find_table("APIC");
	if (madt)
		madt_parse(madt);
	klog("acpi: rsdp %lx, pm1a_cnt %x, s5 %s (typ %u/%u), reset %s, ioapic %lx\n", rsdp,
	     acpi.pm1a_cnt, acpi.have_s5 ? "yes" : "no", acpi.slp_typ_a, acpi.slp_typ_b,
	     acpi.have_reset ? "yes" : "no", acpi.ioapic_pa);
	return 0;
}

void acpi_poweroff(void)
{
	if (!acpi.pm1a_cnt || !acpi.have_s5)
		return;
	const uint16_t slp_en = 1u << 13, slp_mask = 7u << 10;
	cpu_irq_disable();
	outw(acpi.pm1a_cnt, (uint16_t)((inw(acpi.pm1a_cnt) & ~slp_mask) | (acpi.slp_typ_a << 10) | slp_en));
	if (acpi.pm1b_cnt)
		outw(acpi.pm1b_cnt, (uint16_t)((inw(acpi.pm1b_cnt) & ~slp_mask) | (acpi.slp_typ_b << 10) | slp_en));
	/* The chipset may take a moment. */
	for (int i = 0; i < 1000000; i++)
		cpu_relax();
}

void acpi_reset(void)
{
	if (!acpi.have_reset)
		return;
	if (acpi.reset_reg.space == 1) /* system I/O */
		outb((uint16_t)acpi.reset_reg.address, acpi.reset_value);
	for (int i = 0; i < 1000000; i++)
		cpu_relax();
}

uint64_t acpi_ioapic_address(uint32_t *gsi_base)
{
	*gsi_base = acpi.ioapic_pa ? acpi.ioapic_gsi_base : 0;
	return acpi.ioapic_pa ? acpi.ioapic_pa : 0xfec00000ull;
}

uint32_t acpi_isa_irq_to_gsi(unsigned irq, uint16_t *flags)
{
	if (irq >= ISA_IRQS) {
		*flags = 0;
		return irq;
	}
	*flags = acpi.isa_flags[irq];
	return acpi.isa_gsi[irq];
}
