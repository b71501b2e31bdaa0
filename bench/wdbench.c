/* Benchmark driver for libwd300com: the library's side of bench/run, through the public C API.
 *
 *   wdbench smtp  HOST PORT USER PASS FILE N             send FILE's source N times over one session
 *   wdbench smtp-async HOST PORT USER PASS FILE N CONNS  the same through an asynchronous session
 *                                                        with CONNS connections (WD_PROP_CONNECTIONS);
 *                                                        FILE may hold "%d": replaced by the message number
 *                                                        in its Message-ID, each message then unique
 *   wdbench pop3  HOST PORT USER PASS all|loop           retrieve every message
 *   wdbench imap  HOST PORT USER PASS all|loop           retrieve every message
 *   wdbench pop3|imap HOST PORT USER PASS last100         open, count (lists), read the last 100, close
 *   wdbench pop3|imap HOST PORT USER PASS headers         EmailRecupereTout(session, WD_READ_HEADER),
 *                                                        every subject read
 *   wdbench parse PATH...                                parse files (a directory: every file in it)
 *   wdbench memparse FILE DIR                            import FILE (the program's copy freed at
 *                                                        once), read its fields, save every
 *                                                        attachment into DIR: the memory row
 *
 * USER/PASS "-" means none (SMTP without AUTH). `all` is EmailRecupereTout(session,
 * WD_READ_ALL); `loop` is EmailLitPremier then EmailLitSuivant until WD_EMAIL_OUT.
 * Prints one JSON line: {"n": messages, "bytes": payload bytes, "secs": elapsed} where the
 * elapsed time covers the session (open to close) or the parsing (files already in memory);
 * smtp and memparse add "import_kb" (peak RSS up to the import, the program's copy of the
 * message included) and "after_kb" (peak RSS after it, that copy freed).
 * Exit status 1 with the library's error message on failure. WDBENCH_TRACE=PATH appends the
 * protocol transcript to PATH (EmailTrace); WDBENCH_AUTH=N forces WD_PROP_AUTH_METHOD N on
 * the POP3 and IMAP sessions. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "wd300com.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    fprintf(stderr, "wdbench: %s: %s\n", what, ErreurInfo(WD_ERR_MESSAGE));
    exit(1);
}


static uint8_t *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    struct stat st;
    uint8_t *buf;
    if (!f || fstat(fileno(f), &st) != 0) {
        perror(path);
        exit(1);
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        perror(path);
        exit(1);
    }
    fclose(f);
    *len = (size_t)st.st_size;
    return buf;
}

static void report(long n, long long bytes, double secs) {
    printf("{\"n\": %ld, \"bytes\": %lld, \"secs\": %.6f}\n", n, bytes, secs);
}

/* Peak RSS of the process so far in KiB (VmHWM; -1 when unknown). */
static long peak_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) kb = atol(line + 6);
    if (f) fclose(f);
    return kb;
}

/* The peak of the import (the program's copy and the library's coexist while
 * EmailImporteSource copies), then the peak count restarts (Linux: clear_refs 5, which
 * also restarts the peak wait4() reports): report_phases prints both. */
static long import_kb = -1;
static void import_done(void) {
    FILE *f;
    import_kb = peak_kb();
    f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static void report_phases(long n, long long bytes, double secs) {
    printf("{\"n\": %ld, \"bytes\": %lld, \"secs\": %.6f, \"import_kb\": %ld, \"after_kb\": %ld}\n",
           n, bytes, secs, import_kb, peak_kb());
}

static const char *opt(const char *s) { return strcmp(s, "-") == 0 ? NULL : s; }

static int smtp(char **a) {
    const char *host = a[0], *user = a[2], *pass = opt(a[3]);
    int port = atoi(a[1]);
    long n = atol(a[5]), i;
    size_t len;
    uint8_t *src = slurp(a[4], &len);
    WdEmail m = EmailCree();
    double t0;
    /* The envelope comes from the imported fields (From, To); the source is sent as is. */
    if (!m || !EmailImporteSource(m, src, len)) die("EmailImporteSource");
    /* The message belongs to the library now: the program's copy goes. */
    free(src);
    import_done();
    t0 = now();
    if (!EmailOuvreSessionSMTP(user, pass, host, port, 0, WD_OPTION_NONE))
        die("EmailOuvreSessionSMTP");
    for (i = 0; i < n; i++)
        if (!EmailEnvoieMessage(user, m, 0)) die("EmailEnvoieMessage");
    if (!EmailFermeSession(user)) die("EmailFermeSession");
    report_phases(n, (long long)len * n, now() - t0);
    EmailLibere(m);
    return 0;
}

/* The asynchronous session: every message queued, then EmailFermeSession waits for the
 * queue; every message's EmailEtat must be "sent". The time covers open to close. */
static int smtp_async(char **a) {
    const char *host = a[0], *user = a[2], *pass = opt(a[3]);
    long n = atol(a[5]), i;
    size_t len;
    uint8_t *src = slurp(a[4], &len);
    char *mark = strstr((char *)src, "%d");
    char *buf = malloc(len + 32), num[16];
    int32_t *ids = calloc((size_t)n + 1, sizeof *ids);
    WdEmail m = EmailCree();
    double t0;
    if (!buf || !ids || !m) die("malloc");
    src[len] = 0;
    if (!EmailSessionCree("async", WD_SESSION_SMTP)) die("EmailSessionCree");
    EmailSessionModifie("async", WD_PROP_SERVER_ADDRESS, host);
    EmailSessionModifie("async", WD_PROP_PORT, a[1]);
    EmailSessionModifie("async", WD_PROP_USER, user);
    if (pass) EmailSessionModifie("async", WD_PROP_PASSWORD, pass);
    EmailSessionModifie("async", WD_PROP_ASYNCHRONOUS, "1");
    if (!EmailSessionModifie("async", WD_PROP_CONNECTIONS, a[6])) die("WD_PROP_CONNECTIONS");
    t0 = now();
    if (!EmailOuvreSessionDeclaree("async")) die("EmailOuvreSessionDeclaree");
    for (i = 0; i < n; i++) {
        size_t l = len;
        const uint8_t *data = src;
        if (mark) {
            size_t head = (size_t)(mark - (char *)src);
            int k = snprintf(num, sizeof num, "%ld", i);
            memcpy(buf, src, head);
            memcpy(buf + head, num, (size_t)k);
            memcpy(buf + head + k, mark + 2, len - head - 2);
            l = len - 2 + (size_t)k;
            data = (const uint8_t *)buf;
        }
        if (mark || i == 0)
            if (!EmailImporteSource(m, data, l)) die("EmailImporteSource");
        if (!EmailEnvoieMessage("async", m, 0)) die("EmailEnvoieMessage");
        ids[i] = atoi(EmailPropriete(m, WD_EMAIL_MAIL_ID, 0));
    }
    if (!EmailFermeSession("async")) die("EmailFermeSession");
    report(n, (long long)len * n, now() - t0);
    for (i = 0; i < n; i++)
        if (EmailEtat(ids[i]) != WD_STATUS_SENT) die("EmailEtat");
    EmailLibere(m);
    free(ids);
    free(buf);
    free(src);
    return 0;
}

typedef int32_t (*opener)(const char *, const char *, const char *, int32_t, int32_t);

static int incoming(char **a, opener open, const char *what) {
    const char *host = a[0], *user = a[2], *pass = a[3], *mode = a[4];
    int port = atoi(a[1]);
    long n = 0;
    long long bytes = 0;
    const char *auth = getenv("WDBENCH_AUTH");
    double t0 = now();
    if (auth) {
        /* A declared session named after the user, with its sign-in method forced. */
        char num[16];
        snprintf(num, sizeof num, "%d", port);
        if (!EmailSessionCree(user, open == EmailOuvreSessionPOP3 ? WD_SESSION_POP3 : WD_SESSION_IMAP))
            die("EmailSessionCree");
        EmailSessionModifie(user, WD_PROP_SERVER_ADDRESS, host);
        EmailSessionModifie(user, WD_PROP_PORT, num);
        EmailSessionModifie(user, WD_PROP_USER, user);
        EmailSessionModifie(user, WD_PROP_PASSWORD, pass);
        if (!EmailSessionModifie(user, WD_PROP_AUTH_METHOD, auth)) die("WD_PROP_AUTH_METHOD");
        t0 = now();
        if (!EmailOuvreSessionDeclaree(user)) die(what);
    } else if (!open(user, pass, host, port, WD_OPTION_NONE))
        die(what);
    if (strcmp(mode, "last100") == 0) {
        int32_t count = EmailNbMessage(user, 0), i;
        WdEmail m = EmailCree();
        if (count < 0) die("EmailNbMessage");
        for (i = count > 100 ? count - 99 : 1; i <= count; i++) {
            size_t len = 0;
            if (!EmailLitMessage(user, m, i) || !EmailSource(m, &len)) die("EmailLitMessage");
            bytes += (long long)len;
            n++;
        }
        EmailLibere(m);
    } else if (strcmp(mode, "all") == 0 || strcmp(mode, "headers") == 0) {
        int whole = strcmp(mode, "all") == 0;
        WdEmailList list = EmailRecupereTout(user, whole ? WD_READ_ALL : WD_READ_HEADER);
        int32_t i, count;
        if (!list) die("EmailRecupereTout");
        count = EmailListeNb(list);
        for (i = 0; i < count; i++) {
            size_t len = 0;
            WdEmail m = EmailListeElement(list, i);
            if (!m) die("EmailListeElement");
            /* Whole messages: the source; headers: the subject (the source of a message
             * read with headers only is the whole message, fetched on demand). */
            if (whole && !EmailSource(m, &len)) die("EmailSource");
            if (!whole) len = strlen(EmailPropriete(m, WD_EMAIL_SUBJECT, 0));
            bytes += (long long)len;
        }
        n = count;
        EmailLibere(list);
    } else {
        /* 0 without error past the end: the loop ends on WD_EMAIL_OUT. */
        if (!EmailLitPremier(user, 0, WD_READ_ALL) && ErreurDetectee()) die("EmailLitPremier");
        while (strcmp(EmailPropriete(0, WD_EMAIL_OUT, 0), "1") != 0) {
            size_t len = 0;
            if (!EmailSource(0, &len)) die("EmailSource");
            bytes += (long long)len;
            n++;
            if (!EmailLitSuivant(user, 0, WD_READ_ALL) && ErreurDetectee()) die("EmailLitSuivant");
        }
    }
    if (!EmailFermeSession(user)) die("EmailFermeSession");
    report(n, bytes, now() - t0);
    return 0;
}

typedef struct {
    uint8_t *data;
    size_t len;
} blob;

static void add_path(blob **v, size_t *n, size_t *cap, const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        exit(1);
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char sub[4096];
        while (d && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            add_path(v, n, cap, sub);
        }
        if (d) closedir(d);
        return;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *v = realloc(*v, *cap * sizeof **v);
    }
    (*v)[*n].data = slurp(path, &(*v)[*n].len);
    (*n)++;
}

/* Parses each file and reads what a program would: subject, sender, text and HTML bodies,
 * every attachment's name and decoded content. */
static int parse(int argc, char **a) {
    blob *v = NULL;
    size_t n = 0, cap = 0, i;
    long long bytes = 0, touched = 0;
    int k;
    double t0, secs;
    WdEmail m = EmailCree();
    for (k = 0; k < argc; k++) add_path(&v, &n, &cap, a[k]);
    t0 = now();
    for (i = 0; i < n; i++) {
        int32_t j, na;
        if (!EmailImporteSource(m, v[i].data, v[i].len)) die("EmailImporteSource");
        touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_SUBJECT, 0));
        touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_SENDER, 0));
        touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_MESSAGE, 0));
        touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_HTML, 0));
        na = EmailNb(m, WD_EMAIL_ATTACHMENT_NAME);
        for (j = 0; j < na; j++) {
            size_t len = 0;
            touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_ATTACHMENT_NAME, j));
            if (!EmailFichierAttacheContenu(m, j, &len) && ErreurDetectee()) die("attachment");
            touched += (long long)len;
        }
        bytes += (long long)v[i].len;
    }
    secs = now() - t0;
    EmailLibere(m);
    for (i = 0; i < n; i++) free(v[i].data);
    free(v);
    fprintf(stderr, "wdbench: parse touched %lld bytes\n", touched);
    report((long)n, bytes, secs);
    return 0;
}

/* What a program does with one large message it receives as bytes: imports it, drops its
 * own copy, reads the fields and saves the attachments to files. */
static int memparse(char **a) {
    size_t len;
    uint8_t *src = slurp(a[0], &len);
    long long touched = 0;
    WdEmail m = EmailCree();
    int32_t j, na;
    double t0 = now();
    if (!m || !EmailImporteSource(m, src, len)) die("EmailImporteSource");
    free(src);
    import_done();
    touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_SUBJECT, 0));
    touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_SENDER, 0));
    touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_MESSAGE, 0));
    touched += (long long)strlen(EmailPropriete(m, WD_EMAIL_HTML, 0));
    na = EmailNb(m, WD_EMAIL_ATTACHMENT_NAME);
    for (j = 0; j < na; j++)
        if (!EmailSauveFichierAttache(m, j, a[1])) die("EmailSauveFichierAttache");
    report_phases(1, (long long)len, now() - t0);
    fprintf(stderr, "wdbench: memparse touched %lld bytes, %d attachment(s) saved\n", touched, na);
    EmailLibere(m);
    return 0;
}

int main(int argc, char **argv) {
    if (getenv("WDBENCH_TRACE") && !EmailTrace(getenv("WDBENCH_TRACE"))) die("EmailTrace");
    if (argc >= 8 && strcmp(argv[1], "smtp") == 0) return smtp(argv + 2);
    if (argc >= 9 && strcmp(argv[1], "smtp-async") == 0) return smtp_async(argv + 2);
    if (argc >= 7 && strcmp(argv[1], "pop3") == 0)
        return incoming(argv + 2, EmailOuvreSessionPOP3, "EmailOuvreSessionPOP3");
    if (argc >= 7 && strcmp(argv[1], "imap") == 0)
        return incoming(argv + 2, EmailOuvreSessionIMAP, "EmailOuvreSessionIMAP");
    if (argc >= 3 && strcmp(argv[1], "parse") == 0) return parse(argc - 2, argv + 2);
    if (argc >= 4 && strcmp(argv[1], "memparse") == 0) return memparse(argv + 2);
    fprintf(stderr, "usage: see the comment at the top of bench/wdbench.c\n");
    return 2;
}
