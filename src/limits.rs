//! Explicit limits and defaults shared by every protocol and the C boundary.

/// Default timeout in seconds (WLangage `EmailChangeTimeOut` default).
pub const DEFAULT_TIMEOUT_SECS: u32 = 600;
/// Longest reply or response line accepted from a server, in bytes (CRLF included). An
/// IMAP search answer, one line however many messages it finds, is bounded by its
/// reply's memory budget instead (`Connection::read_line_long`).
pub const MAX_LINE: usize = 64 * 1024;
/// Largest message accepted from a server or built locally, in bytes.
pub const MAX_MESSAGE: usize = 512 * 1024 * 1024;
/// Default of `WD_PROP_MAX_MESSAGE_SIZE`: the largest message a session reads (larger
/// ones are refused, never buffered), in bytes. At most [`MAX_MESSAGE`].
pub const DEFAULT_MAX_MESSAGE_SIZE: u64 = 256 * 1024 * 1024;
/// Largest IMAP literal accepted, in bytes.
pub const MAX_LITERAL: usize = MAX_MESSAGE;
/// Largest byte buffer accepted across the C boundary, in bytes.
pub const MAX_FFI_BYTES: usize = 1024 * 1024 * 1024;
/// Most lines in one multi-line reply (SMTP EHLO, POP3 CAPA).
pub const MAX_REPLY_LINES: usize = 10_000;
/// Short timeout used for QUIT/LOGOUT when a session is dropped, in seconds.
pub const CLOSE_TIMEOUT_SECS: u64 = 5;
/// Largest local file read by `EmailAjouteFichierAttache` or embedded by
/// `EmailImporteHTML`, in bytes (the default `WD_PROP_MAX_MESSAGE_SIZE`, 256 MiB: the
/// session a message will be sent on is not known when a file is attached).
pub const MAX_ATTACHMENT_FILE: u64 = DEFAULT_MAX_MESSAGE_SIZE;
/// Longest safe attachment file name, in bytes of UTF-8 (the usual file-system limit).
pub const MAX_FILE_NAME: usize = 255;
