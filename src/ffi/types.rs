//! Every handle typedef and `WD_*` constant exported to C, in one place.
//!
//! cbindgen writes the constants into include/wd300com.h in the order of this file, and
//! the committed header is checked: add a constant at the end of its group, and a new
//! group at the end of the file.

// ---- Handle typedefs (int32_t in C) ----
/// What every handle type derives, written once: copied, compared and printed as the
/// integer it wraps.
macro_rules! handle_traits {
    ($($t:ident),*) => {$(
        impl Clone for $t {
            fn clone(&self) -> $t {
                *self
            }
        }
        impl Copy for $t {}
        impl PartialEq for $t {
            fn eq(&self, other: &$t) -> bool {
                self.0 == other.0
            }
        }
        impl Eq for $t {}
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($t)).field(&self.0).finish()
            }
        }
    )*};
}
handle_traits!(WdEmail, WdOAuth2Params, WdAuthToken, WdEmailList);

/// A message handle (`Email` variable). 0 is the calling thread's legacy `Email` structure.
#[repr(transparent)]
pub struct WdEmail(pub i32);

/// An OAuth2 parameters handle (`OAuth2Paramètres` variable).
#[repr(transparent)]
pub struct WdOAuth2Params(pub i32);

/// An OAuth2 token handle (`AuthToken` variable).
#[repr(transparent)]
pub struct WdAuthToken(pub i32);

/// A message list handle returned by `EmailRecupereTout`.
#[repr(transparent)]
pub struct WdEmailList(pub i32);

/// The device-code prompt set with `AuthInviteFonction`: called with the verification
/// address the user must open, the code to enter there and the `user_data` given with
/// it. Both strings are valid only during the call.
pub type WdPromptCallback = Option<
    unsafe extern "C" fn(
        uri: *const std::ffi::c_char,
        user_code: *const std::ffi::c_char,
        user_data: *mut std::ffi::c_void,
    ),
>;

/// The progress callback set with `EmailJauge`: called during a transfer with the bytes
/// moved so far (`done`), the size announced (`total`, -1 when unknown) and the
/// `user_data` given with it. Returns 0 to cancel the transfer (`WD_E_CANCELLED`), any
/// other value to go on.
pub type WdProgressCallback =
    Option<unsafe extern "C" fn(done: i64, total: i64, user_data: *mut std::ffi::c_void) -> i32>;

/// The transcript callback set with `EmailTraceFonction`: called with the name of the
/// session the line belongs to ("" for none), its direction (`WD_TRACE_*`), the line as
/// written to the transcript file and the `user_data` given with it. The strings are
/// valid only during the call.
pub type WdTraceCallback = Option<
    unsafe extern "C" fn(
        session: *const std::ffi::c_char,
        direction: i32,
        line: *const std::ffi::c_char,
        user_data: *mut std::ffi::c_void,
    ),
>;

// ---- ErreurInfo selectors ----
/// `ErreurInfo` selector: the one-line message.
pub const WD_ERR_MESSAGE: i32 = 1;
/// `ErreurInfo` selector: the numeric `WD_E_*` code as decimal text.
pub const WD_ERR_CODE: i32 = 2;
/// `ErreurInfo` selector: the server's last reply or the OS error text.
pub const WD_ERR_SYSTEM_MESSAGE: i32 = 3;
/// `ErreurInfo` selector: all of the above on several lines.
pub const WD_ERR_FULL_DETAILS: i32 = 4;
/// `ErreurInfo` selector 0, WLangage's `ErreurInfo()` without argument: the full details.
pub const WD_ERR_DEFAULT: i32 = 0;

// ---- OAuth2ParametresModifie / OAuth2ParametresPropriete ----
/// OAuth2 parameter: client identifier given by the authorization server.
pub const WD_OAUTH_CLIENT_ID: i32 = 1;
/// OAuth2 parameter: client secret (empty for a public client; reads back as "").
pub const WD_OAUTH_CLIENT_SECRET: i32 = 2;
/// OAuth2 parameter: authorization endpoint URL (opened in the browser).
pub const WD_OAUTH_AUTH_URL: i32 = 3;
/// OAuth2 parameter: token endpoint URL (https; plain http only on loopback hosts).
pub const WD_OAUTH_TOKEN_URL: i32 = 4;
/// OAuth2 parameter: requested scopes, separated by spaces.
pub const WD_OAUTH_SCOPE: i32 = 5;
/// OAuth2 parameter: loopback redirect URL, e.g. `http://localhost:9000` (port 0: any
/// free port, the redirect URI then names the port actually used).
pub const WD_OAUTH_REDIRECT_URL: i32 = 6;
/// OAuth2 parameter: response type; only `code` (the default) is supported.
pub const WD_OAUTH_RESPONSE_TYPE: i32 = 7;
/// OAuth2 parameter: the grant `AuthIdentifie` uses: `authorization_code` (the default),
/// `client_credentials`, or `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628; then
/// `WD_OAUTH_AUTH_URL` is the device authorization endpoint).
pub const WD_OAUTH_GRANT_TYPE: i32 = 8;
/// OAuth2 parameter: `k=v&k2=v2` added to the authorization request (the browser's URL,
/// the device authorization request; the token request of `client_credentials`).
pub const WD_OAUTH_ADDITIONAL_PARAMETERS: i32 = 9;
/// OAuth2 parameter: path of an extra trusted CA certificate (PEM) for the token and
/// device authorization endpoints.
pub const WD_OAUTH_CA_FILE: i32 = 10;

// ---- AuthTokenPropriete ----
/// Token property: the access token (for `WD_PROP_AUTH_TOKEN`).
pub const WD_TOKEN_VALUE: i32 = 1;
/// Token property: the refresh token ("" when none was granted).
pub const WD_TOKEN_REFRESH: i32 = 2;
/// Token property: expiry time, RFC 3339 UTC ("" when the server gave no lifetime).
pub const WD_TOKEN_EXPIRATION: i32 = 3;
/// Token property: "1" while the token has not expired, "0" after.
pub const WD_TOKEN_VALID: i32 = 4;

// ---- Reading options (EmailLit…, EmailRecupereTout, EmailNbMessage) ----
/// Reading option: every message, whole (the default; 0 has the same meaning for the
/// `EmailLit…` functions). For `EmailRecupereTout` it asks for whole messages at once
/// instead of headers completed on first access.
pub const WD_READ_ALL: i32 = 8;
/// Reading option: unseen messages only (IMAP only; POP3 fails with WD_E_NOT_SUPPORTED).
pub const WD_READ_UNREAD: i32 = 1;
/// Reading option: headers only (bodies are fetched on first access of a body field).
pub const WD_READ_HEADER: i32 = 2;
/// Reading option: do not set the \Seen flag (IMAP).
pub const WD_READ_KEEP_UNSEEN: i32 = 4;
/// `EmailRecupereTout` option (`ertAsynchronous`): returns the list at once and fills it
/// in the background (`EmailListeNb` grows; `EmailListeEtat` tells when it is complete).
pub const WD_READ_ASYNC: i32 = 16;

// ---- EmailSessionCree session types ----
/// Session type for `EmailSessionCree`: POP3.
pub const WD_SESSION_POP3: i32 = 1;
/// Session type for `EmailSessionCree`: SMTP.
pub const WD_SESSION_SMTP: i32 = 2;
/// Session type for `EmailSessionCree`: IMAP.
pub const WD_SESSION_IMAP: i32 = 3;

// ---- WD_PROP_OPTION values ----
/// `WD_PROP_OPTION` value: plain TCP.
pub const WD_OPTION_NONE: i32 = 0;
/// `WD_PROP_OPTION` value: implicit TLS (SSL) from the first byte.
pub const WD_OPTION_SSL: i32 = 1;
/// `WD_PROP_OPTION` value: STARTTLS required (an error if the server does not offer it).
pub const WD_OPTION_SECURED_TLS: i32 = 2;

// ---- Session properties (EmailSessionModifie / EmailSessionPropriete) ----
/// Session property: server host name or address.
pub const WD_PROP_SERVER_ADDRESS: i32 = 1;
/// Session property: port (0 = the default of the protocol and security option).
pub const WD_PROP_PORT: i32 = 2;
/// Session property: login.
pub const WD_PROP_USER: i32 = 3;
/// Session property: password (reads back as "").
pub const WD_PROP_PASSWORD: i32 = 4;
/// Session property: `WD_OPTION_*`.
pub const WD_PROP_OPTION: i32 = 5;
/// Session property: OAuth2 access token for XOAUTH2/OAUTHBEARER (reads back as "").
pub const WD_PROP_AUTH_TOKEN: i32 = 6;
/// Session property: `WD_AUTH_*`.
pub const WD_PROP_AUTH_METHOD: i32 = 7;
/// Session property: 1 = accept invalid/expired/self-signed certificates and name mismatch.
pub const WD_PROP_IGNORE_ERROR: i32 = 8;
/// Session property: path of an extra trusted CA certificate (PEM).
pub const WD_PROP_CA_FILE: i32 = 9;
/// Session property: timeout in seconds (0 = the global timeout).
pub const WD_PROP_TIMEOUT: i32 = 10;
/// Session property: 1 = asynchronous sending (SMTP).
pub const WD_PROP_ASYNCHRONOUS: i32 = 11;
/// Session property: name sent in EHLO (default "localhost").
pub const WD_PROP_CLIENT_NAME: i32 = 12;
/// Session property: IMAP folder selected at open (default "INBOX").
pub const WD_PROP_FOLDER: i32 = 13;
/// Session property: directory of the on-disk asynchronous queue (SMTP), created for its
/// owner only (0700 on unix, files 0600); only regular files the queue wrote are sent.
pub const WD_PROP_SPOOL_DIR: i32 = 14;
/// Session property: connections an asynchronous SMTP session sends on, 1 (default) to
/// 16; with more than one, messages may leave in another order than queued.
pub const WD_PROP_CONNECTIONS: i32 = 15;
/// Session property: largest message read or sent, in bytes (default 268435456 = 256 MiB,
/// at most 536870912; "" or 0 = the default). A larger message is refused with
/// `WD_E_MESSAGE`, never buffered; each reply's memory budget derives from it (over it:
/// `WD_E_PROTOCOL`, and the connection is closed).
pub const WD_PROP_MAX_MESSAGE_SIZE: i32 = 16;
/// Session property: a token handle (`AuthIdentifie`), as decimal text, to sign in with
/// XOAUTH2/OAUTHBEARER: its current access token is used, and when the server refuses
/// it, the token is refreshed in place and the sign-in tried once more. "" or "0" unlinks.
pub const WD_PROP_OAUTH_TOKEN: i32 = 17;
/// Session property: the proxy of the session's connections: `socks5://[user:password@]host:port`
/// (SOCKS5; the client resolves the server's name), `socks5h://…` (the proxy resolves it),
/// `http://[user:password@]host:port` (HTTP CONNECT, Basic sign-in); port 1080 when
/// omitted; `%XX` escapes in the user name and password. "" (default) = the environment's
/// `all_proxy` / `ALL_PROXY`, as curl; "direct" = no proxy whatever the environment says.
/// `no_proxy` / `NO_PROXY` applies to both. Reads back with the password as `****`. A
/// refusal by the proxy is `WD_E_CONNECT`, its reply in `WD_ERR_SYSTEM_MESSAGE`.
pub const WD_PROP_PROXY: i32 = 18;
/// Session property: seconds of idleness after which a NOOP keeps an IMAP, POP3 or
/// synchronous SMTP connection alive, 0 (default, off) to 86400. Sent by a thread of the
/// session that never runs during a call or a wait.
pub const WD_PROP_KEEPALIVE: i32 = 19;

// ---- WD_PROP_AUTH_METHOD values ----
/// `WD_PROP_AUTH_METHOD`: every method both sides support, strongest first, the next
/// one after a refusal. With a token the server takes: OAUTHBEARER, XOAUTH2; otherwise
/// with the password: SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, APOP, PLAIN, LOGIN, then
/// POP3 USER/PASS or IMAP LOGIN. The last refusal is reported.
pub const WD_AUTH_AUTO: i32 = 0;
/// SASL PLAIN.
pub const WD_AUTH_PLAIN: i32 = 1;
/// SASL LOGIN.
pub const WD_AUTH_LOGIN: i32 = 2;
/// SASL CRAM-MD5.
pub const WD_AUTH_CRAM_MD5: i32 = 3;
/// SASL XOAUTH2 (token in `WD_PROP_AUTH_TOKEN`).
pub const WD_AUTH_XOAUTH2: i32 = 4;
/// SASL OAUTHBEARER (token in `WD_PROP_AUTH_TOKEN`).
pub const WD_AUTH_OAUTHBEARER: i32 = 5;
/// POP3 APOP.
pub const WD_AUTH_APOP: i32 = 6;
/// POP3 USER/PASS, IMAP LOGIN.
pub const WD_AUTH_USER_PASS: i32 = 7;
/// SASL SCRAM-SHA-256 (RFC 7677), the server's signature checked.
pub const WD_AUTH_SCRAM_SHA_256: i32 = 8;
/// SASL SCRAM-SHA-1 (RFC 5802), the server's signature checked.
pub const WD_AUTH_SCRAM_SHA_1: i32 = 9;

// ---- EmailEtat ----
/// `EmailEtat`: the message is queued, not sent yet.
pub const WD_STATUS_PENDING: i32 = 1;
/// `EmailEtat`: the server accepted the message.
pub const WD_STATUS_SENT: i32 = 2;
/// `EmailEtat`: sending failed; `ErreurInfo` tells why.
pub const WD_STATUS_ERROR: i32 = 3;

// ---- EmailVerifieAdresse ----
/// `EmailVerifieAdresse`: the syntax is valid (and the server accepted it as recipient
/// when a session was given).
pub const WD_ADDRESS_VALID: i32 = 1;
/// `EmailVerifieAdresse`: the address is not syntactically valid.
pub const WD_ADDRESS_INCORRECT_SYNTAX: i32 = 2;
/// `EmailVerifieAdresse`: the server refused the address at RCPT TO.
pub const WD_ADDRESS_REFUSED: i32 = 3;
/// `EmailVerifieAdresse`: the check could not be made (see `ErreurInfo`).
pub const WD_ADDRESS_ERROR: i32 = 4;

// ---- Message properties (EmailPropriete / EmailModifiePropriete) ----
/// Sender address (`Email.Expediteur`).
pub const WD_EMAIL_SENDER: i32 = 1;
/// Array: To recipients (`Email.Destinataire`).
pub const WD_EMAIL_RECIPIENT: i32 = 2;
/// Array: Cc recipients (`Email.Cc`).
pub const WD_EMAIL_CC: i32 = 3;
/// Array: Bcc recipients (`Email.Cci`).
pub const WD_EMAIL_BCC: i32 = 4;
/// Reply-To address.
pub const WD_EMAIL_REPLY_TO: i32 = 5;
/// Subject (`Email.Sujet`).
pub const WD_EMAIL_SUBJECT: i32 = 6;
/// Text body (`Email.Message`).
pub const WD_EMAIL_MESSAGE: i32 = 7;
/// HTML body (`Email.HTML`).
pub const WD_EMAIL_HTML: i32 = 8;
/// Date: RFC 3339 (or a WLangage DateHeure `AAAAMMJJHHMMSS` in local time after `EmailParametre(WD_PARAM_DATE_FORMAT, WD_DATE_WLANGAGE)`); set as RFC 3339, DateHeure (8, 14, 16 or 17 digits, local time) or RFC 5322 (`Email.Date`).
pub const WD_EMAIL_DATE: i32 = 9;
/// Message-ID without angle brackets (`Email.MessageID`).
pub const WD_EMAIL_MESSAGE_ID: i32 = 10;
/// Priority 1 (high) .. 5 (low), 0 unset; `WD_PRIORITY_HIGH`, `_NORMAL`, `_LOW` (`Email.Priorité`).
pub const WD_EMAIL_PRIORITY: i32 = 11;
/// Read receipt asked, "1" or "0" (set: 1/0, or the address to send it to) (`Email.AccuséRéception`).
pub const WD_EMAIL_DISPOSITION_NOTIFICATION: i32 = 12;
/// Array: attachment file names (`Email.Attache[i].Nom`).
pub const WD_EMAIL_ATTACHMENT_NAME: i32 = 13;
/// Array: attachment MIME types (`Email.Attache[i].Type`).
pub const WD_EMAIL_ATTACHMENT_TYPE: i32 = 14;
/// Array: attachment Content-IDs, empty for non-inline parts (`Email.Attache[i].Identifiant`).
pub const WD_EMAIL_ATTACHMENT_CONTENT_ID: i32 = 15;
/// POP3 UIDL or IMAP UID (`Email.Identifiant`), read-only.
pub const WD_EMAIL_UID: i32 = 16;
/// Message number in the mailbox, 1-based (`Email.Numéro`), read-only.
pub const WD_EMAIL_NUMBER: i32 = 17;
/// Size in bytes (`Email.Taille`), read-only.
pub const WD_EMAIL_SIZE: i32 = 18;
/// IMAP \Seen flag, "1" or "0" (`Email.Lu`).
pub const WD_EMAIL_SEEN: i32 = 19;
/// "1" when a read function found no message (`Email.EnDehors`), read-only.
pub const WD_EMAIL_OUT: i32 = 20;
/// Asynchronous send identifier for `EmailEtat` (`Email.IdentifiantMail`), read-only.
pub const WD_EMAIL_MAIL_ID: i32 = 21;
/// Array: recipients refused at the last send, `addr: server reply`, read-only.
pub const WD_EMAIL_REFUSED: i32 = 22;
/// Array: attachment file names as the message carries them (decoded, before `WD_EMAIL_ATTACHMENT_NAME` made them safe; "" for a part sent without a name), read-only.
pub const WD_EMAIL_ATTACHMENT_RAW_NAME: i32 = 23;
/// Address the read receipt goes to ("": the sender's); setting one asks a receipt.
pub const WD_EMAIL_DISPOSITION_NOTIFICATION_TO: i32 = 24;
/// Number of To recipients (set: keeps the first N, as WinDev uses only those) (`Email.NbDestinataire`).
pub const WD_EMAIL_NB_RECIPIENT: i32 = 25;
/// Number of attachments (set: keeps the first N) (`Email.NbAttache`).
pub const WD_EMAIL_NB_ATTACHMENT: i32 = 26;
/// Message of the last read or send of this message that failed, "" after a success (`Email.Erreur`), read-only.
pub const WD_EMAIL_ERROR: i32 = 27;
/// Sensitivity: "" (normal), "personal", "private" or "company-confidential" (`WD_CONFIDENTIALITY_*`) (`Email.Confidentialité`).
pub const WD_EMAIL_CONFIDENTIALITY: i32 = 28;
/// Address replies go to: Reply-To, else the sender (set: Reply-To) (`Email.AdresseExpéditeur`).
pub const WD_EMAIL_SENDER_ADDRESS: i32 = 29;
/// IMAP `\Flagged` flag, "1" or "0" (written by `EmailMiseAJour`).
pub const WD_EMAIL_FLAGGED: i32 = 30;
/// IMAP `\Answered` flag, "1" or "0" (written by `EmailMiseAJour`).
pub const WD_EMAIL_ANSWERED: i32 = 31;
/// IMAP `\Draft` flag, "1" or "0" (written by `EmailMiseAJour`).
pub const WD_EMAIL_DRAFT: i32 = 32;
/// IMAP `\Deleted` flag, "1" or "0"; "1" after `EmailSupprimeMessage`; written by `EmailMiseAJour` as a deletion (carried out at `EmailDetruit`, a folder change or the close; "0" takes it back before).
pub const WD_EMAIL_DELETED: i32 = 33;
/// Array: IMAP keywords (flags without a backslash, e.g. `$Forwarded`), written by `EmailMiseAJour`.
pub const WD_EMAIL_KEYWORDS: i32 = 34;

// ---- EmailConstruitSource options ----
/// Encode non-ASCII header values (RFC 2047). Always done; accepted for compatibility.
pub const WD_BUILD_ENCODE_HEADER: i32 = 1;
/// Write the Bcc header into the source (it is left out by default).
pub const WD_BUILD_HEADER_BCC: i32 = 2;

// ---- EmailParametre ----
/// `EmailParametre(WD_PARAM_MODE, v)`: accepted for compatibility, no effect.
pub const WD_PARAM_MODE: i32 = 1;
/// `EmailParametre(WD_PARAM_MIN_SPEED, v)`: a reply must move at least `v` bytes per second
/// on average over every window of the timeout's length, or fail with `WD_E_TIMEOUT`
/// (default 1024; 0: only some progress within each timeout). Connections opened
/// afterwards.
pub const WD_PARAM_MIN_SPEED: i32 = 2;
/// `EmailParametre(WD_PARAM_DATE_FORMAT, v)`: how `WD_EMAIL_DATE` reads, `WD_DATE_RFC3339`
/// (the default) or `WD_DATE_WLANGAGE`; process-wide.
pub const WD_PARAM_DATE_FORMAT: i32 = 3;

// ---- WD_PARAM_DATE_FORMAT values ----
/// Dates read as RFC 3339 (`2024-03-01T10:20:30+01:00`), the default.
pub const WD_DATE_RFC3339: i32 = 0;
/// Dates read as WLangage DateHeure in local time (`20240301102030`).
pub const WD_DATE_WLANGAGE: i32 = 1;

// ---- EmailEnvoieMessage options ----
/// Encode every text header (RFC 2047), ASCII ones too, when the source is built for
/// sending (`emailOptionEncodeEntête`); non-ASCII headers are always encoded.
pub const WD_SEND_ENCODE_HEADER: i32 = 1;
/// Send the Bcc header (`emailOptionEntêteCci`): every recipient sees the Bcc addresses.
pub const WD_SEND_HEADER_BCC: i32 = 2;
/// Ask a delivery status notification on success (RFC 3461 `NOTIFY=SUCCESS`; used when
/// the server offers DSN).
pub const WD_SEND_DSN_SUCCESS: i32 = 4;
/// Ask a delivery status notification on failure (`NOTIFY=FAILURE`).
pub const WD_SEND_DSN_FAILURE: i32 = 8;
/// Ask a delivery status notification when delivery is delayed (`NOTIFY=DELAY`).
pub const WD_SEND_DSN_DELAY: i32 = 16;
/// Delivery status notifications carry the headers only (`RET=HDRS`), not the message.
pub const WD_SEND_DSN_HEADERS: i32 = 32;

// ---- WD_EMAIL_PRIORITY values (text) ----
/// `WD_EMAIL_PRIORITY` value: high (`emailHighPriority`).
pub const WD_PRIORITY_HIGH: &str = "1";
/// `WD_EMAIL_PRIORITY` value: normal.
pub const WD_PRIORITY_NORMAL: &str = "3";
/// `WD_EMAIL_PRIORITY` value: low (`emailLowPriority`).
pub const WD_PRIORITY_LOW: &str = "5";

// ---- WD_EMAIL_CONFIDENTIALITY values (text) ----
/// `WD_EMAIL_CONFIDENTIALITY` value: normal (no Sensitivity header).
pub const WD_CONFIDENTIALITY_NORMAL: &str = "";
/// `WD_EMAIL_CONFIDENTIALITY` value: personal (`Sensitivity: Personal`).
pub const WD_CONFIDENTIALITY_PERSONAL: &str = "personal";
/// `WD_EMAIL_CONFIDENTIALITY` value: private (`Sensitivity: Private`).
pub const WD_CONFIDENTIALITY_PRIVATE: &str = "private";
/// `WD_EMAIL_CONFIDENTIALITY` value: company confidential (`emailCompanyConfidential`,
/// `Sensitivity: Company-Confidential`).
pub const WD_CONFIDENTIALITY_COMPANY: &str = "company-confidential";

// ---- Sending mode (the `asynchronous` argument, WD_PROP_ASYNCHRONOUS) ----
/// Synchronous sending (`emailSynchrone`), the default.
pub const WD_SENDING_SYNCHRONOUS: i32 = 0;
/// Asynchronous sending (`emailAsynchrone`): `EmailEnvoieMessage` queues and returns.
pub const WD_SENDING_ASYNCHRONOUS: i32 = 1;

// ---- WD_OAUTH_RESPONSE_TYPE values (text) ----
/// `WD_OAUTH_RESPONSE_TYPE` value: the authorization code (`oauth2ResponseTypeCode`).
pub const WD_OAUTH_RESPONSE_TYPE_CODE: &str = "code";

// ---- EmailCherchePremier criteria ----
/// `EmailCherchePremier`: the text or HTML body holds the value.
pub const WD_SEEK_BODY: i32 = 1;
/// `EmailCherchePremier`: the Message-ID is the value (with or without angle brackets).
pub const WD_SEEK_MESSAGE_ID: i32 = 2;
/// `EmailCherchePremier`: the subject holds the value.
pub const WD_SEEK_SUBJECT: i32 = 3;
/// `EmailCherchePremier`: the sender (From, name or address) holds the value.
pub const WD_SEEK_SENDER: i32 = 4;

// ---- EmailDossierSpecial roles (RFC 6154) ----
/// Folder role: sent messages (`\Sent`).
pub const WD_FOLDER_SENT: i32 = 1;
/// Folder role: drafts (`\Drafts`).
pub const WD_FOLDER_DRAFTS: i32 = 2;
/// Folder role: deleted messages (`\Trash`).
pub const WD_FOLDER_TRASH: i32 = 3;
/// Folder role: junk mail (`\Junk`).
pub const WD_FOLDER_JUNK: i32 = 4;
/// Folder role: archived messages (`\Archive`).
pub const WD_FOLDER_ARCHIVE: i32 = 5;
/// Folder role: every message (`\All`).
pub const WD_FOLDER_ALL: i32 = 6;

// ---- EmailTraceFonction directions ----
/// Transcript line: a note of the library (connection, TLS, data summary), marked `*`.
pub const WD_TRACE_INFO: i32 = 0;
/// Transcript line: sent by the client, marked `C:`.
pub const WD_TRACE_CLIENT: i32 = 1;
/// Transcript line: received from the server, marked `S:`.
pub const WD_TRACE_SERVER: i32 = 2;

// ---- EmailListeEtat ----
/// `EmailListeEtat`: the list is being filled in the background (`WD_READ_ASYNC`).
pub const WD_LIST_FILLING: i32 = 1;
/// `EmailListeEtat`: the list holds every message.
pub const WD_LIST_COMPLETE: i32 = 2;
/// `EmailListeEtat`: filling stopped on an error (the messages before it stay); the
/// call sets that error (`ErreurInfo` tells why).
pub const WD_LIST_ERROR: i32 = 3;
