/*
 * fs/proc_sys.c - the system-wide files of /proc: meminfo, stat, uptime,
 * loadavg, filesystems, cpuinfo, version, cmdline. Memory figures come
 * from the buddy allocator (free and managed frames), a pass over the
 * page descriptors (page cache, anonymous and page-table frames), the
 * kernel heap and the address spaces' VMAs; times from the clock and the
 * tasks' tick counts.
 */
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/time.h"
#include "mmcore/buddy.h"
#include "mmcore/mm.h"
#include "procfs.h"

/* ---- meminfo ------------------------------------------------------------------------ */

/* Frames by use, counted from the page descriptors (compound pages count all 512 frames). */
struct mem_scan {
	uint64_t cache, cache_mapped, anon, anon_huge, tables;
};

static void mem_scan(struct mem_scan *s)
{
	*s = (struct mem_scan){0};
	for (uint64_t i = 0; i < page_nr; i++) {
		struct page *pg = &page_map[i];
		uint64_t n = pg->flags & PG_HEAD ? HUGE_NR_PAGES : 1;
		if (pg->flags & (PG_TAIL | PG_BUDDY | PG_RESERVED | PG_ZERO))
			continue;
		if (pg->flags & PG_PAGETABLE) {
			s->tables++;
		} else if (pg->flags & PG_CACHE) {
			s->cache += n;
			if (pg->mapcount > 0)
				s->cache_mapped += n;
		} else if ((pg->flags & PG_ANON) && pg->mapcount > 0) {
			s->anon += n;
			/* Mapped by 2 MiB leaves only: a split huge page counts one per PTE (>= 512). */
			if ((pg->flags & PG_HEAD) && pg->mapcount < (int32_t)HUGE_NR_PAGES)
				s->anon_huge += n;
		}
	}
}

/* Memory committed to private writable mappings (VM_ACCOUNT) in every address space. */
static uint64_t mem_committed(void)
{
	uint64_t bytes = 0;
	for (struct task *t = task_first(); t; t = t->all_next) {
		if (!t->mm || t->state == TASK_ZOMBIE || t->mm_borrowed)
			continue;
		for (struct vma *v = vma_first(&t->mm->vmas); v; v = vma_next(v))
			if (v->flags & VM_ACCOUNT)
				bytes += v->end - v->start;
	}
	return bytes;
}

static int show_meminfo(struct inode *ino, struct pbuf *b)
{
	uint64_t total = buddy_managed_pages() << PAGE_SHIFT;
	uint64_t free = buddy_free_pages() << PAGE_SHIFT;
	struct heap_stats hs;
	struct mem_scan s;
	(void)ino;
	heap_stats(&hs);
	mem_scan(&s);
	pbuf_kb(b, "MemTotal:", total);
	pbuf_kb(b, "MemFree:", free);
	/* tmpfs pages cannot be dropped and there is no swap: only free memory is available. */
	pbuf_kb(b, "MemAvailable:", free);
	pbuf_kb(b, "Buffers:", 0);
	pbuf_kb(b, "Cached:", s.cache << PAGE_SHIFT);
	pbuf_kb(b, "SwapCached:", 0);
	pbuf_kb(b, "Active:", (s.anon + s.cache) << PAGE_SHIFT);
	pbuf_kb(b, "Inactive:", 0);
	pbuf_kb(b, "Active(anon):", (s.anon + s.cache) << PAGE_SHIFT);
	pbuf_kb(b, "Inactive(anon):", 0);
	pbuf_kb(b, "Active(file):", 0);
	pbuf_kb(b, "Inactive(file):", 0);
	pbuf_kb(b, "Unevictable:", 0);
	pbuf_kb(b, "Mlocked:", 0);
	pbuf_kb(b, "SwapTotal:", 0);
	pbuf_kb(b, "SwapFree:", 0);
	pbuf_kb(b, "Dirty:", 0);
	pbuf_kb(b, "Writeback:", 0);
	pbuf_kb(b, "AnonPages:", s.anon << PAGE_SHIFT);
	pbuf_kb(b, "Mapped:", s.cache_mapped << PAGE_SHIFT);
	pbuf_kb(b, "Shmem:", s.cache << PAGE_SHIFT);
	pbuf_kb(b, "KReclaimable:", 0);
	pbuf_kb(b, "Slab:", hs.slab_pages << PAGE_SHIFT);
	pbuf_kb(b, "SReclaimable:", 0);
	pbuf_kb(b, "SUnreclaim:", hs.slab_pages << PAGE_SHIFT);
	pbuf_kb(b, "PageTables:", s.tables << PAGE_SHIFT);
	pbuf_kb(b, "CommitLimit:", total / 2);
	pbuf_kb(b, "Committed_AS:", mem_committed());
	pbuf_kb(b, "AnonHugePages:", s.anon_huge << PAGE_SHIFT);
	pbuf_kb(b, "ShmemHugePages:", 0);
	pbuf_kb(b, "ShmemPmdMapped:", 0);
	pbuf_kb(b, "FileHugePages:", 0);
	pbuf_kb(b, "FilePmdMapped:", 0);
	pbuf_printf(b, "HugePages_Total:       0\nHugePages_Free:        0\n");
	pbuf_printf(b, "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
	pbuf_kb(b, "Hugepagesize:", HUGE_SIZE);
	pbuf_kb(b, "Hugetlb:", 0);
	return 0;
}

/* ---- stat, uptime, loadavg ---------------------------------------------------------- */

struct cpu_times {
	uint64_t user, system, idle; /* USER_HZ ticks */
	unsigned running, total;
	int last_pid;
};

/*
 * CPU time so far: what the tasks alive now ran, plus what their reaped
 * children ran (children roll their times into the parent that waits).
 * The one CPU idled for the rest of the time since boot.
 */
static void cpu_times(struct cpu_times *c)
{
	uint64_t up = proc_ticks(time_ns());
	*c = (struct cpu_times){0};
	for (struct task *t = task_first(); t; t = t->all_next) {
		if (t->pid <= 0)
			continue;
		c->user += t->user_ticks + t->cutime_ticks;
		c->system += t->sys_ticks + t->cstime_ticks;
		c->total++;
		if (t->state == TASK_RUNNABLE)
			c->running++;
		if (t->pid > c->last_pid)
			c->last_pid = t->pid;
	}
	c->idle = up > c->user + c->system ? up - c->user - c->system : 0;
}

static int show_stat(struct inode *ino, struct pbuf *b)
{
	struct cpu_times c;
	(void)ino;
	cpu_times(&c);
	pbuf_printf(b, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", c.user, c.system, c.idle);
	pbuf_printf(b, "cpu0 %lu 0 %lu %lu 0 0 0 0 0 0\n", c.user, c.system, c.idle);
	pbuf_printf(b, "btime 0\nprocesses %d\nprocs_running %u\nprocs_blocked 0\n", c.last_pid,
		    c.running);
	return 0;
}

static int show_uptime(struct inode *ino, struct pbuf *b)
{
	uint64_t cs = time_ns() / 10000000ull; /* hundredths of a second */
	struct cpu_times c;
	(void)ino;
	cpu_times(&c);
	pbuf_printf(b, "%lu.%02lu %lu.%02lu\n", cs / 100, cs % 100, c.idle / PROC_USER_HZ,
		    c.idle % PROC_USER_HZ);
	return 0;
}

/* The scheduler keeps no run-queue averages, so the three load figures read 0.00. */
static int show_loadavg(struct inode *ino, struct pbuf *b)
{
	struct cpu_times c;
	(void)ino;
	cpu_times(&c);
	pbuf_printf(b, "0.00 0.00 0.00 %u/%u %d\n", c.running, c.total, c.last_pid);
	return 0;
}

/* ---- static descriptions --------------------------------------------------------- */

static int show_filesystems(struct inode *ino, struct pbuf *b)
{
	(void)ino;
	pbuf_printf(b, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tramfs\n");
	return 0;
}

/* The CPUID brand string (leaves 0x80000002..4), trimmed of leading spaces. */
static void cpu_brand(char out[49])
{
	uint32_t r[4];
	char *p = out;
	out[0] = 0;
	cpuid(0x80000000u, 0, r);
	if (r[0] < 0x80000004u)
		return;
	for (uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; leaf++) {
		cpuid(leaf, 0, r);
		memcpy(out + (leaf - 0x80000002u) * 16, r, 16);
	}
	out[48] = 0;
	while (*p == ' ')
		p++;
	memmove(out, p, strlen(p) + 1);
}

/* Names of the CPUID.1 EDX and ECX feature bits Linux prints (bit order, blanks unnamed). */
static const char *const cpu_flags_edx[32] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep",
	"mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx",
	"fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};
static const char *const cpu_flags_ecx[32] = {
	"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3",
	"cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1", "sse4_2",
	"x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c",
	"rdrand", "hypervisor",
};

static int show_cpuinfo(struct inode *ino, struct pbuf *b)
{
	uint32_t r[4], id[4], sig;
	char vendor[13], brand[49];
	uint64_t khz = time_tsc_khz();
	(void)ino;
	cpuid(0, 0, id);
	memcpy(vendor, &id[1], 4);
	memcpy(vendor + 4, &id[3], 4);
	memcpy(vendor + 8, &id[2], 4);
	vendor[12] = 0;
	cpuid(1, 0, r);
	sig = r[0];
	cpu_brand(brand);
	pbuf_printf(b, "processor\t: 0\nvendor_id\t: %s\n", vendor);
	pbuf_printf(b, "cpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n",
		    ((sig >> 8) & 0xf) + (((sig >> 8) & 0xf) == 0xf ? (sig >> 20) & 0xff : 0),
		    ((sig >> 4) & 0xf) | (((sig >> 8) & 0xf) >= 6 ? ((sig >> 16) & 0xf) << 4 : 0),
		    brand, sig & 0xf);
	pbuf_printf(b, "cpu MHz\t\t: %lu.%03lu\n", khz / 1000, khz % 1000);
	pbuf_printf(b, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n");
	pbuf_printf(b, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n",
		    id[0]);
	pbuf_printf(b, "flags\t\t:");
	for (int i = 0; i < 32; i++)
		if ((r[3] >> i & 1) && cpu_flags_edx[i])
			pbuf_printf(b, " %s", cpu_flags_edx[i]);
	for (int i = 0; i < 32; i++)
		if ((r[2] >> i & 1) && cpu_flags_ecx[i])
			pbuf_printf(b, " %s", cpu_flags_ecx[i]);
	pbuf_printf(b, "\nbogomips\t: %lu.%02lu\n", khz / 500, (khz / 5) % 100);
	pbuf_printf(b, "clflush size\t: 64\ncache_alignment\t: 64\n");
	pbuf_printf(b, "address sizes\t: 48 bits virtual\npower management:\n\n");
	return 0;
}

static int show_version(struct inode *ino, struct pbuf *b)
{
	(void)ino;
	pbuf_printf(b, "Linux version 6.1.0-mmkernel (mmkernel) #1 SMP\n");
	return 0;
}

static int show_cmdline(struct inode *ino, struct pbuf *b)
{
	(void)ino;
	pbuf_printf(b, "%s\n", boot_info.cmdline);
	return 0;
}

static const struct pseudo_node meminfo_node = {.show = show_meminfo};
static const struct pseudo_node stat_node = {.show = show_stat};
static const struct pseudo_node uptime_node = {.show = show_uptime};
static const struct pseudo_node loadavg_node = {.show = show_loadavg};
static const struct pseudo_node filesystems_node = {.show = show_filesystems};
static const struct pseudo_node cpuinfo_node = {.show = show_cpuinfo};
static const struct pseudo_node version_node = {.show = show_version};
static const struct pseudo_node cmdline_node = {.show = show_cmdline};

const struct proc_sys_file proc_sys_files[] = {
	{"cmdline", &cmdline_node},   {"cpuinfo", &cpuinfo_node}, {"filesystems", &filesystems_node},
	{"loadavg", &loadavg_node},   {"meminfo", &meminfo_node}, {"stat", &stat_node},
	{"uptime", &uptime_node},     {"version", &version_node}, {NULL, NULL},
};
