/*
 * syscalls/sys_reboot.c - reboot(2): power off, halt, restart, and the
 * Ctrl-Alt-Del switch, with Linux's checks in Linux's order (EPERM for a
 * caller without privilege before the magic numbers are looked at, then
 * EINVAL for wrong magic or an unknown command). Like Linux, it does not
 * stop processes or sync anything itself: init does that first (BusyBox
 * init runs its shutdown actions, sends SIGTERM and SIGKILL to everyone,
 * then calls this).
 */
#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printf.h"
#include "kernel/syscall.h"
#include "kernel/task.h"

#define REBOOT_MAGIC1 0xfee1deadu
#define REBOOT_MAGIC2 672274793u
#define REBOOT_MAGIC2A 85072278u
#define REBOOT_MAGIC2B 369367448u
#define REBOOT_MAGIC2C 537993216u

#define CMD_RESTART 0x01234567u
#define CMD_HALT 0xcdef0123u
#define CMD_CAD_ON 0x89abcdefu
#define CMD_CAD_OFF 0x00000000u
#define CMD_POWER_OFF 0x4321fedcu
#define CMD_RESTART2 0xa1b2c3d4u

/* Whether Ctrl-Alt-Del reboots at once (1) or signals init (0); nothing generates it here. */
static int reboot_cad_on = 1;

static bool reboot_magic_ok(uint32_t m1, uint32_t m2)
{
	return m1 == REBOOT_MAGIC1 && (m2 == REBOOT_MAGIC2 || m2 == REBOOT_MAGIC2A ||
				       m2 == REBOOT_MAGIC2B || m2 == REBOOT_MAGIC2C);
}

/* Linux's machine_halt: the CPU stops with interrupts off; the machine stays on. */
__attribute__((noreturn)) static void reboot_halt(void)
{
	kprintf("reboot: System halted\n");
	cpu_irq_disable();
	cpu_halt_forever();
}

SYSCALL_DEFINE(169, reboot)
{
	if (current->euid != 0)
		return -EPERM;
	if (!reboot_magic_ok((uint32_t)a0, (uint32_t)a1))
		return -EINVAL;
	switch ((uint32_t)a2) {
	case CMD_RESTART:
	case CMD_RESTART2:
		kprintf("reboot: Restarting system\n");
		machine_reset();
	case CMD_HALT:
		reboot_halt();
	case CMD_POWER_OFF:
		kprintf("reboot: Power down\n");
		acpi_poweroff();
		/* Without ACPI power-off Linux halts instead. */
		reboot_halt();
	case CMD_CAD_ON:
		reboot_cad_on = 1;
		return 0;
	case CMD_CAD_OFF:
		reboot_cad_on = 0;
		return 0;
	default:
		return -EINVAL;
	}
}
