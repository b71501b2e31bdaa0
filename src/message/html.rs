use super::Email;
use crate::error::Result;
pub fn import_html(_e: &mut Email, _h: &str, _d: Option<&str>) -> Result<()> {
    todo!()
}
