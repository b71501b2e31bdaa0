//! Handle typedefs and the constants exported to C (`WD_*`).

/// A message handle (`Email` variable). 0 is the calling thread's legacy `Email` structure.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WdEmail(pub i32);

// ---- Message properties (EmailPropriete / EmailModifiePropriete) ----
/// Sender address (`Email.Expediteur`).
pub const WD_EMAIL_SENDER: i32 = 1;
/// Array: To recipients (`Email.Destinataire`).
pub const WD_EMAIL_RECIPIENT: i32 = 2;
/// Array: Cc recipients (`Email.Cc`).
pub const WD_EMAIL_CC: i32 = 3;
/// Array: Bcc recipients (`Email.Cci`).
pub const WD_EMAIL_BCC: i32 = 4;
/// Reply-To address (`Email.AdresseRéponse`).
pub const WD_EMAIL_REPLY_TO: i32 = 5;
/// Subject (`Email.Sujet`).
pub const WD_EMAIL_SUBJECT: i32 = 6;
/// Text body (`Email.Message`).
pub const WD_EMAIL_MESSAGE: i32 = 7;
/// HTML body (`Email.HTML`).
pub const WD_EMAIL_HTML: i32 = 8;
/// Date, RFC 3339 (`Email.Date`).
pub const WD_EMAIL_DATE: i32 = 9;
/// Message-ID without angle brackets (`Email.MessageID`).
pub const WD_EMAIL_MESSAGE_ID: i32 = 10;
/// Priority 1 (high) .. 5 (low), 0 unset (`Email.Priorité`).
pub const WD_EMAIL_PRIORITY: i32 = 11;
/// Read-receipt address (`Email.ConfirmationLecture`).
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
/// Asynchronous send identifier for `EmailEtat` (`Email.IdentifiantEmail`), read-only.
pub const WD_EMAIL_MAIL_ID: i32 = 21;
/// Array: recipients refused at the last send, `addr: server reply`, read-only.
pub const WD_EMAIL_REFUSED: i32 = 22;

// ---- EmailConstruitSource options ----
/// Encode non-ASCII header values (RFC 2047). Always done; accepted for compatibility.
pub const WD_BUILD_ENCODE_HEADER: i32 = 1;
/// Write the Bcc header into the source (it is left out by default).
pub const WD_BUILD_HEADER_BCC: i32 = 2;

// ---- EmailParametre ----
/// `EmailParametre(WD_PARAM_MODE, v)`: accepted for compatibility, no effect.
pub const WD_PARAM_MODE: i32 = 1;
