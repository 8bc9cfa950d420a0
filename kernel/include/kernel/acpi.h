/* kernel/acpi.h - the ACPI tables the kernel reads: FADT (power off), MADT (IOAPIC). */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <stdint.h>

/* Find the RSDP (boot info, then the BIOS areas) and the tables we use. Returns 0 or -1. */
int acpi_init(uint64_t rsdp_hint);

/* Table with the 4-byte signature sig, mapped through the direct map, or NULL. */
const void *acpi_find_table(const char *sig);

/* Enter S5 (soft off). Returns only when that failed. */
void acpi_poweroff(void);

/* Write the FADT reset register if it has one. Returns only when that failed. */
void acpi_reset(void);

/* From the MADT: the first IOAPIC's physical address and GSI base, the GSI
 * and flags an ISA IRQ is wired to (identity when no override). */
uint64_t acpi_ioapic_address(uint32_t *gsi_base);
uint32_t acpi_isa_irq_to_gsi(unsigned irq, uint16_t *flags);

#endif
