use super::Email;
use crate::error::Result;
#[derive(Default)]
pub struct BuildOptions {
    pub header_bcc: bool,
    pub encode_headers: bool,
}
pub fn build(_e: &mut Email, _o: BuildOptions) -> Result<()> {
    todo!()
}
