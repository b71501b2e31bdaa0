//! The message model (the WLangage `Email` type), MIME parsing and building.

pub mod attachments;
pub mod build;
pub mod html;
pub mod model;
pub mod parse;

pub use model::{Attachment, Email};
