/*
 * Sends an HTML message with an attachment over SMTP (STARTTLS + AUTH), then reads it
 * back over POP3 and over IMAP (both with STARTTLS), printing what arrived.
 *
 * Settings come from the environment, as exported by `eval "$(scripts/mailservers env)"`:
 * WD_TEST_HOST, WD_TEST_SMTP_PORT, WD_TEST_POP3_PORT, WD_TEST_IMAP_PORT, WD_TEST_CA,
 * WD_TEST_USER1/PASS1 (sender, SMTP login), WD_TEST_USER2/PASS2 (recipient, POP3/IMAP).
 *
 * Build: make -C examples        (or see the Makefile for the one-line cc command)
 * Run:   examples/c_roundtrip
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wd300com.h"

#define DELIVERY_TIMEOUT_MS 20000

static void fail(const char *what)
{
    fprintf(stderr, "%s failed:\n%s\n", what, ErreurInfo(WD_ERR_FULL_DETAILS));
    exit(1);
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') {
        fprintf(stderr, "%s is not set: run eval \"$(scripts/mailservers env)\" first\n", name);
        exit(2);
    }
    return v;
}

static void sleep_ms(long ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* Declares session `name` with STARTTLS and the bench CA. */
static void declare(const char *name, int32_t type, const char *port_var, const char *user,
                    const char *password)
{
    if (!EmailSessionCree(name, type)) fail("EmailSessionCree");
    if (!EmailSessionModifie(name, WD_PROP_SERVER_ADDRESS, env("WD_TEST_HOST"))
        || !EmailSessionModifie(name, WD_PROP_PORT, env(port_var))
        || !EmailSessionModifie(name, WD_PROP_USER, user)
        || !EmailSessionModifie(name, WD_PROP_PASSWORD, password)
        || !EmailSessionModifie(name, WD_PROP_OPTION, "2") /* WD_OPTION_SECURED_TLS */
        || !EmailSessionModifie(name, WD_PROP_CA_FILE, env("WD_TEST_CA"))
        || !EmailSessionModifie(name, WD_PROP_TIMEOUT, "30"))
        fail("EmailSessionModifie");
}

static void show(const char *proto, WdEmail m)
{
    const char *p;
    int32_t i, n;
    printf("%s: arrived: subject=\"%s\"\n", proto, EmailPropriete(m, WD_EMAIL_SUBJECT, 0));
    printf("%s:          sender=\"%s\"\n", proto, EmailPropriete(m, WD_EMAIL_SENDER, 0));
    p = EmailPropriete(m, WD_EMAIL_HTML, 0);
    if (p == NULL) fail("EmailPropriete(HTML)");
    printf("%s:          html: %zu bytes\n", proto, strlen(p));
    n = EmailNb(m, WD_EMAIL_ATTACHMENT_NAME);
    if (n < 0) fail("EmailNb");
    for (i = 0; i < n; i++) {
        size_t len = 0;
        char name[256];
        p = EmailPropriete(m, WD_EMAIL_ATTACHMENT_NAME, i);
        if (p == NULL) fail("EmailPropriete(ATTACHMENT_NAME)");
        snprintf(name, sizeof name, "%s", p); /* copy: the next call may invalidate it */
        if (EmailFichierAttacheContenu(m, i, &len) == NULL) fail("EmailFichierAttacheContenu");
        printf("%s:          attachment \"%s\", %zu bytes\n", proto, name, len);
    }
}

/* Opens session `name` until a message with `subject` is in it (newest first, headers
 * only); leaves the session open with the message in `m`. */
static void find(const char *name, WdEmail m, const char *subject, const char *proto)
{
    long waited = 0;
    for (;;) {
        if (!EmailOuvreSessionDeclaree(name)) fail("EmailOuvreSessionDeclaree");
        /* Each read returns 1 with a message, 0 at the end (WD_EMAIL_OUT = "1", no error)
         * or 0 on an error (ErreurDetectee()). */
        if (!EmailLitDernier(name, m, WD_READ_HEADER) && ErreurDetectee()) fail("EmailLitDernier");
        while (strcmp(EmailPropriete(m, WD_EMAIL_OUT, 0), "1") != 0) {
            if (strcmp(EmailPropriete(m, WD_EMAIL_SUBJECT, 0), subject) == 0) return;
            if (!EmailLitPrecedent(name, m, WD_READ_HEADER) && ErreurDetectee())
                fail("EmailLitPrecedent");
        }
        if (!EmailFermeSession(name)) fail("EmailFermeSession");
        if (waited >= DELIVERY_TIMEOUT_MS) {
            fprintf(stderr, "%s: message not found after %d ms\n", proto, DELIVERY_TIMEOUT_MS);
            exit(1);
        }
        sleep_ms(300);
        waited += 300;
    }
}

int main(void)
{
    char subject[128], html[256], sender[256], suffix[64], att_name[80];
    unsigned char data[1024];
    size_t i;
    WdEmail msg, m;

    snprintf(suffix, sizeof suffix, "c-%ld-%ld", (long)time(NULL), (long)getpid());
    snprintf(subject, sizeof subject, "wd300com C round trip %s", suffix);
    snprintf(html, sizeof html, "<html><body><h1>Bonjour</h1><p>HTML body, %s.</p></body></html>",
             suffix);
    snprintf(sender, sizeof sender, "Alice <%s>", env("WD_TEST_USER1"));
    snprintf(att_name, sizeof att_name, "report-%s.bin", suffix);
    for (i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i % 256);

    printf("library %s\n", EmailVersion());

    /* Send. */
    msg = EmailCree();
    if (msg == 0) fail("EmailCree");
    if (!EmailModifiePropriete(msg, WD_EMAIL_SENDER, 0, sender)
        || !EmailAjoute(msg, WD_EMAIL_RECIPIENT, env("WD_TEST_USER2"))
        || !EmailModifiePropriete(msg, WD_EMAIL_SUBJECT, 0, subject)
        || !EmailModifiePropriete(msg, WD_EMAIL_MESSAGE, 0, "Plain text version.\n")
        || !EmailModifiePropriete(msg, WD_EMAIL_HTML, 0, html))
        fail("EmailModifiePropriete");
    if (!EmailAjouteFichierAttacheMemoire(msg, att_name, data, sizeof data,
                                          "application/octet-stream"))
        fail("EmailAjouteFichierAttacheMemoire");

    declare("c-smtp", WD_SESSION_SMTP, "WD_TEST_SMTP_PORT", env("WD_TEST_USER1"),
            env("WD_TEST_PASS1"));
    if (!EmailOuvreSessionDeclaree("c-smtp")) fail("EmailOuvreSessionDeclaree(SMTP)");
    if (!EmailEnvoieMessage("c-smtp", msg, 0)) fail("EmailEnvoieMessage");
    if (!EmailFermeSession("c-smtp")) fail("EmailFermeSession(SMTP)");
    printf("SMTP: sent \"%s\" to %s\n", subject, env("WD_TEST_USER2"));
    if (!EmailLibere(msg)) fail("EmailLibere");

    /* Read back over POP3, then IMAP. */
    m = EmailCree();
    if (m == 0) fail("EmailCree");

    declare("c-pop3", WD_SESSION_POP3, "WD_TEST_POP3_PORT", env("WD_TEST_USER2"),
            env("WD_TEST_PASS2"));
    find("c-pop3", m, subject, "POP3");
    show("POP3", m);
    if (!EmailFermeSession("c-pop3")) fail("EmailFermeSession(POP3)");

    declare("c-imap", WD_SESSION_IMAP, "WD_TEST_IMAP_PORT", env("WD_TEST_USER2"),
            env("WD_TEST_PASS2"));
    find("c-imap", m, subject, "IMAP");
    show("IMAP", m);
    if (!EmailSupprimeMessage("c-imap", m)) fail("EmailSupprimeMessage");
    if (!EmailFermeSession("c-imap")) fail("EmailFermeSession(IMAP)");

    if (!EmailLibere(m)) fail("EmailLibere");
    printf("round trip OK\n");
    return 0;
}
