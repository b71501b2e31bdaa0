/* The callbacks from C: the progress callback (EmailJauge) of an attachment save and of
 * sends, cancelling, a callback that returns any non-zero value, a NULL callback with
 * user data; the transcript callback (EmailTraceFonction); library calls made from
 * inside a callback (the object of the call in progress: WD_E_RECURSIVE_CALL, anything
 * else works, and the call reported on keeps its own outcome); EmailListeEtat misuse.
 * The server part needs WD_TEST_HOST (else a note, unless WD_REQUIRE_SERVERS=1). */
#include "common.h"
#include <stdint.h>
#include <unistd.h>
#include <sys/stat.h>

typedef struct {
    int calls;
    int64_t first_done, first_total, last_done, last_total;
    int monotonic;      /* done never went down */
    int64_t cancel_at;  /* return 0 once done >= this (-1: never) */
    int32_t go;         /* what to return otherwise (any non-zero value goes on) */
    /* A library call made from inside the callback, once. */
    int inside;         /* 0: none, 1: the message being saved, 2: the session sending */
    WdEmail msg;
    const char *session;
    int inside_done;
    int32_t inside_ret;
    int32_t inside_code;
    int other_ok;       /* calls on other objects worked from inside */
} Progress;

static void progress_reset(Progress *p) {
    memset(p, 0, sizeof *p);
    p->monotonic = 1;
    p->cancel_at = -1;
    p->go = 1;
}

static int32_t on_progress(int64_t done, int64_t total, void *user_data) {
    Progress *p = (Progress *)user_data;
    if (p->calls == 0) {
        p->first_done = done;
        p->first_total = total;
    } else if (done < p->last_done) {
        p->monotonic = 0;
    }
    p->calls++;
    p->last_done = done;
    p->last_total = total;
    if (p->inside && !p->inside_done) {
        WdEmail other;
        p->inside_done = 1;
        if (p->inside == 1) {
            p->inside_ret = EmailPropriete(p->msg, WD_EMAIL_SUBJECT, 0) == NULL ? 0 : 1;
        } else {
            p->inside_ret = EmailEnvoieMessage(p->session, p->msg, 0);
        }
        p->inside_code = (int32_t)ErreurCode();
        /* Another object, the error functions and the version are fine from inside. */
        other = EmailCree();
        p->other_ok = other > 0 && EmailModifiePropriete(other, WD_EMAIL_SUBJECT, 0, "x") == 1 &&
                      EmailLibere(other) == 1 && strlen(ErreurInfo(WD_ERR_MESSAGE)) == 0 &&
                      strlen(EmailVersion()) > 0;
    }
    if (p->cancel_at >= 0 && done >= p->cancel_at) return 0;
    return p->go;
}

static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* Saving an attachment reports to the process-wide progress callback. */
static void attachment_saves(void) {
    enum { SIZE = 300 * 1024 };
    static uint8_t data[SIZE];
    char path[128];
    Progress p;
    WdEmail m = EmailCree();
    size_t i;
    int dummy = 0;

    for (i = 0; i < SIZE; i++) data[i] = (uint8_t)(i * 7);
    CHECK(EmailModifiePropriete(m, WD_EMAIL_SUBJECT, 0, "saved") == 1);
    CHECK(EmailAjouteFichierAttacheMemoire(m, "a.bin", data, SIZE, NULL) == 1);
    snprintf(path, sizeof path, "/tmp/wd-cb-%ld.bin", (long)getpid());

    progress_reset(&p);
    CHECK(EmailJauge(NULL, on_progress, &p) == 1);
    CHECK(EmailSauveFichierAttache(m, 0, path) == 1);
    CHECK_OK();
    CHECK(p.calls >= 2);
    CHECK(p.first_done == 0 && p.first_total == SIZE);
    CHECK(p.last_done == SIZE && p.last_total == SIZE);
    CHECK(p.monotonic);
    CHECK(p.calls <= SIZE / 65536 + 2);
    CHECK(file_exists(path));
    unlink(path);

    /* Any non-zero value goes on. */
    progress_reset(&p);
    p.go = -7;
    CHECK(EmailSauveFichierAttache(m, 0, path) == 1);
    CHECK(p.last_done == SIZE);
    unlink(path);

    /* Cancelled at half: no file left. */
    progress_reset(&p);
    p.cancel_at = SIZE / 2;
    CHECK(EmailSauveFichierAttache(m, 0, path) == 0);
    CHECK_ERR(WD_E_CANCELLED);
    CHECK_STR(ErreurCodeTexte(WD_E_CANCELLED), "cancelled");
    CHECK(p.last_done >= SIZE / 2 && p.last_done < SIZE);
    CHECK(!file_exists(path));

    /* From inside: the message being saved is refused at once, the rest works, and the
     * save keeps its own outcome. */
    progress_reset(&p);
    p.inside = 1;
    p.msg = m;
    CHECK(EmailSauveFichierAttache(m, 0, path) == 1);
    CHECK_OK();
    CHECK(p.inside_done && p.inside_ret == 0 && p.inside_code == WD_E_RECURSIVE_CALL);
    CHECK(p.other_ok);
    CHECK(file_exists(path));
    unlink(path);
    /* After the call the message is free again. */
    CHECK_STR(EmailPropriete(m, WD_EMAIL_SUBJECT, 0), "saved");

    /* A NULL callback with user data: removed, the user data ignored, nothing called. */
    progress_reset(&p);
    CHECK(EmailJauge(NULL, NULL, &dummy) == 1);
    CHECK_OK();
    CHECK(EmailSauveFichierAttache(m, 0, path) == 1);
    CHECK(p.calls == 0);
    unlink(path);
    CHECK(EmailLibere(m) == 1);
}

static void misuse(void) {
    int dummy = 0;
    CHECK(EmailJauge("no-such-session", on_progress, &dummy) == 0);
    CHECK_ERR(WD_E_UNKNOWN_SESSION);
    CHECK(EmailJauge("\xff\xfe", on_progress, &dummy) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailProgressBar("", NULL, NULL) == 1);
    CHECK(EmailTraceFonction(NULL, &dummy) == 1);
    CHECK(EmailTraceCallback(NULL, NULL) == 1);
    CHECK_OK();
    CHECK(EmailListeEtat((WdEmailList)0) == -1);
    CHECK_ERR(WD_E_INVALID_HANDLE);
    CHECK(EmailListStatus((WdEmailList)12345) == -1);
    CHECK_ERR(WD_E_INVALID_HANDLE);
    CHECK(EmailRecupereTout("no-such-session", WD_READ_ASYNC) == 0);
    CHECK_ERR(WD_E_UNKNOWN_SESSION);
}

/* ----- the transcript callback --------------------------------------------------- */

typedef struct {
    int lines, bad, with_session, client, server, info;
    int secret_seen;
    const char *session;
    const char *password;
    int inside_done;
    int32_t inside_ret, inside_code;
} Trace;

static void on_trace(const char *session, int32_t direction, const char *line, void *user_data) {
    Trace *t = (Trace *)user_data;
    t->lines++;
    /* 2026-12-01T15:30:00.123Z PROTO MARK text */
    if (strlen(line) < 25 || line[4] != '-' || line[10] != 'T' || line[19] != '.' || line[23] != 'Z')
        t->bad++;
    if (direction == WD_TRACE_CLIENT) t->client++;
    else if (direction == WD_TRACE_SERVER) t->server++;
    else if (direction == WD_TRACE_INFO) t->info++;
    else t->bad++;
    if (strcmp(session, t->session) == 0) t->with_session++;
    if (strstr(line, t->password) != NULL) t->secret_seen++;
    if (!t->inside_done && direction == WD_TRACE_SERVER && strcmp(session, t->session) == 0) {
        /* Into the session whose call writes the line: refused at once. */
        t->inside_done = 1;
        t->inside_ret = EmailNbMessage(t->session, 0);
        t->inside_code = (int32_t)ErreurCode();
    }
}

/* The bench variable `name`; the test cannot go on without it. */
static const char *env(const char *name) {
    const char *v = getenv(name);
    if (v != NULL) return v;
    fprintf(stderr, "test_callbacks: %s is not set\n", name);
    exit(2);
}

static void with_servers(void) {
    const char *host = env("WD_TEST_HOST");
    const char *user = env("WD_TEST_USER1"), *pass = env("WD_TEST_PASS1");
    const char *notls = env("WD_TEST_SMTP_NOTLS_PORT");
    char sess[64], to[128];
    static char body[200 * 1024];
    Trace t;
    Progress p;
    WdEmail m;
    int n;

    /* Transcript of an IMAP session, with a call into it from the callback. */
    snprintf(sess, sizeof sess, "c-cb-imap-%ld", (long)getpid());
    memset(&t, 0, sizeof t);
    t.session = sess;
    t.password = pass;
    CHECK(EmailTraceFonction(on_trace, &t) == 1);
    CHECK(EmailSessionCree(sess, WD_SESSION_IMAP) == 1);
    CHECK(EmailSessionModifie(sess, WD_PROP_SERVER_ADDRESS, host) == 1);
    CHECK(EmailSessionModifie(sess, WD_PROP_PORT, env("WD_TEST_IMAP_PORT")) == 1);
    CHECK(EmailSessionModifie(sess, WD_PROP_USER, user) == 1);
    CHECK(EmailSessionModifie(sess, WD_PROP_PASSWORD, pass) == 1);
    CHECK(EmailSessionModifie(sess, WD_PROP_AUTH_METHOD, "1") == 1); /* PLAIN */
    CHECK(EmailOuvreSessionDeclaree(sess) == 1);
    CHECK_OK();
    n = EmailNbMessage(sess, 0);
    CHECK(n >= 0);
    CHECK_OK();
    CHECK(EmailFermeSession(sess) == 1);
    CHECK(EmailTraceFonction(NULL, NULL) == 1);
    CHECK(t.lines > 10);
    CHECK(t.bad == 0);
    CHECK(t.with_session == t.lines);
    CHECK(t.client > 2 && t.server > 2 && t.info > 0);
    CHECK(t.secret_seen == 0);
    CHECK(t.inside_done && t.inside_ret == -1 && t.inside_code == WD_E_RECURSIVE_CALL);

    /* Progress of SMTP sends: whole, then cancelled at half, then whole again. */
    snprintf(sess, sizeof sess, "c-cb-smtp-%ld", (long)getpid());
    CHECK(EmailSessionCree(sess, WD_SESSION_SMTP) == 1);
    CHECK(EmailSessionModifie(sess, WD_PROP_SERVER_ADDRESS, host) == 1);
    CHECK(EmailSessionModifie(sess, WD_PROP_PORT, notls) == 1);
    CHECK(EmailOuvreSessionDeclaree(sess) == 1);
    memset(body, 'z', sizeof body - 1);
    for (n = 100; n < (int)sizeof body - 1; n += 100) body[n] = '\n';
    m = EmailCree();
    snprintf(to, sizeof to, "someone@%s", env("WD_TEST_SINK_DOMAIN"));
    CHECK(EmailModifiePropriete(m, WD_EMAIL_SENDER, 0, user) == 1);
    CHECK(EmailAjoute(m, WD_EMAIL_RECIPIENT, to) == 1);
    CHECK(EmailModifiePropriete(m, WD_EMAIL_SUBJECT, 0, "progress from C") == 1);
    CHECK(EmailModifiePropriete(m, WD_EMAIL_MESSAGE, 0, body) == 1);
    progress_reset(&p);
    CHECK(EmailJauge(sess, on_progress, &p) == 1);
    CHECK(EmailEnvoieMessage(sess, m, 0) == 1);
    CHECK_OK();
    CHECK(p.calls >= 2 && p.monotonic);
    CHECK(p.first_done == 0 && p.first_total > (int64_t)sizeof body);
    CHECK(p.last_done == p.first_total && p.last_total == p.first_total);

    progress_reset(&p);
    p.cancel_at = 64 * 1024;
    CHECK(EmailEnvoieMessage(sess, m, 0) == 0);
    CHECK_ERR(WD_E_CANCELLED);

    /* The session still sends; a send from inside its own callback is refused. */
    progress_reset(&p);
    p.inside = 2;
    p.msg = m;
    p.session = sess;
    CHECK(EmailEnvoieMessage(sess, m, 0) == 1);
    CHECK_OK();
    CHECK(p.last_done == p.first_total);
    CHECK(p.inside_done && p.inside_ret == 0 && p.inside_code == WD_E_RECURSIVE_CALL);
    CHECK(p.other_ok);
    CHECK(EmailFermeSession(sess) == 1);
    CHECK(EmailLibere(m) == 1);
}

/* WD_REQUIRE_SERVERS=1: the server part must run. */
static int servers_required(void) {
    const char *v = getenv("WD_REQUIRE_SERVERS");
    return v != NULL && strcmp(v, "1") == 0;
}

int main(void) {
    misuse();
    attachment_saves();
    if (getenv("WD_TEST_HOST") != NULL) {
        with_servers();
    } else if (servers_required()) {
        fprintf(stderr, "test_callbacks: WD_TEST_HOST is not set and WD_REQUIRE_SERVERS=1\n");
        return 1;
    } else {
        printf("test_callbacks: note: WD_TEST_HOST not set, server tests skipped\n");
    }
    return wd_finish("test_callbacks");
}
