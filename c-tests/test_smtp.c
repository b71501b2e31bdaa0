/* SMTP from C against the bench Postfix: a declared STARTTLS session with AUTH and a
 * CA file, a message with an attachment, EmailVerifieAdresse, refused recipients,
 * misuse (unknown / closed session, NULL arguments), an asynchronous session.
 * Without WD_TEST_HOST: prints a note and passes, unless WD_REQUIRE_SERVERS=1. */
#include "common.h"
#include <stdint.h>
#include <unistd.h>
#include <time.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v) {
        fprintf(stderr, "test_smtp: %s is not set\n", name);
        exit(2);
    }
    return v;
}

static void misuse(void) {
    WdEmail e = EmailCree();
    CHECK(e > 0);
    CHECK(EmailEnvoieMessage("no-such-session", e, 0) == 0);
    CHECK_ERR(WD_E_UNKNOWN_SESSION);
    CHECK(EmailEnvoieMessage(NULL, e, 0) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailVerifieAdresse(NULL, NULL) == WD_ADDRESS_ERROR);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailVerifieAdresse("bob@wd.test", "no-such-session") == WD_ADDRESS_ERROR);
    CHECK_ERR(WD_E_UNKNOWN_SESSION);
    CHECK(EmailVerifieAdresse("bob@wd.test", NULL) == WD_ADDRESS_VALID);
    CHECK_OK();
    CHECK(EmailVerifieAdresse("Bob <bob@wd.test>", NULL) == WD_ADDRESS_VALID);
    CHECK(EmailVerifieAdresse("not an address", NULL) == WD_ADDRESS_INCORRECT_SYNTAX);
    CHECK(EmailVerifieAdresse("a@b\r\nRSET", NULL) == WD_ADDRESS_INCORRECT_SYNTAX);
    CHECK(EmailEtat(-5) == -1);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailOuvreSessionSMTP(NULL, NULL, "127.0.0.1", 25, 0, 0) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailOuvreSessionSMTP("u", NULL, NULL, 25, 0, 0) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailOuvreSessionSMTP("u", NULL, "127.0.0.1", 25, 0, 9) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailLibere(e) == 1);
}

int main(void) {
    const char *subject_before;
    const char *host, *port, *notls, *ca, *user, *pass, *user2;
    char subject[128], refused_addr[128];
    uint8_t bin[3000];
    size_t i;
    WdEmail e;
    int32_t id, st, tries;

    misuse();
    if (!getenv("WD_TEST_HOST")) {
        const char *req = getenv("WD_REQUIRE_SERVERS");
        if (req && strcmp(req, "1") == 0) {
            fprintf(stderr, "test_smtp: WD_TEST_HOST is not set and WD_REQUIRE_SERVERS=1\n");
            return 1;
        }
        printf("test_smtp: note: WD_TEST_HOST not set, server tests skipped\n");
        return wd_finish("test_smtp");
    }
    host = env("WD_TEST_TLS_NAME");
    port = env("WD_TEST_SMTP_PORT");
    notls = env("WD_TEST_SMTP_NOTLS_PORT");
    ca = env("WD_TEST_CA");
    user = env("WD_TEST_USER1");
    pass = env("WD_TEST_PASS1");
    user2 = env("WD_TEST_USER2");

    /* Declared session: STARTTLS required, AUTH, CA file. */
    CHECK(EmailSessionCree("c-smtp", WD_SESSION_SMTP) == 1);
    CHECK(EmailSessionModifie("c-smtp", WD_PROP_SERVER_ADDRESS, host) == 1);
    CHECK(EmailSessionModifie("c-smtp", WD_PROP_PORT, port) == 1);
    CHECK(EmailSessionModifie("c-smtp", WD_PROP_USER, user) == 1);
    CHECK(EmailSessionModifie("c-smtp", WD_PROP_PASSWORD, pass) == 1);
    CHECK(EmailSessionModifie("c-smtp", WD_PROP_OPTION, "2") == 1);
    CHECK(EmailSessionModifie("c-smtp", WD_PROP_CA_FILE, ca) == 1);
    CHECK(EmailOuvreSessionDeclaree("c-smtp") == 1);
    CHECK_OK();
    CHECK(EmailOuvreSessionDeclaree("c-smtp") == 0);
    CHECK_ERR(WD_E_SESSION_EXISTS);

    /* A message with an attachment, one refused recipient. */
    for (i = 0; i < sizeof bin; i++) bin[i] = (uint8_t)(i * 31);
    snprintf(subject, sizeof subject, "C test été %ld-%ld", (long)getpid(), (long)time(NULL));
    e = EmailCree();
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SENDER, 0, user) == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_RECIPIENT, user2) == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_CC, "unknown-c@wd.test") == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_BCC, user) == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, subject) == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_MESSAGE, 0, "Bonjour.\n.point\n") == 1);
    CHECK(EmailAjouteFichierAttacheMemoire(e, "data.bin", bin, sizeof bin,
                                           "application/octet-stream") == 1);
    /* A getter string taken before the send stays valid after it (the send builds the
     * source and fills results, it does not change the subject). */
    subject_before = EmailPropriete(e, WD_EMAIL_SUBJECT, 0);
    CHECK(EmailEnvoieMessage("c-smtp", e, 0) == 1);
    CHECK_OK();
    CHECK_STR(subject_before, subject);
    CHECK(EmailNb(e, WD_EMAIL_REFUSED) == 1);
    snprintf(refused_addr, sizeof refused_addr, "%s", EmailPropriete(e, WD_EMAIL_REFUSED, 0));
    CHECK(strncmp(refused_addr, "unknown-c@wd.test: 550", 22) == 0);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_MAIL_ID, 0), "0");

    /* Every recipient refused. */
    CHECK(EmailModifiePropriete(e, WD_EMAIL_RECIPIENT, 0, "nobody-c@wd.test") == 1);
    CHECK(EmailNb(e, WD_EMAIL_CC) == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_CC, 0, NULL) == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_BCC, 0, NULL) == 1);
    CHECK(EmailEnvoieMessage("c-smtp", e, 0) == 0);
    CHECK_ERR(WD_E_RECIPIENT_REFUSED);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "nobody-c@wd.test") != NULL);
    CHECK(strncmp(ErreurInfo(WD_ERR_SYSTEM_MESSAGE), "550", 3) == 0);

    /* Address checks through the server. */
    CHECK(EmailVerifieAdresse(user2, "c-smtp") == WD_ADDRESS_VALID);
    CHECK_OK();
    CHECK(EmailVerifieAdresse("unknown-c@wd.test", "c-smtp") == WD_ADDRESS_REFUSED);
    CHECK(EmailVerifieAdresse("bad address", "c-smtp") == WD_ADDRESS_INCORRECT_SYNTAX);

    /* Sender missing. */
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SENDER, 0, NULL) == 1);
    CHECK(EmailEnvoieMessage("c-smtp", e, 0) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);

    CHECK(EmailFermeSession("c-smtp") == 1);
    CHECK(EmailEnvoieMessage("c-smtp", e, 0) == 0);
    CHECK_ERR(WD_E_UNKNOWN_SESSION);
    CHECK(EmailLibere(e) == 1);

    /* STARTTLS required against the port without TLS. */
    CHECK(EmailOuvreSessionSMTP(user, pass, env("WD_TEST_HOST"), atoi(notls), 0,
                                WD_OPTION_SECURED_TLS) == 0);
    CHECK_ERR(WD_E_TLS);
    /* Wrong password: the server's reply is the system message. */
    CHECK(EmailOuvreSessionSMTP(user, "wrong", env("WD_TEST_HOST"), atoi(notls), 0, 0) == 0);
    CHECK_ERR(WD_E_AUTH);
    CHECK(strncmp(ErreurInfo(WD_ERR_SYSTEM_MESSAGE), "535", 3) == 0);

    /* Asynchronous legacy session without AUTH, legacy structure (handle 0). */
    CHECK(EmailOuvreSessionSMTP("c-async", NULL, env("WD_TEST_HOST"), atoi(notls), 1, 0) == 1);
    CHECK(EmailRAZ(0) == 1);
    CHECK(EmailModifiePropriete(0, WD_EMAIL_SENDER, 0, user) == 1);
    CHECK(EmailAjoute(0, WD_EMAIL_RECIPIENT, "someone@sink.test") == 1);
    CHECK(EmailModifiePropriete(0, WD_EMAIL_SUBJECT, 0, "async from C") == 1);
    CHECK(EmailEnvoieMessage("c-async", 0, 0) == 1);
    id = atoi(EmailPropriete(0, WD_EMAIL_MAIL_ID, 0));
    CHECK(id > 0);
    st = WD_STATUS_PENDING;
    for (tries = 0; tries < 200 && st == WD_STATUS_PENDING; tries++) {
        st = EmailEtat(id);
        if (st == WD_STATUS_PENDING) usleep(50000);
    }
    CHECK(st == WD_STATUS_SENT);
    CHECK(EmailFermeSession("c-async") == 1);
    CHECK(EmailRAZ(0) == 1);

    return wd_finish("test_smtp");
}
