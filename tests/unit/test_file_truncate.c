/*
 * tests/unit/test_file_truncate.c - mm_file_truncate(): after the home
 * shrinks a file, no mapping in any address space keeps a page past the
 * new end (shared ones, private copies, other processes), so access there
 * raises SIGBUS and regrowing the file shows fresh bytes, not the old
 * ones; the partial last page and other files stay mapped.
 */
#include "mmtest.h"

TestSuite(file_truncate, .init = mt_setup, .fini = mt_teardown);

#define PG 4096ull
#define RW (MM_PROT_READ | MM_PROT_WRITE)

/* What the home does when the file shrinks: new size, unmap, drop the cache past it. */
static void shrink(struct mt_file *t, uint64_t size)
{
	t->size = size;
	mm_file_truncate(&t->f, size);
	for (uint64_t i = (size + PG - 1) / PG; i < MT_MAX_FILE_PAGES; i++)
		if (t->cache[i]) {
			page_put(t->cache[i]);
			t->cache[i] = NULL;
		}
}

/* mm_check's page-cache references of both test files. */
static struct mt_file *files[2];

static int32_t two_files_refs(uint64_t pfn, void *ctx)
{
	(void)ctx;
	return mt_file_extra_refs(pfn, files[0]) + mt_file_extra_refs(pfn, files[1]);
}

static void check_all(struct mm **spaces, unsigned n)
{
	cr_assert_eq(mm_check(spaces, n, two_files_refs, NULL), 0);
}

Test(file_truncate, pages_past_the_end_leave_every_mapping)
{
	struct mm *mm = mt_mm(), *other = mt_mm();
	struct mm *both[2] = { mm, other };
	struct mt_file *t = mt_file_new(4 * PG), *u = mt_file_new(4 * PG);
	uint64_t s, p, o, keep;

	cr_assert_eq(mm_mmap(mm, 0, 4 * PG, RW, MM_MAP_SHARED, &t->f, 0, &s), 0);
	cr_assert_eq(mm_mmap(mm, 0, 4 * PG, RW, MM_MAP_PRIVATE, &t->f, 0, &p), 0);
	cr_assert_eq(mm_mmap(other, 0, 2 * PG, MM_PROT_READ, MM_MAP_SHARED, &t->f, 2 * PG, &o), 0);
	cr_assert_eq(mm_mmap(mm, 0, 4 * PG, MM_PROT_READ, MM_MAP_SHARED, &u->f, 0, &keep), 0);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(mt_write(mm, s + i * PG, (uint8_t)(100 + i)), FAULT_OK);
		cr_assert_eq(mt_write(mm, p + i * PG + 1, (uint8_t)(200 + i)), FAULT_OK);
		cr_assert_eq(mt_read(mm, keep + i * PG), (int)((i * PG) % 251));
	}
	cr_assert_eq(mt_read(other, o + PG), 103);
	files[0] = t;
	files[1] = u;
	uint64_t rss = mm_rss_bytes(mm);

	shrink(t, PG + 100); /* page 1 is the partial last page */
	cr_expect_eq(mm_rss_bytes(mm), rss - 4 * PG, "pages 2 and 3 of both mappings went");
	cr_expect_eq(mm_rss_bytes(other), 0);
	cr_expect_eq(mt_read(mm, s + 2 * PG), -(int)FAULT_SIGBUS);
	cr_expect_eq(mt_read(mm, p + 3 * PG + 1), -(int)FAULT_SIGBUS, "private copies go too");
	cr_expect_eq(mt_read(other, o), -(int)FAULT_SIGBUS, "in every address space");
	cr_expect_eq(mt_read(mm, s + PG), 101, "the partial last page stays");
	cr_expect_eq(mt_read(mm, p + PG + 1), 201, "and so does its private copy");
	cr_expect_eq(mt_read(mm, keep + 3 * PG), (int)((3 * PG) % 251), "other files untouched");
	check_all(both, 2);

	/* Regrown, the file reads its own bytes again, not what was written before. */
	t->size = 4 * PG;
	cr_expect_eq(mt_read(mm, s + 2 * PG), (int)((2 * PG) % 251));
	cr_expect_eq(mt_read(mm, p + 3 * PG + 1), (int)((3 * PG + 1) % 251));
	cr_expect_eq(mt_read(other, o + PG), (int)((3 * PG) % 251));
	mm_destroy(other);
	check_all(&mm, 1);
	mm_destroy(mm);
	mt_file_free(t);
	mt_file_free(u);
}

Test(file_truncate, growing_or_unmapped_changes_nothing)
{
	struct mm *mm = mt_mm();
	struct mt_file *t = mt_file_new(2 * PG);
	uint64_t s;

	shrink(t, PG); /* no mapping yet */
	t->size = 2 * PG;
	cr_assert_eq(mm_mmap(mm, 0, 2 * PG, RW, MM_MAP_SHARED, &t->f, 0, &s), 0);
	cr_assert_eq(mt_write(mm, s + PG, 5), FAULT_OK);
	mm_file_truncate(&t->f, 2 * PG); /* the same size: nothing past the end */
	cr_expect_eq(mt_read(mm, s + PG), 5);
	cr_expect_eq(mm_rss_bytes(mm), PG);
	mm_file_truncate(&t->f, ~0ull); /* no overflow into "everything" */
	cr_expect_eq(mm_rss_bytes(mm), PG);
	shrink(t, 0);
	cr_expect_eq(mm_rss_bytes(mm), 0);
	cr_expect_eq(mt_read(mm, s), -(int)FAULT_SIGBUS);
	mt_check(&mm, 1, t);
	mm_destroy(mm);
	mt_file_free(t);
}
