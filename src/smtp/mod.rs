//! PLACEHOLDER: the SMTP client is being written (replaced by the real module).

use crate::error::{Error, Result};
use crate::session::{Outgoing, SessionConfig};

pub fn open_outgoing(_cfg: &SessionConfig, _global_timeout: u32) -> Result<Box<dyn Outgoing>> {
    Err(Error::not_supported("SMTP is not implemented yet"))
}
