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

    /* EmailRecupereTout parses each message on its first access: a second message with
     * an attachment, then every field read back, and the source byte for byte. */
    {
        static const uint8_t blob[] = {0, 1, 2, 0xff, 'P', 'K', '\r', '\n', 0x80, 7};
        char subject2[128];
        uint8_t *src2;
        size_t src2_len = 0, len = 0;
        const uint8_t *p;
        WdEmailList list;
        int i, found = 0;

        snprintf(subject2, sizeof subject2, "%s (pièce jointe)", subject);
        e = EmailCree();
        CHECK(EmailModifiePropriete(e, WD_EMAIL_SENDER, 0, "Carol <carol@wd.test>") == 1);
        CHECK(EmailAjoute(e, WD_EMAIL_RECIPIENT, "alice@wd.test") == 1);
        CHECK(EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, subject2) == 1);
        CHECK(EmailModifiePropriete(e, WD_EMAIL_MESSAGE, 0, "Voir la pièce jointe.") == 1);
        CHECK(EmailAjouteFichierAttacheMemoire(e, "données.bin", blob, sizeof blob,
                                               "application/octet-stream") == 1);
        CHECK(EmailConstruitSource(e, 0) == 1);
        p = EmailSource(e, &src2_len);
        CHECK(p != NULL && src2_len > 0);
        src2 = malloc(src2_len);
        memcpy(src2, p, src2_len);
        CHECK(EmailAjouteMessage(name, folder, e) == 1);
        CHECK(EmailLibere(e) == 1);

        list = EmailRecupereTout(name, WD_READ_ALL | WD_READ_KEEP_UNSEEN);
        CHECK(list > 0);
        CHECK(EmailListeNb(list) == 2);
        for (i = 0; i < EmailListeNb(list); i++) {
            WdEmail m = EmailListeElement(list, i);
            const char *subj;
            CHECK(m > 0);
            /* Server fields first (no parsing needed), then the source (for the second
             * message before any parsed field, for the first after). */
            CHECK(atoi(EmailPropriete(m, WD_EMAIL_UID, 0)) > 0);
            CHECK_STR(EmailPropriete(m, WD_EMAIL_NUMBER, 0), i == 0 ? "1" : "2");
            if (i == 1) {
                p = EmailSource(m, &len);
                CHECK(p != NULL && len == src2_len && memcmp(p, src2, len) == 0);
            }
            subj = EmailPropriete(m, WD_EMAIL_SUBJECT, 0);
            CHECK(subj != NULL);
            if (subj && strcmp(subj, subject2) == 0) {
                found++;
                CHECK_STR(EmailPropriete(m, WD_EMAIL_SENDER, 0), "Carol <carol@wd.test>");
                CHECK_STR(EmailPropriete(m, WD_EMAIL_RECIPIENT, 0), "alice@wd.test");
                CHECK(strstr(EmailPropriete(m, WD_EMAIL_MESSAGE, 0), "pièce jointe") != NULL);
                CHECK(EmailNb(m, WD_EMAIL_ATTACHMENT_NAME) == 1);
                CHECK_STR(EmailPropriete(m, WD_EMAIL_ATTACHMENT_NAME, 0), "données.bin");
                p = EmailFichierAttacheContenu(m, 0, &len);
                CHECK(p != NULL && len == sizeof blob && memcmp(p, blob, len) == 0);
                p = EmailSource(m, &len);
                CHECK(p != NULL && len == src2_len && memcmp(p, src2, len) == 0);
                CHECK((size_t)atol(EmailPropriete(m, WD_EMAIL_SIZE, 0)) == src2_len);
            } else {
                CHECK_STR(subj, subject);
                CHECK(EmailNb(m, WD_EMAIL_ATTACHMENT_NAME) == 0);
            }
        }
        CHECK(found == 1);
        CHECK(EmailLibere(list) == 1);
        CHECK_OK();
        free(src2);
    }

    CHECK(EmailChangeDossier(name, "INBOX") == 1);
    CHECK(EmailSupprimeDossier(name, folder) == 1);
    CHECK(EmailChangeDossier(name, folder) == 0);
    CHECK_ERR(WD_E_PROTOCOL);
    CHECK(EmailFermeSession(name) == 1);
    CHECK_OK();
    return wd_finish("test_imap");
}
