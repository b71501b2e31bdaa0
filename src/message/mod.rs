//! The message model (the WLangage `Email` type), MIME parsing and building.

pub mod build;
pub mod model;
pub mod parse;

pub use model::{Attachment, Email};
