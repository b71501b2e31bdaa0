/* A full IMAP session from C against the test bench: declared session with STARTTLS and
 * the bench CA, create a folder, append a built message, select it, count, read, check
 * the subject, delete the folder, close. Without WD_TEST_HOST it prints a note and
 * passes, unless WD_REQUIRE_SERVERS=1. */
#include "common.h"
#include <unistd.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v) {
        fprintf(stderr, "%s is not set\n", name);
        exit(2);
    }
    return v;
}

int main(void) {
    const char *host = getenv("WD_TEST_HOST");
    const char *req = getenv("WD_REQUIRE_SERVERS");
    const char *name = "c-imap";
    char folder[64], subject[96];
    WdEmail e;

    if (!host) {
        if (req && strcmp(req, "1") == 0) {
            fprintf(stderr, "test_imap: WD_TEST_HOST is not set and WD_REQUIRE_SERVERS=1\n");
            return 1;
        }
        printf("test_imap: note: WD_TEST_HOST not set, skipped\n");
        return wd_finish("test_imap");
    }
    snprintf(folder, sizeof folder, "t-c-%ld Réunions", (long)getpid());
    snprintf(subject, sizeof subject, "C test %ld é", (long)getpid());

    CHECK(EmailSessionCree(name, WD_SESSION_IMAP) == 1);
    CHECK(EmailSessionModifie(name, WD_PROP_SERVER_ADDRESS, host) == 1);
    CHECK(EmailSessionModifie(name, WD_PROP_PORT, env("WD_TEST_IMAP_PORT")) == 1);
    CHECK(EmailSessionModifie(name, WD_PROP_USER, env("WD_TEST_USER3")) == 1);
    CHECK(EmailSessionModifie(name, WD_PROP_PASSWORD, env("WD_TEST_PASS3")) == 1);
    CHECK(EmailSessionModifie(name, WD_PROP_OPTION, "2") == 1);
    CHECK(EmailSessionModifie(name, WD_PROP_CA_FILE, env("WD_TEST_CA")) == 1);
    CHECK(EmailOuvreSessionDeclaree(name) == 1);
    CHECK_OK();

    CHECK(EmailCreeDossier(name, folder) == 1);
    e = EmailCree();
    CHECK(e > 0);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SENDER, 0, "Carol <carol@wd.test>") == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_RECIPIENT, "alice@wd.test") == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, subject) == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_MESSAGE, 0, "Bonjour depuis C.") == 1);
    CHECK(EmailAjouteMessage(name, folder, e) == 1);
    CHECK_OK();
    CHECK(EmailLibere(e) == 1);

    CHECK(EmailChangeDossier(name, folder) == 1);
    CHECK(EmailNbMessage(name, WD_READ_ALL) == 1);
    e = EmailCree();
    CHECK(EmailLitPremier(name, e, WD_READ_KEEP_UNSEEN) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_SUBJECT, 0), subject);
    CHECK(EmailLibere(e) == 1);

    CHECK(EmailChangeDossier(name, "INBOX") == 1);
    CHECK(EmailSupprimeDossier(name, folder) == 1);
    CHECK(EmailChangeDossier(name, folder) == 0);
    CHECK_ERR(WD_E_PROTOCOL);
    CHECK(EmailFermeSession(name) == 1);
    CHECK_OK();
    return wd_finish("test_imap");
}
