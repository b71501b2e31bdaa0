/* Assertion helpers shared by the C tests. Each test program prints
 * "N passed, N failed" and exits non-zero on any failure. */
#ifndef WD_TEST_COMMON_H
#define WD_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wd300com.h"

static int wd_passed = 0;
static int wd_failed = 0;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            wd_passed++;                                                         \
        } else {                                                                 \
            wd_failed++;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n  last error: [%d] %s\n",  \
                    __FILE__, __LINE__, #cond, (int)ErreurCode(),                \
                    ErreurInfo(WD_ERR_MESSAGE));                                 \
        }                                                                        \
    } while (0)

/* The previous call failed with `code` and left a non-empty message. */
#define CHECK_ERR(code)                                                          \
    do {                                                                         \
        CHECK(ErreurDetectee() == 1);                                            \
        CHECK(ErreurCode() == (code));                                           \
        CHECK(strlen(ErreurInfo(WD_ERR_MESSAGE)) > 0);                           \
        CHECK(atoi(ErreurInfo(WD_ERR_CODE)) == (code));                          \
    } while (0)

#define CHECK_OK()                                                               \
    do {                                                                         \
        CHECK(ErreurDetectee() == 0);                                            \
        CHECK(ErreurCode() == WD_E_NONE);                                        \
    } while (0)

#define CHECK_STR(a, b)                                                          \
    do {                                                                         \
        const char *wd_a_ = (a);                                                 \
        const char *wd_b_ = (b);                                                 \
        if (wd_a_ && wd_b_ && strcmp(wd_a_, wd_b_) == 0) {                       \
            wd_passed++;                                                         \
        } else {                                                                 \
            wd_failed++;                                                         \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s == %s\n  got \"%s\"\n  want \"%s\"\n", \
                    __FILE__, __LINE__, #a, #b, wd_a_ ? wd_a_ : "(null)",        \
                    wd_b_ ? wd_b_ : "(null)");                                   \
        }                                                                        \
    } while (0)

static int wd_finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, wd_passed, wd_failed);
    return wd_failed == 0 ? 0 : 1;
}

#endif
