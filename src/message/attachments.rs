use super::Attachment;
use crate::error::Result;
pub fn from_file(_p: &str) -> Result<Attachment> {
    todo!()
}
pub fn mime_type_for(_p: &str) -> &'static str {
    todo!()
}
pub fn save(_a: &Attachment, _p: &str) -> Result<()> {
    todo!()
}
