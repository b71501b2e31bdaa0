/* Waiting for mail, searching, seeking, folder roles and flags from C against the test
 * bench's Dovecot: a wait woken by a message another session appends, a wait ended by a
 * call from another thread (0 without error), EmailRecherche with a non-ASCII value,
 * EmailCherchePremier / EmailChercheSuivant, EmailDossierSpecial, EmailListeDossierRole,
 * the flags written by EmailMiseAJour and their agreement with EmailSupprimeMessage /
 * EmailDetruit. Without WD_TEST_HOST it prints a note and passes, unless
 * WD_REQUIRE_SERVERS=1. */
#include "common.h"
#include <pthread.h>
#include <time.h>
#include <unistd.h>

/* The bench setting `name`; the test stops when it is missing. */
static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v) fprintf(stderr, "%s is not set\n", name), exit(2);
    return v;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int open_imap(const char *name, const char *folder) {
    if (!EmailSessionCree(name, WD_SESSION_IMAP)) return 0;
    return EmailSessionModifie(name, WD_PROP_SERVER_ADDRESS, env("WD_TEST_HOST"))
        && EmailSessionModifie(name, WD_PROP_PORT, env("WD_TEST_IMAP_PORT"))
        && EmailSessionModifie(name, WD_PROP_USER, env("WD_TEST_USER1"))
        && EmailSessionModifie(name, WD_PROP_PASSWORD, env("WD_TEST_PASS1"))
        && EmailSessionModifie(name, WD_PROP_FOLDER, folder)
        && EmailSessionModifie(name, WD_PROP_KEEPALIVE, "60")
        && EmailOuvreSessionDeclaree(name);
}

static int append(const char *session, const char *folder, const char *subject) {
    WdEmail m = EmailCree();
    int ok = m > 0
        && EmailModifiePropriete(m, WD_EMAIL_SENDER, 0, "Zoé <zoe@wd.test>")
        && EmailAjoute(m, WD_EMAIL_RECIPIENT, "alice@wd.test")
        && EmailModifiePropriete(m, WD_EMAIL_SUBJECT, 0, subject)
        && EmailModifiePropriete(m, WD_EMAIL_MESSAGE, 0, "Le café est prêt.")
        && EmailAjouteMessage(session, folder, m);
    EmailLibere(m);
    return ok;
}

struct waiter {
    const char *session;
    int seconds;
    int result;
    int error;
    double took;
};

static void *wait_thread(void *arg) {
    struct waiter *w = arg;
    double t = now();
    w->result = EmailAttendMessage(w->session, w->seconds);
    w->error = ErreurDetectee();
    w->took = now() - t;
    return NULL;
}

int main(void) {
    const char *host = getenv("WD_TEST_HOST");
    const char *req = getenv("WD_REQUIRE_SERVERS");
    char folder[64], s1[96], s2[96], s3[96], name[64], other[64];
    const char *roles;
    pthread_t th;
    struct waiter w;
    WdEmail e;
    WdEmailList list;
    int n;

    if (!host) {
        int required = req != NULL && strcmp(req, "1") == 0;
        printf("test_imap_find: WD_TEST_HOST is not set: %s\n",
               required ? "failed (WD_REQUIRE_SERVERS=1)" : "skipped");
        return required ? 1 : wd_finish("test_imap_find");
    }
    snprintf(folder, sizeof folder, "t-c-find-%ld", (long)getpid());
    snprintf(name, sizeof name, "c-find-%ld", (long)getpid());
    snprintf(other, sizeof other, "c-find-other-%ld", (long)getpid());
    snprintf(s1, sizeof s1, "Réunion café %ld", (long)getpid());
    snprintf(s2, sizeof s2, "Budget %ld", (long)getpid());
    snprintf(s3, sizeof s3, "Nouveau café %ld", (long)getpid());

    CHECK(open_imap(other, "INBOX"));
    CHECK(EmailCreeDossier(other, folder) == 1);
    CHECK(append(other, folder, s1));
    CHECK(append(other, folder, s2));
    CHECK(open_imap(name, folder));
    CHECK_OK();

    /* Folder roles: the bench's SPECIAL-USE folders. */
    CHECK_STR(EmailDossierSpecial(name, WD_FOLDER_SENT), "Sent");
    CHECK_STR(EmailDossierSpecial(name, WD_FOLDER_JUNK), "Junk");
    CHECK_STR(EmailDossierSpecial(name, WD_FOLDER_ALL), "");
    CHECK_OK();
    roles = EmailListeDossierRole(name);
    CHECK(roles != NULL && strstr(roles, "Drafts\t2") != NULL && strstr(roles, "INBOX\t0") != NULL);

    /* Searching: a non-ASCII value goes as a literal with CHARSET UTF-8. */
    list = EmailRecherche(name, "SUBJECT café NOT DELETED", WD_READ_HEADER);
    CHECK(list > 0);
    CHECK(EmailListeNb(list) == 1);
    CHECK_STR(EmailPropriete(EmailListeElement(list, 0), WD_EMAIL_SUBJECT, 0), s1);
    CHECK(strstr(EmailPropriete(EmailListeElement(list, 0), WD_EMAIL_MESSAGE, 0), "prêt") != NULL);
    CHECK(EmailLibere(list) == 1);
    list = EmailRecherche(name, "FROM zoe", 0);
    CHECK(EmailListeNb(list) == 2);
    CHECK(EmailLibere(list) == 1);

    /* Seeking one message after another, then 0 without error. */
    e = EmailCree();
    CHECK(EmailCherchePremier(name, e, WD_SEEK_BODY, "CAFÉ") == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_SUBJECT, 0), s1);
    CHECK(EmailChercheSuivant(name, e) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_SUBJECT, 0), s2);
    CHECK(EmailChercheSuivant(name, e) == 0);
    CHECK_OK();
    CHECK_STR(EmailPropriete(e, WD_EMAIL_OUT, 0), "1");
    CHECK(EmailCherchePremier(name, e, WD_SEEK_SUBJECT, "absent") == 0);
    CHECK_OK();

    /* Flags: set here, read back through the other session. */
    CHECK(EmailLitPremier(name, e, WD_READ_KEEP_UNSEEN) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_FLAGGED, 0), "0");
    CHECK(EmailModifiePropriete(e, WD_EMAIL_FLAGGED, 0, "1") == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_ANSWERED, 0, "1") == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_KEYWORDS, "$Label1") == 1);
    CHECK(EmailMiseAJour(name, e) == 1);
    CHECK_OK();
    CHECK(EmailChangeDossier(other, folder) == 1);
    CHECK(EmailLitPremier(other, e, WD_READ_HEADER) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_FLAGGED, 0), "1");
    CHECK_STR(EmailPropriete(e, WD_EMAIL_ANSWERED, 0), "1");
    CHECK_STR(EmailPropriete(e, WD_EMAIL_DRAFT, 0), "0");
    CHECK(EmailNb(e, WD_EMAIL_KEYWORDS) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_KEYWORDS, 0), "$Label1");

    /* Deleting with EmailSupprimeMessage shows in WD_EMAIL_DELETED; written back as "0"
     * with EmailMiseAJour it takes the deletion back, so EmailDetruit leaves the message. */
    CHECK(EmailLitPremier(name, e, WD_READ_HEADER) == 1);
    CHECK(EmailSupprimeMessage(name, e) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_DELETED, 0), "1");
    CHECK_STR(EmailPropriete(e, WD_EMAIL_OUT, 0), "1");
    CHECK(EmailModifiePropriete(e, WD_EMAIL_DELETED, 0, "0") == 1);
    CHECK(EmailMiseAJour(name, e) == 1);
    CHECK(EmailDetruit(name) == 1);
    CHECK(EmailNbMessage(name, 0) == 2);
    CHECK(EmailLitMessage(name, e, 1) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_DELETED, 0), "0");
    CHECK_OK();

    /* The reading loop to the end, then a wait: nothing new, 0 without error. */
    CHECK(EmailLitPremier(name, e, WD_READ_HEADER) == 1);
    while (strcmp(EmailPropriete(e, WD_EMAIL_OUT, 0), "1") != 0
           && EmailLitSuivant(name, e, WD_READ_HEADER) == 1) {
    }
    CHECK(EmailAttendMessage(name, 0) == 0);
    CHECK_OK();

    /* A wait woken by a message the other session appends; EmailLitSuivant reads it. */
    w.session = name;
    w.seconds = 60;
    CHECK(pthread_create(&th, NULL, wait_thread, &w) == 0);
    usleep(500 * 1000);
    CHECK(append(other, folder, s3));
    pthread_join(th, NULL);
    CHECK(w.result == 1 && w.error == 0);
    CHECK(w.took < 30.0);
    printf("test_imap_find: woken %.0f ms after the wait began (append at 500 ms)\n",
           w.took * 1000.0);
    CHECK(EmailLitSuivant(name, e, WD_READ_HEADER) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_SUBJECT, 0), s3);

    /* A wait ended by a call from another thread: 0 without error, then that call runs. */
    w.seconds = 120;
    CHECK(pthread_create(&th, NULL, wait_thread, &w) == 0);
    usleep(500 * 1000);
    n = EmailNbMessage(name, 0);
    CHECK(n == 3);
    pthread_join(th, NULL);
    CHECK(w.result == 0 && w.error == 0);
    CHECK(w.took < 60.0);

    CHECK(EmailLibere(e) == 1);
    CHECK(EmailFermeSession(name) == 1);
    CHECK(EmailChangeDossier(other, "INBOX") == 1);
    CHECK(EmailSupprimeDossier(other, folder) == 1);
    CHECK(EmailFermeSession(other) == 1);
    CHECK_OK();
    return wd_finish("test_imap_find");
}
