/* Builds a message with an attachment, prints its source size, parses it back and prints
 * the fields: the message model of wd300com without any server.
 * Build: cc -std=c11 c_message.c $(pkg-config --cflags --libs wd300com) */
#include <stdio.h>
#include <string.h>
#include <wd300com.h>

static int fail(const char *what) {
    fprintf(stderr, "%s: [%d] %s\n", what, (int)ErreurCode(), ErreurInfo(WD_ERR_MESSAGE));
    return 1;
}

int main(void) {
    const uint8_t *src, *data;
    size_t len = 0, dlen = 0;
    WdEmail e = EmailCree(), back = EmailCree();
    static const uint8_t payload[] = {'P', 'K', 0, 1, 2, 3, 0xff};

    printf("wd300com %s\n", EmailVersion());
    if (!EmailModifiePropriete(e, WD_EMAIL_SENDER, 0, "Émile <emile@example.org>")) return fail("sender");
    if (!EmailAjoute(e, WD_EMAIL_RECIPIENT, "alice@example.org")) return fail("recipient");
    if (!EmailModifiePropriete(e, WD_EMAIL_SUBJECT, 0, "Réunion de lundi")) return fail("subject");
    if (!EmailModifiePropriete(e, WD_EMAIL_MESSAGE, 0, "Bonjour,\nle compte rendu est joint.")) return fail("body");
    if (!EmailAjouteFichierAttacheMemoire(e, "compte-rendu.zip", payload, sizeof payload, NULL)) return fail("attachment");
    if (!EmailConstruitSource(e, 0)) return fail("build");
    src = EmailSource(e, &len);
    if (!src) return fail("source");
    printf("built %zu bytes, Message-ID %s\n", len, EmailPropriete(e, WD_EMAIL_MESSAGE_ID, 0));

    if (!EmailImporteSource(back, src, len)) return fail("import");
    printf("subject: %s\nfrom: %s\nto: %s\n", EmailPropriete(back, WD_EMAIL_SUBJECT, 0),
           EmailPropriete(back, WD_EMAIL_SENDER, 0), EmailPropriete(back, WD_EMAIL_RECIPIENT, 0));
    data = EmailFichierAttacheContenu(back, 0, &dlen);
    if (!data || dlen != sizeof payload || memcmp(data, payload, dlen) != 0) return fail("attachment content");
    printf("attachment: %s (%s), %zu bytes\n", EmailPropriete(back, WD_EMAIL_ATTACHMENT_NAME, 0),
           EmailPropriete(back, WD_EMAIL_ATTACHMENT_TYPE, 0), dlen);
    EmailLibere(e);
    EmailLibere(back);
    puts("ok");
    return 0;
}
