//! The message model (the WLangage `Email` type), MIME parsing and building.

pub mod address;
pub mod attachments;
pub mod build;
pub(crate) mod codec;
pub mod flags;
pub mod html;
pub mod mailer;
pub mod model;
pub mod object;
pub mod parse;
pub mod properties;

pub use model::{Attachment, Email};
