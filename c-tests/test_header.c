/* The header compiles cleanly, its version macros match the library, and the error
 * query functions answer before any other call. */
#include "common.h"

#if !defined(WD300COM_VERSION_MAJOR) || !defined(WD300COM_VERSION_MINOR) || !defined(WD300COM_VERSION_PATCH)
#error "version macros missing"
#endif

int main(void) {
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", WD300COM_VERSION_MAJOR, WD300COM_VERSION_MINOR,
             WD300COM_VERSION_PATCH);
    CHECK_STR(EmailVersion(), want);
    CHECK_STR(EmailVersion(), WD300COM_VERSION_STRING);
    CHECK(WD300COM_VERSION_NUMBER ==
          WD300COM_VERSION_MAJOR * 10000 + WD300COM_VERSION_MINOR * 100 + WD300COM_VERSION_PATCH);
    /* Fresh thread: no error, never NULL. */
    CHECK(ErreurDetectee() == 0);
    CHECK(ErrorOccurred() == 0);
    CHECK(ErreurCode() == WD_E_NONE);
    CHECK_STR(ErreurInfo(WD_ERR_MESSAGE), "");
    CHECK_STR(ErreurInfo(WD_ERR_CODE), "0");
    CHECK_STR(ErreurInfo(12345), "");
    CHECK_STR(ErreurCodeTexte(WD_E_TIMEOUT), "timeout");
    CHECK_STR(ErrorCodeText(-77), "unknown error code");
    /* Stable numbers. */
    CHECK(WD_E_NONE == 0 && WD_E_INVALID_ARGUMENT == 101 && WD_E_INTERNAL == 901);
    CHECK(EmailLitTimeOut() == 600);
    CHECK(EmailChangeTimeOut(30) == 1);
    CHECK(EmailGetTimeOut() == 30);
    CHECK(EmailSetTimeOut(0) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    CHECK(EmailGetTimeOut() == 30);
    CHECK(EmailParametre(WD_PARAM_MODE, 1) == 1);
    CHECK_OK();
    CHECK(EmailConfigure(424242, 1) == 0);
    CHECK_ERR(WD_E_INVALID_ARGUMENT);
    return wd_finish("test_header");
}
