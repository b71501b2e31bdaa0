/* The message model end to end: fields, arrays, headers, attachments from memory and
 * from disk, build, source, import, HTML import, the legacy structure (handle 0). */
#include "common.h"
#include <unistd.h>

static void write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(2); }
    fwrite(data, 1, len, f);
    fclose(f);
}

static int contains(const uint8_t *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    size_t i;
    if (m > n) return 0;
    for (i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return 1;
    return 0;
}

int main(void) {
    char dir[] = "/tmp/wdmsgXXXXXX";
    char path[512], img[512], saved[512];
    uint8_t bin[256];
    size_t i, len = 0, slen = 0;
    const uint8_t *src, *content;
    WdEmail e, back, h;
    uint8_t *copy;

    CHECK(mkdtemp(dir) != NULL);
    for (i = 0; i < sizeof bin; i++) bin[i] = (uint8_t)i;
    snprintf(path, sizeof path, "%s/rapport été.pdf", dir);
    write_file(path, "%PDF-1.4 fake\n", 14);

    e = EmailCree();
    CHECK(e > 0);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SENDER, 0, "Émile Zola <emile@example.org>") == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_RECIPIENT, "alice@example.org") == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_RECIPIENT, "Bob B <bob@example.org>") == 1);
    CHECK(EmailAdd(e, WD_EMAIL_CC, "carol@example.org") == 1);
    CHECK(EmailAjoute(e, WD_EMAIL_BCC, "secret@example.org") == 1);
    CHECK(EmailNb(e, WD_EMAIL_RECIPIENT) == 2);
    CHECK(EmailCount(e, WD_EMAIL_BCC) == 1);
    CHECK(EmailSetProperty(e, WD_EMAIL_SUBJECT, 0, "Réunion — ordre du jour ✓") == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_MESSAGE, 0, "Bonjour,\nvoici le rapport.\n.\nFin") == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_HTML, 0, "<p>Bonjour, <b>voici</b> le rapport.</p>") == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_PRIORITY, 0, "1") == 1);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_PRIORITY, 0, "9") == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailAjouteEntete(e, "X-Mailer-Test", "wd300com c-tests") == 1);
    CHECK(EmailAjouteEntete(e, "X-Evil", "a\r\nBcc: victim@example.org") == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, "x\nBcc: victim@example.org") == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailAjoute(e, WD_EMAIL_RECIPIENT, "a@b.c\r\nRCPT TO:<x@y>") == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailNb(e, WD_EMAIL_RECIPIENT) == 2);
    CHECK(EmailAjouteFichierAttacheMemoire(e, "données.bin", bin, sizeof bin, "application/octet-stream") == 1);
    CHECK(EmailAjouteFichierAttache(e, path) == 1);
    CHECK(EmailNb(e, WD_EMAIL_ATTACHMENT_NAME) == 2);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_ATTACHMENT_NAME, 1), "rapport été.pdf");
    CHECK_STR(EmailPropriete(e, WD_EMAIL_ATTACHMENT_TYPE, 1), "application/pdf");
    CHECK(EmailAjouteFichierAttache(e, "/nonexistent/file.txt") == 0);
    CHECK_ERR(WD_E_IO);
    CHECK(strlen(ErreurInfo(WD_ERR_SYSTEM_MESSAGE)) > 0);

    /* Getter strings stay valid until the object changes. */
    {
        const char *s1 = EmailPropriete(e, WD_EMAIL_SUBJECT, 0);
        const char *s2 = EmailPropriete(e, WD_EMAIL_SENDER, 0);
        const char *s3 = EmailPropriete(e, WD_EMAIL_RECIPIENT, 1);
        CHECK_STR(s1, "Réunion — ordre du jour ✓");
        CHECK_STR(s2, "Émile Zola <emile@example.org>");
        CHECK_STR(s3, "Bob B <bob@example.org>");
    }
    CHECK(EmailPropriete(e, WD_EMAIL_RECIPIENT, 2) == NULL);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);

    CHECK(EmailConstruitSource(e, 0) == 1);
    CHECK_OK();
    src = EmailSource(e, &len);
    CHECK(src != NULL && len > 500);
    CHECK(!contains(src, len, "secret@example.org"));
    CHECK(contains(src, len, "X-Mailer-Test: wd300com c-tests"));
    CHECK(contains(src, len, "\r\n"));
    CHECK(strlen(EmailPropriete(e, WD_EMAIL_MESSAGE_ID, 0)) > 3);
    CHECK(strlen(EmailPropriete(e, WD_EMAIL_DATE, 0)) >= 20);

    /* Import the built source into another message: every field comes back. */
    copy = malloc(len);
    memcpy(copy, src, len);
    back = EmailCreate();
    CHECK(EmailImporteSource(back, copy, len) == 1);
    free(copy);
    CHECK_STR(EmailPropriete(back, WD_EMAIL_SUBJECT, 0), "Réunion — ordre du jour ✓");
    CHECK_STR(EmailPropriete(back, WD_EMAIL_SENDER, 0), "Émile Zola <emile@example.org>");
    CHECK(EmailNb(back, WD_EMAIL_RECIPIENT) == 2);
    CHECK_STR(EmailPropriete(back, WD_EMAIL_RECIPIENT, 1), "Bob B <bob@example.org>");
    CHECK_STR(EmailPropriete(back, WD_EMAIL_CC, 0), "carol@example.org");
    CHECK(EmailNb(back, WD_EMAIL_BCC) == 0);
    CHECK_STR(EmailPropriete(back, WD_EMAIL_PRIORITY, 0), "1");
    CHECK(strncmp(EmailPropriete(back, WD_EMAIL_MESSAGE, 0), "Bonjour,", 8) == 0);
    CHECK(strstr(EmailPropriete(back, WD_EMAIL_HTML, 0), "<b>voici</b>") != NULL);
    CHECK_STR(EmailPropriete(back, WD_EMAIL_MESSAGE_ID, 0), EmailPropriete(e, WD_EMAIL_MESSAGE_ID, 0));
    CHECK_STR(EmailEntete(back, "x-mailer-test", 0), "wd300com c-tests");
    CHECK(EmailEntete(back, "X-Nope", 0) == NULL);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailNb(back, WD_EMAIL_ATTACHMENT_NAME) == 2);
    CHECK_STR(EmailPropriete(back, WD_EMAIL_ATTACHMENT_NAME, 0), "données.bin");
    content = EmailFichierAttacheContenu(back, 0, &slen);
    CHECK(content != NULL && slen == sizeof bin && memcmp(content, bin, sizeof bin) == 0);
    CHECK_STR(EmailPropriete(back, WD_EMAIL_ATTACHMENT_NAME, 1), "rapport été.pdf");
    snprintf(saved, sizeof saved, "%s/saved.bin", dir);
    CHECK(EmailSauveFichierAttache(back, 0, saved) == 1);
    {
        FILE *f = fopen(saved, "rb");
        uint8_t buf[300];
        size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
        if (f) fclose(f);
        CHECK(n == sizeof bin && memcmp(buf, bin, n) == 0);
    }
    CHECK(EmailSaveAttachment(back, 5, saved) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailSaveAttachment(back, 0, "/nonexistent-dir/x.bin") == 0);
    CHECK_ERR(WD_E_IO);

    /* Bcc kept in the header on request. */
    CHECK(EmailConstruitSource(e, WD_BUILD_HEADER_BCC | WD_BUILD_ENCODE_HEADER) == 1);
    src = EmailSource(e, &len);
    CHECK(contains(src, len, "secret@example.org"));

    /* Removing an array element with a NULL value. */
    CHECK(EmailModifiePropriete(e, WD_EMAIL_RECIPIENT, 0, NULL) == 1);
    CHECK(EmailNb(e, WD_EMAIL_RECIPIENT) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_RECIPIENT, 0), "Bob B <bob@example.org>");

    /* Reset clears everything. */
    CHECK(EmailRAZ(e) == 1);
    CHECK_STR(EmailPropriete(e, WD_EMAIL_SUBJECT, 0), "");
    CHECK(EmailNb(e, WD_EMAIL_ATTACHMENT_NAME) == 0);
    src = EmailSource(e, &len);
    CHECK(src != NULL && len == 0);

    /* HTML import with a local image becoming an inline part. */
    snprintf(img, sizeof img, "%s/logo.png", dir);
    write_file(img, "\x89PNG\r\n\x1a\nfake", 12);
    CHECK(EmailImporteHTML(e, "<html><body><p>Logo:</p><img src=\"logo.png\"></body></html>", dir) == 1);
    CHECK(EmailNb(e, WD_EMAIL_ATTACHMENT_NAME) == 1);
    CHECK(strlen(EmailPropriete(e, WD_EMAIL_ATTACHMENT_CONTENT_ID, 0)) > 0);
    CHECK(strstr(EmailPropriete(e, WD_EMAIL_HTML, 0), "cid:") != NULL);
    CHECK(EmailImporteHTML(e, "<img src=\"missing.png\">", dir) == 0);
    CHECK_ERR(WD_E_IO);

    /* Handle 0 is this thread's legacy structure. */
    CHECK(EmailModifiePropriete(0, WD_EMAIL_SUBJECT, 0, "legacy") == 1);
    CHECK_STR(EmailPropriete(0, WD_EMAIL_SUBJECT, 0), "legacy");
    CHECK(EmailAjoute(0, WD_EMAIL_RECIPIENT, "x@example.org") == 1);
    CHECK(EmailModifiePropriete(0, WD_EMAIL_SENDER, 0, "me@example.org") == 1);
    CHECK(EmailConstruitSource(0, 0) == 1);
    src = EmailSource(0, &len);
    CHECK(contains(src, len, "Subject: legacy"));
    CHECK(EmailRAZ(0) == 1);
    CHECK_STR(EmailPropriete(0, WD_EMAIL_SUBJECT, 0), "");
    CHECK(EmailLibere(0) == 0);
    CHECK_ERR(WD_E_INVALID_HANDLE);

    /* Read-only properties. */
    CHECK(EmailModifiePropriete(back, WD_EMAIL_UID, 0, "12") == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK_STR(EmailPropriete(back, WD_EMAIL_OUT, 0), "0");

    h = back;
    CHECK(EmailLibere(e) == 1);
    CHECK(EmailFree(back) == 1);
    CHECK(EmailFree(h) == 0);
    CHECK_ERR(WD_E_INVALID_HANDLE);
    unlink(path); unlink(img); unlink(saved);
    rmdir(dir);
    return wd_finish("test_message");
}
