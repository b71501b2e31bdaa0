//! PLACEHOLDER: the IMAP client is being written (replaced by the real module).

use crate::error::{Error, Result};
use crate::message::Email;
use crate::session::{Mailbox, MessageRef, ReadOptions, SessionConfig};

pub struct ImapClient;

impl ImapClient {
    pub fn open(_cfg: &SessionConfig, _global_timeout: u32) -> Result<ImapClient> {
        Err(Error::not_supported("IMAP is not implemented yet"))
    }
}

impl Mailbox for ImapClient {
    fn protocol(&self) -> &'static str {
        "IMAP"
    }
    fn list(&mut self, _opts: ReadOptions) -> Result<Vec<MessageRef>> {
        Err(Error::not_supported("not implemented yet"))
    }
    fn fetch(&mut self, _refs: &[MessageRef], _opts: ReadOptions) -> Result<Vec<Email>> {
        Err(Error::not_supported("not implemented yet"))
    }
    fn delete(&mut self, _msg: &MessageRef) -> Result<()> {
        Err(Error::not_supported("not implemented yet"))
    }
    fn close(&mut self) -> Result<()> {
        Ok(())
    }
}
