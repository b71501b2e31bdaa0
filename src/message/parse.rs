use super::Email;
use crate::error::Result;
pub fn parse(_b: &[u8]) -> Result<Email> {
    todo!()
}
