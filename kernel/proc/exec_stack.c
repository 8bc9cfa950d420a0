/*
 * proc/exec_stack.c - the initial user stack as Linux's binfmt_elf builds
 * it, from the top down:
 *
 *   STACK_TOP            8 zero bytes
 *                        execfn string (AT_EXECFN)
 *                        environment strings, argument strings (argv[0] lowest)
 *                        (16-byte alignment) "x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM)
 *                        auxv pairs ending with AT_NULL (AT_SYSINFO_EHDR: the vDSO)
 *                        envp[] NULL
 *                        argv[] NULL
 *   sp (16-aligned) ->   argc
 *
 * The stack VMA grows down on faults below it (mm/uspace.c) up to RLIMIT_STACK.
 */
#include "elf.h"
#include "proc.h"

#include "kernel/cpu.h"
#include "kernel/errno.h"
#include "kernel/heap.h"
#include "kernel/kstring.h"
#include "kernel/random.h"
#include "kernel/uaccess.h"
#include "kernel/vmtrace.h"
#include "mmcore/mm.h"

#define STACK_TOP 0x00007ffffffff000ull
#define STACK_INITIAL (128 * 1024ull)

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AUXV_MAX 24

static size_t vec_count(char *const v[])
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* Total bytes of the strings of v, NULs included. */
static size_t vec_bytes(char *const v[])
{
	size_t b = 0;
	for (size_t i = 0; v && v[i]; i++)
		b += strlen(v[i]) + 1;
	return b;
}

/* Copy the strings of v upward from *p, recording each address in ptrs. */
static int strings_put(uint64_t *p, char *const v[], uint64_t *ptrs)
{
	for (size_t i = 0; v && v[i]; i++) {
		size_t n = strlen(v[i]) + 1;
		if (copy_to_user(*p, v[i], n))
			return -EFAULT;
		ptrs[i] = *p;
		*p += n;
	}
	return 0;
}

static unsigned auxv_fill(uint64_t *aux, const struct elf_info *info, uint64_t vdso_base,
			  uint64_t platform, uint64_t random, uint64_t execfn)
{
	struct task *t = current;
	uint32_t r[4];
	cpuid(1, 0, r);
	/* The vDSO comes first, as in Linux's ARCH_DLINFO. */
	uint64_t pairs[][2] = {
		{AT_SYSINFO_EHDR, vdso_base}, {AT_HWCAP, r[3]}, {AT_PAGESZ, 4096}, {AT_CLKTCK, 100},
		{AT_PHDR, info->phdr}, {AT_PHENT, 56}, {AT_PHNUM, info->phnum},
		{AT_BASE, 0}, {AT_FLAGS, 0}, {AT_ENTRY, info->entry},
		{AT_UID, t->uid}, {AT_EUID, t->euid}, {AT_GID, t->gid}, {AT_EGID, t->egid},
		{AT_SECURE, 0}, {AT_RANDOM, random}, {AT_HWCAP2, 0}, {AT_EXECFN, execfn},
		{AT_PLATFORM, platform}, {AT_NULL, 0},
	};
	unsigned n = sizeof(pairs) / sizeof(pairs[0]);
	for (unsigned i = 0; i < n; i++) {
		aux[2 * i] = pairs[i][0];
		aux[2 * i + 1] = pairs[i][1];
	}
	return 2 * n;
}

int exec_stack_build(struct mm *mm, char *const argv[], char *const envp[], const char *execfn,
		     const struct elf_info *info, uint64_t vdso_base, uint64_t *sp_out)
{
	size_t argc = vec_count(argv), envc = vec_count(envp);
	size_t fnlen = strlen(execfn) + 1;
	uint64_t strings = vec_bytes(argv) + vec_bytes(envp) + fnlen;
	uint64_t words = 1 + argc + 1 + envc + 1 + 2 * AUXV_MAX;
	uint64_t need = strings + 8 + 16 + 16 + 32 + words * 8;
	uint64_t size = STACK_INITIAL;
	while (size < need + 4096)
		size *= 2;
	if (size > current->rlimits[RLIMIT_STACK].cur && size > STACK_INITIAL)
		return -E2BIG;
	uint64_t out;
	int err = mm_mmap(mm, STACK_TOP - size, size, MM_PROT_READ | MM_PROT_WRITE,
			  MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED | MM_MAP_GROWSDOWN,
			  NULL, 0, &out);
	vmtrace_map(mm, STACK_TOP - size, size, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED | MM_MAP_GROWSDOWN, err);
	if (err)
		return -ENOMEM;
	/* mmcore keeps MAP_GROWSDOWN out of its flags; the stack grows on faults (mm/uspace.c). */
	struct vma *v = vma_lookup(&mm->vmas, STACK_TOP - 1);
	if (v)
		v->flags |= VM_GROWSDOWN | VM_STACK;

	uint64_t *ptrs = NULL;
	uint64_t area = STACK_TOP - 8 - strings, p = area;
	uint64_t vec_words = argc + 1 + envc + 1;
	static uint64_t aux[2 * AUXV_MAX];
	/* argv and envp pointers are built in a kernel array, then copied. */
	ptrs = kmalloc(vec_words * 8);
	if (!ptrs)
		return -ENOMEM;
	err = strings_put(&p, argv, ptrs);
	ptrs[argc] = 0;
	uint64_t args_end = p;
	if (!err)
		err = strings_put(&p, envp, ptrs + argc + 1);
	ptrs[argc + 1 + envc] = 0;
	uint64_t fn_addr = p;
	if (!err && copy_to_user(fn_addr, execfn, fnlen))
		err = -EFAULT;

	uint64_t q = area & ~15ull;
	uint64_t platform = q - 16;
	uint64_t random = platform - 16;
	uint8_t rnd[16];
	random_bytes(rnd, sizeof(rnd));
	if (!err && (copy_to_user(platform, "x86_64", 7) || copy_to_user(random, rnd, 16)))
		err = -EFAULT;
	unsigned naux = auxv_fill(aux, info, vdso_base, platform, random, fn_addr);
	uint64_t total = (1 + vec_words + naux) * 8;
	uint64_t sp = (random - total) & ~15ull;
	uint64_t argc64 = argc;
	if (!err && (copy_to_user(sp, &argc64, 8) || copy_to_user(sp + 8, ptrs, vec_words * 8) ||
		     copy_to_user(sp + 8 + vec_words * 8, aux, naux * 8)))
		err = -EFAULT;
	kfree(ptrs);
	if (err)
		return err == -EFAULT ? -ENOMEM : err;
	*sp_out = sp;
	current->start_stack = sp;
	current->arg_start = area;
	current->arg_end = current->env_start = args_end;
	current->env_end = fn_addr;
	return 0;
}
