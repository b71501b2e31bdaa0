/* Misuse suite: NULL in every pointer position, invalid UTF-8, stale, double-freed and
 * wrong-kind handles, SIZE_MAX lengths. Each case returns the error sentinel and leaves a
 * readable ErreurInfo; nothing crashes. */
#include "common.h"
#include <stdint.h>

static const char BAD_UTF8[] = { 'a', (char)0xC3, (char)0x28, 0 };
/* A handle value carrying the "message list" kind tag (kind 2, bits 27..30). */
#define WRONG_KIND ((WdEmail)((2 << 27) | 7))
/* A value that never was issued. */
#define NEVER_ISSUED ((WdEmail)((1 << 27) | (300 << 18) | 200000))

#define EXPECT_FAIL(call, sentinel, code)                                        \
    do {                                                                         \
        CHECK((call) == (sentinel));                                             \
        CHECK_ERR(code);                                                         \
    } while (0)

static void handle_cases(WdEmail h, int code) {
    size_t n = 0;
    EXPECT_FAIL(EmailLibere(h), 0, code);
    EXPECT_FAIL(EmailRAZ(h), 0, code);
    EXPECT_FAIL(EmailPropriete(h, WD_EMAIL_SUBJECT, 0), NULL, code);
    EXPECT_FAIL(EmailModifiePropriete(h, WD_EMAIL_SUBJECT, 0, "x"), 0, code);
    EXPECT_FAIL(EmailAjoute(h, WD_EMAIL_RECIPIENT, "a@b.c"), 0, code);
    EXPECT_FAIL(EmailNb(h, WD_EMAIL_RECIPIENT), -1, code);
    EXPECT_FAIL(EmailEntete(h, "Subject", 0), NULL, code);
    EXPECT_FAIL(EmailAjouteEntete(h, "X-A", "b"), 0, code);
    EXPECT_FAIL(EmailAjouteFichierAttache(h, "/nonexistent/a.txt"), 0, code);
    EXPECT_FAIL(EmailAjouteFichierAttacheMemoire(h, "a.txt", (const uint8_t *)"x", 1, NULL), 0, code);
    EXPECT_FAIL(EmailFichierAttacheContenu(h, 0, &n), NULL, code);
    EXPECT_FAIL(EmailSauveFichierAttache(h, 0, "/tmp/x"), 0, code);
    EXPECT_FAIL(EmailConstruitSource(h, 0), 0, code);
    EXPECT_FAIL(EmailSource(h, &n), NULL, code);
    EXPECT_FAIL(EmailImporteSource(h, (const uint8_t *)"a", 1), 0, code);
    EXPECT_FAIL(EmailImporteHTML(h, "<p>x</p>", NULL), 0, code);
    EXPECT_FAIL(EmailOuvreMessagerie(h), 0, code);
    EXPECT_FAIL(EmailLanceAppli(h), 0, code);
    CHECK(n == 0); /* out parameters untouched on failure */
}

int main(void) {
    WdEmail e = EmailCree(), stale;
    size_t n = 12345;
    CHECK(e > 0);

    /* NULL in every pointer position. */
    EXPECT_FAIL(EmailModifiePropriete(e, WD_EMAIL_RECIPIENT, 5, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjoute(e, WD_EMAIL_RECIPIENT, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailEntete(e, NULL, 0), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteEntete(e, NULL, "v"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteEntete(e, "X-A", NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteFichierAttache(e, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteFichierAttacheMemoire(e, NULL, (const uint8_t *)"x", 1, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteFichierAttacheMemoire(e, "a.txt", NULL, 5, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailFichierAttacheContenu(e, 0, NULL), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSauveFichierAttache(e, 0, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSource(e, NULL), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailImporteSource(e, NULL, 10), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailImporteHTML(e, NULL, NULL), 0, WD_E_INVALID_ARGUMENT);
    /* NULL where it is optional is fine. */
    CHECK(EmailTrace(NULL) == 1);
    CHECK(EmailAjouteFichierAttacheMemoire(e, "empty.txt", NULL, 0, NULL) == 1);
    CHECK_OK();
    CHECK(EmailFichierAttacheContenu(e, 0, &n) != NULL && n == 0);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, NULL) == 1);

    /* Invalid UTF-8 everywhere a string goes in. */
    EXPECT_FAIL(EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "UTF-8") != NULL);
    EXPECT_FAIL(EmailAjoute(e, WD_EMAIL_CC, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailEntete(e, BAD_UTF8, 0), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteEntete(e, "X-A", BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteFichierAttache(e, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteFichierAttacheMemoire(e, BAD_UTF8, NULL, 0, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteFichierAttacheMemoire(e, "a", NULL, 0, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSauveFichierAttache(e, 0, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailImporteHTML(e, BAD_UTF8, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailImporteHTML(e, "<p/>", BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailTrace(BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);

    /* Bad header names, bad property numbers, negative indexes, huge lengths. */
    EXPECT_FAIL(EmailAjouteEntete(e, "Bad Name", "v"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteEntete(e, "", "v"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailPropriete(e, 999, 0), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailPropriete(e, WD_EMAIL_RECIPIENT, -1), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailModifiePropriete(e, -3, 0, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailNb(e, WD_EMAIL_SUBJECT), -1, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjoute(e, WD_EMAIL_SUBJECT, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailConstruitSource(e, 1 << 20), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailImporteSource(e, (const uint8_t *)"x", SIZE_MAX), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailAjouteFichierAttacheMemoire(e, "a", (const uint8_t *)"x", SIZE_MAX, NULL), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailFichierAttacheContenu(e, 99, &n), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailFichierAttacheContenu(e, -1, &n), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSauveFichierAttache(e, -1, "/tmp/x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailEntete(e, "Subject", -1), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailModifiePropriete(e, WD_EMAIL_RECIPIENT, -1, "a@b.c"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailImporteSource(e, NULL, SIZE_MAX), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailChangeTimeOut(-1), 0, WD_E_INVALID_ARGUMENT);
    CHECK(strcmp(ErreurInfo(WD_ERR_FULL_DETAILS), "") != 0);

    /* Invalid, stale, double-freed and wrong-kind handles. */
    handle_cases(-1, WD_E_INVALID_HANDLE);
    handle_cases(WRONG_KIND, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "handle") != NULL);
    handle_cases(NEVER_ISSUED, WD_E_INVALID_HANDLE);
    handle_cases(INT32_MIN, WD_E_INVALID_HANDLE);
    {
        /* An OAuth2 parameters handle is a message handle of the wrong kind; it survives. */
        WdOAuth2Params p = OAuth2ParametresCree();
        CHECK(p > 0);
        handle_cases(p, WD_E_INVALID_HANDLE);
        CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "OAuth2") != NULL);
        CHECK(OAuth2Libere(p) == 1);
        handle_cases(p, WD_E_INVALID_HANDLE);
    }
    stale = EmailCree();
    CHECK(EmailLibere(stale) == 1);
    handle_cases(stale, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailLibere(stale), 0, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "stale") != NULL);

    /* A success clears the previous error; queries do not. */
    CHECK(EmailLibere(stale) == 0);
    CHECK(ErreurDetectee() == 1);
    CHECK(ErreurDetectee() == 1);
    CHECK(ErreurInfo(WD_ERR_MESSAGE) != NULL);
    CHECK(ErreurCode() == WD_E_INVALID_HANDLE);
    CHECK(EmailNb(e, WD_EMAIL_RECIPIENT) == 0);
    CHECK_OK();

    CHECK(EmailLibere(e) == 1);
    return wd_finish("test_misuse");
}
