/* A tiny test helper: each case has a name; a failed check prints the case, file:line and
 * the condition. test_report() prints "N passed, N failed" and gives the exit status. */
#ifndef TESTHELP_H
#define TESTHELP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_passed, test_failed, test_case_failed;
static const char *test_case_name = "";

/* Starts a case; the previous one is counted. */
#define TEST(name) do { test_end_case(); test_case_name = (name); test_case_failed = 0; \
	test_in_case = 1; } while (0)

static int test_in_case;

static void test_end_case(void)
{
	if (!test_in_case)
		return;
	if (test_case_failed)
		test_failed++;
	else
		test_passed++;
	test_in_case = 0;
}

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "FAIL %s\n  %s:%d: %s\n", test_case_name, __FILE__, __LINE__, #cond); \
	test_case_failed = 1; } } while (0)

#define CHECK_MSG(cond, ...) do { if (!(cond)) { \
	fprintf(stderr, "FAIL %s\n  %s:%d: %s: ", test_case_name, __FILE__, __LINE__, #cond); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); test_case_failed = 1; } } while (0)

#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
	fprintf(stderr, "FAIL %s\n  %s:%d: %s == %s\n    got:  \"%s\"\n    want: \"%s\"\n", \
		test_case_name, __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	test_case_failed = 1; } } while (0)

#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { fprintf(stderr, "FAIL %s\n  %s:%d: %s == %s (got %lld, want %lld)\n", \
		test_case_name, __FILE__, __LINE__, #a, #b, a_, b_); test_case_failed = 1; } } while (0)

static int test_report(const char *suite)
{
	test_end_case();
	printf("%s: %d passed, %d failed\n", suite, test_passed, test_failed);
	return test_failed ? 1 : 0;
}

/* A temporary directory for a suite's files, under $TMPDIR or /tmp. */
static char test_tmpdir[4096];

static inline void test_tmp_setup(const char *suite)
{
	const char *base = getenv("TMPDIR");
	snprintf(test_tmpdir, sizeof(test_tmpdir), "%s/%s.XXXXXX", base && *base ? base : "/tmp", suite);
	if (!mkdtemp(test_tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
}

static inline void test_tmp_cleanup(void)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", test_tmpdir);
}

/* A path inside the temporary directory (a static buffer among four in turn). */
static inline const char *test_tpath(const char *name)
{
	static char bufs[4][4200];
	static int k;
	char *b = bufs[k++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/%s", test_tmpdir, name);
	return b;
}

#endif
