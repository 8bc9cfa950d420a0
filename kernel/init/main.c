/*
 * init/main.c - kmain: the order in which the kernel comes up.
 *
 * serial first (so everything after can be seen), then boot information,
 * CPU features, descriptors, ACPI (while the boot page tables still map
 * its tables), physical memory into the buddy allocator, the kernel page
 * tables, the FPU, scheduler and SYSCALL, then time and interrupts, the
 * banner, and either the self-tests or init and the idle loop.
 */
#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/boot.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/fpu.h"
#include "kernel/layout.h"
#include "kernel/kmap.h"
#include "kernel/ktest.h"
#include "kernel/mmcheck.h"
#include "kernel/panic.h"
#include "kernel/physmem.h"
#include "kernel/printf.h"
#include "kernel/serial.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/vfs.h"
#include "kernel/kstring.h"
#include "mmcore/buddy.h"
#include "mmcore/mm.h"

#ifndef KCFG_PROFILE
#define KCFG_PROFILE "balanced"
#endif

#define TIMER_HZ 100

void kmain(uint32_t start_info_pa);

static void cmdline_apply(void)
{
	char buf[32];
	long v;
	klog_quiet = cmdline_has(boot_info.cmdline, "quiet");
	const char *p = cmdline_get(boot_info.cmdline, "panic", buf, sizeof(buf));
	if (p && cmdline_parse_int(p, &v))
		panic_timeout = v;
}

/* Set just before kmain becomes the idle loop; until then the idle task is kmain itself. */
static volatile bool idle_loop_running;

/*
 * Whether an interrupt with frame tf came at a point where the console may
 * send signals: from user mode, or from the idle loop (every task asleep
 * or stopped), never from the middle of a system call or of boot.
 */
static bool interrupted_at_safe_point(const struct trap_frame *tf)
{
	if ((tf->cs & 3) == 3)
		return true;
	return idle_loop_running && current_task()->pid == 0;
}

static void com1_interrupt(struct trap_frame *tf)
{
	serial_rx_interrupt();
	console_input_event(interrupted_at_safe_point(tf));
}

static void timer_hook(struct trap_frame *tf)
{
	console_input_event(interrupted_at_safe_point(tf));
}

static void interrupts_init(void)
{
	time_init();
	apic_init();
	apic_timer_start(TIMER_HZ);
	apic_timer_set_hook(timer_hook);
	trap_set_handler(VEC_COM1, com1_interrupt);
	ioapic_route_isa(COM1_IRQ, VEC_COM1);
	serial_enable_rx_irq();
	cpu_irq_enable();
}

static void banner(void)
{
	uint64_t pages = physmem_managed_pages();
	uint64_t us = time_ns() / 1000;
	kprintf("mmkernel: profile %s, %lu MiB managed (%lu pages), banner at %lu.%03lu ms\n",
		KCFG_PROFILE, pages >> 8, pages, us / 1000, us % 1000);
}

int proc_start_init(void);
__attribute__((noreturn)) void sched_idle_loop(void);

/*
 * Unpack the initramfs into the root file system, start init (pid 1) and
 * become the idle task.
 */
__attribute__((noreturn)) static void userland_start(void)
{
	uint64_t len = boot_info.initrd_end - boot_info.initrd_start;
	const void *initrd = len ? phys_to_direct(boot_info.initrd_start) : NULL;
	int err = vfs_init(initrd, len);
	if (err)
		panic("vfs_init: error %d", -err);
	klog("proc: %u system calls\n", syscall_count());
	proc_start_init();
	idle_loop_running = true;
	sched_idle_loop();
}

void kmain(uint32_t start_info_pa)
{
	serial_init();
	if (boot_parse_pvh(start_info_pa))
		panic("boot: no usable PVH start_info at %x", start_info_pa);
	cmdline_apply();
	klog("boot: command line \"%s\"\n", boot_info.cmdline);
	cpu_init();
	kplat_erms = cpu_features.erms;
	klog("cpu: nx %d smep %d/%d smap %d/%d erms %d pge %d\n", cpu_features.nx,
	     cpu_features.smep, cpu_features.smep_on, cpu_features.smap, cpu_features.smap_on,
	     cpu_features.erms, cpu_features.pge);
	gdt_init();
	idt_init();
	if (acpi_init(boot_info.rsdp_paddr))
		klog("acpi: no RSDP found; power-off unavailable\n");
	physmem_init();
	kmap_init();
	physmem_add_high();
	if (mm_init())
		panic("mm_init: no memory for the zero pages");
	mmcheck_init();
	fpu_init();
	sched_init();
	syscall_init();
	interrupts_init();
	banner();

	char buf[16];
	const char *kt = cmdline_get(boot_info.cmdline, "ktest", buf, sizeof(buf));
	if (kt)
		ktest_deliberate(kt); /* panic, smap, smep, hang: never returns */
	if (kt) {
		ktest_run_all();
		acpi_poweroff();
		panic("ktest: ACPI power-off did not happen");
	}
	userland_start();
}
