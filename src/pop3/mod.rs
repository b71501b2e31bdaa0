//! PLACEHOLDER: the POP3 client is being written (replaced by the real module).

use crate::error::{Error, Result};
use crate::message::Email;
use crate::session::{Mailbox, MessageRef, ReadOptions, SessionConfig};

pub struct Pop3Client;

impl Pop3Client {
    pub fn open(_cfg: &SessionConfig, _global_timeout: u32) -> Result<Pop3Client> {
        Err(Error::not_supported("POP3 is not implemented yet"))
    }
}

impl Mailbox for Pop3Client {
    fn protocol(&self) -> &'static str {
        "POP3"
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
