//! The SMTP spool against hostile entries, and the permissions of what holds messages:
//! a FIFO, a folder, links (one to a crafted spool file elsewhere, one to `/dev/zero`)
//! and a foreign file among the queued messages are skipped and reported without blocking
//! the session open (a FIFO used to hang it); the spool folder is 0700, its files and the
//! transcript file 0600 (they used to be 0755 and 0644).

use crate::child::{Limits, limited_test};
use crate::ffi::{mkfifo, temp_dir};
use crate::support::fake_server::{FakeServer, Script};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};
use wd300com::error::WD_E;
use wd300com::session::{OutgoingMessage, SessionConfig, SessionKind};
use wd300com::smtp::open_outgoing;
use wd300com::smtp::spool::{Spool, encode};

fn message(tag: &str) -> OutgoingMessage {
    OutgoingMessage {
        from: "alice@wd.test".into(),
        recipients: vec!["bob@wd.test".into()],
        data: format!("From: alice@wd.test\r\nSubject: {tag}\r\n\r\nbody {tag}\r\n")
            .into_bytes()
            .into(),
        ..OutgoingMessage::default()
    }
}

/// A session with a fake server: more time than the default.
const WITH_SERVER: Limits = Limits {
    seconds: 40,
    ..Limits::DEFAULT
};

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

limited_test!(
    /// A session opening a spool holding a FIFO, a folder, two links and a foreign file
    /// among its messages opens at once and sends only the message the spool wrote.
    fn hostile_spool_entries_are_skipped_without_blocking() within WITH_SERVER => {
        let root = temp_dir("spool-entries");
        let dir = root.join("spool");
        let trace = root.join("trace.log");
        {
            let sp = Spool::open(dir.to_str().unwrap()).unwrap();
            sp.write(&message("written-by-the-spool")).unwrap();
        }
        std::fs::write(root.join("crafted"), encode(&message("crafted-elsewhere")).unwrap())
            .unwrap();
        std::os::unix::fs::symlink(root.join("crafted"), dir.join("1-link.msg")).unwrap();
        mkfifo(&dir.join("2-fifo.msg"));
        std::fs::create_dir(dir.join("3-dir.msg")).unwrap();
        std::fs::write(dir.join("4-foreign.msg"), b"not a spool file").unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("5-zero.msg")).unwrap();
        wd300com::trace::set_file(Some(trace.to_str().unwrap())).unwrap();

        // The one message the spool wrote, and nothing else.
        let mut script = Script::new().send("220 fake ESMTP\r\n");
        for (command, reply) in [
            ("EHLO", "250 fake"),
            ("MAIL FROM:<alice@wd.test>", "250 ok"),
            ("RCPT TO:<bob@wd.test>", "250 ok"),
            ("DATA", "354 go"),
        ] {
            script = script.expect(command).send(format!("{reply}\r\n"));
        }
        let script = script.expect_data().send("250 queued\r\n");
        let server = FakeServer::start(script.expect("QUIT").send("221 bye\r\n"));
        let mut cfg = SessionConfig::new(SessionKind::Smtp);
        cfg.host = "127.0.0.1".into();
        cfg.port = server.port();
        cfg.asynchronous = true;
        cfg.timeout = Some(10);
        cfg.spool_dir = Some(dir.to_str().unwrap().to_string());
        let t0 = Instant::now();
        let mut out = open_outgoing(&cfg, 10).expect("the session opens");
        assert!(t0.elapsed() < Duration::from_secs(5), "open took {:?}", t0.elapsed());
        out.close(Duration::from_secs(10)).unwrap();
        let t = server.join();
        t.assert_ok();
        assert_eq!(t.data_bodies.len(), 1, "{}", t.report());
        let sent = String::from_utf8_lossy(&t.data_bodies[0]).into_owned();
        assert!(sent.contains("written-by-the-spool"), "{sent}");
        wd300com::trace::set_file(None).unwrap();

        let log = std::fs::read_to_string(&trace).unwrap();
        for (name, why) in [
            ("1-link.msg", "not a regular file (a symbolic link)"),
            ("2-fifo.msg", "not a regular file (a FIFO)"),
            ("3-dir.msg", "not a regular file (a directory)"),
            ("4-foreign.msg", "not a spool file"),
            ("5-zero.msg", "not a regular file (a symbolic link)"),
        ] {
            let line = format!("{name} skipped: {why}; renamed .bad");
            assert!(log.contains(&line), "{line:?} not in the transcript:\n{log}");
            let bad = dir.join(name).with_extension("bad");
            assert!(std::fs::symlink_metadata(&bad).is_ok(), "{}", bad.display());
        }
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".msg"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        assert_eq!(
            std::fs::read(root.join("crafted")).unwrap(),
            encode(&message("crafted-elsewhere")).unwrap()
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
);

limited_test!(
    /// A FIFO in place of the spool's lock file: the open fails at once.
    fn a_fifo_as_the_spool_lock_fails_at_once() within Limits::DEFAULT => {
        let dir = temp_dir("spool-lock-fifo");
        mkfifo(&dir.join(".lock"));
        let t0 = Instant::now();
        let e = Spool::open(dir.to_str().unwrap()).unwrap_err();
        assert_eq!(e.code, WD_E::Io, "{}", e.message);
        assert!(e.message.contains("cannot open spool lock"), "{}", e.message);
        assert!(t0.elapsed() < Duration::from_secs(5));
        std::fs::remove_dir_all(&dir).unwrap();
    }
);

limited_test!(
    /// The spool folder is created 0700, its files 0600; a folder open to others is noted
    /// in the transcript; a new transcript file is 0600.
    fn spool_and_transcript_files_are_private() within Limits::DEFAULT => {
        let root = temp_dir("spool-modes");
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let trace = root.join("trace.log");
        wd300com::trace::set_file(Some(trace.to_str().unwrap())).unwrap();
        assert_eq!(mode(&trace), 0o600);
        let dir = root.join("new/spool");
        let sp = Spool::open(dir.to_str().unwrap()).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(".lock")), 0o600);
        let file = sp.write(&message("private")).unwrap();
        assert_eq!(mode(&file), 0o600);
        drop(sp);
        // An existing folder open to others is used, and noted.
        let open = Spool::open(root.to_str().unwrap()).unwrap();
        drop(open);
        wd300com::trace::set_file(None).unwrap();
        let log = std::fs::read_to_string(&trace).unwrap();
        assert!(log.contains("is open to other users"), "{log}");
        std::fs::remove_dir_all(&root).unwrap();
    }
);
