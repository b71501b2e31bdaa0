/* Error state is per thread: 8 threads create, fill, build and free messages while
 * provoking errors, and each sees only its own. The strings of several error queries
 * are valid together. A panic inside an export becomes WD_E_INTERNAL; its panic report
 * goes to a file, not to the test's output. */
#include "common.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 200

static int thread_failures[THREADS];

static void *worker(void *arg) {
    int id = (int)(intptr_t)arg;
    int r, fails = 0;
    char subject[64], addr[64];
    for (r = 0; r < ROUNDS; r++) {
        WdEmail e = EmailCree();
        size_t len = 0;
        const uint8_t *src;
        if (e <= 0) { fails++; continue; }
        snprintf(subject, sizeof subject, "thread %d round %d é", id, r);
        snprintf(addr, sizeof addr, "t%d@example.org", id);
        if (EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, subject) != 1) fails++;
        if (EmailModifiePropriete(e, WD_EMAIL_SENDER, 0, addr) != 1) fails++;
        if (EmailAjoute(e, WD_EMAIL_RECIPIENT, "dest@example.org") != 1) fails++;
        if (id % 2 == 0) {
            /* Even threads provoke an error and check it is theirs. */
            if (EmailModifiePropriete(e, WD_EMAIL_PRIORITY, 0, "77") != 0) fails++;
            if (ErreurCode() != WD_E_INVALID_ARGUMENT) fails++;
        }
        if (EmailConstruitSource(e, 0) != 1) fails++;
        if (id % 2 == 1 && ErreurDetectee() != 0) fails++;
        src = EmailSource(e, &len);
        if (!src || len == 0) fails++;
        if (strcmp(EmailPropriete(e, WD_EMAIL_SUBJECT, 0), subject) != 0) fails++;
        /* Legacy structure is per thread. */
        if (EmailModifiePropriete(0, WD_EMAIL_SUBJECT, 0, subject) != 1) fails++;
        if (strcmp(EmailPropriete(0, WD_EMAIL_SUBJECT, 0), subject) != 0) fails++;
        if (id % 2 == 0) {
            if (EmailLibere(-5) != 0) fails++;
            if (ErreurCode() != WD_E_INVALID_HANDLE) fails++;
        } else if (ErreurDetectee() != 0) {
            fails++;
        }
        if (EmailLibere(e) != 1) fails++;
    }
    thread_failures[id] = fails;
    return NULL;
}

/* Calls the test hook that panics inside EmailParametre. Rust's panic hook writes the
 * panic (and a stack backtrace when RUST_BACKTRACE is set) to stderr, which would read
 * like a crash in the test output: stderr goes to a temporary file during the call, and
 * the file must hold the panic message. Returns what EmailParametre returned. */
static int32_t deliberate_panic(void) {
    char path[] = "/tmp/wd300com-panic.XXXXXX";
    char report[4096];
    size_t n;
    int32_t r;
    FILE *f;
    int saved, fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return EmailParametre(9999, 1);
    fflush(stderr);
    saved = dup(2);
    dup2(fd, 2);
    r = EmailParametre(9999, 1);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    f = fopen(path, "r");
    CHECK(f != NULL);
    n = f ? fread(report, 1, sizeof report - 1, f) : 0;
    report[n] = '\0';
    if (f) fclose(f);
    unlink(path);
    CHECK(strstr(report, "test panic requested with value 1") != NULL);
    return r;
}

/* The strings of the error queries stay valid together until the error state changes:
 * two queries in one printf print both, ErreurInfo(0) is the full details. */
static void error_strings_live_together(void) {
    const char *code, *message, *full, *dflt;
    char line[512];
    CHECK(EmailChangeTimeOut(0) == 0);
    code = ErreurInfo(WD_ERR_CODE);
    message = ErreurInfo(WD_ERR_MESSAGE);
    full = ErreurInfo(WD_ERR_FULL_DETAILS);
    dflt = ErreurInfo(WD_ERR_DEFAULT);
    snprintf(line, sizeof line, "%s %s", ErreurInfo(WD_ERR_CODE), ErreurInfo(WD_ERR_MESSAGE));
    CHECK_STR(line, "101 timeout 0 is out of range (1 to 86400 seconds)");
    /* The earlier pointers still hold their text. */
    CHECK_STR(code, "101");
    CHECK_STR(message, "timeout 0 is out of range (1 to 86400 seconds)");
    CHECK_STR(dflt, full);
    CHECK(strstr(full, "Error 101 (invalid argument)") != NULL);
    CHECK(strstr(full, message) != NULL);
    /* A call that succeeds clears the state: the queries read "" again. */
    CHECK(EmailChangeTimeOut(600) == 1);
    CHECK_STR(ErreurInfo(WD_ERR_DEFAULT), "");
    CHECK_STR(ErreurInfo(WD_ERR_CODE), "0");
}

int main(void) {
    pthread_t th[THREADS];
    int i;
    for (i = 0; i < THREADS; i++) CHECK(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i) == 0);
    for (i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK(thread_failures[i] == 0);
    }
    /* The main thread saw none of the workers' errors. */
    CHECK(ErreurDetectee() == 0);
    error_strings_live_together();

    /* The test hook panics inside a guarded export: the caller sees WD_E_INTERNAL. */
    if (getenv("WD300COM_TEST_PANIC")) {
        CHECK(deliberate_panic() == 0);
        CHECK_ERR(WD_E_INTERNAL);
        CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "EmailParametre") != NULL);
        /* The library still works afterwards. */
        CHECK(EmailParametre(WD_PARAM_MODE, 0) == 1);
        CHECK_OK();
    } else {
        fprintf(stderr, "test_errors: WD300COM_TEST_PANIC not set, panic case not run\n");
        wd_failed++;
    }
    return wd_finish("test_errors");
}
