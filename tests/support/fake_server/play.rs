//! How each step of a script runs on a connection.

use super::LITERAL_CONTINUATION;
use super::conn::{Conn, Fill, strip_eol};
use super::faults::{garbage, long_line};
use super::script::Step;
use super::server::panic_message;
use super::transcript::{preview, starts_with_ci, truncate};
use std::panic::{self, AssertUnwindSafe};

impl Conn {
    fn expect_line(&mut self, prefix: &str) -> Result<(), String> {
        let line = self.read_line_for(&format!("a line starting with {prefix:?}"))?;
        if starts_with_ci(line.as_bytes(), prefix.as_bytes()) {
            Ok(())
        } else {
            Err(format!(
                "expected a line starting with {prefix:?}, got {:?}",
                truncate(&line, 300)
            ))
        }
    }

    fn expect_data(&mut self) -> Result<(), String> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line_raw_for("DATA body (up to the \".\" line)")?;
            if strip_eol(&line) == b"." {
                break;
            }
            body.extend_from_slice(&line);
        }
        self.record(|t| t.data_bodies.push(body));
        Ok(())
    }

    /// Returns true for the LAST chunk.
    fn expect_bdat(&mut self) -> Result<bool, String> {
        let line = self.read_line_for("a BDAT command")?;
        let parts: Vec<&str> = line.split_ascii_whitespace().collect();
        let bad = || {
            format!(
                "expected \"BDAT <n> [LAST]\", got {:?}",
                truncate(&line, 300)
            )
        };
        if parts.len() < 2 || parts.len() > 3 || !parts[0].eq_ignore_ascii_case("BDAT") {
            return Err(bad());
        }
        let n: usize = parts[1].parse().map_err(|_| bad())?;
        let last = match parts.get(2) {
            None => false,
            Some(p) if p.eq_ignore_ascii_case("LAST") => true,
            Some(_) => return Err(bad()),
        };
        let chunk = self.read_exact_for(n, &format!("{n} BDAT bytes"))?;
        self.record(|t| t.bdat_chunks.push(chunk));
        Ok(last)
    }

    fn expect_literal_line(&mut self, prefix: &str) -> Result<(), String> {
        let mut line = self.read_line_raw_for(&format!("a command starting with {prefix:?}"))?;
        let ok = starts_with_ci(strip_eol(&line), prefix.as_bytes());
        let mut cmd = Vec::new();
        let mut err = None;
        if !ok {
            err = Some(format!(
                "expected a line starting with {prefix:?}, got {:?}",
                preview(strip_eol(&line))
            ));
        }
        loop {
            cmd.extend_from_slice(&line);
            if err.is_some() {
                break;
            }
            let Some((n, plus)) = literal_suffix(strip_eol(&line)) else {
                break;
            };
            if !plus && let Err(e) = self.write(LITERAL_CONTINUATION.as_bytes()) {
                err = Some(e);
                break;
            }
            match self.read_exact_for(n, &format!("a {n} byte literal")) {
                Ok(lit) => cmd.extend_from_slice(&lit),
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
            match self.read_line_raw_for("the rest of a command after a literal") {
                Ok(l) => line = l,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(strip_eol(&cmd)).into_owned();
        self.record(|t| {
            t.lines.push(text);
            t.literal_commands.push(cmd);
        });
        err.map_or(Ok(()), Err)
    }

    fn expect_closed(&mut self) -> Result<(), String> {
        loop {
            if !self.rbuf.is_empty() {
                return Err(format!(
                    "expected the client to close, got data {:?}",
                    preview(&self.rbuf)
                ));
            }
            match self.fill(self.read_timeout) {
                Fill::Data => {}
                Fill::Eof => return Ok(()),
                other => return Err(self.wait_error("the client to close", other)),
            }
        }
    }

    fn drain_until_closed(&mut self) -> Result<(), String> {
        loop {
            self.rbuf.clear();
            match self.fill(self.read_timeout) {
                Fill::Data => {}
                Fill::Eof => return Ok(()),
                other => return Err(self.wait_error("the client to close", other)),
            }
        }
    }

    /// Returns Ok(false) when the script must end.
    pub(super) fn run_step(&mut self, step: Step) -> Result<bool, String> {
        match step {
            Step::Send(b) => self.write(&b)?,
            Step::Expect(p) => self.expect_line(&p)?,
            Step::ExpectAny => {
                self.read_line_for("any line")?;
            }
            Step::ExpectData => self.expect_data()?,
            Step::ExpectBdat => {
                self.expect_bdat()?;
            }
            Step::ExpectBdatLast(reply) => {
                while !self.expect_bdat()? {
                    self.write(&reply)?;
                }
            }
            Step::ExpectLiteralLine(p) => self.expect_literal_line(&p)?,
            Step::ExpectClosed => self.expect_closed()?,
            Step::StartTls => self.starttls()?,
            Step::Close => {
                self.shutdown();
                return Ok(false);
            }
            Step::Stall(d) => self.sleep_interruptible(d),
            Step::StallForever => self.stall_forever(),
            Step::SendGarbage(n) => self.write(&garbage(n))?,
            Step::SendLongLine(prefix, n) => self.write(&long_line(prefix, n))?,
            Step::Trickle(b, d) => self.trickle(&b, d),
            Step::Flood(b, n) => {
                self.flood(&b, n);
            }
            Step::DrainUntilClosed => self.drain_until_closed()?,
            Step::ReadTimeout(d) => self.read_timeout = d,
            Step::FlightGrace(d) => self.flight_grace = d,
            Step::RawTags => self.tags.raw = true,
            Step::Custom(f) => match panic::catch_unwind(AssertUnwindSafe(|| f(self))) {
                Ok(r) => r?,
                Err(p) => return Err(format!("custom step panicked: {}", panic_message(&*p))),
            },
        }
        Ok(true)
    }
}

/// `{n}` / `{n+}` / `~{n}` at the end of a line: (n, non_synchronizing).
fn literal_suffix(line: &[u8]) -> Option<(usize, bool)> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&c| c == b'{')?;
    let mut spec = &inner[open + 1..];
    let plus = match spec.strip_suffix(b"+") {
        Some(s) => {
            spec = s;
            true
        }
        None => false,
    };
    if spec.is_empty() || !spec.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(spec)
        .ok()?
        .parse()
        .ok()
        .map(|n| (n, plus))
}
