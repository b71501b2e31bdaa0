/* Hostile local inputs through the C ABI: a freed message handle stays invalid through
 * 40,000 create/free cycles (values used to come back after 33,280) while a live one is
 * untouched; /dev/zero and a FIFO are refused as attachments at once (WD_E_IO); an
 * attachment name received as "../../x" reads back safe, its raw name as sent, and
 * saving into a folder writes inside it. */
#include "common.h"
#include <sys/stat.h>
#include <unistd.h>

#define CYCLES 40000

static const char SOURCE[] =
    "From: a@wd.test\r\nSubject: names\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
    "--b\r\nContent-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename=\"../../x.bin\"\r\n\r\nDATA\r\n"
    "--b--\r\n";

int main(void) {
    char dir[] = "/tmp/wdhostileXXXXXX";
    char path[512];
    WdEmail kept, old, h;
    int i, reused = 0;
    FILE *f;
    char buf[16] = {0};

    CHECK(mkdtemp(dir) != NULL);

    /* Handles. */
    kept = EmailCree();
    CHECK(EmailModifiePropriete(kept, WD_EMAIL_SUBJECT, 0, "kept") == 1);
    old = EmailCree();
    CHECK(EmailLibere(old) == 1);
    for (i = 0; i < CYCLES; i++) {
        h = EmailCree();
        if (h <= 0 || h == old || h == kept) reused++;
        if (EmailLibere(h) != 1) reused++;
    }
    CHECK(reused == 0);
    CHECK(EmailPropriete(old, WD_EMAIL_SUBJECT, 0) == NULL);
    CHECK_ERR(WD_E_INVALID_HANDLE);
    CHECK_STR(EmailPropriete(kept, WD_EMAIL_SUBJECT, 0), "kept");

    /* Devices and FIFOs are not attached. */
    CHECK(EmailAjouteFichierAttache(kept, "/dev/zero") == 0);
    CHECK_ERR(WD_E_IO);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "not a regular file") != NULL);
    snprintf(path, sizeof path, "%s/pipe", dir);
    CHECK(mkfifo(path, 0600) == 0);
    CHECK(EmailAjouteFichierAttache(kept, path) == 0);
    CHECK_ERR(WD_E_IO);
    CHECK(unlink(path) == 0);
    CHECK(EmailNb(kept, WD_EMAIL_ATTACHMENT_NAME) == 0);

    /* A received name made safe; saving into a folder. */
    CHECK(EmailImporteSource(kept, (const uint8_t *)SOURCE, sizeof SOURCE - 1) == 1);
    CHECK_STR(EmailPropriete(kept, WD_EMAIL_ATTACHMENT_NAME, 0), "x.bin");
    CHECK_STR(EmailPropriete(kept, WD_EMAIL_ATTACHMENT_RAW_NAME, 0), "../../x.bin");
    CHECK(EmailSauveFichierAttache(kept, 0, dir) == 1);
    CHECK_OK();
    snprintf(path, sizeof path, "%s/x.bin", dir);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fread(buf, 1, sizeof buf - 1, f) == 4);
        CHECK_STR(buf, "DATA");
        fclose(f);
    }
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);

    CHECK(EmailLibere(kept) == 1);
    return wd_finish("test_hostile");
}
