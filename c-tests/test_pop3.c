/* POP3 from C, the WLangage example flow: open a POP3 session, read every message with
 * EmailLitPremier / EmailLitSuivant into the legacy structure (handle 0) until
 * WD_EMAIL_OUT is "1", read the subject of each, close.
 *
 * Needs the test bench (scripts/mailservers): three messages are written straight into
 * carol's Maildir (files named wdpop3c-*, removed at the end). Without WD_TEST_HOST the
 * test prints a note and passes, unless WD_REQUIRE_SERVERS=1. */
#include "common.h"
#include <stdint.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NMSG 3

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "test_pop3: %s is not set\n", name);
        exit(2);
    }
    return v;
}

/* Replaces the first `key` in `s` with `value` into `out`. */
static void replace(char *out, size_t n, const char *s, const char *key, const char *value) {
    const char *p = strstr(s, key);
    if (!p) {
        snprintf(out, n, "%s", s);
        return;
    }
    snprintf(out, n, "%.*s%s%s", (int)(p - s), s, value, p + strlen(key));
}

static void maildir_of(char *out, size_t n, const char *user) {
    char local[128], tmp[512];
    const char *at = strchr(user, '@');
    snprintf(local, sizeof local, "%.*s", (int)(at - user), user);
    replace(tmp, sizeof tmp, env("WD_TEST_MAILDIR_FMT"), "{domain}", at + 1);
    replace(out, n, tmp, "{local}", local);
}

static void deliver(const char *maildir, const char *name, const char *subject) {
    char tmp[1024], dst[1024], msg[512];
    struct stat st;
    FILE *f;
    int len;
    snprintf(tmp, sizeof tmp, "%s/tmp/%s", maildir, name);
    snprintf(dst, sizeof dst, "%s/new/%s", maildir, name);
    len = snprintf(msg, sizeof msg,
                   "From: alice@wd.test\r\nTo: carol@wd.test\r\nSubject: %s\r\n\r\nhello\r\n",
                   subject);
    f = fopen(tmp, "wb");
    if (!f) { perror(tmp); exit(2); }
    fwrite(msg, 1, (size_t)len, f);
    fclose(f);
    if (stat(maildir, &st) == 0 && chown(tmp, st.st_uid, st.st_gid) != 0) perror("chown");
    if (rename(tmp, dst) != 0) { perror(dst); exit(2); }
}

static void remove_mine(const char *maildir, const char *tag) {
    /* Dovecot moves new/NAME to cur/NAME:2,FLAGS: remove every file named tag*. */
    const char *subs[] = {"new", "cur"};
    char dir[1024], path[1300];
    size_t k;
    for (k = 0; k < 2; k++) {
        DIR *d;
        struct dirent *ent;
        snprintf(dir, sizeof dir, "%s/%s", maildir, subs[k]);
        d = opendir(dir);
        if (!d) continue;
        while ((ent = readdir(d)) != NULL) {
            if (strncmp(ent->d_name, tag, strlen(tag)) == 0) {
                snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
                unlink(path);
            }
        }
        closedir(d);
    }
}

int main(void) {
    const char *host = getenv("WD_TEST_HOST");
    const char *user, *pass;
    char maildir[512], tag[128], name[192], subject[192];
    int port, i, n = 0, found = 0, guard = 0;

    if (!host || !*host) {
        const char *req = getenv("WD_REQUIRE_SERVERS");
        if (req && strcmp(req, "1") == 0) {
            fprintf(stderr, "test_pop3: WD_TEST_HOST not set and WD_REQUIRE_SERVERS=1\n");
            return 1;
        }
        printf("test_pop3: WD_TEST_HOST not set, skipped\n");
        return 0;
    }
    user = env("WD_TEST_USER3");
    pass = env("WD_TEST_PASS3");
    port = atoi(env("WD_TEST_POP3_PORT"));

    /* A first login makes Dovecot create the Maildir. */
    CHECK(EmailOuvreSessionPOP3(user, pass, host, port, WD_OPTION_NONE) == 1);
    CHECK(EmailFermeSession(user) == 1);

    maildir_of(maildir, sizeof maildir, user);
    snprintf(tag, sizeof tag, "wdpop3c-%ld-%ld", (long)time(NULL), (long)getpid());
    for (i = 0; i < NMSG; i++) {
        snprintf(name, sizeof name, "%s-%d", tag, i);
        snprintf(subject, sizeof subject, "%s subject %d", tag, i);
        deliver(maildir, name, subject);
    }

    CHECK(EmailOuvreSessionPOP3(user, pass, host, port, WD_OPTION_NONE) == 1);
    CHECK_OK();
    CHECK(EmailNbMessage(user, 0) >= NMSG);

    CHECK(EmailLitPremier(user, 0, 0) == 1);
    while (strcmp(EmailPropriete(0, WD_EMAIL_OUT, 0), "1") != 0 && guard++ < 100000) {
        const char *s = EmailPropriete(0, WD_EMAIL_SUBJECT, 0);
        CHECK(s != NULL);
        if (s && strncmp(s, tag, strlen(tag)) == 0) {
            snprintf(subject, sizeof subject, "%s subject %d", tag, found);
            CHECK_STR(s, subject);
            found++;
        }
        n++;
        /* 1 while a message was read; 0 past the end, with WD_EMAIL_OUT and no error. */
        if (EmailLitSuivant(user, 0, 0) != 1) {
            CHECK_OK();
            CHECK_STR(EmailPropriete(0, WD_EMAIL_OUT, 0), "1");
        }
    }
    CHECK(found == NMSG);
    CHECK(n >= NMSG);

    /* WD_READ_UNREAD is IMAP only. */
    CHECK(EmailLitPremier(user, 0, WD_READ_UNREAD) == 0);
    CHECK_ERR(WD_E_NOT_SUPPORTED);

    CHECK(EmailFermeSession(user) == 1);
    CHECK_OK();

    /* Errors: wrong password, unknown session. */
    CHECK(EmailOuvreSessionPOP3(user, "wrong password", host, port, WD_OPTION_NONE) == 0);
    CHECK_ERR(WD_E_AUTH);
    CHECK(strstr(ErreurInfo(WD_ERR_SYSTEM_MESSAGE), "-ERR") != NULL);
    CHECK(EmailLitPremier(user, 0, 0) == 0);
    CHECK_ERR(WD_E_UNKNOWN_SESSION);
    CHECK(EmailOuvreSessionPOP3(NULL, pass, host, port, WD_OPTION_NONE) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailOuvreSessionPOP3(user, pass, host, 70000, WD_OPTION_NONE) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);

    remove_mine(maildir, tag);
    return wd_finish("test_pop3");
}
