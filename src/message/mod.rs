//! The message model (the WLangage `Email` type), MIME parsing and building.

pub mod address;
pub mod attachments;
pub mod build;
pub(crate) mod codec;
pub mod content;
pub mod flags;
pub mod html;
pub mod mailer;
pub mod model;
pub mod object;
pub mod parse;
pub mod properties;
mod skeleton;

pub use content::{Content, Source};
pub use model::{Attachment, Email};
