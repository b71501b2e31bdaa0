/**
 * @file wd300com.h
 * @brief wd300com: email client library (SMTP, POP3, IMAP, MIME) with the WLangage Email API.
 *
 * Conventions (docs/API.md is the full contract):
 *  - Strings are NUL-terminated UTF-8. Booleans are int32_t: 1 = true, 0 = false.
 *  - Every function except ErreurDetectee, ErreurInfo, ErreurCode, ErreurCodeTexte and
 *    EmailVersion clears the calling thread's error state on entry and records an error on
 *    failure. The error must be read on the thread that made the failing call.
 *  - Returned pointers are owned by the library; never free them.
 *  - Every function may be called from any thread (docs/THREADS.md).
 */

#ifndef WD300COM_H
#define WD300COM_H

/* Generated from the Rust sources by build.rs (cbindgen). Do not edit by hand. */

#include <stdint.h>
#include <stddef.h>

/** Major version of the header (the soname is libwd300com.so.MAJOR). */
#define WD300COM_VERSION_MAJOR 0
/** Minor version of the header. */
#define WD300COM_VERSION_MINOR 1
/** Patch version of the header. */
#define WD300COM_VERSION_PATCH 0
/** Packed version: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define WD300COM_VERSION_NUMBER (0 * 10000 + 1 * 100 + 0)
/** Version as a string, the value EmailVersion() returns for a matching library. */
#define WD300COM_VERSION_STRING "0.1.0"

/** Marks a deprecated function; the compiler warns with `note` where it is used. */
#if defined(__GNUC__) || defined(__clang__)
#define DEPRECATED_FUNC(note) __attribute__((deprecated(note)))
#elif defined(_MSC_VER)
#define DEPRECATED_FUNC(note) __declspec(deprecated(note))
#else
#define DEPRECATED_FUNC(note)
#endif


/**
 * `ErreurInfo` selector: the one-line message.
 */
#define WD_ERR_MESSAGE 1

/**
 * `ErreurInfo` selector: the numeric `WD_E_*` code as decimal text.
 */
#define WD_ERR_CODE 2

/**
 * `ErreurInfo` selector: the server's last reply or the OS error text.
 */
#define WD_ERR_SYSTEM_MESSAGE 3

/**
 * `ErreurInfo` selector: all of the above on several lines.
 */
#define WD_ERR_FULL_DETAILS 4

/**
 * `ErreurInfo` selector 0, WLangage's `ErreurInfo()` without argument: the full details.
 */
#define WD_ERR_DEFAULT 0

/**
 * OAuth2 parameter: client identifier given by the authorization server.
 */
#define WD_OAUTH_CLIENT_ID 1

/**
 * OAuth2 parameter: client secret (empty for a public client; reads back as "").
 */
#define WD_OAUTH_CLIENT_SECRET 2

/**
 * OAuth2 parameter: authorization endpoint URL (opened in the browser).
 */
#define WD_OAUTH_AUTH_URL 3

/**
 * OAuth2 parameter: token endpoint URL (https; plain http only on loopback hosts).
 */
#define WD_OAUTH_TOKEN_URL 4

/**
 * OAuth2 parameter: requested scopes, separated by spaces.
 */
#define WD_OAUTH_SCOPE 5

/**
 * OAuth2 parameter: loopback redirect URL, e.g. `http://localhost:9000` (port 0: any
 * free port, the redirect URI then names the port actually used).
 */
#define WD_OAUTH_REDIRECT_URL 6

/**
 * OAuth2 parameter: response type; only `code` (the default) is supported.
 */
#define WD_OAUTH_RESPONSE_TYPE 7

/**
 * OAuth2 parameter: the grant `AuthIdentifie` uses: `authorization_code` (the default),
 * `client_credentials`, or `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628; then
 * `WD_OAUTH_AUTH_URL` is the device authorization endpoint).
 */
#define WD_OAUTH_GRANT_TYPE 8

/**
 * OAuth2 parameter: `k=v&k2=v2` added to the authorization request (the browser's URL,
 * the device authorization request; the token request of `client_credentials`).
 */
#define WD_OAUTH_ADDITIONAL_PARAMETERS 9

/**
 * OAuth2 parameter: path of an extra trusted CA certificate (PEM) for the token and
 * device authorization endpoints.
 */
#define WD_OAUTH_CA_FILE 10

/**
 * Token property: the access token (for `WD_PROP_AUTH_TOKEN`).
 */
#define WD_TOKEN_VALUE 1

/**
 * Token property: the refresh token ("" when none was granted).
 */
#define WD_TOKEN_REFRESH 2

/**
 * Token property: expiry time, RFC 3339 UTC ("" when the server gave no lifetime).
 */
#define WD_TOKEN_EXPIRATION 3

/**
 * Token property: "1" while the token has not expired, "0" after.
 */
#define WD_TOKEN_VALID 4

/**
 * Reading option: every message, whole (the default; 0 has the same meaning for the
 * `EmailLit…` functions). For `EmailRecupereTout` it asks for whole messages at once
 * instead of headers completed on first access.
 */
#define WD_READ_ALL 8

/**
 * Reading option: unseen messages only (IMAP only; POP3 fails with WD_E_NOT_SUPPORTED).
 */
#define WD_READ_UNREAD 1

/**
 * Reading option: headers only (bodies are fetched on first access of a body field).
 */
#define WD_READ_HEADER 2

/**
 * Reading option: do not set the \Seen flag (IMAP).
 */
#define WD_READ_KEEP_UNSEEN 4

/**
 * `EmailRecupereTout` option (`ertAsynchronous`): returns the list at once and fills it
 * in the background (`EmailListeNb` grows; `EmailListeEtat` tells when it is complete).
 */
#define WD_READ_ASYNC 16

/**
 * Session type for `EmailSessionCree`: POP3.
 */
#define WD_SESSION_POP3 1

/**
 * Session type for `EmailSessionCree`: SMTP.
 */
#define WD_SESSION_SMTP 2

/**
 * Session type for `EmailSessionCree`: IMAP.
 */
#define WD_SESSION_IMAP 3

/**
 * `WD_PROP_OPTION` value: plain TCP.
 */
#define WD_OPTION_NONE 0

/**
 * `WD_PROP_OPTION` value: implicit TLS (SSL) from the first byte.
 */
#define WD_OPTION_SSL 1

/**
 * `WD_PROP_OPTION` value: STARTTLS required (an error if the server does not offer it).
 */
#define WD_OPTION_SECURED_TLS 2

/**
 * Session property: server host name or address.
 */
#define WD_PROP_SERVER_ADDRESS 1

/**
 * Session property: port (0 = the default of the protocol and security option).
 */
#define WD_PROP_PORT 2

/**
 * Session property: login.
 */
#define WD_PROP_USER 3

/**
 * Session property: password (reads back as "").
 */
#define WD_PROP_PASSWORD 4

/**
 * Session property: `WD_OPTION_*`.
 */
#define WD_PROP_OPTION 5

/**
 * Session property: OAuth2 access token for XOAUTH2/OAUTHBEARER (reads back as "").
 */
#define WD_PROP_AUTH_TOKEN 6

/**
 * Session property: `WD_AUTH_*`.
 */
#define WD_PROP_AUTH_METHOD 7

/**
 * Session property: 1 = accept invalid/expired/self-signed certificates and name mismatch.
 */
#define WD_PROP_IGNORE_ERROR 8

/**
 * Session property: path of an extra trusted CA certificate (PEM).
 */
#define WD_PROP_CA_FILE 9

/**
 * Session property: timeout in seconds (0 = the global timeout).
 */
#define WD_PROP_TIMEOUT 10

/**
 * Session property: 1 = asynchronous sending (SMTP).
 */
#define WD_PROP_ASYNCHRONOUS 11

/**
 * Session property: name sent in EHLO (default "localhost").
 */
#define WD_PROP_CLIENT_NAME 12

/**
 * Session property: IMAP folder selected at open (default "INBOX").
 */
#define WD_PROP_FOLDER 13

/**
 * Session property: directory of the on-disk asynchronous queue (SMTP), created for its
 * owner only (0700 on unix, files 0600); only regular files the queue wrote are sent.
 */
#define WD_PROP_SPOOL_DIR 14

/**
 * Session property: connections an asynchronous SMTP session sends on, 1 (default) to
 * 16; with more than one, messages may leave in another order than queued.
 */
#define WD_PROP_CONNECTIONS 15

/**
 * Session property: largest message read or sent, in bytes (default 268435456 = 256 MiB,
 * at most 536870912; "" or 0 = the default). A larger message is refused with
 * `WD_E_MESSAGE`, never buffered; each reply's memory budget derives from it (over it:
 * `WD_E_PROTOCOL`, and the connection is closed).
 */
#define WD_PROP_MAX_MESSAGE_SIZE 16

/**
 * Session property: a token handle (`AuthIdentifie`), as decimal text, to sign in with
 * XOAUTH2/OAUTHBEARER: its current access token is used, and when the server refuses
 * it, the token is refreshed in place and the sign-in tried once more. "" or "0" unlinks.
 */
#define WD_PROP_OAUTH_TOKEN 17

/**
 * Session property: the proxy of the session's connections: `socks5://[user:password@]host:port`
 * (SOCKS5; the client resolves the server's name), `socks5h://…` (the proxy resolves it),
 * `http://[user:password@]host:port` (HTTP CONNECT, Basic sign-in); port 1080 when
 * omitted; `%XX` escapes in the user name and password. "" (default) = the environment's
 * `all_proxy` / `ALL_PROXY`, as curl; "direct" = no proxy whatever the environment says.
 * `no_proxy` / `NO_PROXY` applies to both. Reads back with the password as `****`. A
 * refusal by the proxy is `WD_E_CONNECT`, its reply in `WD_ERR_SYSTEM_MESSAGE`.
 */
#define WD_PROP_PROXY 18

/**
 * Session property: seconds of idleness after which a NOOP keeps an IMAP, POP3 or
 * synchronous SMTP connection alive, 0 (default, off) to 86400. Sent by a thread of the
 * session that never runs during a call or a wait.
 */
#define WD_PROP_KEEPALIVE 19

/**
 * `WD_PROP_AUTH_METHOD`: every method both sides support, strongest first, the next
 * one after a refusal. With a token the server takes: OAUTHBEARER, XOAUTH2; otherwise
 * with the password: SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, APOP, PLAIN, LOGIN, then
 * POP3 USER/PASS or IMAP LOGIN. The last refusal is reported.
 */
#define WD_AUTH_AUTO 0

/**
 * SASL PLAIN.
 */
#define WD_AUTH_PLAIN 1

/**
 * SASL LOGIN.
 */
#define WD_AUTH_LOGIN 2

/**
 * SASL CRAM-MD5.
 */
#define WD_AUTH_CRAM_MD5 3

/**
 * SASL XOAUTH2 (token in `WD_PROP_AUTH_TOKEN`).
 */
#define WD_AUTH_XOAUTH2 4

/**
 * SASL OAUTHBEARER (token in `WD_PROP_AUTH_TOKEN`).
 */
#define WD_AUTH_OAUTHBEARER 5

/**
 * POP3 APOP.
 */
#define WD_AUTH_APOP 6

/**
 * POP3 USER/PASS, IMAP LOGIN.
 */
#define WD_AUTH_USER_PASS 7

/**
 * SASL SCRAM-SHA-256 (RFC 7677), the server's signature checked.
 */
#define WD_AUTH_SCRAM_SHA_256 8

/**
 * SASL SCRAM-SHA-1 (RFC 5802), the server's signature checked.
 */
#define WD_AUTH_SCRAM_SHA_1 9

/**
 * `EmailEtat`: the message is queued, not sent yet.
 */
#define WD_STATUS_PENDING 1

/**
 * `EmailEtat`: the server accepted the message.
 */
#define WD_STATUS_SENT 2

/**
 * `EmailEtat`: sending failed; `ErreurInfo` tells why.
 */
#define WD_STATUS_ERROR 3

/**
 * `EmailVerifieAdresse`: the syntax is valid (and the server accepted it as recipient
 * when a session was given).
 */
#define WD_ADDRESS_VALID 1

/**
 * `EmailVerifieAdresse`: the address is not syntactically valid.
 */
#define WD_ADDRESS_INCORRECT_SYNTAX 2

/**
 * `EmailVerifieAdresse`: the server refused the address at RCPT TO.
 */
#define WD_ADDRESS_REFUSED 3

/**
 * `EmailVerifieAdresse`: the check could not be made (see `ErreurInfo`).
 */
#define WD_ADDRESS_ERROR 4

/**
 * Sender address (`Email.Expediteur`).
 */
#define WD_EMAIL_SENDER 1

/**
 * Array: To recipients (`Email.Destinataire`).
 */
#define WD_EMAIL_RECIPIENT 2

/**
 * Array: Cc recipients (`Email.Cc`).
 */
#define WD_EMAIL_CC 3

/**
 * Array: Bcc recipients (`Email.Cci`).
 */
#define WD_EMAIL_BCC 4

/**
 * Reply-To address.
 */
#define WD_EMAIL_REPLY_TO 5

/**
 * Subject (`Email.Sujet`).
 */
#define WD_EMAIL_SUBJECT 6

/**
 * Text body (`Email.Message`).
 */
#define WD_EMAIL_MESSAGE 7

/**
 * HTML body (`Email.HTML`).
 */
#define WD_EMAIL_HTML 8

/**
 * Date: RFC 3339 (or a WLangage DateHeure `AAAAMMJJHHMMSS` in local time after `EmailParametre(WD_PARAM_DATE_FORMAT, WD_DATE_WLANGAGE)`); set as RFC 3339, DateHeure (8, 14, 16 or 17 digits, local time) or RFC 5322 (`Email.Date`).
 */
#define WD_EMAIL_DATE 9

/**
 * Message-ID without angle brackets (`Email.MessageID`).
 */
#define WD_EMAIL_MESSAGE_ID 10

/**
 * Priority 1 (high) .. 5 (low), 0 unset; `WD_PRIORITY_HIGH`, `_NORMAL`, `_LOW` (`Email.Priorité`).
 */
#define WD_EMAIL_PRIORITY 11

/**
 * Read receipt asked, "1" or "0" (set: 1/0, or the address to send it to) (`Email.AccuséRéception`).
 */
#define WD_EMAIL_DISPOSITION_NOTIFICATION 12

/**
 * Array: attachment file names (`Email.Attache[i].Nom`).
 */
#define WD_EMAIL_ATTACHMENT_NAME 13

/**
 * Array: attachment MIME types (`Email.Attache[i].Type`).
 */
#define WD_EMAIL_ATTACHMENT_TYPE 14

/**
 * Array: attachment Content-IDs, empty for non-inline parts (`Email.Attache[i].Identifiant`).
 */
#define WD_EMAIL_ATTACHMENT_CONTENT_ID 15

/**
 * POP3 UIDL or IMAP UID (`Email.Identifiant`), read-only.
 */
#define WD_EMAIL_UID 16

/**
 * Message number in the mailbox, 1-based (`Email.Numéro`), read-only.
 */
#define WD_EMAIL_NUMBER 17

/**
 * Size in bytes (`Email.Taille`), read-only.
 */
#define WD_EMAIL_SIZE 18

/**
 * IMAP \Seen flag, "1" or "0" (`Email.Lu`).
 */
#define WD_EMAIL_SEEN 19

/**
 * "1" when a read function found no message (`Email.EnDehors`), read-only.
 */
#define WD_EMAIL_OUT 20

/**
 * Asynchronous send identifier for `EmailEtat` (`Email.IdentifiantMail`), read-only.
 */
#define WD_EMAIL_MAIL_ID 21

/**
 * Array: recipients refused at the last send, `addr: server reply`, read-only.
 */
#define WD_EMAIL_REFUSED 22

/**
 * Array: attachment file names as the message carries them (decoded, before `WD_EMAIL_ATTACHMENT_NAME` made them safe; "" for a part sent without a name), read-only.
 */
#define WD_EMAIL_ATTACHMENT_RAW_NAME 23

/**
 * Address the read receipt goes to ("": the sender's); setting one asks a receipt.
 */
#define WD_EMAIL_DISPOSITION_NOTIFICATION_TO 24

/**
 * Number of To recipients (set: keeps the first N, as WinDev uses only those) (`Email.NbDestinataire`).
 */
#define WD_EMAIL_NB_RECIPIENT 25

/**
 * Number of attachments (set: keeps the first N) (`Email.NbAttache`).
 */
#define WD_EMAIL_NB_ATTACHMENT 26

/**
 * Message of the last read or send of this message that failed, "" after a success (`Email.Erreur`), read-only.
 */
#define WD_EMAIL_ERROR 27

/**
 * Sensitivity: "" (normal), "personal", "private" or "company-confidential" (`WD_CONFIDENTIALITY_*`) (`Email.Confidentialité`).
 */
#define WD_EMAIL_CONFIDENTIALITY 28

/**
 * Address replies go to: Reply-To, else the sender (set: Reply-To) (`Email.AdresseExpéditeur`).
 */
#define WD_EMAIL_SENDER_ADDRESS 29

/**
 * IMAP `\Flagged` flag, "1" or "0" (written by `EmailMiseAJour`).
 */
#define WD_EMAIL_FLAGGED 30

/**
 * IMAP `\Answered` flag, "1" or "0" (written by `EmailMiseAJour`).
 */
#define WD_EMAIL_ANSWERED 31

/**
 * IMAP `\Draft` flag, "1" or "0" (written by `EmailMiseAJour`).
 */
#define WD_EMAIL_DRAFT 32

/**
 * IMAP `\Deleted` flag, "1" or "0"; "1" after `EmailSupprimeMessage`; written by `EmailMiseAJour` as a deletion (carried out at `EmailDetruit`, a folder change or the close; "0" takes it back before).
 */
#define WD_EMAIL_DELETED 33

/**
 * Array: IMAP keywords (flags without a backslash, e.g. `$Forwarded`), written by `EmailMiseAJour`.
 */
#define WD_EMAIL_KEYWORDS 34

/**
 * Encode non-ASCII header values (RFC 2047). Always done; accepted for compatibility.
 */
#define WD_BUILD_ENCODE_HEADER 1

/**
 * Write the Bcc header into the source (it is left out by default).
 */
#define WD_BUILD_HEADER_BCC 2

/**
 * `EmailParametre(WD_PARAM_MODE, v)`: accepted for compatibility, no effect.
 */
#define WD_PARAM_MODE 1

/**
 * `EmailParametre(WD_PARAM_MIN_SPEED, v)`: a reply must move at least `v` bytes per second
 * on average over every window of the timeout's length, or fail with `WD_E_TIMEOUT`
 * (default 1024; 0: only some progress within each timeout). Connections opened
 * afterwards.
 */
#define WD_PARAM_MIN_SPEED 2

/**
 * `EmailParametre(WD_PARAM_DATE_FORMAT, v)`: how `WD_EMAIL_DATE` reads, `WD_DATE_RFC3339`
 * (the default) or `WD_DATE_WLANGAGE`; process-wide.
 */
#define WD_PARAM_DATE_FORMAT 3

/**
 * Dates read as RFC 3339 (`2024-03-01T10:20:30+01:00`), the default.
 */
#define WD_DATE_RFC3339 0

/**
 * Dates read as WLangage DateHeure in local time (`20240301102030`).
 */
#define WD_DATE_WLANGAGE 1

/**
 * Encode every text header (RFC 2047), ASCII ones too, when the source is built for
 * sending (`emailOptionEncodeEntête`); non-ASCII headers are always encoded.
 */
#define WD_SEND_ENCODE_HEADER 1

/**
 * Send the Bcc header (`emailOptionEntêteCci`): every recipient sees the Bcc addresses.
 */
#define WD_SEND_HEADER_BCC 2

/**
 * Ask a delivery status notification on success (RFC 3461 `NOTIFY=SUCCESS`; used when
 * the server offers DSN).
 */
#define WD_SEND_DSN_SUCCESS 4

/**
 * Ask a delivery status notification on failure (`NOTIFY=FAILURE`).
 */
#define WD_SEND_DSN_FAILURE 8

/**
 * Ask a delivery status notification when delivery is delayed (`NOTIFY=DELAY`).
 */
#define WD_SEND_DSN_DELAY 16

/**
 * Delivery status notifications carry the headers only (`RET=HDRS`), not the message.
 */
#define WD_SEND_DSN_HEADERS 32

/**
 * `WD_EMAIL_PRIORITY` value: high (`emailHighPriority`).
 */
#define WD_PRIORITY_HIGH "1"

/**
 * `WD_EMAIL_PRIORITY` value: normal.
 */
#define WD_PRIORITY_NORMAL "3"

/**
 * `WD_EMAIL_PRIORITY` value: low (`emailLowPriority`).
 */
#define WD_PRIORITY_LOW "5"

/**
 * `WD_EMAIL_CONFIDENTIALITY` value: normal (no Sensitivity header).
 */
#define WD_CONFIDENTIALITY_NORMAL ""

/**
 * `WD_EMAIL_CONFIDENTIALITY` value: personal (`Sensitivity: Personal`).
 */
#define WD_CONFIDENTIALITY_PERSONAL "personal"

/**
 * `WD_EMAIL_CONFIDENTIALITY` value: private (`Sensitivity: Private`).
 */
#define WD_CONFIDENTIALITY_PRIVATE "private"

/**
 * `WD_EMAIL_CONFIDENTIALITY` value: company confidential (`emailCompanyConfidential`,
 * `Sensitivity: Company-Confidential`).
 */
#define WD_CONFIDENTIALITY_COMPANY "company-confidential"

/**
 * Synchronous sending (`emailSynchrone`), the default.
 */
#define WD_SENDING_SYNCHRONOUS 0

/**
 * Asynchronous sending (`emailAsynchrone`): `EmailEnvoieMessage` queues and returns.
 */
#define WD_SENDING_ASYNCHRONOUS 1

/**
 * `WD_OAUTH_RESPONSE_TYPE` value: the authorization code (`oauth2ResponseTypeCode`).
 */
#define WD_OAUTH_RESPONSE_TYPE_CODE "code"

/**
 * `EmailCherchePremier`: the text or HTML body holds the value.
 */
#define WD_SEEK_BODY 1

/**
 * `EmailCherchePremier`: the Message-ID is the value (with or without angle brackets).
 */
#define WD_SEEK_MESSAGE_ID 2

/**
 * `EmailCherchePremier`: the subject holds the value.
 */
#define WD_SEEK_SUBJECT 3

/**
 * `EmailCherchePremier`: the sender (From, name or address) holds the value.
 */
#define WD_SEEK_SENDER 4

/**
 * Folder role: sent messages (`\Sent`).
 */
#define WD_FOLDER_SENT 1

/**
 * Folder role: drafts (`\Drafts`).
 */
#define WD_FOLDER_DRAFTS 2

/**
 * Folder role: deleted messages (`\Trash`).
 */
#define WD_FOLDER_TRASH 3

/**
 * Folder role: junk mail (`\Junk`).
 */
#define WD_FOLDER_JUNK 4

/**
 * Folder role: archived messages (`\Archive`).
 */
#define WD_FOLDER_ARCHIVE 5

/**
 * Folder role: every message (`\All`).
 */
#define WD_FOLDER_ALL 6

/**
 * Transcript line: a note of the library (connection, TLS, data summary), marked `*`.
 */
#define WD_TRACE_INFO 0

/**
 * Transcript line: sent by the client, marked `C:`.
 */
#define WD_TRACE_CLIENT 1

/**
 * Transcript line: received from the server, marked `S:`.
 */
#define WD_TRACE_SERVER 2

/**
 * `EmailListeEtat`: the list is being filled in the background (`WD_READ_ASYNC`).
 */
#define WD_LIST_FILLING 1

/**
 * `EmailListeEtat`: the list holds every message.
 */
#define WD_LIST_COMPLETE 2

/**
 * `EmailListeEtat`: filling stopped on an error (the messages before it stay); the
 * call sets that error (`ErreurInfo` tells why).
 */
#define WD_LIST_ERROR 3

/**
 * Stable numeric error codes (`WD_E_*` in C). Numbers never change and are never reused.
 *
 * Ranges: 0 ok; 1xx the caller's side (argument/handle misuse, callbacks); 2xx network,
 * DNS, timeout; 3xx TLS; 4xx authentication; 5xx protocol (the server said no); 6xx
 * MIME; 7xx local I/O; 9xx internal.
 */
enum WD_E
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  /**
   * No error.
   */
  WD_E_NONE = 0,
  /**
   * An argument is NULL, not UTF-8, out of range or holds a forbidden character.
   */
  WD_E_INVALID_ARGUMENT = 101,
  /**
   * A handle is 0 where not allowed, stale, already freed, or of the wrong kind.
   */
  WD_E_INVALID_HANDLE = 102,
  /**
   * No session of that name is open or declared.
   */
  WD_E_UNKNOWN_SESSION = 103,
  /**
   * A session of that name already holds a connection of that direction.
   */
  WD_E_SESSION_EXISTS = 104,
  /**
   * The feature or option is not supported (see the README).
   */
  WD_E_NOT_SUPPORTED = 105,
  /**
   * A call from inside a library callback into the same object.
   */
  WD_E_RECURSIVE_CALL = 106,
  /**
   * A progress callback returned 0: the transfer was stopped (nothing partial kept).
   */
  WD_E_CANCELLED = 107,
  /**
   * Cannot connect (DNS failure, refused, unreachable).
   */
  WD_E_CONNECT = 201,
  /**
   * The server did not answer within the timeout.
   */
  WD_E_TIMEOUT = 202,
  /**
   * The server closed the connection or said BYE.
   */
  WD_E_CONNECTION_LOST = 203,
  /**
   * TLS handshake, certificate or STARTTLS failure.
   */
  WD_E_TLS = 301,
  /**
   * Authentication refused or no usable mechanism.
   */
  WD_E_AUTH = 401,
  /**
   * The server refused a command (its reply is in the system message).
   */
  WD_E_PROTOCOL = 501,
  /**
   * Every recipient was refused by the server.
   */
  WD_E_RECIPIENT_REFUSED = 502,
  /**
   * A message cannot be built or parsed.
   */
  WD_E_MESSAGE = 601,
  /**
   * Local file error (attachments, spool, trace).
   */
  WD_E_IO = 701,
  /**
   * Internal error: a caught panic or a broken invariant.
   */
  WD_E_INTERNAL = 901,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum WD_E WD_E;
#else
typedef int32_t WD_E;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

/**
 * A message handle (`Email` variable). 0 is the calling thread's legacy `Email` structure.
 */
typedef int32_t WdEmail;

/**
 * An OAuth2 parameters handle (`OAuth2Paramètres` variable).
 */
typedef int32_t WdOAuth2Params;

/**
 * An OAuth2 token handle (`AuthToken` variable).
 */
typedef int32_t WdAuthToken;

/**
 * The device-code prompt set with `AuthInviteFonction`: called with the verification
 * address the user must open, the code to enter there and the `user_data` given with
 * it. Both strings are valid only during the call.
 */
typedef void (*WdPromptCallback)(const char *uri, const char *user_code, void *user_data);

/**
 * A message list handle returned by `EmailRecupereTout`.
 */
typedef int32_t WdEmailList;

/**
 * The progress callback set with `EmailJauge`: called during a transfer with the bytes
 * moved so far (`done`), the size announced (`total`, -1 when unknown) and the
 * `user_data` given with it. Returns 0 to cancel the transfer (`WD_E_CANCELLED`), any
 * other value to go on.
 */
typedef int32_t (*WdProgressCallback)(int64_t done, int64_t total, void *user_data);

/**
 * The transcript callback set with `EmailTraceFonction`: called with the name of the
 * session the line belongs to ("" for none), its direction (`WD_TRACE_*`), the line as
 * written to the transcript file and the `user_data` given with it. The strings are
 * valid only during the call.
 */
typedef void (*WdTraceCallback)(const char *session,
                                int32_t direction,
                                const char *line,
                                void *user_data);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Tells whether the last call made on this thread failed.
 *
 * Returns 1 when the previous library call on the calling thread failed, else 0.
 * Does not change the error state. Thread-safe; the state is per thread.
 */
int32_t ErreurDetectee(void);

/**
 * English name of `ErreurDetectee`.
 */
int32_t ErrorOccurred(void);

/**
 * Describes the last error of the calling thread.
 *
 * `info`: `WD_ERR_MESSAGE` (one line, never a password), `WD_ERR_CODE` (the `WD_E_*`
 * code as decimal text), `WD_ERR_SYSTEM_MESSAGE` (the server's reply or the OS error),
 * `WD_ERR_FULL_DETAILS` (all of it, several lines); `WD_ERR_DEFAULT` (0) is the full
 * details, as WLangage's `ErreurInfo()` without argument. Unknown selectors give "".
 * Never returns NULL; "" (or "0" for the code) when there is no error.
 * Ownership: the string belongs to the library and stays valid until the calling
 * thread's error state changes (the next call other than an error query that clears
 * or records an error): two queries in one `printf` are safe. Does not change the
 * error state.
 */
const char *ErreurInfo(int32_t info);

/**
 * English name of `ErreurInfo`.
 */
const char *ErrorInfo(int32_t info);

/**
 * Returns the `WD_E_*` code of the last error of the calling thread (`WD_E_NONE` = 0 when
 * the last call succeeded). Does not change the error state.
 */
WD_E ErreurCode(void);

/**
 * English name of `ErreurCode`.
 */
WD_E ErrorCode(void);

/**
 * Static description of an error code, e.g. "timeout" for `WD_E_TIMEOUT`
 * (`curl_easy_strerror`). Unknown codes give "unknown error code". Never NULL; the
 * string is static. Does not change the error state.
 */
const char *ErreurCodeTexte(int32_t code);

/**
 * English name of `ErreurCodeTexte`.
 */
const char *ErrorCodeText(int32_t code);

/**
 * Opens an IMAP session named after `user` (`EmailOuvreSessionIMAP`): connects to
 * `server:port` (port 0: 143, or 993 with `WD_OPTION_SSL`), secures the connection as
 * `option` says (`WD_OPTION_NONE`, `WD_OPTION_SSL` implicit TLS, `WD_OPTION_SECURED_TLS`
 * STARTTLS required), logs in with `user` / `password` and selects INBOX.
 *
 * `user`, `password` and `server` must not be NULL. Returns 1, or 0 with
 * `WD_E_INVALID_ARGUMENT`, `WD_E_SESSION_EXISTS`, `WD_E_CONNECT`, `WD_E_TIMEOUT`,
 * `WD_E_TLS`, `WD_E_AUTH` or `WD_E_PROTOCOL` (the server's reply in
 * `WD_ERR_SYSTEM_MESSAGE`). Close it with `EmailFermeSession(user)`. Thread-safe.
 *
 * # Safety
 * Each pointer is NULL or a NUL-terminated string.
 */
int32_t EmailOuvreSessionIMAP(const char *user,
                              const char *password,
                              const char *server,
                              int32_t port,
                              int32_t option);

/**
 * English name of `EmailOuvreSessionIMAP`.
 * # Safety
 * As `EmailOuvreSessionIMAP`.
 */
int32_t EmailStartIMAPSession(const char *user,
                              const char *password,
                              const char *server,
                              int32_t port,
                              int32_t option);

/**
 * Creates an empty message (`EmailCree`).
 *
 * Returns a new message handle (> 0), or 0 on failure (too many live messages). Free it
 * with `EmailLibere`. Thread-safe.
 */
WdEmail EmailCree(void);

/**
 * English name of `EmailCree`.
 */
WdEmail EmailCreate(void);

/**
 * Frees a message or a message list (`EmailLibere`); freeing a list frees its messages.
 *
 * Returns 1, or 0 with `WD_E_INVALID_HANDLE` for 0, a stale, already freed or unknown
 * handle. Pointers obtained from the object become invalid. Thread-safe.
 */
int32_t EmailLibere(WdEmail email);

/**
 * English name of `EmailLibere`.
 */
int32_t EmailFree(WdEmail email);

/**
 * Clears every field of a message (`EmailRAZ`); 0 clears the legacy structure.
 *
 * Returns 1, or 0 with `WD_E_INVALID_HANDLE`. Thread-safe.
 */
int32_t EmailRAZ(WdEmail email);

/**
 * English name of `EmailRAZ`.
 */
int32_t EmailReset(WdEmail email);

/**
 * Reads a property of a message (`EmailPropriete`), e.g. `WD_EMAIL_SUBJECT`.
 *
 * `email`: a message handle, 0 = the legacy structure. `index`: element of an array
 * property (0-based), else 0. Numbers and flags come back as decimal text.
 * Returns a UTF-8 string owned by the message, valid until the message is changed or
 * freed; NULL on error (`WD_E_INVALID_HANDLE`, `WD_E_INVALID_ARGUMENT` for an unknown
 * property or an index out of range). Thread-safe.
 */
const char *EmailPropriete(WdEmail email, int32_t property, int32_t index);

/**
 * English name of `EmailPropriete`.
 */
const char *EmailGetProperty(WdEmail email, int32_t property, int32_t index);

/**
 * Changes a property of a message (`EmailModifiePropriete`).
 *
 * `value`: UTF-8 text (numbers as decimal text); NULL clears a field, or removes the
 * element `index` of an array. For arrays, `index` equal to the count appends.
 * Addresses and header fields holding CR or LF are refused (`WD_E_INVALID_ARGUMENT`);
 * read-only properties (UID, NUMBER, SIZE, OUT, MAIL_ID, REFUSED) too.
 * Returns 1 or 0. Invalidates strings obtained from this message. Thread-safe.
 *
 * # Safety
 * `value` is NULL or a NUL-terminated string.
 */
int32_t EmailModifiePropriete(WdEmail email, int32_t property, int32_t index, const char *value);

/**
 * English name of `EmailModifiePropriete`.
 * # Safety
 * As `EmailModifiePropriete`.
 */
int32_t EmailSetProperty(WdEmail email, int32_t property, int32_t index, const char *value);

/**
 * Appends a value to an array property (`EmailAjoute`): `WD_EMAIL_RECIPIENT`,
 * `WD_EMAIL_CC` or `WD_EMAIL_BCC`; or, with `WD_EMAIL_ATTACHMENT_NAME`, attaches the
 * file whose path is `value`, as `EmailAjouteFichierAttache` does (WLangage's
 * `Ajoute(Email.Attache, chemin)`).
 *
 * `value` must not be NULL nor hold CR/LF. Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`,
 * `WD_E_INVALID_HANDLE`, or `WD_E_IO` for a file that cannot be attached. Invalidates
 * strings obtained from this message. Thread-safe.
 *
 * # Safety
 * `value` is NULL or a NUL-terminated string.
 */
int32_t EmailAjoute(WdEmail email, int32_t property, const char *value);

/**
 * English name of `EmailAjoute`.
 * # Safety
 * As `EmailAjoute`.
 */
int32_t EmailAdd(WdEmail email, int32_t property, const char *value);

/**
 * Counts the elements of an array property (`EmailNb`): recipients, Cc, Bcc, refused
 * recipients, or attachments (any of the `WD_EMAIL_ATTACHMENT_*` properties).
 *
 * Returns the count, or -1 with `WD_E_INVALID_ARGUMENT` / `WD_E_INVALID_HANDLE`.
 * Thread-safe.
 */
int32_t EmailNb(WdEmail email, int32_t property);

/**
 * English name of `EmailNb`.
 */
int32_t EmailCount(WdEmail email, int32_t property);

/**
 * Reads the `index`-th (0-based) header named `header_name` (case-insensitive), decoded
 * to UTF-8 (`EmailEntete`). Looks in the headers of an imported or received message, and
 * in the extra headers added with `EmailAjouteEntete`; for a built message, in its source.
 *
 * Returns a string owned by the message (valid until it changes or is freed), or NULL:
 * with `WD_E_INVALID_ARGUMENT` when there is no such header, `WD_E_INVALID_HANDLE`.
 * Thread-safe.
 *
 * # Safety
 * `header_name` is NULL or a NUL-terminated string.
 */
const char *EmailEntete(WdEmail email, const char *header_name, int32_t index);

/**
 * English name of `EmailEntete`.
 * # Safety
 * As `EmailEntete`.
 */
const char *EmailHeader(WdEmail email, const char *header_name, int32_t index);

/**
 * Adds a header to the message (`EmailAjouteEntete`), written when the source is built.
 *
 * `header_name`: printable ASCII without ':' or space; `value`: UTF-8 without CR/LF
 * (non-ASCII is encoded on build). Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`
 * (header injection is refused) or `WD_E_INVALID_HANDLE`. Thread-safe.
 *
 * # Safety
 * `header_name` and `value` are NULL or NUL-terminated strings.
 */
int32_t EmailAjouteEntete(WdEmail email, const char *header_name, const char *value);

/**
 * English name of `EmailAjouteEntete`.
 * # Safety
 * As `EmailAjouteEntete`.
 */
int32_t EmailAddHeader(WdEmail email, const char *header_name, const char *value);

/**
 * Attaches a file from disk (`EmailAjouteFichierAttache`). The file is read now; its
 * name is the attachment name and its MIME type is guessed from the extension.
 *
 * Only a regular file (or a symbolic link to one) of at most 256 MiB is accepted: a
 * FIFO, a device (`/dev/zero`), a socket or a folder is refused at once, without
 * blocking and without reading it. The opened file itself is checked, so nothing can be
 * swapped in between.
 *
 * Returns 1, or 0 with `WD_E_IO` (file missing or unreadable, not a regular file,
 * larger than 256 MiB; the reason in `WD_ERR_SYSTEM_MESSAGE`), `WD_E_INVALID_ARGUMENT`,
 * `WD_E_INVALID_HANDLE`. Thread-safe.
 *
 * # Safety
 * `path` is NULL or a NUL-terminated string.
 */
int32_t EmailAjouteFichierAttache(WdEmail email, const char *path);

/**
 * English name of `EmailAjouteFichierAttache`.
 * # Safety
 * As `EmailAjouteFichierAttache`.
 */
int32_t EmailAddAttachment(WdEmail email, const char *path);

/**
 * Attaches bytes from memory (`EmailAjouteFichierAttacheMemoire`).
 *
 * `name`: attachment file name (UTF-8, no CR/LF). `data`/`len`: the content (any bytes;
 * NULL allowed when `len` is 0). `content_type`: MIME type, NULL = guessed from `name`.
 * The bytes are copied. Returns 1, or 0 with `WD_E_INVALID_ARGUMENT` /
 * `WD_E_INVALID_HANDLE`. Thread-safe.
 *
 * # Safety
 * `name`/`content_type` are NULL or NUL-terminated; `data` is valid for `len` bytes.
 */
int32_t EmailAjouteFichierAttacheMemoire(WdEmail email,
                                         const char *name,
                                         const uint8_t *data,
                                         size_t len,
                                         const char *content_type);

/**
 * English name of `EmailAjouteFichierAttacheMemoire`.
 * # Safety
 * As `EmailAjouteFichierAttacheMemoire`.
 */
int32_t EmailAddAttachmentData(WdEmail email,
                               const char *name,
                               const uint8_t *data,
                               size_t len,
                               const char *content_type);

/**
 * Returns the decoded bytes of attachment `index` (0-based) (`EmailFichierAttacheContenu`).
 *
 * `out_len` (required) receives the length, written only on success. The bytes belong
 * to the message and stay valid until it is changed or freed. Returns NULL on error
 * (`WD_E_INVALID_ARGUMENT` for a NULL `out_len` or an index out of range,
 * `WD_E_INVALID_HANDLE`). Thread-safe.
 *
 * # Safety
 * `out_len` is NULL or valid for one write.
 */
const uint8_t *EmailFichierAttacheContenu(WdEmail email, int32_t index, size_t *out_len);

/**
 * English name of `EmailFichierAttacheContenu`.
 * # Safety
 * As `EmailFichierAttacheContenu`.
 */
const uint8_t *EmailAttachmentContent(WdEmail email, int32_t index, size_t *out_len);

/**
 * Saves attachment `index` (0-based) (`EmailSauveFichierAttache`).
 *
 * `path` is the file to write, replaced if it exists (as WinDev does), or an existing
 * folder: then the file is written inside it under the attachment's safe name
 * (`WD_EMAIL_ATTACHMENT_NAME`, made safe again in case it was changed: no path, no
 * control character, no leading dot; `attachmentN.ext` when nothing is left). In the
 * folder form nothing is ever written outside the folder: the bytes go to a new
 * temporary file of the folder, then it is renamed to the safe name, replacing a file of
 * that name; a symbolic link of that name is replaced, never followed.
 *
 * The bytes written are reported to the process-wide progress callback (`EmailJauge`
 * with a NULL session); returning 0 there cancels: no partial file is left
 * (`WD_E_CANCELLED`), as after a failed write.
 *
 * Returns 1, or 0 with `WD_E_IO` (the OS error in `WD_ERR_SYSTEM_MESSAGE`; also a
 * folder of the attachment's name inside the folder), `WD_E_INVALID_ARGUMENT`,
 * `WD_E_INVALID_HANDLE`, `WD_E_CANCELLED`. Thread-safe.
 *
 * # Safety
 * `path` is NULL or a NUL-terminated string.
 */
int32_t EmailSauveFichierAttache(WdEmail email, int32_t index, const char *path);

/**
 * English name of `EmailSauveFichierAttache`.
 * # Safety
 * As `EmailSauveFichierAttache`.
 */
int32_t EmailSaveAttachment(WdEmail email, int32_t index, const char *path);

/**
 * Builds the RFC 5322 / MIME source of the message from its fields (`EmailConstruitSource`).
 *
 * `options`: 0, or a sum of `WD_BUILD_ENCODE_HEADER` (always done) and
 * `WD_BUILD_HEADER_BCC` (keep the Bcc header; left out by default). Date and Message-ID
 * are generated when empty and written back into the fields. Returns 1, or 0 with
 * `WD_E_MESSAGE` (e.g. an unparseable date), `WD_E_INVALID_ARGUMENT`,
 * `WD_E_INVALID_HANDLE`. Thread-safe.
 */
int32_t EmailConstruitSource(WdEmail email, int32_t options);

/**
 * English name of `EmailConstruitSource`.
 */
int32_t EmailBuildSource(WdEmail email, int32_t options);

/**
 * Returns the raw source of the message (`EmailSource`): built by `EmailConstruitSource`,
 * imported, or received. Empty (length 0) when there is none yet.
 *
 * `out_len` (required) receives the length, written only on success. The bytes belong to
 * the message and stay valid until it is changed or freed. NULL on error. Thread-safe.
 *
 * # Safety
 * `out_len` is NULL or valid for one write.
 */
const uint8_t *EmailSource(WdEmail email, size_t *out_len);

/**
 * English name of `EmailSource`.
 * # Safety
 * As `EmailSource`.
 */
const uint8_t *EmailGetSource(WdEmail email, size_t *out_len);

/**
 * Parses a raw RFC 5322 message into the fields (`EmailImporteSource`), replacing every
 * field: addresses, subject, bodies, date, attachments (decoded), all headers (decoded).
 *
 * `data`/`len`: the raw bytes (copied). Returns 1, or 0 with `WD_E_MESSAGE`,
 * `WD_E_INVALID_ARGUMENT`, `WD_E_INVALID_HANDLE`. Thread-safe.
 *
 * # Safety
 * `data` is valid for `len` bytes (NULL allowed when `len` is 0).
 */
int32_t EmailImporteSource(WdEmail email, const uint8_t *data, size_t len);

/**
 * English name of `EmailImporteSource`.
 * # Safety
 * As `EmailImporteSource`.
 */
int32_t EmailImportSource(WdEmail email, const uint8_t *data, size_t len);

/**
 * Sets the HTML body from `html` (`EmailImporteHTML`); local images inside `images_dir`
 * become inline parts and their `src` is rewritten to `cid:`. The text body is filled
 * from the HTML when empty.
 *
 * `images_dir`: the folder the images are taken from; NULL or "" = embed nothing (every
 * `src` stays as it is). A local `src` (relative, absolute, `file:` URL, `%XX`-escaped)
 * is resolved (`..` and symbolic links followed) and embedded only when it is a regular
 * file inside `images_dir` of at most 256 MiB; anything else — a path outside the
 * folder, a link pointing out of it, a device such as `/dev/zero`, a FIFO, a folder —
 * stays in the HTML unchanged, as a link. Opening an image never blocks.
 *
 * Returns 1, or 0 with `WD_E_IO` (`images_dir` is not a folder; an image named by a
 * plain relative path is missing; an image inside the folder cannot be read or is larger
 * than 256 MiB), `WD_E_INVALID_ARGUMENT`, `WD_E_INVALID_HANDLE`. On error the message is
 * unchanged. Thread-safe.
 *
 * # Safety
 * `html` and `images_dir` are NULL or NUL-terminated strings.
 */
int32_t EmailImporteHTML(WdEmail email, const char *html, const char *images_dir);

/**
 * English name of `EmailImporteHTML`.
 * # Safety
 * As `EmailImporteHTML`.
 */
int32_t EmailImportHTML(WdEmail email, const char *html, const char *images_dir);

/**
 * Opens the desktop's mail client on a new message filled from `email`
 * (`EmailOuvreMessagerie`, WLangage's `EmailOuvreMessagerie` / `EmailLanceAppli`): To,
 * Cc, Bcc, subject, text body and attachments, for the user to edit and send. Runs
 * `xdg-email` (freedesktop), or the command in the environment variable
 * `WD300COM_MAILER` with the same arguments, and waits for it (it returns once the
 * client has the message). Attachments are written for the client into a new private
 * folder of the system's temporary folder, left there.
 *
 * `email`: a message handle, 0 = the legacy structure. Returns 1, or 0 with
 * `WD_E_NOT_SUPPORTED` (no `xdg-email` and no `WD300COM_MAILER`), `WD_E_IO` (the opener
 * failed, an attachment cannot be written), `WD_E_INVALID_HANDLE`. Thread-safe.
 */
int32_t EmailOuvreMessagerie(WdEmail email);

/**
 * English name of `EmailOuvreMessagerie`.
 */
int32_t EmailOpenMail(WdEmail email);

/**
 * `EmailLanceAppli` (WinDev Mobile's name): as `EmailOuvreMessagerie`.
 */
int32_t EmailLanceAppli(WdEmail email);

/**
 * English name of `EmailLanceAppli`.
 */
int32_t EmailRunApp(WdEmail email);

/**
 * Creates an empty OAuth2 parameters object (`OAuth2Paramètres`).
 *
 * Returns a handle, to be freed with `OAuth2Libere`, or 0 (`WD_E_INVALID_ARGUMENT` when
 * too many objects are alive). Thread-safe.
 */
WdOAuth2Params OAuth2ParametresCree(void);

/**
 * English name of `OAuth2ParametresCree`.
 */
WdOAuth2Params OAuth2ParametersCreate(void);

/**
 * Sets a property of an OAuth2 parameters object (`WD_OAUTH_*`).
 *
 * `value` NULL or "" clears the property. Returns 1, or 0 with `WD_E_INVALID_HANDLE`
 * (stale, freed or wrong-kind handle) or `WD_E_INVALID_ARGUMENT` (unknown property,
 * invalid UTF-8, CR/LF in the value). URLs are checked by `AuthIdentifie`. Thread-safe.
 *
 * # Safety
 * `value` is NULL or a NUL-terminated string.
 */
int32_t OAuth2ParametresModifie(WdOAuth2Params params, int32_t property, const char *value);

/**
 * English name of `OAuth2ParametresModifie`.
 * # Safety
 * As `OAuth2ParametresModifie`.
 */
int32_t OAuth2ParametersSet(WdOAuth2Params params, int32_t property, const char *value);

/**
 * Reads a property of an OAuth2 parameters object; the client secret reads back as "".
 *
 * Returns a thread-local string valid until the next library call on this thread, or
 * NULL with `WD_E_INVALID_HANDLE` / `WD_E_INVALID_ARGUMENT` (unknown property).
 * Thread-safe.
 */
const char *OAuth2ParametresPropriete(WdOAuth2Params params, int32_t property);

/**
 * English name of `OAuth2ParametresPropriete`.
 */
const char *OAuth2ParametersGet(WdOAuth2Params params, int32_t property);

/**
 * Obtains a token with the grant `WD_OAUTH_GRANT_TYPE` names (`AuthIdentifie`). Blocks
 * the calling thread; the whole flow is bounded by the global timeout
 * (`EmailChangeTimeOut`).
 *
 * - `authorization_code` (the default): the authorization-code flow with PKCE. Opens the
 *   authorization URL in the browser (the command in the environment variable
 *   `WD300COM_BROWSER`, run as `sh -c 'COMMAND "$1"'` with the URL as `$1`, else
 *   xdg-open / open / the Windows URL handler), waits for the redirect on the loopback
 *   address of `WD_OAUTH_REDIRECT_URL`, checks `state`, and exchanges the code at
 *   `WD_OAUTH_TOKEN_URL`.
 * - `client_credentials`: one request to `WD_OAUTH_TOKEN_URL` with the client id and
 *   secret (RFC 6749 §4.4).
 * - `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628): asks `WD_OAUTH_AUTH_URL`
 *   (the device authorization endpoint) for a user code, passes the verification
 *   address and the code to the callback set with `AuthInviteFonction` (on this thread,
 *   no library lock held; without a callback they are printed on stderr), then polls
 *   `WD_OAUTH_TOKEN_URL` every `interval` seconds (5 more after each `slow_down`) until
 *   the user approves.
 *
 * `WD_OAUTH_ADDITIONAL_PARAMETERS` go to the authorization request; `WD_OAUTH_CA_FILE`
 * is trusted for the token and device endpoints. The token remembers `params` (a copy),
 * to be renewed.
 *
 * Returns a token handle, to be freed with `OAuth2Libere`, or 0 with:
 * `WD_E_INVALID_HANDLE`; `WD_E_INVALID_ARGUMENT` (client id, secret or a URL missing,
 * redirect not a loopback http URL, token or device URL plain http on a non-loopback
 * host, bad additional parameters); `WD_E_NOT_SUPPORTED` (grant type, response type
 * other than `code`); `WD_E_CONNECT` (redirect port in use, endpoint unreachable);
 * `WD_E_IO` (browser cannot be started, CA file unreadable); `WD_E_TIMEOUT` (also a
 * device code that expired); `WD_E_AUTH` (access refused, `access_denied`, error from
 * the token endpoint, with its `error` and `error_description`); `WD_E_PROTOCOL`
 * (malformed or non-JSON reply); `WD_E_TLS`. Thread-safe.
 */
WdAuthToken AuthIdentifie(WdOAuth2Params params);

/**
 * English name of `AuthIdentifie`.
 */
WdAuthToken AuthIdentify(WdOAuth2Params params);

/**
 * Sets the prompt of the device-code flow (`AuthInviteFonction`): `callback(uri,
 * user_code, user_data)` is called by `AuthIdentifie` with the address the user must
 * open and the code to enter there (strings valid during the call only). It runs on the
 * thread that called `AuthIdentifie`, with no library lock held, so it may call the
 * library. NULL removes the callback: the address and the code are then printed on
 * stderr. One callback for the process; a later call replaces it.
 *
 * Returns 1. Thread-safe.
 *
 * # Safety
 * `callback`, when not NULL, must be safe to call with these arguments from any thread
 * that calls `AuthIdentifie`, until it is replaced; `user_data` is passed through
 * untouched.
 */
int32_t AuthInviteFonction(WdPromptCallback callback, void *user_data);

/**
 * English name of `AuthInviteFonction`.
 * # Safety
 * As `AuthInviteFonction`.
 */
int32_t AuthPromptCallback(WdPromptCallback callback, void *user_data);

/**
 * Reads a property of a token (`WD_TOKEN_*`).
 *
 * Returns a string owned by the token object, valid until the token is freed with
 * `OAuth2Libere` (also after the token is renewed in place: the new value is a new
 * string), or NULL with `WD_E_INVALID_HANDLE` / `WD_E_INVALID_ARGUMENT` (unknown
 * property). `WD_TOKEN_VALID` is "1" or "0" (a static string). Thread-safe.
 */
const char *AuthTokenPropriete(WdAuthToken token, int32_t property);

/**
 * English name of `AuthTokenPropriete`.
 */
const char *AuthTokenGet(WdAuthToken token, int32_t property);

/**
 * Gets a new access token with the refresh token of `token` (`AuthRafraichitToken`),
 * at the `WD_OAUTH_TOKEN_URL` of `params` (0: the parameters the token was obtained
 * with), bounded by the global timeout. A `client_credentials` token without refresh
 * token is obtained again with the client credentials. The old token object stays as
 * it is; the new one keeps the refresh token when the server sends none, and remembers
 * the parameters used.
 *
 * Returns a new token handle (free it with `OAuth2Libere`) or 0 with
 * `WD_E_INVALID_HANDLE`, `WD_E_INVALID_ARGUMENT` (no refresh token, client id or token
 * URL missing), `WD_E_CONNECT`, `WD_E_TIMEOUT`, `WD_E_AUTH` (refused, e.g.
 * `invalid_grant`), `WD_E_PROTOCOL`, `WD_E_TLS`. Thread-safe.
 */
WdAuthToken AuthRafraichitToken(WdAuthToken token, WdOAuth2Params params);

/**
 * English name of `AuthRafraichitToken`.
 */
WdAuthToken AuthRefreshToken(WdAuthToken token, WdOAuth2Params params);

/**
 * Checks that a token is still valid, renewing it in place when it has expired and can
 * be renewed (`AuthVerifieAuthentification`): with its refresh token, at the
 * `WD_OAUTH_TOKEN_URL` of `params` (0: the parameters the token was obtained with), or,
 * for a `client_credentials` token without refresh token, with the client credentials
 * again. Sessions linked to the token (`WD_PROP_OAUTH_TOKEN`) then use the new access
 * token. Bounded by the global timeout.
 *
 * Returns 1 when the token is valid (or was renewed); 0 without error when it has
 * expired and cannot be renewed; 0 with `WD_E_INVALID_HANDLE`, or the error of the
 * renewal (`WD_E_AUTH` for a refused refresh token, `WD_E_CONNECT`, `WD_E_TIMEOUT`,
 * `WD_E_TLS`, `WD_E_PROTOCOL`). Thread-safe.
 */
int32_t AuthVerifieAuthentification(WdAuthToken token, WdOAuth2Params params);

/**
 * English name of `AuthVerifieAuthentification`.
 */
int32_t AuthVerifyAuthentication(WdAuthToken token, WdOAuth2Params params);

/**
 * Frees an OAuth2 parameters object or a token object (`OAuth2Libere`); strings
 * obtained from it become invalid.
 *
 * `handle`: a handle from `OAuth2ParametresCree`, `AuthIdentifie` or
 * `AuthRafraichitToken`. Returns 1, or 0 with `WD_E_INVALID_HANDLE` for 0, a stale or
 * already freed handle, or a handle of another kind (a message). Thread-safe.
 */
int32_t OAuth2Libere(int32_t handle);

/**
 * English name of `OAuth2Libere`.
 */
int32_t OAuth2Free(int32_t handle);

/**
 * Opens a POP3 session named `user` (`EmailOuvreSessionPOP3`): connects to
 * `server:port`, secures the connection as `option` says and logs in as `user`.
 *
 * - `user`: login, also the session name used by the reading functions. Required.
 * - `password`: NULL = empty password.
 * - `server`: host name or address. Required.
 * - `port`: 0 = 110, or 995 with `WD_OPTION_SSL`.
 * - `option`: `WD_OPTION_NONE` (plain), `WD_OPTION_SSL` (implicit TLS),
 *   `WD_OPTION_SECURED_TLS` (STLS required: `WD_E_TLS` when the server does not offer it).
 *
 * Authentication is automatic: the best SASL mechanism the server offers (CRAM-MD5
 * first), else APOP when the greeting has a timestamp, else USER/PASS. Messages deleted
 * in the session are removed only by `EmailFermeSession`.
 *
 * Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`, `WD_E_SESSION_EXISTS`, `WD_E_CONNECT`,
 * `WD_E_TIMEOUT`, `WD_E_TLS`, `WD_E_AUTH`, `WD_E_PROTOCOL` (the server's reply in
 * `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
 *
 * # Safety
 * `user`, `password`, `server` are NULL or NUL-terminated strings.
 */
int32_t EmailOuvreSessionPOP3(const char *user,
                              const char *password,
                              const char *server,
                              int32_t port,
                              int32_t option);

/**
 * English name of `EmailOuvreSessionPOP3`.
 * # Safety
 * As `EmailOuvreSessionPOP3`.
 */
int32_t EmailStartPOP3Session(const char *user,
                              const char *password,
                              const char *server,
                              int32_t port,
                              int32_t option);

/**
 * Opens POP3 and SMTP at once under the name `user` (`EmailOuvreSession`, the legacy
 * WLangage opener). Both connections are plain TCP; SMTP is not authenticated.
 *
 * - `user`, `password`: POP3 login (`password` NULL = empty); `user` is the session name.
 * - `pop3_server`: required. `smtp_server`: NULL = the POP3 host.
 * - `pop3_port`: 0 = 110. `smtp_port`: 0 = 25.
 * - `asynchronous`: 1 = messages are queued and sent in the background.
 *
 * If either connection fails, nothing stays open under the name.
 *
 * Returns 1, or 0 with the error of the failing half (`WD_E_CONNECT`, `WD_E_AUTH`, …,
 * `WD_E_SESSION_EXISTS`, `WD_E_INVALID_ARGUMENT`). Thread-safe.
 *
 * # Safety
 * The string arguments are NULL or NUL-terminated strings.
 */
int32_t EmailOuvreSession(const char *user,
                          const char *password,
                          const char *pop3_server,
                          const char *smtp_server,
                          int32_t pop3_port,
                          int32_t smtp_port,
                          int32_t asynchronous);

/**
 * English name of `EmailOuvreSession`.
 * # Safety
 * As `EmailOuvreSession`.
 */
int32_t EmailStartSession(const char *user,
                          const char *password,
                          const char *pop3_server,
                          const char *smtp_server,
                          int32_t pop3_port,
                          int32_t smtp_port,
                          int32_t asynchronous);

/**
 * Reads the first message of the mailbox (or selected IMAP folder) into `email`
 * (`EmailLitPremier`), taking a new listing of the mailbox.
 *
 * `session`: the session name. `email`: the message handle to fill (0 = the legacy
 * structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
 * `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
 * Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
 * 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
 * `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
 * message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
 * `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
 * (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
 * session serialize.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitPremier(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailLitPremier`.
 * # Safety
 * As `EmailLitPremier`.
 */
int32_t EmailReadFirst(const char *session, WdEmail email, int32_t options);

/**
 * Reads the message after the last one read (`EmailLitSuivant`).
 *
 * Read-ahead: when the message is not already at hand, the fetch also brings the next
 * ones in the reading direction (the same for `EmailLitPrecedent`, backward), in batches
 * of 2, 4, 8 … 64 messages (at most 8 MiB by the listed sizes, one message at least),
 * so a whole loop costs a few round trips; the first read of a loop fetches one message
 * as before. A new listing (`EmailLitPremier`, `EmailLitDernier`), `EmailChangeDossier`
 * or other reading options drop what was read ahead. IMAP: messages
 * read ahead are fetched with BODY.PEEK and stay unseen until handed out; those handed
 * out (without `WD_READ_KEEP_UNSEEN` or `WD_READ_HEADER`) read with `WD_EMAIL_SEEN` =
 * "1" and are marked \Seen on the server by one UID STORE sent with the next batch, or
 * before any other operation on the session, or at `EmailFermeSession`; an error of
 * that STORE is reported by the call that sent it.
 *
 * `session`: the session name. `email`: the message handle to fill (0 = the legacy
 * structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
 * `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
 * Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
 * 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
 * `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
 * message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
 * `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
 * (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
 * session serialize.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitSuivant(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailLitSuivant`.
 * # Safety
 * As `EmailLitSuivant`.
 */
int32_t EmailReadNext(const char *session, WdEmail email, int32_t options);

/**
 * Reads the message before the last one read (`EmailLitPrecedent`).
 *
 * `session`: the session name. `email`: the message handle to fill (0 = the legacy
 * structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
 * `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
 * Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
 * 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
 * `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
 * message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
 * `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
 * (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
 * session serialize.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitPrecedent(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailLitPrecedent`.
 * # Safety
 * As `EmailLitPrecedent`.
 */
int32_t EmailReadPrevious(const char *session, WdEmail email, int32_t options);

/**
 * Reads the last message of the mailbox (`EmailLitDernier`), taking a new listing.
 *
 * `session`: the session name. `email`: the message handle to fill (0 = the legacy
 * structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
 * `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
 * Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
 * 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
 * `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
 * message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
 * `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
 * (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
 * session serialize.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitDernier(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailLitDernier`.
 * # Safety
 * As `EmailLitDernier`.
 */
int32_t EmailReadLast(const char *session, WdEmail email, int32_t options);

/**
 * Reads the headers of the first message (`EmailLitPremierEntete`); bodies are
 * fetched on first access of a body field.
 *
 * `session`: the session name. `email`: the message handle to fill (0 = the legacy
 * structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
 * `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
 * Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
 * 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
 * `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
 * message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
 * `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
 * (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
 * session serialize.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitPremierEntete(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailLitPremierEntete`.
 * # Safety
 * As `EmailLitPremierEntete`.
 */
int32_t EmailReadFirstHeader(const char *session, WdEmail email, int32_t options);

/**
 * Reads the headers of the next message (`EmailLitSuivantEntete`).
 *
 * `session`: the session name. `email`: the message handle to fill (0 = the legacy
 * structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
 * `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
 * Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
 * 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
 * `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
 * message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
 * `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
 * (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
 * session serialize.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitSuivantEntete(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailLitSuivantEntete`.
 * # Safety
 * As `EmailLitSuivantEntete`.
 */
int32_t EmailReadNextHeader(const char *session, WdEmail email, int32_t options);

/**
 * Reads the headers of the previous message (`EmailLitPrecedentEntete`).
 *
 * `session`: the session name. `email`: the message handle to fill (0 = the legacy
 * structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
 * `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
 * Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
 * 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
 * `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
 * message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
 * `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
 * (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
 * session serialize.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitPrecedentEntete(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailLitPrecedentEntete`.
 * # Safety
 * As `EmailLitPrecedentEntete`.
 */
int32_t EmailReadPreviousHeader(const char *session, WdEmail email, int32_t options);

/**
 * Reads the headers of the last message (`EmailLitDernierEntete`).
 *
 * `session`: the session name. `email`: the message handle to fill (0 = the legacy
 * structure). `options`: `WD_READ_ALL` (or 0), `WD_READ_UNREAD` (IMAP),
 * `WD_READ_HEADER`, `WD_READ_KEEP_UNSEEN` (IMAP). Returns 1 when a message was read.
 * Past the end (or on an empty mailbox) returns 0 without error (`ErreurDetectee()` =
 * 0), `email` reading `WD_EMAIL_OUT` = "1": both `while (EmailLit…(…))` and
 * `WHILE NOT Email.EnDehors` loops end. Returns 0 on error, `email` then holding no
 * message with `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`:
 * `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_NOT_SUPPORTED`
 * (`WD_READ_UNREAD` on POP3), network and protocol errors. Thread-safe; calls on one
 * session serialize.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitDernierEntete(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailLitDernierEntete`.
 * # Safety
 * As `EmailLitDernierEntete`.
 */
int32_t EmailReadLastHeader(const char *session, WdEmail email, int32_t options);

/**
 * Counts the messages of the mailbox or selected IMAP folder (`EmailNbMessage`).
 *
 * As in WinDev, messages deleted in this session are counted until they are really
 * removed (their numbers stay taken): POP3 gives the count of the session's first
 * listing until the session closes; IMAP counts the folder's messages, those flagged
 * \Deleted too until `EmailDetruit` or the close. So `for (i = 1; i <= n; i++)
 * EmailLitMessage(s, e, i)` visits every number, a deleted one reading `WD_EMAIL_OUT`.
 *
 * `options`: 0 / `WD_READ_ALL` for all, `WD_READ_UNREAD` for unseen ones not deleted
 * (IMAP only; POP3 fails with `WD_E_NOT_SUPPORTED`). On IMAP the listing taken to count
 * becomes the session's reading listing when it has none yet (`EmailLitMessage` then
 * reads from it). Returns the count, or -1 on error (`WD_E_UNKNOWN_SESSION`, network
 * and protocol errors). Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailNbMessage(const char *session, int32_t options);

/**
 * The size in bytes of message number `number` (1-based, as listed by the server)
 * (`EmailTailleMessage`), as the server announces it, without fetching the message.
 *
 * Returns the size (2147483647 for a larger one), or -1 on error:
 * `WD_E_INVALID_ARGUMENT` (no such message, e.g. one deleted in this session; a number
 * below 1), `WD_E_UNKNOWN_SESSION`, network and protocol errors. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailTailleMessage(const char *session, int32_t number);

/**
 * English name of `EmailTailleMessage`.
 * # Safety
 * As `EmailTailleMessage`.
 */
int32_t EmailMessageSize(const char *session, int32_t number);

/**
 * Reads message number `number` (1-based, as listed by the server) into `email`
 * (`EmailLitMessage`); `EmailLitSuivant` then continues after it. The number is looked up
 * in the session's listing, taken anew when there is none, when the server reported a
 * change since (IMAP EXISTS, EXPUNGE) or when it does not hold the number; reading the
 * number after the one read last reads ahead as `EmailLitSuivant` does, any other number
 * fetches that message alone. IMAP: a message the server numbers otherwise when it is
 * fetched (another client removed mail meanwhile) is not returned: the listing is taken
 * anew and the number read again.
 *
 * Returns 1 when the message was read; 0 without error (`ErreurDetectee()` = 0) and
 * `WD_EMAIL_OUT` = "1" when there is no such message (past the end, or deleted in this
 * session); 0 on error with `WD_EMAIL_OUT` = "1" and `WD_EMAIL_ERROR` set on `email`.
 * Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitMessage(const char *session, WdEmail email, int32_t number);

/**
 * English name of `EmailLitMessage`.
 * # Safety
 * As `EmailLitMessage`.
 */
int32_t EmailReadMessage(const char *session, WdEmail email, int32_t number);

/**
 * Reads the headers of message number `number` (1-based, as listed by the server)
 * into `email` (`EmailLitEnteteMessage`); the body is fetched on first access of a body
 * field. PC SOFT's loop reads the headers of each message and its size
 * (`EmailTailleMessage`) to leave big messages on the server.
 *
 * `email`: the message handle to fill (0 = the legacy structure). Returns 1 when the
 * headers were read; 0 without error and `WD_EMAIL_OUT` = "1" when there is no such
 * message (past the end, or deleted in this session); 0 on error
 * (`WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`, `WD_E_INVALID_ARGUMENT` for a number
 * below 1, network and protocol errors), `email` then holding `WD_EMAIL_OUT` = "1" and
 * the message in `WD_EMAIL_ERROR`. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailLitEnteteMessage(const char *session, WdEmail email, int32_t number);

/**
 * English name of `EmailLitEnteteMessage`.
 * # Safety
 * As `EmailLitEnteteMessage`.
 */
int32_t EmailReadMessageHeader(const char *session, WdEmail email, int32_t number);

/**
 * Fetches every message of the mailbox or selected folder in batched round trips
 * (`EmailRecupereTout`). By default (0, `WD_READ_HEADER`) headers only, each message's
 * body being fetched on first access of a body field; `WD_READ_ALL` fetches whole
 * messages at once. `WD_READ_UNREAD` (IMAP) and `WD_READ_KEEP_UNSEEN` (IMAP) apply.
 * IMAP without `WD_READ_UNREAD` lists and fetches in one round trip (two with a
 * progress callback, which is given the listed sizes as its total). Each message is
 * parsed on its first access (`EmailSource` and the UID, number, size and seen flag
 * need no parsing); a message that cannot be parsed keeps its source and those fields.
 *
 * `WD_READ_ASYNC` (`ertAsynchronous`): returns the list at once, empty, and a thread of
 * the library fills it, listing then fetching in batches (at most 64 messages or 8 MiB
 * each): `EmailListeNb` grows as batches arrive, in mailbox order. The session is busy
 * meanwhile: this returns once the thread holds the session's reading connection, and
 * any later call on that connection (another read, `EmailNbMessage`, a folder change,
 * completing a message read with headers only) waits until the list is complete;
 * `EmailFermeSession` stops the fill after the batch in progress. Completion:
 * `EmailListeEtat` (`WD_LIST_FILLING`, `WD_LIST_COMPLETE`, `WD_LIST_ERROR`), and the
 * session's progress callback (`EmailJauge`), called on the filling thread, whose last
 * call has `done == total`. Freeing the list stops the fill.
 *
 * Returns a list handle (> 0): `EmailListeNb` / `EmailListeElement` read it,
 * `EmailLibere(list)` frees it and its messages. 0 on error. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
WdEmailList EmailRecupereTout(const char *session, int32_t options);

/**
 * English name of `EmailRecupereTout`.
 * # Safety
 * As `EmailRecupereTout`.
 */
WdEmailList EmailGetAll(const char *session, int32_t options);

/**
 * Number of messages in a list returned by `EmailRecupereTout` (`EmailListeNb`).
 * Returns the count, or -1 with `WD_E_INVALID_HANDLE`. Thread-safe.
 */
int32_t EmailListeNb(WdEmailList list);

/**
 * English name of `EmailListeNb`.
 */
int32_t EmailListCount(WdEmailList list);

/**
 * The `index`-th (0-based) message handle of a list (`EmailListeElement`). The message
 * is owned by the list: `EmailLibere(list)` frees it. Returns 0 with
 * `WD_E_INVALID_HANDLE` or `WD_E_INVALID_ARGUMENT` (index out of range). Thread-safe.
 */
WdEmail EmailListeElement(WdEmailList list, int32_t index);

/**
 * English name of `EmailListeElement`.
 */
WdEmail EmailListItem(WdEmailList list, int32_t index);

/**
 * Tells whether a list of `EmailRecupereTout` is complete (`EmailListeEtat`).
 *
 * Returns `WD_LIST_COMPLETE` (every message is in; always for a list fetched without
 * `WD_READ_ASYNC`), `WD_LIST_FILLING` (the library's thread is still filling it), or
 * `WD_LIST_ERROR` — the fill stopped, the messages before the error stay, and the
 * thread's error state holds why (`ErreurInfo`; `WD_E_CANCELLED` when the session was
 * closed or the progress callback cancelled). -1 with `WD_E_INVALID_HANDLE`. Thread-safe.
 */
int32_t EmailListeEtat(WdEmailList list);

/**
 * English name of `EmailListeEtat`.
 */
int32_t EmailListStatus(WdEmailList list);

/**
 * Deletes a message read from this session (`EmailSupprimeMessage`), as WinDev does:
 * POP3 marks it and the server removes it at `EmailFermeSession` (a lost connection
 * deletes nothing); IMAP flags it \Deleted, and it goes at `EmailDetruit`, at a folder
 * change or at `EmailFermeSession` (IMAP CLOSE). Message numbers do not change until
 * then: `EmailNbMessage` still counts it and `EmailLitMessage` of its number finds no
 * message. Afterwards `email` reads `WD_EMAIL_OUT` = "1" and `WD_EMAIL_DELETED` = "1"
 * (`EmailMiseAJour` with `WD_EMAIL_DELETED` = "0" takes an IMAP deletion back before it
 * is carried out); `EmailLitSuivant` and
 * `EmailLitPrecedent` continue with the messages around it, passing over the deleted
 * ones. Deleting it again does nothing.
 *
 * Returns 1, or 0 with `WD_E_INVALID_ARGUMENT` (message not read from a server),
 * `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, protocol errors. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailSupprimeMessage(const char *session, WdEmail email);

/**
 * English name of `EmailSupprimeMessage`.
 * # Safety
 * As `EmailSupprimeMessage`.
 */
int32_t EmailDeleteMessage(const char *session, WdEmail email);

/**
 * Removes the messages deleted with `EmailSupprimeMessage` from the IMAP folder now
 * (`EmailDetruit`): `UID EXPUNGE` of them when the server offers UIDPLUS, else
 * EXPUNGE (which also removes messages other clients flagged \Deleted). The messages
 * after them are renumbered. Without it they go at a folder change or at
 * `EmailFermeSession`.
 *
 * Returns 1 (also when nothing was deleted), or 0 with `WD_E_NOT_SUPPORTED` (POP3
 * removes deleted messages at `EmailFermeSession`), `WD_E_UNKNOWN_SESSION`,
 * `WD_E_PROTOCOL`, network errors. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailDetruit(const char *session);

/**
 * English name of `EmailDetruit`.
 * # Safety
 * As `EmailDetruit`.
 */
int32_t EmailDestroy(const char *session);

/**
 * Lists the folders of an IMAP account (`EmailListeDossier`): names in UTF-8, one per
 * line ("\n"), hierarchy levels separated by the server's separator.
 *
 * Returns a thread-local string valid until the next library call on this thread, or
 * NULL with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, protocol errors.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
const char *EmailListeDossier(const char *session);

/**
 * English name of `EmailListeDossier`.
 * # Safety
 * As `EmailListeDossier`.
 */
const char *EmailListFolder(const char *session);

/**
 * The folder playing a role on an IMAP account (`EmailDossierSpecial`).
 *
 * `role`: `WD_FOLDER_SENT`, `WD_FOLDER_DRAFTS`, `WD_FOLDER_TRASH`, `WD_FOLDER_JUNK`,
 * `WD_FOLDER_ARCHIVE`, `WD_FOLDER_ALL`. The folder carrying the role's special-use
 * attribute (RFC 6154, `\Sent`…), else the first whose last name level is a usual name
 * for it (Sent, Sent Items, Envoyés…; Trash, Deleted Items, Corbeille…; Junk, Spam…;
 * Drafts, Brouillons; Archive; All Mail), compared without regard to case; each role
 * goes to one folder at most (as `EmailListeDossierRole` shows).
 *
 * Returns the folder name (UTF-8, hierarchy with the server's separator), "" when no
 * folder plays the role: a thread-local string valid until the next library call on
 * this thread. NULL with `WD_E_INVALID_ARGUMENT` (unknown role), `WD_E_NOT_SUPPORTED`
 * (POP3), `WD_E_UNKNOWN_SESSION`, network and protocol errors. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
const char *EmailDossierSpecial(const char *session, int32_t role);

/**
 * English name of `EmailDossierSpecial`.
 * # Safety
 * As `EmailDossierSpecial`.
 */
const char *EmailSpecialFolder(const char *session, int32_t role);

/**
 * Lists the folders of an IMAP account with their roles (`EmailListeDossierRole`): one
 * line per folder ("\n"), in the order of `EmailListeDossier`, each the folder name, a
 * tab, and its role as a decimal `WD_FOLDER_*` value, 0 for none (the roles of
 * `EmailDossierSpecial`), e.g. `Sent\t1`.
 *
 * Returns a thread-local string valid until the next library call on this thread, or
 * NULL with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, protocol errors.
 * Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
const char *EmailListeDossierRole(const char *session);

/**
 * English name of `EmailListeDossierRole`.
 * # Safety
 * As `EmailListeDossierRole`.
 */
const char *EmailListFolderRoles(const char *session);

/**
 * Selects another IMAP folder (`EmailChangeDossier`); reading functions then work on
 * it.
 *
 * `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
 * with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
 * `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
 *
 * # Safety
 * `session` and `folder` are NULL or NUL-terminated strings.
 */
int32_t EmailChangeDossier(const char *session, const char *folder);

/**
 * English name of `EmailChangeDossier`.
 * # Safety
 * As `EmailChangeDossier`.
 */
int32_t EmailChangeFolder(const char *session, const char *folder);

/**
 * Creates an IMAP folder (`EmailCreeDossier`).
 *
 * `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
 * with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
 * `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
 *
 * # Safety
 * `session` and `folder` are NULL or NUL-terminated strings.
 */
int32_t EmailCreeDossier(const char *session, const char *folder);

/**
 * English name of `EmailCreeDossier`.
 * # Safety
 * As `EmailCreeDossier`.
 */
int32_t EmailCreateFolder(const char *session, const char *folder);

/**
 * Deletes an IMAP folder and the messages in it (`EmailSupprimeDossier`).
 *
 * `folder`: UTF-8 folder name (hierarchy with the server's separator). Returns 1, or 0
 * with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT`,
 * `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
 *
 * # Safety
 * `session` and `folder` are NULL or NUL-terminated strings.
 */
int32_t EmailSupprimeDossier(const char *session, const char *folder);

/**
 * English name of `EmailSupprimeDossier`.
 * # Safety
 * As `EmailSupprimeDossier`.
 */
int32_t EmailDeleteFolder(const char *session, const char *folder);

/**
 * Renames an IMAP folder (`EmailRenommeDossier`).
 *
 * Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_UNKNOWN_SESSION`,
 * `WD_E_INVALID_ARGUMENT`, `WD_E_PROTOCOL`. Thread-safe.
 *
 * # Safety
 * The strings are NULL or NUL-terminated.
 */
int32_t EmailRenommeDossier(const char *session, const char *folder, const char *new_name);

/**
 * English name of `EmailRenommeDossier`.
 * # Safety
 * As `EmailRenommeDossier`.
 */
int32_t EmailRenameFolder(const char *session, const char *folder, const char *new_name);

/**
 * Copies a message read from this IMAP session into `folder` (`EmailCopieMessage`).
 *
 * Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
 * empty folder name or one holding CR/LF, message not read from a server),
 * `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
 *
 * # Safety
 * `session`/`folder` are NULL or NUL-terminated strings.
 */
int32_t EmailCopieMessage(const char *session, WdEmail email, const char *folder);

/**
 * English name of `EmailCopieMessage`.
 * # Safety
 * As `EmailCopieMessage`.
 */
int32_t EmailCopyMessage(const char *session, WdEmail email, const char *folder);

/**
 * Moves a message read from this IMAP session into `folder` (`EmailDeplaceMessage`):
 * MOVE when the server offers it, else COPY + \Deleted + expunge.
 *
 * Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
 * empty folder name or one holding CR/LF, message not read from a server),
 * `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
 *
 * # Safety
 * `session`/`folder` are NULL or NUL-terminated strings.
 */
int32_t EmailDeplaceMessage(const char *session, WdEmail email, const char *folder);

/**
 * English name of `EmailDeplaceMessage`.
 * # Safety
 * As `EmailDeplaceMessage`.
 */
int32_t EmailMoveMessage(const char *session, WdEmail email, const char *folder);

/**
 * Writes the message's flags back to the IMAP server (`EmailMiseAJour`):
 * `WD_EMAIL_SEEN` always, and `WD_EMAIL_FLAGGED`, `WD_EMAIL_ANSWERED`, `WD_EMAIL_DRAFT`,
 * `WD_EMAIL_DELETED` and `WD_EMAIL_KEYWORDS` where they differ from what the server last
 * reported for it (a flag another client changed meanwhile is left alone unless this
 * message changed it too). One `UID STORE +FLAGS.SILENT` and one `-FLAGS.SILENT`,
 * pipelined. `WD_EMAIL_DELETED` set to "1" deletes the message as `EmailSupprimeMessage`
 * does (flagged \Deleted only: it goes at `EmailDetruit`, a folder change or
 * `EmailFermeSession`, and the reading moves pass over it); set back to "0" before that,
 * it takes the deletion back. A message the listings leave out (flagged \Deleted, found
 * with `EmailRecherche`) is found by its UID.
 *
 * Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (message
 * not read from a server, a keyword that is not an IMAP atom), `WD_E_INVALID_HANDLE`,
 * `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailMiseAJour(const char *session, WdEmail email);

/**
 * English name of `EmailMiseAJour`.
 * # Safety
 * As `EmailMiseAJour`.
 */
int32_t EmailUpdate(const char *session, WdEmail email);

/**
 * Appends a message to an IMAP folder (`EmailAjouteMessage`, IMAP APPEND). The source is
 * built first when the fields changed; the \Seen flag follows `WD_EMAIL_SEEN`.
 *
 * Returns 1, or 0 with `WD_E_NOT_SUPPORTED` (POP3), `WD_E_INVALID_ARGUMENT` (NULL,
 * empty folder name or one holding CR/LF), `WD_E_MESSAGE`, `WD_E_INVALID_HANDLE`,
 * `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL`. Thread-safe.
 *
 * # Safety
 * `session`/`folder` are NULL or NUL-terminated strings.
 */
int32_t EmailAjouteMessage(const char *session, const char *folder, WdEmail email);

/**
 * English name of `EmailAjouteMessage`.
 * # Safety
 * As `EmailAjouteMessage`.
 */
int32_t EmailAppendMessage(const char *session, const char *folder, WdEmail email);

/**
 * Searches the selected IMAP folder (`EmailRecherche`) and returns the matching
 * messages as a list, in UID order.
 *
 * `criteria`: IMAP SEARCH keys in UTF-8, all of which must match: `FROM s`, `TO s`,
 * `CC s`, `BCC s`, `SUBJECT s`, `BODY s`, `TEXT s`, `HEADER name s`, `SINCE d`,
 * `BEFORE d`, `ON d` (the date the server received the message, `1-Jan-2025`),
 * `LARGER n`, `SMALLER n`, `SEEN`, `UNSEEN`, `FLAGGED`, `UNFLAGGED`, `ANSWERED`,
 * `UNANSWERED`, `DELETED`, `UNDELETED`, `DRAFT`, `UNDRAFT`, `KEYWORD k`, `UNKEYWORD k`,
 * `ALL`, `NOT key`, `OR key key`, `( keys )`; keys in any case; a value is a word or a
 * quoted string (`"two words"`, where a backslash escapes a quote or a backslash). The
 * library checks the text, then quotes each value or sends it as a literal, with
 * `CHARSET UTF-8` when a value is not ASCII; ESEARCH is used when the server offers it. NULL or blank criteria: every
 * message. Unlike the reading moves, a search finds messages flagged \Deleted (deleted,
 * not yet removed) unless the criteria say `UNDELETED`; they read `WD_EMAIL_DELETED` = "1".
 * `options`: 0 (whole messages), `WD_READ_HEADER` (headers only, the body
 * fetched on first access of a body field), `WD_READ_KEEP_UNSEEN` (do not set \Seen).
 *
 * Returns a list handle (> 0; `EmailListeNb`, `EmailListeElement`, `EmailLibere`), or 0
 * with `WD_E_INVALID_ARGUMENT` (the criteria, with the reason), `WD_E_NOT_SUPPORTED`
 * (POP3: use `EmailCherchePremier`), `WD_E_UNKNOWN_SESSION`, `WD_E_PROTOCOL` (the
 * server refused the search, its reply in `WD_ERR_SYSTEM_MESSAGE`), network errors.
 * Thread-safe.
 *
 * # Safety
 * `session` and `criteria` are NULL or NUL-terminated strings.
 */
WdEmailList EmailRecherche(const char *session,
                           const char *criteria,
                           int32_t options);

/**
 * English name of `EmailRecherche`.
 * # Safety
 * As `EmailRecherche`.
 */
WdEmailList EmailSearch(const char *session, const char *criteria, int32_t options);

/**
 * Reads the first message matching one criterion into `email` (`EmailCherchePremier`);
 * `EmailChercheSuivant` reads the next ones.
 *
 * `criterion`: `WD_SEEK_BODY` (text or HTML body), `WD_SEEK_MESSAGE_ID` (the value with
 * or without `<>`), `WD_SEEK_SUBJECT`, `WD_SEEK_SENDER` (From, name or address);
 * `value`: UTF-8, compared without regard to case (contained in the field; equal for the
 * Message-ID). IMAP searches on the server (UID SEARCH); POP3 looks at each message's
 * headers (whole messages for `WD_SEEK_BODY`), in order. The message is read whole, as
 * `EmailLitPremier` reads it (IMAP: \Seen set); as the reading moves, a seek passes over
 * deleted messages (IMAP: `UNDELETED`).
 *
 * Returns 1 when a message was read; 0 with no error (`ErreurDetectee()` = 0) and
 * `WD_EMAIL_OUT` = "1" when none matches; 0 with `WD_E_INVALID_ARGUMENT` (unknown
 * criterion, empty value), `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, network and
 * protocol errors, `email` then holding `WD_EMAIL_OUT` = "1" and the message in
 * `WD_EMAIL_ERROR` (as after a failed read). Thread-safe.
 *
 * # Safety
 * `session` and `value` are NULL or NUL-terminated strings.
 */
int32_t EmailCherchePremier(const char *session,
                            WdEmail email,
                            int32_t criterion,
                            const char *value);

/**
 * English name of `EmailCherchePremier`.
 * # Safety
 * As `EmailCherchePremier`.
 */
int32_t EmailSeekFirst(const char *session, WdEmail email, int32_t criterion, const char *value);

/**
 * Reads the next message matching the criterion of the last `EmailCherchePremier` on
 * this session into `email` (`EmailChercheSuivant`).
 *
 * Returns 1 when a message was read; 0 with no error and `WD_EMAIL_OUT` = "1" past the
 * last match; 0 with `WD_E_INVALID_ARGUMENT` (no `EmailCherchePremier` before),
 * `WD_E_INVALID_HANDLE`, `WD_E_UNKNOWN_SESSION`, network and protocol errors, `email`
 * then holding `WD_EMAIL_OUT` = "1" and the message in `WD_EMAIL_ERROR`. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailChercheSuivant(const char *session, WdEmail email);

/**
 * English name of `EmailChercheSuivant`.
 * # Safety
 * As `EmailChercheSuivant`.
 */
int32_t EmailSeekNext(const char *session, WdEmail email);

/**
 * Waits for new mail on the incoming connection of a session (`EmailAttendMessage`).
 *
 * IMAP: IDLE (RFC 2177), sent again every 28 minutes and ended with DONE, or a NOOP
 * every 2 s when the server has no IDLE; a message counts as new when it is not in the
 * session's last listing. POP3 shows new mail only in a new session: every 2 s a fresh
 * connection asks STAT (and QUITs without deleting); when mail came, the session moves
 * to that connection (the deletions it marked are marked there again, still done at
 * `EmailFermeSession`). Either way, once mail came the listing is taken again so that
 * the next `EmailLitSuivant` reads the first new message (after the message the loop was
 * on). A connection the IMAP server closes during the wait (a restart) is opened again
 * once.
 *
 * `seconds`: how long to wait, 0 to look once. Another thread calling any function on
 * this session's incoming connection ends the wait within about 50 ms: the wait returns
 * 0 without error, then that call runs. The call blocks the calling thread.
 *
 * Returns 1 when new mail arrived; 0 with no error (`ErreurDetectee()` = 0) when none
 * came before the delay (or the wait gave way); 0 with `WD_E_INVALID_ARGUMENT`
 * (negative delay), `WD_E_UNKNOWN_SESSION`, network and protocol errors. Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailAttendMessage(const char *session, int32_t seconds);

/**
 * English name of `EmailAttendMessage`.
 * # Safety
 * As `EmailAttendMessage`.
 */
int32_t EmailWaitMessage(const char *session, int32_t seconds);

/**
 * Declares a closed session named `name` of type `WD_SESSION_POP3`, `WD_SESSION_SMTP` or
 * `WD_SESSION_IMAP` (`EmailSessionCree`; the WLangage `emailSessionIMAP` variable).
 *
 * Set its properties with `EmailSessionModifie`, then open it with
 * `EmailOuvreSessionDeclaree`. Returns 1, or 0 with `WD_E_SESSION_EXISTS` (the name is
 * already declared), `WD_E_INVALID_ARGUMENT`. Thread-safe.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
int32_t EmailSessionCree(const char *name, int32_t session_type);

/**
 * English name of `EmailSessionCree`.
 * # Safety
 * As `EmailSessionCree`.
 */
int32_t EmailSessionCreate(const char *name, int32_t session_type);

/**
 * Sets a property of a declared session (`EmailSessionModifie`). `value` is text (numbers
 * as decimal text); NULL or "" clears it. Takes effect at the next open.
 * `WD_PROP_OAUTH_TOKEN` takes a token handle: the session keeps the token (freeing the
 * handle later does not unlink it).
 *
 * Returns 1, or 0 with `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_ARGUMENT` (unknown property,
 * value out of range, CR/LF in a name), `WD_E_INVALID_HANDLE` (a `WD_PROP_OAUTH_TOKEN`
 * that is not a live token handle). Thread-safe.
 *
 * # Safety
 * `name`/`value` are NULL or NUL-terminated strings.
 */
int32_t EmailSessionModifie(const char *name, int32_t property, const char *value);

/**
 * English name of `EmailSessionModifie`.
 * # Safety
 * As `EmailSessionModifie`.
 */
int32_t EmailSessionSet(const char *name, int32_t property, const char *value);

/**
 * Reads a property of a declared session (`EmailSessionPropriete`); numbers come back as
 * decimal text (`WD_PROP_OAUTH_TOKEN`: the token handle, "" when none), the password and
 * the access token as "".
 *
 * Returns a thread-local string valid until the next library call on this thread, or
 * NULL with `WD_E_UNKNOWN_SESSION` / `WD_E_INVALID_ARGUMENT`. Thread-safe.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
const char *EmailSessionPropriete(const char *name, int32_t property);

/**
 * English name of `EmailSessionPropriete`.
 * # Safety
 * As `EmailSessionPropriete`.
 */
const char *EmailSessionGet(const char *name, int32_t property);

/**
 * Lotus Notes sessions drive a local Notes client, which this platform does not have
 * (`EmailOuvreSessionNotes`). Always returns 0 with `WD_E_NOT_SUPPORTED`.
 *
 * # Safety
 * Arguments are not read.
 */
int32_t EmailOuvreSessionNotes(const char *_profile, const char *_password);

/**
 * English name of `EmailOuvreSessionNotes`.
 * # Safety
 * As `EmailOuvreSessionNotes`.
 */
int32_t EmailStartNotesSession(const char *profile, const char *password);

/**
 * Outlook sessions drive a local Outlook client through MAPI, which this platform does not
 * have (`EmailOuvreSessionOutlook`). Always returns 0 with `WD_E_NOT_SUPPORTED`.
 *
 * # Safety
 * Arguments are not read.
 */
int32_t EmailOuvreSessionOutlook(const char *_profile, const char *_password);

/**
 * English name of `EmailOuvreSessionOutlook`.
 * # Safety
 * As `EmailOuvreSessionOutlook`.
 */
int32_t EmailStartOutlookSession(const char *profile, const char *password);

/**
 * Opens a session declared with `EmailSessionCree` (`EmailOuvreSessionDeclaree`):
 * connects, secures (TLS / STARTTLS as `WD_PROP_OPTION` says) and authenticates.
 *
 * Returns 1, or 0 with `WD_E_UNKNOWN_SESSION` (not declared), `WD_E_SESSION_EXISTS`
 * (already open), `WD_E_CONNECT`, `WD_E_TIMEOUT`, `WD_E_TLS`, `WD_E_AUTH`,
 * `WD_E_PROTOCOL` (the server's reply in `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
int32_t EmailOuvreSessionDeclaree(const char *name);

/**
 * English name of `EmailOuvreSessionDeclaree`.
 * # Safety
 * As `EmailOuvreSessionDeclaree`.
 */
int32_t EmailStartDeclaredSession(const char *name);

/**
 * Closes a session (`EmailFermeSession`): waits for its asynchronous queue (bounded by
 * the timeout), sends QUIT / LOGOUT (POP3 deletions happen here) and frees the name. A
 * declared session keeps its declaration and can be opened again.
 *
 * Returns 1, or 0 with `WD_E_UNKNOWN_SESSION`, or the error of a failed QUIT/LOGOUT or of
 * a queue that could not be flushed in time (the name is freed all the same).
 * Thread-safe.
 *
 * # Safety
 * `name` is NULL or a NUL-terminated string.
 */
int32_t EmailFermeSession(const char *name);

/**
 * English name of `EmailFermeSession`.
 * # Safety
 * As `EmailFermeSession`.
 */
int32_t EmailCloseSession(const char *name);

/**
 * Sets the global timeout (`EmailChangeTimeOut`), in seconds.
 *
 * `seconds`: 1 .. 86400. Bounds every connection attempt and every wait for a reply of
 * sessions opened afterwards (and of open sessions that did not set their own).
 * Returns 1, or 0 with `WD_E_INVALID_ARGUMENT` for a value out of range. Thread-safe.
 */
int32_t EmailChangeTimeOut(int32_t seconds);

/**
 * English name of `EmailChangeTimeOut`.
 */
int32_t EmailSetTimeOut(int32_t seconds);

/**
 * Returns the global timeout in seconds (default 600). Never fails. Thread-safe.
 */
int32_t EmailLitTimeOut(void);

/**
 * English name of `EmailLitTimeOut`.
 */
int32_t EmailGetTimeOut(void);

/**
 * Sets a global parameter (`EmailParametre`).
 *
 * `parameter`: `WD_PARAM_MODE` is accepted for compatibility and has no effect;
 * `WD_PARAM_MIN_SPEED` sets the minimum average speed of a reply in bytes per second
 * (`value` >= 0, default 1024; connections opened afterwards); `WD_PARAM_DATE_FORMAT`
 * with `WD_DATE_RFC3339` (the default) or `WD_DATE_WLANGAGE` sets how `WD_EMAIL_DATE`
 * reads for every message of the process (a WLangage DateHeure `AAAAMMJJHHMMSS` in
 * local time, or RFC 3339; both are accepted when set). Returns 1, or 0 with
 * `WD_E_INVALID_ARGUMENT` for an unknown parameter or a value out of range. Thread-safe.
 */
int32_t EmailParametre(int32_t parameter, int32_t value);

/**
 * English name of `EmailParametre`.
 */
int32_t EmailConfigure(int32_t parameter, int32_t value);

/**
 * Appends a protocol transcript of every session to the file `path` (`EmailTrace`).
 *
 * Commands and replies are written one per line, prefixed by an ISO 8601 UTC timestamp
 * with milliseconds (`2026-12-01T15:30:00.123Z`), the protocol and `C:` (client), `S:`
 * (server) or `*` (a note); passwords, tokens and SASL exchanges are masked as `****`
 * (`EmailTraceFonction` receives the same lines). `path` NULL stops the file. A new file is created readable and writable by its owner only (mode 0600
 * on unix). Returns 1, or 0 with `WD_E_IO` when the file cannot be opened,
 * `WD_E_INVALID_ARGUMENT` for a non-UTF-8 path. Process-wide setting; thread-safe.
 *
 * # Safety
 * `path` is NULL or a NUL-terminated string.
 */
int32_t EmailTrace(const char *path);

/**
 * English name of `EmailTrace`.
 * # Safety
 * As `EmailTrace`.
 */
int32_t EmailSetTrace(const char *path);

/**
 * Returns the library version, e.g. "0.1.0" (static string, never NULL, never freed).
 * Does not change the error state. Thread-safe.
 */
const char *EmailVersion(void);

/**
 * Sets the progress callback of a session (`EmailJauge`): `callback(done, total,
 * user_data)` is called while that session moves message data — sending (the bytes of
 * the built source written; `total` its size), reading (`EmailLit…`,
 * `EmailRecupereTout`, completing a message read with headers only: the bytes received;
 * `total` the size the server listed, -1 when unknown as for headers only), appending
 * (`EmailAjouteMessage`) — and by `EmailSauveFichierAttache` (the bytes written) for the
 * process-wide callback.
 *
 * `session`: the name of an open or declared session, or NULL (or "") for the
 * process-wide callback, used by the sessions that set none and by work that belongs to
 * no session. A session's callback lasts as long as its name (a declared session keeps
 * it across closing and opening). `callback`: NULL removes it (`user_data` is then
 * ignored). `user_data`: passed to every call, untouched.
 *
 * The calls: one when a transfer starts (`done` = 0), then at most every 64 KiB or
 * 100 ms, and a last one with `done == total` (an unknown total: the bytes moved);
 * `done` never decreases. Returning 0 cancels: the call fails with `WD_E_CANCELLED` and
 * nothing partial is kept — SMTP: a message whose data had started to leave is never
 * completed (its connection is dropped without the final dot, and the next send
 * reconnects); IMAP: the connection is dropped and opened again at the next call; POP3:
 * the connection is closed without QUIT (nothing deleted), the next call fails with
 * `WD_E_CONNECTION_LOST`. Any other value goes on. The last call of a send comes before
 * the end of the message leaves, so it can still cancel; the last call of a read,
 * when the data is already in, cannot. An asynchronous SMTP session reports no
 * progress (its sends run after `EmailEnvoieMessage` returned).
 *
 * Threads: the callback runs on the thread that made the call (for `EmailRecupereTout`
 * with `WD_READ_ASYNC`, on the library's thread filling the list), with no library
 * lock held that it could need: it may call any library function except one on the
 * connection whose call it reports on, which fails at once with `WD_E_RECURSIVE_CALL`.
 * It must return normally (no longjmp, no C++ exception through the library).
 *
 * Returns 1, or 0 with `WD_E_UNKNOWN_SESSION` (no session of that name),
 * `WD_E_INVALID_ARGUMENT` (name not UTF-8). Thread-safe.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string. `callback`, when not NULL, must be safe
 * to call with these arguments from the threads named above until it is replaced;
 * `user_data` must stay valid as long.
 */
int32_t EmailJauge(const char *session, WdProgressCallback callback, void *user_data);

/**
 * English name of `EmailJauge`.
 * # Safety
 * As `EmailJauge`.
 */
int32_t EmailProgressBar(const char *session, WdProgressCallback callback, void *user_data);

/**
 * Sets the transcript callback of the process (`EmailTraceFonction`):
 * `callback(session, direction, line, user_data)` receives every transcript line of
 * every session, as `EmailTrace` writes it to its file (both may be on): `line` starts
 * with an ISO 8601 UTC timestamp with milliseconds, then the protocol and the
 * direction mark (`2026-12-01T15:30:00.123Z SMTP C: EHLO localhost`), credentials
 * masked as `****` exactly as in the file; `session` is the name of the session the
 * line belongs to ("" for none, e.g. an OAuth2 flow); `direction` is `WD_TRACE_INFO`
 * (a note), `WD_TRACE_CLIENT` or `WD_TRACE_SERVER`. Strings valid during the call only.
 *
 * `callback`: NULL stops it (`user_data` is then ignored). One callback for the
 * process; a later call replaces it. A line being delivered on another thread at that
 * moment may still reach the previous one: keep its `user_data` alive until no call is
 * in progress.
 *
 * Threads: called on the thread that wrote the line — the thread of the call, or a
 * thread of the library working for a session (asynchronous sending, a list filled in
 * the background) — with no library lock held that it could need: it may call any
 * library function except one on the connection whose call it reports on
 * (`WD_E_RECURSIVE_CALL`); the lines written by such calls go to the file only, never
 * back to the callback. It must return normally (no longjmp).
 *
 * Returns 1. Thread-safe.
 *
 * # Safety
 * `callback`, when not NULL, must be safe to call with these arguments from any thread
 * until it is replaced; `user_data` must stay valid as long.
 */
int32_t EmailTraceFonction(WdTraceCallback callback, void *user_data);

/**
 * English name of `EmailTraceFonction`.
 * # Safety
 * As `EmailTraceFonction`.
 */
int32_t EmailTraceCallback(WdTraceCallback callback, void *user_data);

/**
 * Opens an SMTP session named `user` (`EmailOuvreSessionSMTP`).
 *
 * `user`: login and session name (not NULL). `password`: NULL (or "") = no AUTH,
 * otherwise AUTH with the strongest mechanism both sides support. `server`: host name
 * or address. `port`: 0 = 25, or 465 with `WD_OPTION_SSL`, 587 with
 * `WD_OPTION_SECURED_TLS`. `asynchronous`: 1 = `EmailEnvoieMessage` queues and returns
 * at once (see `EmailEtat`). `option`: `WD_OPTION_NONE`, `WD_OPTION_SSL` (implicit TLS)
 * or `WD_OPTION_SECURED_TLS` (STARTTLS required: an error if not offered).
 *
 * Returns 1, or 0 with `WD_E_INVALID_ARGUMENT`, `WD_E_SESSION_EXISTS`, `WD_E_CONNECT`,
 * `WD_E_TIMEOUT`, `WD_E_TLS`, `WD_E_AUTH`, `WD_E_PROTOCOL` (server reply in
 * `WD_ERR_SYSTEM_MESSAGE`). Thread-safe.
 *
 * # Safety
 * `user`, `server` are NULL or NUL-terminated; `password` NULL or NUL-terminated.
 */
int32_t EmailOuvreSessionSMTP(const char *user,
                              const char *password,
                              const char *server,
                              int32_t port,
                              int32_t asynchronous,
                              int32_t option);

/**
 * English name of `EmailOuvreSessionSMTP`.
 * # Safety
 * As `EmailOuvreSessionSMTP`.
 */
int32_t EmailStartSMTPSession(const char *user,
                              const char *password,
                              const char *server,
                              int32_t port,
                              int32_t asynchronous,
                              int32_t option);

/**
 * Sends a message through the SMTP connection of a session (`EmailEnvoieMessage`).
 *
 * `session`: session name. `email`: message handle, 0 = the legacy structure; its
 * source is built when needed. MAIL FROM is the bare `WD_EMAIL_SENDER`, RCPT TO every
 * To, Cc and Bcc (Bcc is left out of the headers unless `WD_SEND_HEADER_BCC`).
 * `options`: 0, or a sum of `WD_SEND_ENCODE_HEADER` (the source is rebuilt with every
 * text header encoded), `WD_SEND_HEADER_BCC` (rebuilt with the Bcc header, which is
 * sent), and the delivery status notifications (RFC 3461) `WD_SEND_DSN_SUCCESS`,
 * `WD_SEND_DSN_FAILURE`, `WD_SEND_DSN_DELAY` (`NOTIFY=` on each RCPT) and
 * `WD_SEND_DSN_HEADERS` (`RET=HDRS`), asked when the server offers DSN (otherwise the
 * message goes without, noted in the transcript).
 * Recipients the server refused are listed in `WD_EMAIL_REFUSED` ("addr: reply"); the
 * message still goes to the others. On an asynchronous session the message is queued
 * and `WD_EMAIL_MAIL_ID` is set for `EmailEtat`. On failure the message is also in
 * `WD_EMAIL_ERROR`.
 *
 * Returns 1, or 0 with `WD_E_UNKNOWN_SESSION`, `WD_E_INVALID_HANDLE`,
 * `WD_E_INVALID_ARGUMENT` (no sender or recipient, unknown option), `WD_E_MESSAGE`
 * (cannot build, or larger than the server's limit), `WD_E_RECIPIENT_REFUSED` (every
 * recipient refused; the first reply in the message), `WD_E_PROTOCOL`, `WD_E_TIMEOUT`,
 * `WD_E_CONNECTION_LOST`, `WD_E_IO` (spool). Thread-safe; sends on one session are
 * serialized.
 *
 * # Safety
 * `session` is NULL or a NUL-terminated string.
 */
int32_t EmailEnvoieMessage(const char *session, WdEmail email, int32_t options);

/**
 * English name of `EmailEnvoieMessage`.
 * # Safety
 * As `EmailEnvoieMessage`.
 */
int32_t EmailSendMessage(const char *session, WdEmail email, int32_t options);

/**
 * Sends a ready RFC 5322 message from a file (`EmailEnvoie`), as it is: MAIL FROM the
 * first address of its `From`, RCPT TO every address of its `To`, `Cc` and `Bcc`; the
 * Bcc header lines are removed and line ends made CRLF (dot-stuffed, or sent with BDAT
 * when the server offers CHUNKING), nothing else changed. On an asynchronous session
 * the message is queued (follow it with `EmailEtat`: the id is not returned here).
 *
 * `session`: session name (an open SMTP connection). `path`: the file (`.eml`), a
 * regular file of at most 512 MiB. Returns 1, or 0 with `WD_E_IO` (file missing,
 * unreadable, not a regular file, too large), `WD_E_MESSAGE` (no header, no From
 * address), `WD_E_INVALID_ARGUMENT` (no recipient), `WD_E_UNKNOWN_SESSION`,
 * `WD_E_RECIPIENT_REFUSED`, `WD_E_PROTOCOL`, network errors. Thread-safe.
 *
 * # Safety
 * `session` and `path` are NULL or NUL-terminated strings.
 */
int32_t EmailEnvoie(const char *session, const char *path);

/**
 * English name of `EmailEnvoie`.
 * # Safety
 * As `EmailEnvoie`.
 */
int32_t EmailSend(const char *session, const char *path);

/**
 * State of an asynchronously sent message (`EmailEtat`).
 *
 * `mail_id`: the `WD_EMAIL_MAIL_ID` set by `EmailEnvoieMessage` (1 to 2147483647, never
 * given twice in a process). Returns `WD_STATUS_PENDING`, `WD_STATUS_SENT`, or
 * `WD_STATUS_ERROR` — then the thread's error state holds why (`ErreurInfo`) — or -1
 * with `WD_E_INVALID_ARGUMENT` for an unknown id. Thread-safe.
 */
int32_t EmailEtat(int32_t mail_id);

/**
 * English name of `EmailEtat`.
 */
int32_t EmailStatus(int32_t mail_id);

/**
 * Checks an address (`EmailVerifieAdresse`): its syntax, then, with a session, whether
 * the SMTP server accepts it as a recipient (MAIL FROM / RCPT TO / RSET; nothing sent).
 *
 * `address`: "addr@host" or "Name <addr@host>". `session`: NULL = syntax only.
 * Returns `WD_ADDRESS_VALID`, `WD_ADDRESS_INCORRECT_SYNTAX`, `WD_ADDRESS_REFUSED`, or
 * `WD_ADDRESS_ERROR` with the error state set (`WD_E_INVALID_ARGUMENT` for NULL,
 * `WD_E_UNKNOWN_SESSION`, network and protocol errors). Thread-safe.
 *
 * # Safety
 * `address` and `session` are NULL or NUL-terminated strings.
 */
int32_t EmailVerifieAdresse(const char *address, const char *session);

/**
 * English name of `EmailVerifieAdresse`.
 * # Safety
 * As `EmailVerifieAdresse`.
 */
int32_t EmailCheckAddress(const char *address, const char *session);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* WD300COM_H */
