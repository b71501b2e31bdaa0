/* OAuth2 parameters and token handles: set/get, configuration errors of AuthIdentifie
 * (every grant), the prompt callback, token handles in sessions (WD_PROP_OAUTH_TOKEN),
 * misuse (NULL, invalid UTF-8, stale, double-freed and wrong-kind handles). Network-free:
 * the only sockets are a loopback listener that times out waiting for a redirect and
 * connections refused by a closed loopback port. */
#include "common.h"
#include <stdint.h>

static const char BAD_UTF8[] = { 'a', (char)0xC3, (char)0x28, 0 };
/* A value carrying the token kind tag (kind 4) that never was issued. */
#define NEVER_ISSUED_TOKEN ((WdAuthToken)((4 << 27) | (300 << 18) | 200000))

#define EXPECT_FAIL(call, sentinel, code)                                        \
    do {                                                                         \
        CHECK((call) == (sentinel));                                             \
        CHECK_ERR(code);                                                         \
    } while (0)

static void set(WdOAuth2Params p, int32_t prop, const char *v) {
    CHECK(OAuth2ParametresModifie(p, prop, v) == 1);
    CHECK_OK();
}

/* A complete, valid configuration (nothing listens on the URLs). */
static WdOAuth2Params valid_params(void) {
    WdOAuth2Params p = OAuth2ParametersCreate();
    CHECK(p > 0);
    set(p, WD_OAUTH_CLIENT_ID, "client-1");
    set(p, WD_OAUTH_CLIENT_SECRET, "top secret");
    set(p, WD_OAUTH_AUTH_URL, "https://auth.invalid/authorize");
    set(p, WD_OAUTH_TOKEN_URL, "https://auth.invalid/token");
    set(p, WD_OAUTH_SCOPE, "mail offline_access");
    set(p, WD_OAUTH_REDIRECT_URL, "http://127.0.0.1:0/callback");
    set(p, WD_OAUTH_RESPONSE_TYPE, "code");
    return p;
}

static void expect_identify_error(WdOAuth2Params p, int code, const char *needle) {
    CHECK(AuthIdentifie(p) == 0);
    CHECK_ERR(code);
    if (needle != NULL && strstr(ErreurInfo(WD_ERR_MESSAGE), needle) == NULL) {
        wd_failed++;
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", ErreurInfo(WD_ERR_MESSAGE), needle);
    }
}

static void params_get_set(void) {
    WdOAuth2Params p = valid_params();
    CHECK_STR(OAuth2ParametresPropriete(p, WD_OAUTH_CLIENT_ID), "client-1");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_AUTH_URL), "https://auth.invalid/authorize");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_TOKEN_URL), "https://auth.invalid/token");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_SCOPE), "mail offline_access");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_REDIRECT_URL), "http://127.0.0.1:0/callback");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_RESPONSE_TYPE), "code");
    /* The secret never reads back. */
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_CLIENT_SECRET), "");
    CHECK_OK();
    /* NULL clears a property. */
    set(p, WD_OAUTH_SCOPE, NULL);
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_SCOPE), "");
    /* UTF-8 round-trips. */
    set(p, WD_OAUTH_SCOPE, "port\xC3\xA9" "e");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_SCOPE), "port\xC3\xA9" "e");
    /* Unknown properties, invalid values. */
    EXPECT_FAIL(OAuth2ParametresModifie(p, 99, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresModifie(p, 0, "x"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresPropriete(p, 99), NULL, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresModifie(p, WD_OAUTH_CLIENT_ID, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(OAuth2ParametresModifie(p, WD_OAUTH_CLIENT_ID, "a\r\nb"), 0, WD_E_INVALID_ARGUMENT);
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_CLIENT_ID), "client-1");
    CHECK(OAuth2Libere(p) == 1);
    CHECK_OK();
}

static void identify_config_errors(void) {
    WdOAuth2Params p = valid_params();
    set(p, WD_OAUTH_CLIENT_ID, NULL);
    expect_identify_error(p, WD_E_INVALID_ARGUMENT, "WD_OAUTH_CLIENT_ID");
    set(p, WD_OAUTH_CLIENT_ID, "client-1");

    set(p, WD_OAUTH_REDIRECT_URL, "http://mail.example.com:9000");
    expect_identify_error(p, WD_E_INVALID_ARGUMENT, "loopback");
    set(p, WD_OAUTH_REDIRECT_URL, "https://localhost:9000");
    expect_identify_error(p, WD_E_INVALID_ARGUMENT, "loopback");
    set(p, WD_OAUTH_REDIRECT_URL, "not a url");
    expect_identify_error(p, WD_E_INVALID_ARGUMENT, "WD_OAUTH_REDIRECT_URL");
    set(p, WD_OAUTH_REDIRECT_URL, NULL);
    expect_identify_error(p, WD_E_INVALID_ARGUMENT, "WD_OAUTH_REDIRECT_URL is not set");
    set(p, WD_OAUTH_REDIRECT_URL, "http://127.0.0.1:0/callback");

    set(p, WD_OAUTH_TOKEN_URL, "http://auth.example.com/token");
    expect_identify_error(p, WD_E_INVALID_ARGUMENT, "https");
    set(p, WD_OAUTH_TOKEN_URL, NULL);
    expect_identify_error(p, WD_E_INVALID_ARGUMENT, "WD_OAUTH_TOKEN_URL");
    set(p, WD_OAUTH_TOKEN_URL, "https://auth.invalid/token");

    set(p, WD_OAUTH_AUTH_URL, "ftp://auth.invalid/");
    expect_identify_error(p, WD_E_INVALID_ARGUMENT, "WD_OAUTH_AUTH_URL");
    set(p, WD_OAUTH_AUTH_URL, "https://auth.invalid/authorize");

    set(p, WD_OAUTH_RESPONSE_TYPE, "token");
    expect_identify_error(p, WD_E_NOT_SUPPORTED, "code");
    set(p, WD_OAUTH_RESPONSE_TYPE, NULL);

    /* Valid configuration, but the "browser" does nothing: the flow times out. */
    setenv("WD300COM_BROWSER", "true", 1);
    CHECK(EmailChangeTimeOut(1) == 1);
    expect_identify_error(p, WD_E_TIMEOUT, "redirect");
    CHECK(EmailChangeTimeOut(600) == 1);
    unsetenv("WD300COM_BROWSER");
    CHECK(OAuth2Libere(p) == 1);
}

static void handle_misuse(void) {
    WdOAuth2Params p = OAuth2ParametresCree(), stale;
    WdEmail e = EmailCree();
    CHECK(p > 0 && e > 0);
    CHECK(p != e);

    /* Handle 0. */
    EXPECT_FAIL(OAuth2ParametresModifie(0, WD_OAUTH_CLIENT_ID, "x"), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2ParametresPropriete(0, WD_OAUTH_CLIENT_ID), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthIdentifie(0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthTokenPropriete(0, WD_TOKEN_VALUE), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRafraichitToken(0, p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(-1), 0, WD_E_INVALID_HANDLE);

    /* Wrong kinds: a message where OAuth2 objects are expected and the reverse. */
    EXPECT_FAIL(OAuth2ParametresModifie(e, WD_OAUTH_CLIENT_ID, "x"), 0, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "message") != NULL);
    EXPECT_FAIL(AuthIdentifie(e), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthTokenGet(p, WD_TOKEN_VALUE), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRefreshToken(p, p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Free(e), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailLibere(p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(EmailPropriete(p, WD_EMAIL_SUBJECT, 0), NULL, WD_E_INVALID_HANDLE);

    /* A token handle that never was issued. */
    EXPECT_FAIL(AuthTokenPropriete(NEVER_ISSUED_TOKEN, WD_TOKEN_VALUE), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRafraichitToken(NEVER_ISSUED_TOKEN, p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2Libere(NEVER_ISSUED_TOKEN), 0, WD_E_INVALID_HANDLE);

    /* NULL value is fine (clears), NULL return on errors only. */
    CHECK(OAuth2ParametresModifie(p, WD_OAUTH_CLIENT_ID, NULL) == 1);
    CHECK_OK();

    /* Stale and double-freed handles. */
    stale = p;
    CHECK(OAuth2Free(p) == 1);
    CHECK_OK();
    EXPECT_FAIL(OAuth2Free(stale), 0, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "stale") != NULL);
    EXPECT_FAIL(OAuth2ParametresModifie(stale, WD_OAUTH_CLIENT_ID, "x"), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(OAuth2ParametersGet(stale, WD_OAUTH_CLIENT_ID), NULL, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthIdentify(stale), 0, WD_E_INVALID_HANDLE);

    /* The English names run the same code. */
    p = OAuth2ParametersCreate();
    CHECK(OAuth2ParametersSet(p, WD_OAUTH_CLIENT_ID, "en") == 1);
    CHECK_STR(OAuth2ParametresPropriete(p, WD_OAUTH_CLIENT_ID), "en");
    CHECK(OAuth2Libere(p) == 1);
    CHECK(EmailLibere(e) == 1);
}

static int prompts;

static void count_prompt(const char *uri, const char *user_code, void *user_data) {
    (void)uri;
    (void)user_code;
    (void)user_data;
    prompts++;
}

/* One step of a configuration: a property set to a value, then the error AuthIdentifie
 * must give (code 0: none checked). */
struct step {
    int32_t prop;
    const char *value;
    int code;
    const char *needle;
};

static const struct step GRANT_STEPS[] = {
    /* A grant type the library does not have. */
    {WD_OAUTH_GRANT_TYPE, "password", WD_E_NOT_SUPPORTED, "WD_OAUTH_GRANT_TYPE"},
    {WD_OAUTH_GRANT_TYPE, "device_code", WD_E_NOT_SUPPORTED,
     "urn:ietf:params:oauth:grant-type:device_code"},
    /* Client credentials need the secret; additional parameters may not replace the
     * library's own. */
    {WD_OAUTH_GRANT_TYPE, "client_credentials", 0, NULL},
    {WD_OAUTH_CLIENT_SECRET, NULL, WD_E_INVALID_ARGUMENT, "WD_OAUTH_CLIENT_SECRET"},
    {WD_OAUTH_CLIENT_SECRET, "top secret", 0, NULL},
    {WD_OAUTH_ADDITIONAL_PARAMETERS, "client_id=other", WD_E_INVALID_ARGUMENT, "client_id"},
    {WD_OAUTH_ADDITIONAL_PARAMETERS, "=nameless", WD_E_INVALID_ARGUMENT, "without a name"},
    {WD_OAUTH_ADDITIONAL_PARAMETERS, NULL, 0, NULL},
    /* The device flow posts to WD_OAUTH_AUTH_URL: https, or http on loopback only. */
    {WD_OAUTH_GRANT_TYPE, "urn:ietf:params:oauth:grant-type:device_code", 0, NULL},
    {WD_OAUTH_AUTH_URL, "http://auth.example.com/device", WD_E_INVALID_ARGUMENT,
     "WD_OAUTH_AUTH_URL"},
};

/* The grants' configuration errors (nothing is sent), the prompt callback. */
static void grants(void) {
    WdOAuth2Params p = valid_params();
    set(p, WD_OAUTH_GRANT_TYPE, "client_credentials");
    set(p, WD_OAUTH_ADDITIONAL_PARAMETERS, "audience=mail&tenant=wd");
    set(p, WD_OAUTH_CA_FILE, "/etc/ssl/certs/ca-certificates.crt");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_GRANT_TYPE), "client_credentials");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_ADDITIONAL_PARAMETERS), "audience=mail&tenant=wd");
    CHECK_STR(OAuth2ParametersGet(p, WD_OAUTH_CA_FILE), "/etc/ssl/certs/ca-certificates.crt");

    /* Each step sets a property, then, when it names an error, AuthIdentifie must fail
     * with it (nothing is sent: the configuration is refused first). */
    for (size_t i = 0; i < sizeof GRANT_STEPS / sizeof GRANT_STEPS[0]; i++) {
        const struct step *st = &GRANT_STEPS[i];
        set(p, st->prop, st->value);
        if (st->code != 0) {
            expect_identify_error(p, st->code, st->needle);
        }
    }

    /* NULL callbacks: accepted (the codes would go to stderr), and a callback is never
     * called when the device endpoint cannot be reached. */
    CHECK(AuthInviteFonction(NULL, NULL) == 1);
    CHECK_OK();
    CHECK(AuthPromptCallback(count_prompt, NULL) == 1);
    CHECK_OK();
    set(p, WD_OAUTH_AUTH_URL, "http://127.0.0.1:1/device");
    set(p, WD_OAUTH_TOKEN_URL, "http://127.0.0.1:1/token");
    expect_identify_error(p, WD_E_CONNECT, NULL);
    CHECK(prompts == 0);
    CHECK(AuthPromptCallback(NULL, &prompts) == 1);
    CHECK_OK();
    CHECK(OAuth2Libere(p) == 1);
}

/* Token handles where a token is expected: AuthVerifieAuthentification and a session's
 * WD_PROP_OAUTH_TOKEN. */
static void token_handles_in_sessions(void) {
    const char *name = "c-oauth-token-link";
    char text[32];
    WdOAuth2Params p = OAuth2ParametresCree();
    WdEmail e = EmailCree();
    CHECK(p > 0 && e > 0);

    EXPECT_FAIL(AuthVerifieAuthentification(0, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthVerifyAuthentication(NEVER_ISSUED_TOKEN, p), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthVerifieAuthentification(p, 0), 0, WD_E_INVALID_HANDLE);
    EXPECT_FAIL(AuthRafraichitToken(NEVER_ISSUED_TOKEN, 0), 0, WD_E_INVALID_HANDLE);

    CHECK(EmailSessionCree(name, WD_SESSION_IMAP) == 1);
    CHECK_STR(EmailSessionPropriete(name, WD_PROP_OAUTH_TOKEN), "");
    /* A token handle that is stale (never issued in this generation). */
    snprintf(text, sizeof text, "%d", (int)NEVER_ISSUED_TOKEN);
    EXPECT_FAIL(EmailSessionModifie(name, WD_PROP_OAUTH_TOKEN, text), 0, WD_E_INVALID_HANDLE);
    /* Handles of other kinds. */
    snprintf(text, sizeof text, "%d", (int)p);
    EXPECT_FAIL(EmailSessionModifie(name, WD_PROP_OAUTH_TOKEN, text), 0, WD_E_INVALID_HANDLE);
    CHECK(strstr(ErreurInfo(WD_ERR_MESSAGE), "OAuth2 parameters") != NULL);
    snprintf(text, sizeof text, "%d", (int)e);
    EXPECT_FAIL(EmailSessionSet(name, WD_PROP_OAUTH_TOKEN, text), 0, WD_E_INVALID_HANDLE);
    /* Not a handle at all. */
    EXPECT_FAIL(EmailSessionModifie(name, WD_PROP_OAUTH_TOKEN, "abc"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(name, WD_PROP_OAUTH_TOKEN, "-5"), 0, WD_E_INVALID_ARGUMENT);
    EXPECT_FAIL(EmailSessionModifie(name, WD_PROP_OAUTH_TOKEN, BAD_UTF8), 0, WD_E_INVALID_ARGUMENT);
    CHECK_STR(EmailSessionPropriete(name, WD_PROP_OAUTH_TOKEN), "");
    /* "", NULL and "0" unlink. */
    CHECK(EmailSessionModifie(name, WD_PROP_OAUTH_TOKEN, "") == 1);
    CHECK(EmailSessionModifie(name, WD_PROP_OAUTH_TOKEN, NULL) == 1);
    CHECK(EmailSessionModifie(name, WD_PROP_OAUTH_TOKEN, "0") == 1);
    CHECK_OK();
    CHECK_STR(EmailSessionPropriete(name, WD_PROP_OAUTH_TOKEN), "");
    CHECK(OAuth2Libere(p) == 1);
    CHECK(EmailLibere(e) == 1);
}

int main(void) {
    params_get_set();
    identify_config_errors();
    handle_misuse();
    grants();
    token_handles_in_sessions();
    return wd_finish("test_oauth");
}
