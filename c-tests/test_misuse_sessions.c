/* Misuse suite for sessions, sending, reading, folders, lists, OAuth2 and settings:
 * NULL in every pointer position, invalid UTF-8 in every string, unknown and declared but
 * unopened session names, stale, double-freed, never-issued and wrong-kind handles,
 * out-of-range enums and indexes. Each case returns the documented sentinel, sets the
 * exact error code and leaves a non-empty ErreurInfo; nothing connects anywhere except a
 * small in-process fake POP3 server on 127.0.0.1 (for real list and message handles). */
#include "common.h"
#include <stdint.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

static const char BAD_UTF8[] = { 'a', (char)0xC3, (char)0x28, 0 };
#define NOSESS "misuse-no-such-session"
#define DECL_POP3 "misuse-declared-pop3"
#define DECL_SMTP "misuse-declared-smtp"
#define DECL_IMAP "misuse-declared-imap"
#define FAKE_USER "misuse-fake-pop3"
/* Handle values tagged with each kind but never issued: serial number 78,843,200, reached
 * only after that many creations of the kind. */
#define NEVER_MSG ((int32_t)((1 << 27) | (300 << 18) | 200000))
#define NEVER_LIST ((int32_t)((2 << 27) | (300 << 18) | 200000))
#define NEVER_PARAMS ((int32_t)((3 << 27) | (300 << 18) | 200000))
#define NEVER_TOKEN ((int32_t)((4 << 27) | (300 << 18) | 200000))

static int cases = 0;

#define EXPECT_FAIL(call, sentinel, code)                                        \
    do {                                                                         \
        cases++;                                                                 \
        CHECK((call) == (sentinel));                                             \
        CHECK_ERR(code);                                                         \
    } while (0)

#define EXPECT_OK(call, value)                                                   \
    do {                                                                         \
        CHECK((call) == (value));                                                \
        CHECK_OK();                                                              \
    } while (0)

/* ------------------------------------------------------------------------------------ */
/* A one-connection fake POP3 server: two messages, USER/PASS, no CAPA.                  */

static int listen_fd = -1;
static int fake_port = 0;

static void send_all(int fd, const char *s) {
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

static void *fake_pop3(void *arg) {
    char buf[4096];
    size_t have = 0;
    int fd;
    (void)arg;
    fd = accept(listen_fd, NULL, NULL);
    if (fd < 0) return NULL;
    {
        struct timeval tv = { 20, 0 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    send_all(fd, "+OK fake POP3 ready\r\n");
    for (;;) {
        char *eol;
        ssize_t r;
        while ((eol = memchr(buf, '\n', have)) == NULL) {
            if (have == sizeof buf) goto done;
            r = recv(fd, buf + have, sizeof buf - have, 0);
            if (r <= 0) goto done;
            have += (size_t)r;
        }
        {
            char line[512];
            size_t len = (size_t)(eol - buf) + 1;
            size_t l = len < sizeof line ? len : sizeof line - 1;
            int n = 0;
            memcpy(line, buf, l);
            line[l] = 0;
            memmove(buf, buf + len, have - len);
            have -= len;
            if (strncmp(line, "USER ", 5) == 0 || strncmp(line, "PASS ", 5) == 0 ||
                strncmp(line, "NOOP", 4) == 0 || strncmp(line, "DELE ", 5) == 0) {
                send_all(fd, "+OK\r\n");
            } else if (strncmp(line, "STAT", 4) == 0) {
                send_all(fd, "+OK 2 120\r\n");
            } else if (strncmp(line, "LIST", 4) == 0) {
                send_all(fd, "+OK 2 messages\r\n1 60\r\n2 60\r\n.\r\n");
            } else if (strncmp(line, "UIDL", 4) == 0) {
                send_all(fd, "+OK\r\n1 uid-one\r\n2 uid-two\r\n.\r\n");
            } else if (sscanf(line, "TOP %d", &n) == 1 && (n == 1 || n == 2)) {
                send_all(fd, n == 1 ? "+OK\r\nFrom: a@wd.test\r\nSubject: one\r\n\r\n.\r\n"
                                    : "+OK\r\nFrom: a@wd.test\r\nSubject: two\r\n\r\n.\r\n");
            } else if (sscanf(line, "RETR %d", &n) == 1 && (n == 1 || n == 2)) {
                send_all(fd, n == 1 ? "+OK\r\nFrom: a@wd.test\r\nSubject: one\r\n\r\nbody one\r\n.\r\n"
                                    : "+OK\r\nFrom: a@wd.test\r\nSubject: two\r\n\r\nbody two\r\n.\r\n");
            } else if (strncmp(line, "QUIT", 4) == 0) {
                send_all(fd, "+OK bye\r\n");
                break;
            } else {
                send_all(fd, "-ERR unknown command\r\n");
            }
        }
    }
done:
    close(fd);
    return NULL;
}

static int start_fake(pthread_t *th) {
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    struct timeval tv = { 20, 0 };
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd < 0) return 0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(listen_fd, 4) != 0 ||
        getsockname(listen_fd, (struct sockaddr *)&a, &alen) != 0) {
        close(listen_fd);
        return 0;
    }
    setsockopt(listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv); /* bounds accept() */
    fake_port = ntohs(a.sin_port);
    return pthread_create(th, NULL, fake_pop3, NULL) == 0;
}

/* ------------------------------------------------------------------------------------ */

/* Bad handles: {value, what}. Filled in main (some need live objects). */
struct bad {
    int32_t h;
    const char *what;
};

static size_t add_bad(struct bad *b, size_t n, int32_t h, const char *what) {
    b[n].h = h;
    b[n].what = what;
    return n + 1;
}

typedef int32_t (*read_fn)(const char *, WdEmail, int32_t);
static const struct {
    read_fn fn;
    const char *name;
} READERS[] = {
    { EmailLitPremier, "EmailLitPremier" },
    { EmailLitSuivant, "EmailLitSuivant" },
    { EmailLitPrecedent, "EmailLitPrecedent" },
    { EmailLitDernier, "EmailLitDernier" },
    { EmailLitPremierEntete, "EmailLitPremierEntete" },
    { EmailLitSuivantEntete, "EmailLitSuivantEntete" },
    { EmailLitPrecedentEntete, "EmailLitPrecedentEntete" },
    { EmailLitDernierEntete, "EmailLitDernierEntete" },
};
#define NREADERS (sizeof READERS / sizeof READERS[0])

typedef int32_t (*folder_fn)(const char *, const char *);
static const folder_fn FOLDER_FNS[] = { EmailChangeDossier, EmailCreeDossier, EmailSupprimeDossier };
typedef int32_t (*msg_folder_fn)(const char *, WdEmail, const char *);
static const msg_folder_fn MSG_FOLDER_FNS[] = { EmailCopieMessage, EmailDeplaceMessage };

static void declared_sessions(void) {
    /* EmailSessionCree */
    EXPECT_FAIL(EmailSessionCree(NULL, WD_SESSION_POP3), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionCree(BAD_UTF8, WD_SESSION_POP3), 0, WD_E_INVALID_ARGUMENT);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "UTF-8") != NULL);
    EXPECT_FAIL(EmailSessionCree("", WD_SESSION_POP3), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionCree(DECL_POP3, 99), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionCree(DECL_POP3, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionCree(DECL_POP3, -1), 0, WD_E_INVALID_ARGUMENT);
    /* A refused declaration leaves no name behind. */
    EXPECT_FAIL(EmailSessionPropriete(DECL_POP3, WD_PROP_USER), NULL, WD_E_UNKNOWN_SESSION);
    EXPECT_OK(EmailSessionCree(DECL_POP3, WD_SESSION_POP3), 1);
    EXPECT_OK(EmailSessionCree(DECL_SMTP, WD_SESSION_SMTP), 1);
    EXPECT_OK(EmailSessionCree(DECL_IMAP, WD_SESSION_IMAP), 1);
    EXPECT_FAIL(EmailSessionCree(DECL_POP3, WD_SESSION_POP3), 0, WD_E_SESSION_EXISTS);
    EXPECT_FAIL(EmailSessionCree(DECL_POP3, WD_SESSION_IMAP), 0, WD_E_SESSION_EXISTS);

    /* EmailSessionModifie */
    EXPECT_FAIL(EmailSessionModifie(NULL, WD_PROP_USER, "u"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(BAD_UTF8, WD_PROP_USER, "u"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(NOSESS, WD_PROP_USER, "u"), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailSessionModifie("", WD_PROP_USER, "u"), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_USER, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_PASSWORD, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, 999, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, 0, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, -1, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_OPTION, "7"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_OPTION, "-1"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_PORT, "70000"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_PORT, "-1"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_PORT, "abc"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_PORT, "99999999999999999999"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_AUTH_METHOD, "99"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_IGNORE_ERROR, "2"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_TIMEOUT, "-1"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_ASYNCHRONOUS, "5"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_USER, "a\r\nQUIT"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_SERVER_ADDRESS, "host\n"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_POP3, WD_PROP_AUTH_TOKEN, "t\r\n"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_SMTP, WD_PROP_CLIENT_NAME, "a b"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_IMAP, WD_PROP_FOLDER, "IN\rBOX"), 0, WD_E_INVALID_ARGUMENT);
    /* NULL value is documented as "clear". */
    EXPECT_OK(EmailSessionModifie(DECL_POP3, WD_PROP_USER, NULL), 1);
    EXPECT_OK(EmailSessionModifie(DECL_POP3, WD_PROP_PASSWORD, "secret"), 1);

    /* EmailSessionPropriete */
    EXPECT_FAIL(EmailSessionPropriete(NULL, WD_PROP_USER), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionPropriete(BAD_UTF8, WD_PROP_USER), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionPropriete(NOSESS, WD_PROP_USER), NULL, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailSessionPropriete(DECL_POP3, 999), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionPropriete(DECL_POP3, 0), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionPropriete(DECL_POP3, -7), NULL, WD_E_INVALID_ARGUMENT);
    CHECK_STR(EmailSessionPropriete(DECL_POP3, WD_PROP_PASSWORD), ""); /* never read back */
    CHECK_STR(EmailSessionPropriete(DECL_POP3, WD_PROP_OPTION), "0"); /* unchanged by "7" */

    /* EmailOuvreSessionDeclaree: no server address → fails before any connection. */
    EXPECT_FAIL(EmailOuvreSessionDeclaree(NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionDeclaree(BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionDeclaree(NOSESS), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailOuvreSessionDeclaree(DECL_POP3), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionDeclaree(DECL_SMTP), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionDeclaree(DECL_IMAP), 0, WD_E_INVALID_ARGUMENT);
    CHECK_STR(EmailSessionPropriete(DECL_IMAP, WD_PROP_FOLDER), "INBOX"); /* still declared */

    /* EmailFermeSession */
    EXPECT_FAIL(EmailFermeSession(NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailFermeSession(BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailFermeSession(NOSESS), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailFermeSession(""), 0, WD_E_UNKNOWN_SESSION);
}

static void openers(void) {
    const char *h = "127.0.0.1";
    /* EmailOuvreSessionPOP3(user, password, server, port, option) */
    EXPECT_FAIL(EmailOuvreSessionPOP3(NULL, "p", h, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("misuse-u", "p", NULL, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3(BAD_UTF8, "p", h, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("misuse-u", BAD_UTF8, h, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("misuse-u", "p", BAD_UTF8, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("misuse-u", "p", h, -1, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("misuse-u", "p", h, 70000, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("misuse-u", "p", h, 0, 7), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("misuse-u", "p", h, 0, -1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("misuse-u", "p", "", 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionPOP3("", "p", h, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);

    /* EmailOuvreSessionIMAP(user, password, server, port, option): password required. */
    EXPECT_FAIL(EmailOuvreSessionIMAP(NULL, "p", h, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP("misuse-u", NULL, h, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP("misuse-u", "p", NULL, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP(BAD_UTF8, "p", h, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP("misuse-u", BAD_UTF8, h, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP("misuse-u", "p", BAD_UTF8, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP("misuse-u", "p", h, -1, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP("misuse-u", "p", h, 70000, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP("misuse-u", "p", h, 0, 7), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionIMAP("misuse-u", "p", "  ", 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);

    /* EmailOuvreSessionSMTP(user, password, server, port, asynchronous, option) */
    EXPECT_FAIL(EmailOuvreSessionSMTP(NULL, "p", h, 0, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionSMTP("misuse-u", "p", NULL, 0, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionSMTP(BAD_UTF8, "p", h, 0, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionSMTP("misuse-u", BAD_UTF8, h, 0, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionSMTP("misuse-u", "p", BAD_UTF8, 0, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionSMTP("misuse-u", "p", h, -1, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionSMTP("misuse-u", "p", h, 70000, 0, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionSMTP("misuse-u", "p", h, 0, 0, 7), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSessionSMTP("misuse-u", "p", "", 0, 1, WD_OPTION_NONE), 0, WD_E_INVALID_ARGUMENT);

    /* EmailOuvreSession(user, password, pop3_server, smtp_server, pop3_port, smtp_port, async) */
    EXPECT_FAIL(EmailOuvreSession(NULL, "p", h, h, 0, 0, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSession("misuse-u", "p", NULL, h, 0, 0, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSession(BAD_UTF8, "p", h, h, 0, 0, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSession("misuse-u", BAD_UTF8, h, h, 0, 0, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSession("misuse-u", "p", BAD_UTF8, h, 0, 0, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSession("misuse-u", "p", h, BAD_UTF8, 0, 0, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSession("misuse-u", "p", h, h, -1, 0, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSession("misuse-u", "p", h, h, 0, 70000, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailOuvreSession("misuse-u", "p", "", NULL, 0, 0, 0), 0, WD_E_INVALID_ARGUMENT);

    /* Notes / Outlook: never supported, whatever the arguments. */
    EXPECT_FAIL(EmailOuvreSessionNotes(NULL, NULL), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailOuvreSessionNotes(BAD_UTF8, "p"), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailOuvreSessionOutlook(NULL, NULL), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailOuvreSessionOutlook("profile", BAD_UTF8), 0, WD_E_NOT_SUPPORTED);

    /* Nothing half-made stays behind under the name. */
    EXPECT_FAIL(EmailFermeSession("misuse-u"), 0, WD_E_UNKNOWN_SESSION);
}

static void sending(WdEmail e, const struct bad *bad, size_t nbad) {
    size_t i;
    EXPECT_FAIL(EmailEnvoieMessage(NULL, e, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailEnvoieMessage(BAD_UTF8, e, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailEnvoieMessage(NOSESS, e, 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailEnvoieMessage(DECL_SMTP, e, 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailEnvoieMessage(DECL_POP3, e, 0), 0, WD_E_UNKNOWN_SESSION);
    for (i = 0; i < nbad; i++) {
        EXPECT_FAIL(EmailEnvoieMessage(NOSESS, bad[i].h, 0), 0, WD_E_INVALID_HANDLE);
    }

    EXPECT_FAIL(EmailEtat(-1), -1, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailEtat(0), -1, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailEtat(INT32_MAX), -1, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailEtat(INT32_MIN), -1, WD_E_INVALID_ARGUMENT);

    EXPECT_FAIL(EmailVerifieAdresse(NULL, NULL), WD_ADDRESS_ERROR, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailVerifieAdresse(NULL, NOSESS), WD_ADDRESS_ERROR, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailVerifieAdresse(BAD_UTF8, NULL), WD_ADDRESS_ERROR, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailVerifieAdresse("a@wd.test", BAD_UTF8), WD_ADDRESS_ERROR, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailVerifieAdresse("a@wd.test", NOSESS), WD_ADDRESS_ERROR, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailVerifieAdresse("a@wd.test", DECL_SMTP), WD_ADDRESS_ERROR, WD_E_UNKNOWN_SESSION);
    /* A bad syntax is an answer, not an error (the session is not even looked up). */
    EXPECT_OK(EmailVerifieAdresse("not an address", NOSESS), WD_ADDRESS_INCORRECT_SYNTAX);
    EXPECT_OK(EmailVerifieAdresse("a@wd.test\r\nRCPT TO:<b@wd.test>", NULL), WD_ADDRESS_INCORRECT_SYNTAX);
    EXPECT_OK(EmailVerifieAdresse("a@wd.test", NULL), WD_ADDRESS_VALID);
}

static void reading(WdEmail e, const struct bad *bad, size_t nbad) {
    size_t r, i, f;
    for (r = 0; r < NREADERS; r++) {
        read_fn fn = READERS[r].fn;
        int before = wd_failed;
        EXPECT_FAIL(fn(NULL, e, 0), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(BAD_UTF8, e, 0), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, e, 0), 0, WD_E_UNKNOWN_SESSION);
        EXPECT_FAIL(fn(DECL_POP3, e, 0), 0, WD_E_UNKNOWN_SESSION);
        EXPECT_FAIL(fn(DECL_SMTP, e, WD_READ_ALL), 0, WD_E_UNKNOWN_SESSION);
        EXPECT_FAIL(fn(NOSESS, e, 0x100), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, e, -1), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, e, INT32_MIN), 0, WD_E_INVALID_ARGUMENT);
        for (i = 0; i < nbad; i++) {
            EXPECT_FAIL(fn(NOSESS, bad[i].h, 0), 0, WD_E_INVALID_HANDLE);
        }
        if (wd_failed != before) fprintf(stderr, "  (in %s)\n", READERS[r].name);
    }

    EXPECT_FAIL(EmailNbMessage(NULL, 0), -1, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailNbMessage(BAD_UTF8, 0), -1, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailNbMessage(NOSESS, 0), -1, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailNbMessage(DECL_IMAP, WD_READ_UNREAD), -1, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailNbMessage(NOSESS, 0x100), -1, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailNbMessage(NOSESS, -1), -1, WD_E_INVALID_ARGUMENT);

    EXPECT_FAIL(EmailLitMessage(NULL, e, 1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailLitMessage(BAD_UTF8, e, 1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailLitMessage(NOSESS, e, 1), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailLitMessage(DECL_POP3, e, 1), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailLitMessage(NOSESS, e, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailLitMessage(NOSESS, e, -1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailLitMessage(NOSESS, e, INT32_MIN), 0, WD_E_INVALID_ARGUMENT);
    for (i = 0; i < nbad; i++) {
        EXPECT_FAIL(EmailLitMessage(NOSESS, bad[i].h, 1), 0, WD_E_INVALID_HANDLE);
    }

    EXPECT_FAIL(EmailRecupereTout(NULL, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecupereTout(BAD_UTF8, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecupereTout(NOSESS, 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailRecupereTout(DECL_IMAP, WD_READ_ALL), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailRecupereTout(NOSESS, 0x100), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecupereTout(NOSESS, -1), 0, WD_E_INVALID_ARGUMENT);

    /* Lists: 0 and every bad handle (a message handle is a wrong-kind list handle). */
    EXPECT_FAIL(EmailListeNb(0), -1, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailListeNb(e), -1, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "not a message list handle") != NULL);
    EXPECT_FAIL(EmailListeElement(0, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailListeElement(e, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailListeElement(NEVER_LIST, -1), 0, WD_E_INVALID_HANDLE);
    for (i = 0; i < nbad; i++) {
        EXPECT_FAIL(EmailListeNb(bad[i].h), -1, WD_E_INVALID_HANDLE);
        EXPECT_FAIL(EmailListeElement(bad[i].h, 0), 0, WD_E_INVALID_HANDLE);
    }

    EXPECT_FAIL(EmailSupprimeMessage(NULL, e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSupprimeMessage(BAD_UTF8, e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSupprimeMessage(NOSESS, e), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailSupprimeMessage(DECL_POP3, e), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailMiseAJour(NULL, e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailMiseAJour(BAD_UTF8, e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailMiseAJour(NOSESS, e), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailMiseAJour(DECL_IMAP, e), 0, WD_E_UNKNOWN_SESSION);
    for (i = 0; i < nbad; i++) {
        EXPECT_FAIL(EmailSupprimeMessage(NOSESS, bad[i].h), 0, WD_E_INVALID_HANDLE);
        EXPECT_FAIL(EmailMiseAJour(NOSESS, bad[i].h), 0, WD_E_INVALID_HANDLE);
    }

    /* Folders */
    EXPECT_FAIL(EmailListeDossier(NULL), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailListeDossier(BAD_UTF8), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailListeDossier(NOSESS), NULL, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailListeDossier(DECL_IMAP), NULL, WD_E_UNKNOWN_SESSION);
    for (f = 0; f < sizeof FOLDER_FNS / sizeof FOLDER_FNS[0]; f++) {
        folder_fn fn = FOLDER_FNS[f];
        EXPECT_FAIL(fn(NULL, "F"), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, NULL), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(BAD_UTF8, "F"), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, ""), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, "a\r\nb"), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, "F"), 0, WD_E_UNKNOWN_SESSION);
        EXPECT_FAIL(fn(DECL_IMAP, "F"), 0, WD_E_UNKNOWN_SESSION);
    }
    EXPECT_FAIL(EmailRenommeDossier(NULL, "A", "B"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRenommeDossier(NOSESS, NULL, "B"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRenommeDossier(NOSESS, "A", NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRenommeDossier(BAD_UTF8, "A", "B"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRenommeDossier(NOSESS, BAD_UTF8, "B"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRenommeDossier(NOSESS, "A", BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRenommeDossier(NOSESS, "", "B"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRenommeDossier(NOSESS, "A", "B\n"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRenommeDossier(NOSESS, "A", "B"), 0, WD_E_UNKNOWN_SESSION);

    for (f = 0; f < sizeof MSG_FOLDER_FNS / sizeof MSG_FOLDER_FNS[0]; f++) {
        msg_folder_fn fn = MSG_FOLDER_FNS[f];
        EXPECT_FAIL(fn(NULL, e, "F"), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, e, NULL), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(BAD_UTF8, e, "F"), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, e, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, e, ""), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, e, "a\r\nb"), 0, WD_E_INVALID_ARGUMENT);
        EXPECT_FAIL(fn(NOSESS, e, "F"), 0, WD_E_UNKNOWN_SESSION);
        for (i = 0; i < nbad; i++) {
            EXPECT_FAIL(fn(NOSESS, bad[i].h, "F"), 0, WD_E_INVALID_HANDLE);
        }
    }

    EXPECT_FAIL(EmailAjouteMessage(NULL, "F", e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteMessage(NOSESS, NULL, e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteMessage(BAD_UTF8, "F", e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteMessage(NOSESS, BAD_UTF8, e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteMessage(NOSESS, "", e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteMessage(NOSESS, "a\nb", e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteMessage(NOSESS, "F", e), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailAjouteMessage(DECL_IMAP, "F", e), 0, WD_E_UNKNOWN_SESSION);
    for (i = 0; i < nbad; i++) {
        EXPECT_FAIL(EmailAjouteMessage(NOSESS, "F", bad[i].h), 0, WD_E_INVALID_HANDLE);
    }
}

static void oauth(WdEmail e, WdOAuth2Params p, const struct bad *bad, size_t nbad) {
    size_t i;
    WdOAuth2Params freed;
    EXPECT_FAIL(OAuth2ParametresModifie(p, 999, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresModifie(p, 0, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresModifie(p, -1, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresModifie(p, WD_OAUTH_CLIENT_ID, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresModifie(p, WD_OAUTH_SCOPE, "a\r\nb"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_OK(OAuth2ParametresModifie(p, WD_OAUTH_CLIENT_ID, NULL), 1); /* NULL clears */
    EXPECT_FAIL(OAuth2ParametresPropriete(p, 999), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresPropriete(p, 0), NULL, WD_E_INVALID_ARGUMENT);
    /* Missing client id and URLs: refused before any browser or connection. */
    EXPECT_FAIL(AuthIdentifie(p), 0, WD_E_INVALID_ARGUMENT);

    /* Wrong-kind and bad handles everywhere a params or token handle goes. */
    EXPECT_FAIL(OAuth2ParametresModifie(0, WD_OAUTH_CLIENT_ID, "x"), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2ParametresModifie(e, WD_OAUTH_CLIENT_ID, "x"), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2ParametresPropriete(e, WD_OAUTH_CLIENT_ID), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthIdentifie(e), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthIdentifie(0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthTokenPropriete(p, WD_TOKEN_VALUE), NULL, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "not a token handle") != NULL);
    EXPECT_FAIL(AuthTokenPropriete(0, WD_TOKEN_VALUE), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthTokenPropriete(NEVER_TOKEN, WD_TOKEN_VALUE), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRafraichitToken(p, p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRafraichitToken(0, p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRafraichitToken(NEVER_TOKEN, p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRafraichitToken(NEVER_TOKEN, e), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2ParametresModifie(NEVER_PARAMS, WD_OAUTH_CLIENT_ID, "x"), 0, WD_E_INVALID_HANDLE);
    for (i = 0; i < nbad; i++) {
        if (bad[i].h == p) continue;
        EXPECT_FAIL(OAuth2ParametresModifie(bad[i].h, WD_OAUTH_CLIENT_ID, "x"), 0, WD_E_INVALID_HANDLE);
        EXPECT_FAIL(OAuth2ParametresPropriete(bad[i].h, WD_OAUTH_CLIENT_ID), NULL, WD_E_INVALID_HANDLE);
        EXPECT_FAIL(AuthIdentifie(bad[i].h), 0, WD_E_INVALID_HANDLE);
        EXPECT_FAIL(AuthTokenPropriete(bad[i].h, WD_TOKEN_VALUE), NULL, WD_E_INVALID_HANDLE);
        EXPECT_FAIL(AuthRafraichitToken(bad[i].h, p), 0, WD_E_INVALID_HANDLE);
    }
    /* OAuth2Libere refuses messages, lists and never-issued values. */
    EXPECT_FAIL(OAuth2Libere(0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(-1), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(INT32_MIN), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(e), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(NEVER_PARAMS), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(NEVER_TOKEN), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(NEVER_LIST), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere((int32_t)((9 << 27) | 1)), 0, WD_E_INVALID_HANDLE);
    EXPECT_OK(EmailNb(e, WD_EMAIL_RECIPIENT) >= 0, 1); /* the message survived */

    /* A params handle given to the message functions is a wrong-kind handle; it survives. */
    EXPECT_FAIL(EmailPropriete(p, WD_EMAIL_SUBJECT, 0), NULL, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "not a message handle") != NULL);
    EXPECT_FAIL(EmailModifiePropriete(p, WD_EMAIL_SUBJECT, 0, "x"), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailLibere(p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailRAZ(p), 0, WD_E_INVALID_HANDLE);
    CHECK(OAuth2ParametresPropriete(p, WD_OAUTH_CLIENT_SECRET) != NULL);
    CHECK_OK();

    /* Stale and double-freed params. */
    freed = OAuth2ParametresCree();
    CHECK(freed > 0);
    EXPECT_OK(OAuth2ParametresModifie(freed, WD_OAUTH_CLIENT_SECRET, "s3cret"), 1);
    CHECK_STR(OAuth2ParametresPropriete(freed, WD_OAUTH_CLIENT_SECRET), "");
    EXPECT_OK(OAuth2Libere(freed), 1);
    EXPECT_FAIL(OAuth2Libere(freed), 0, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "stale") != NULL);
    EXPECT_FAIL(OAuth2ParametresModifie(freed, WD_OAUTH_CLIENT_ID, "x"), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2ParametresPropriete(freed, WD_OAUTH_CLIENT_ID), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthIdentifie(freed), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRafraichitToken(NEVER_TOKEN, freed), 0, WD_E_INVALID_HANDLE);
}

static void settings(void) {
    int32_t t = EmailLitTimeOut();
    CHECK(t > 0);
    EXPECT_FAIL(EmailChangeTimeOut(0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailChangeTimeOut(86401), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailChangeTimeOut(INT32_MIN), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailChangeTimeOut(INT32_MAX), 0, WD_E_INVALID_ARGUMENT);
    CHECK(EmailLitTimeOut() == t);
    EXPECT_FAIL(EmailParametre(999, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailParametre(0, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailParametre(-1, 1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailTrace("/nonexistent-wd300com-dir/sub/trace.log"), 0, WD_E_IO);
    EXPECT_FAIL(EmailTrace(BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_OK(EmailTrace(NULL), 1);

    /* The error queries never fail, never return NULL, never change the state. */
    EXPECT_FAIL(EmailParametre(999, 0), 0, WD_E_INVALID_ARGUMENT);
    CHECK_STR(ErreurInfo(999), "");
    CHECK_STR(ErreurInfo(-1), "");
    /* WD_ERR_DEFAULT (0) is the full details, as ErreurInfo() in WLangage. */
    CHECK_STR(ErreurInfo(WD_ERR_DEFAULT), ErreurInfo(WD_ERR_FULL_DETAILS));
    CHECK_STR(ErreurCodeTexte(-5), "unknown error code");
    CHECK_STR(ErreurCodeTexte(INT32_MAX), "unknown error code");
    CHECK(ErreurCodeTexte(WD_E_TIMEOUT) != NULL && strlen(ErreurCodeTexte(WD_E_TIMEOUT)) > 0);
    CHECK(EmailVersion() != NULL && strlen(EmailVersion()) > 0);
    CHECK(ErreurCode() == WD_E_INVALID_ARGUMENT);
    CHECK(ErreurDetectee() == 1);
    CHECK(strlen(ErreurInfo(WD_ERR_FULL_DETAILS)) > 0);
}

/* The English twins fail exactly like the French functions. */
#define SAME(fr, en)                                                             \
    do {                                                                         \
        int64_t r1_, r2_;                                                        \
        WD_E c1_;                                                                \
        char m1_[512];                                                           \
        cases++;                                                                 \
        r1_ = (int64_t)(intptr_t)(fr);                                           \
        c1_ = ErreurCode();                                                      \
        snprintf(m1_, sizeof m1_, "%s", ErreurInfo(WD_ERR_MESSAGE));             \
        r2_ = (int64_t)(intptr_t)(en);                                           \
        CHECK(r1_ == r2_);                                                       \
        CHECK(c1_ != WD_E_NONE && c1_ == ErreurCode());                          \
        CHECK(strcmp(m1_, ErreurInfo(WD_ERR_MESSAGE)) == 0);                     \
    } while (0)

static void twins(WdEmail e, WdOAuth2Params p) {
    SAME(EmailSessionCree(NULL, WD_SESSION_POP3), EmailSessionCreate(NULL, WD_SESSION_POP3));
    SAME(EmailSessionCree(DECL_POP3, 99), EmailSessionCreate(DECL_POP3, 99));
    SAME(EmailSessionModifie(NOSESS, WD_PROP_USER, "u"), EmailSessionSet(NOSESS, WD_PROP_USER, "u"));
    SAME(EmailSessionPropriete(DECL_POP3, 999), EmailSessionGet(DECL_POP3, 999));
    SAME(EmailOuvreSessionDeclaree(NOSESS), EmailStartDeclaredSession(NOSESS));
    SAME(EmailFermeSession(NOSESS), EmailCloseSession(NOSESS));
    SAME(EmailOuvreSessionPOP3("u", "p", "h", -1, 0), EmailStartPOP3Session("u", "p", "h", -1, 0));
    SAME(EmailOuvreSessionIMAP("u", NULL, "h", 0, 0), EmailStartIMAPSession("u", NULL, "h", 0, 0));
    SAME(EmailOuvreSessionSMTP("u", "p", "h", 70000, 0, 0), EmailStartSMTPSession("u", "p", "h", 70000, 0, 0));
    SAME(EmailOuvreSession("u", "p", "h", "h", 0, 70000, 0), EmailStartSession("u", "p", "h", "h", 0, 70000, 0));
    SAME(EmailOuvreSessionNotes(NULL, NULL), EmailStartNotesSession(NULL, NULL));
    SAME(EmailOuvreSessionOutlook(NULL, NULL), EmailStartOutlookSession(NULL, NULL));
    SAME(EmailEnvoieMessage(NOSESS, e, 0), EmailSendMessage(NOSESS, e, 0));
    SAME(EmailEtat(-1), EmailStatus(-1));
    SAME(EmailVerifieAdresse("a@wd.test", NOSESS), EmailCheckAddress("a@wd.test", NOSESS));
    SAME(EmailLitPremier(NOSESS, e, 0), EmailReadFirst(NOSESS, e, 0));
    SAME(EmailLitSuivant(NOSESS, e, 0x100), EmailReadNext(NOSESS, e, 0x100));
    SAME(EmailLitPrecedent(NOSESS, -1, 0), EmailReadPrevious(NOSESS, -1, 0));
    SAME(EmailLitDernier(NULL, e, 0), EmailReadLast(NULL, e, 0));
    SAME(EmailLitPremierEntete(NOSESS, e, 0), EmailReadFirstHeader(NOSESS, e, 0));
    SAME(EmailLitSuivantEntete(NOSESS, e, 0), EmailReadNextHeader(NOSESS, e, 0));
    SAME(EmailLitPrecedentEntete(NOSESS, e, 0), EmailReadPreviousHeader(NOSESS, e, 0));
    SAME(EmailLitDernierEntete(NOSESS, e, 0), EmailReadLastHeader(NOSESS, e, 0));
    SAME(EmailNbMessage(NOSESS, 0), EmailNbMessage(NOSESS, 0));
    SAME(EmailLitMessage(NOSESS, e, 0), EmailReadMessage(NOSESS, e, 0));
    SAME(EmailRecupereTout(NOSESS, 0), EmailGetAll(NOSESS, 0));
    SAME(EmailListeNb(e), EmailListCount(e));
    SAME(EmailListeElement(e, 0), EmailListItem(e, 0));
    SAME(EmailSupprimeMessage(NOSESS, e), EmailDeleteMessage(NOSESS, e));
    SAME(EmailListeDossier(NOSESS), EmailListFolder(NOSESS));
    SAME(EmailChangeDossier(NOSESS, ""), EmailChangeFolder(NOSESS, ""));
    SAME(EmailCreeDossier(NOSESS, "F"), EmailCreateFolder(NOSESS, "F"));
    SAME(EmailSupprimeDossier(NOSESS, NULL), EmailDeleteFolder(NOSESS, NULL));
    SAME(EmailRenommeDossier(NOSESS, "A", NULL), EmailRenameFolder(NOSESS, "A", NULL));
    SAME(EmailCopieMessage(NOSESS, e, "F"), EmailCopyMessage(NOSESS, e, "F"));
    SAME(EmailDeplaceMessage(NOSESS, -1, "F"), EmailMoveMessage(NOSESS, -1, "F"));
    SAME(EmailMiseAJour(NOSESS, e), EmailUpdate(NOSESS, e));
    SAME(EmailAjouteMessage(NOSESS, "", e), EmailAppendMessage(NOSESS, "", e));
    SAME(OAuth2ParametresModifie(p, 999, "x"), OAuth2ParametersSet(p, 999, "x"));
    SAME(OAuth2ParametresPropriete(e, 1), OAuth2ParametersGet(e, 1));
    SAME(AuthIdentifie(e), AuthIdentify(e));
    SAME(AuthTokenPropriete(p, WD_TOKEN_VALUE), AuthTokenGet(p, WD_TOKEN_VALUE));
    SAME(AuthRafraichitToken(0, p), AuthRefreshToken(0, p));
    SAME(OAuth2Libere(e), OAuth2Free(e));
    SAME(EmailChangeTimeOut(0), EmailSetTimeOut(0));
    SAME(EmailParametre(999, 0), EmailConfigure(999, 0));
    SAME(EmailTrace(BAD_UTF8), EmailSetTrace(BAD_UTF8));
    SAME(EmailLibere(-1), EmailFree(-1));
    SAME(EmailPropriete(p, WD_EMAIL_SUBJECT, 0), EmailGetProperty(p, WD_EMAIL_SUBJECT, 0));
    SAME(EmailAjouteFichierAttache(e, NULL), EmailAddAttachment(e, NULL));
    SAME(EmailRAZ(-1), EmailReset(-1));
    SAME(EmailModifiePropriete(e, 999, 0, "x"), EmailSetProperty(e, 999, 0, "x"));
    SAME(EmailAjoute(e, WD_EMAIL_SUBJECT, "x"), EmailAdd(e, WD_EMAIL_SUBJECT, "x"));
    SAME(EmailNb(e, WD_EMAIL_SUBJECT), EmailCount(e, WD_EMAIL_SUBJECT));
    SAME(EmailEntete(e, NULL, 0), EmailHeader(e, NULL, 0));
    SAME(EmailAjouteEntete(e, "Bad Name", "v"), EmailAddHeader(e, "Bad Name", "v"));
    SAME(EmailAjouteFichierAttacheMemoire(e, "a", NULL, SIZE_MAX, NULL),
         EmailAddAttachmentData(e, "a", NULL, SIZE_MAX, NULL));
    SAME(EmailFichierAttacheContenu(e, -1, NULL), EmailAttachmentContent(e, -1, NULL));
    SAME(EmailSauveFichierAttache(e, 0, NULL), EmailSaveAttachment(e, 0, NULL));
    SAME(EmailConstruitSource(e, 1 << 20), EmailBuildSource(e, 1 << 20));
    SAME(EmailSource(-1, NULL), EmailGetSource(-1, NULL));
    SAME(EmailImporteSource(e, NULL, 3), EmailImportSource(e, NULL, 3));
    SAME(EmailImporteHTML(e, BAD_UTF8, NULL), EmailImportHTML(e, BAD_UTF8, NULL));
    /* The queries and the creators agree too. */
    CHECK(ErreurDetectee() == ErrorOccurred());
    CHECK(ErreurCode() == ErrorCode());
    CHECK(ErreurInfo(WD_ERR_MESSAGE) == ErrorInfo(WD_ERR_MESSAGE));
    CHECK(ErreurCodeTexte(-5) == ErrorCodeText(-5));
    CHECK(EmailLitTimeOut() == EmailGetTimeOut());
    {
        WdEmail e2 = EmailCreate();
        WdOAuth2Params p2 = OAuth2ParametersCreate();
        CHECK(e2 > 0 && p2 > 0);
        CHECK(EmailFree(e2) == 1 && OAuth2Free(p2) == 1);
        SAME(EmailLibere(e2), EmailFree(e2));
        SAME(OAuth2Libere(p2), OAuth2Free(p2));
    }
}

/* Searching, seeking, waiting for mail and folder roles: arguments checked before the
 * session is looked up; the French and English names agree. */
static void finding(WdEmail e, const struct bad *bad, size_t nbad) {
    size_t i;
    EXPECT_FAIL(EmailRecherche(NULL, "ALL", 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecherche(BAD_UTF8, "ALL", 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecherche(NOSESS, BAD_UTF8, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecherche(NOSESS, "FROM", 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecherche(NOSESS, "SUBJECT \"open", 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecherche(NOSESS, "SINCE 31-Feb-2025", 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecherche(NOSESS, "ALL", WD_READ_UNREAD), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailRecherche(NOSESS, NULL, 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailRecherche(DECL_IMAP, "ALL", 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailCherchePremier(NULL, e, WD_SEEK_SUBJECT, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailCherchePremier(NOSESS, e, WD_SEEK_SUBJECT, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailCherchePremier(NOSESS, e, WD_SEEK_BODY, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailCherchePremier(NOSESS, e, 99, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailCherchePremier(NOSESS, e, WD_SEEK_MESSAGE_ID, "<>"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailCherchePremier(NOSESS, e, WD_SEEK_SENDER, "x"), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailChercheSuivant(NULL, e), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailChercheSuivant(NOSESS, e), 0, WD_E_UNKNOWN_SESSION);
    for (i = 0; i < nbad; i++) {
        EXPECT_FAIL(EmailCherchePremier(NOSESS, bad[i].h, WD_SEEK_SUBJECT, "x"), 0,
                    WD_E_INVALID_HANDLE);
        EXPECT_FAIL(EmailChercheSuivant(NOSESS, bad[i].h), 0, WD_E_INVALID_HANDLE);
    }
    EXPECT_FAIL(EmailAttendMessage(NULL, 1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAttendMessage(BAD_UTF8, 1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAttendMessage(NOSESS, -1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAttendMessage(NOSESS, 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailAttendMessage(DECL_IMAP, 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailDossierSpecial(NULL, WD_FOLDER_SENT), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailDossierSpecial(NOSESS, 0), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailDossierSpecial(NOSESS, WD_FOLDER_ALL + 1), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailDossierSpecial(NOSESS, WD_FOLDER_SENT), NULL, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailListeDossierRole(NULL), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailListeDossierRole(BAD_UTF8), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailListeDossierRole(DECL_IMAP), NULL, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailSessionModifie(DECL_IMAP, WD_PROP_KEEPALIVE, "-1"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(DECL_IMAP, WD_PROP_KEEPALIVE, "86401"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_OK(EmailSessionModifie(DECL_IMAP, WD_PROP_KEEPALIVE, "30"), 1);
    CHECK_STR(EmailSessionPropriete(DECL_IMAP, WD_PROP_KEEPALIVE), "30");
    EXPECT_OK(EmailSessionModifie(DECL_IMAP, WD_PROP_KEEPALIVE, "0"), 1);
    SAME(EmailRecherche(NOSESS, "FROM", 0), EmailSearch(NOSESS, "FROM", 0));
    SAME(EmailCherchePremier(NOSESS, e, 99, "x"), EmailSeekFirst(NOSESS, e, 99, "x"));
    SAME(EmailChercheSuivant(NOSESS, e), EmailSeekNext(NOSESS, e));
    SAME(EmailAttendMessage(NOSESS, -1), EmailWaitMessage(NOSESS, -1));
    SAME(EmailDossierSpecial(NOSESS, 0), EmailSpecialFolder(NOSESS, 0));
    SAME(EmailListeDossierRole(NOSESS), EmailListFolderRoles(NOSESS));
}

/* Real list and message handles from a fake POP3 server: wrong kinds, bad indexes,
 * double frees, IMAP-only functions on POP3, a header-only message after its session
 * closed. */
static void with_fake_server(WdEmail e) {
    pthread_t th;
    WdEmailList list, list2;
    WdEmail item, item2, blank;
    WdOAuth2Params p;
    if (!start_fake(&th)) {
        CHECK(!"cannot start the fake POP3 server");
        return;
    }
    EXPECT_OK(EmailOuvreSessionPOP3(FAKE_USER, "pw", "127.0.0.1", fake_port, WD_OPTION_NONE), 1);
    /* Already open: refused before any connection attempt. */
    EXPECT_FAIL(EmailOuvreSessionPOP3(FAKE_USER, "pw", "127.0.0.1", fake_port, WD_OPTION_NONE), 0,
                WD_E_SESSION_EXISTS);
    EXPECT_FAIL(EmailOuvreSessionIMAP(FAKE_USER, "pw", "127.0.0.1", fake_port, WD_OPTION_NONE), 0,
                WD_E_SESSION_EXISTS);
    EXPECT_FAIL(EmailOuvreSession(FAKE_USER, "pw", "127.0.0.1", NULL, fake_port, 1, 0), 0,
                WD_E_SESSION_EXISTS);
    EXPECT_OK(EmailNbMessage(FAKE_USER, 0), 2);

    /* IMAP-only features on POP3. */
    EXPECT_FAIL(EmailNbMessage(FAKE_USER, WD_READ_UNREAD), -1, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailLitPremier(FAKE_USER, e, WD_READ_UNREAD), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailRecupereTout(FAKE_USER, WD_READ_UNREAD), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailListeDossier(FAKE_USER), NULL, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailChangeDossier(FAKE_USER, "F"), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailCreeDossier(FAKE_USER, "F"), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailSupprimeDossier(FAKE_USER, "F"), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailRenommeDossier(FAKE_USER, "A", "B"), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailAjouteMessage(FAKE_USER, "INBOX", e), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailRecherche(FAKE_USER, "ALL", 0), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailDossierSpecial(FAKE_USER, WD_FOLDER_SENT), NULL, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailListeDossierRole(FAKE_USER), NULL, WD_E_NOT_SUPPORTED);
    /* No SMTP connection under this name. */
    EXPECT_FAIL(EmailEnvoieMessage(FAKE_USER, e, 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailVerifieAdresse("a@wd.test", FAKE_USER), WD_ADDRESS_ERROR, WD_E_UNKNOWN_SESSION);

    /* A message that was not read from a server. */
    blank = EmailCree();
    CHECK(blank > 0);
    EXPECT_FAIL(EmailSupprimeMessage(FAKE_USER, blank), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailCopieMessage(FAKE_USER, blank, "F"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailDeplaceMessage(FAKE_USER, blank, "F"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailMiseAJour(FAKE_USER, blank), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_OK(EmailLibere(blank), 1);
    EXPECT_FAIL(EmailLitPremier(FAKE_USER, blank, 0), 0, WD_E_INVALID_HANDLE); /* stale */

    /* A message read from POP3: the IMAP-only operations are not supported. */
    EXPECT_OK(EmailLitPremier(FAKE_USER, e, 0), 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_SUBJECT, 0), "one");
    EXPECT_FAIL(EmailCopieMessage(FAKE_USER, e, "F"), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailDeplaceMessage(FAKE_USER, e, "F"), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailMiseAJour(FAKE_USER, e), 0, WD_E_NOT_SUPPORTED);
    EXPECT_FAIL(EmailLitMessage(FAKE_USER, e, 0), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailLitMessage(FAKE_USER, e, -5), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_OK(EmailLitMessage(FAKE_USER, e, 99), 0); /* no such message: WD_EMAIL_OUT */
    CHECK_STR(EmailPropriete(e, WD_EMAIL_OUT, 0), "1");

    /* A real list: indexes out of range, wrong kinds both ways. */
    list = EmailRecupereTout(FAKE_USER, 0);
    CHECK(list > 0);
    EXPECT_OK(EmailListeNb(list), 2);
    EXPECT_FAIL(EmailListeElement(list, -1), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailListeElement(list, 2), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailListeElement(list, INT32_MAX), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailListeElement(list, INT32_MIN), 0, WD_E_INVALID_ARGUMENT);
    item = EmailListeElement(list, 0);
    CHECK(item > 0);
    CHECK_OK();
    EXPECT_FAIL(EmailListeNb(item), -1, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailListeElement(item, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailPropriete(list, WD_EMAIL_SUBJECT, 0), NULL, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "message list") != NULL);
    EXPECT_FAIL(EmailModifiePropriete(list, WD_EMAIL_SUBJECT, 0, "x"), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailRAZ(list), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailLitPremier(FAKE_USER, list, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailLitMessage(FAKE_USER, list, 1), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailSupprimeMessage(FAKE_USER, list), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailEnvoieMessage(FAKE_USER, list, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(list), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2ParametresPropriete(list, WD_OAUTH_CLIENT_ID), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthIdentifie(list), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthTokenPropriete(list, WD_TOKEN_VALUE), NULL, WD_E_INVALID_HANDLE);
    p = OAuth2ParametresCree();
    EXPECT_FAIL(EmailListeNb(p), -1, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailListeElement(p, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_OK(OAuth2Libere(p), 1);
    EXPECT_OK(EmailListeNb(list), 2); /* survived every wrong-kind call */
    CHECK_STR(EmailPropriete(item, WD_EMAIL_SUBJECT, 0), "one");

    /* Double free of a list; its items die with it. */
    EXPECT_OK(EmailLibere(list), 1);
    EXPECT_FAIL(EmailLibere(list), 0, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "stale") != NULL);
    EXPECT_FAIL(EmailListeNb(list), -1, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailListeElement(list, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailPropriete(item, WD_EMAIL_SUBJECT, 0), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailLibere(item), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailLitPremier(FAKE_USER, item, 0), 0, WD_E_INVALID_HANDLE);

    /* A header-only message whose session is closed: its body cannot be completed. */
    list2 = EmailRecupereTout(FAKE_USER, WD_READ_HEADER);
    CHECK(list2 > 0);
    item2 = EmailListeElement(list2, 1);
    CHECK(item2 > 0);
    EXPECT_OK(EmailFermeSession(FAKE_USER), 1);
    EXPECT_FAIL(EmailFermeSession(FAKE_USER), 0, WD_E_UNKNOWN_SESSION);
    CHECK_STR(EmailPropriete(item2, WD_EMAIL_SUBJECT, 0), "two");
    EXPECT_FAIL(EmailPropriete(item2, WD_EMAIL_MESSAGE, 0), NULL, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailLitSuivant(FAKE_USER, e, 0), 0, WD_E_UNKNOWN_SESSION);
    EXPECT_FAIL(EmailNbMessage(FAKE_USER, 0), -1, WD_E_UNKNOWN_SESSION);
    EXPECT_OK(EmailLibere(list2), 1);

    pthread_join(th, NULL);
    close(listen_fd);
}

int main(void) {
    WdEmail e = EmailCree(), stale = EmailCree();
    WdOAuth2Params p = OAuth2ParametresCree(), stale_p = OAuth2ParametresCree();
    struct bad bad[8];
    size_t nbad = 0;
    CHECK(e > 0 && stale > 0 && p > 0 && stale_p > 0);
    CHECK(EmailLibere(stale) == 1);
    CHECK(OAuth2Libere(stale_p) == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SENDER, 0, "a@wd.test") == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_RECIPIENT, "b@wd.test") == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, "misuse") == 1);

    /* Handles that are never valid where a message handle is expected. */
    nbad = add_bad(bad, nbad, -1, "negative");
    nbad = add_bad(bad, nbad, INT32_MIN, "INT32_MIN");
    nbad = add_bad(bad, nbad, stale, "freed message");
    nbad = add_bad(bad, nbad, NEVER_MSG, "never-issued message");
    nbad = add_bad(bad, nbad, NEVER_LIST, "list kind");
    nbad = add_bad(bad, nbad, p, "OAuth2 params");
    nbad = add_bad(bad, nbad, stale_p, "freed OAuth2 params");
    nbad = add_bad(bad, nbad, NEVER_TOKEN, "token kind");

    declared_sessions();
    openers();
    sending(e, bad, nbad);
    reading(e, bad, nbad);
    oauth(e, p, bad, nbad);
    settings();
    twins(e, p);
    finding(e, bad, nbad);
    with_fake_server(e);

    /* Nothing above damaged the live objects (e was last read past the end). */
    CHECK_STR(EmailPropriete(e, WD_EMAIL_OUT, 0), "1");
    CHECK(EmailLibere(e) == 1);
    CHECK(OAuth2Libere(p) == 1);
    CHECK(EmailFermeSession(DECL_POP3) == 1); /* declared only: closing keeps nothing open */
    printf("test_misuse_sessions: %d misuse cases\n", cases);
    return wd_finish("test_misuse_sessions");
}
