//! The C boundary: every `extern "C"` function of the library lives under this module.
//! No protocol logic here: each export decodes its arguments, calls the safe core and
//! encodes the result, inside `ffi_guard!`.

#[macro_use]
pub mod guard;
#[macro_use]
pub mod args;
pub mod errstate;
pub mod handles;
pub mod imap;
pub mod message;
pub mod oauth2;
pub mod pop3;
pub mod read;
// Right after `read`: the header lists the functions in module order.
pub mod mailbox;
pub mod search;
pub mod session;
pub mod settings;
// Right after `settings`: the header lists the functions in module order.
pub mod callbacks;
pub mod smtp;
pub mod strings;
pub mod types;
