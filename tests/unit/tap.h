/*
 * TAP output of the C unit tests: report() prints one numbered "ok" or
 * "not ok" line and counts it; diag() a diagnostic line ("# ..."); tap_done()
 * prints the plan and the summary line that tests/unit.bats looks for, and
 * returns the exit status.
 */
#ifndef NABLA_TEST_TAP_H
#define NABLA_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int test_count, failures;

__attribute__((format(printf, 2, 3))) static void report(bool ok,
                                                         const char *fmt, ...)
{
    va_list ap;
    test_count++;
    printf("%s %d - ", ok ? "ok" : "not ok", test_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    /* Children fork after this: nothing may be printed twice. */
    fflush(stdout);
    if (!ok)
        failures++;
}

/* At most diag_max diagnostic lines when it is above 0 (diag_count counts
 * them; a test may start it again at 0). */
static int diag_max, diag_count;

__attribute__((format(printf, 1, 2), unused)) static void diag(const char *fmt,
                                                               ...)
{
    va_list ap;
    if (diag_max > 0 && diag_count++ >= diag_max)
        return;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static int tap_done(void)
{
    printf("1..%d\n", test_count);
    if (failures > 0)
        printf("# %d of %d tests failed\n", failures, test_count);
    else
        printf("# all %d tests passed\n", test_count);
    return failures > 0 ? 1 : 0;
}

#endif
