//! Waiting for new mail, searching, seeking, folder roles and message flags against the
//! Dovecot and Postfix of the test bench, checked with Python's imaplib and smtplib as
//! independent clients. Without WD_TEST_HOST the tests skip with a note, unless
//! WD_REQUIRE_SERVERS=1, where they fail.

mod support;

use std::collections::BTreeSet;
use std::ffi::{CStr, CString, c_char};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use support::bench::{self, port, var};
use support::clients::{SMTPLIB_SEND, python, python_finish, python_start};
use wd300com::ffi::mailbox::{
    EmailChangeDossier, EmailDetruit, EmailDossierSpecial, EmailListeDossierRole, EmailMiseAJour,
    EmailSupprimeMessage,
};
use wd300com::ffi::message::{
    EmailAjoute, EmailCree, EmailLibere, EmailModifiePropriete, EmailPropriete,
};
use wd300com::ffi::read::{
    EmailListeElement, EmailListeNb, EmailLitMessage, EmailLitPrecedent, EmailLitPremier,
    EmailLitSuivant,
};
use wd300com::ffi::search::{
    EmailAttendMessage, EmailCherchePremier, EmailChercheSuivant, EmailRecherche,
};
use wd300com::ffi::types::*;
use wd300com::imap::ImapClient;
use wd300com::reader::{ServerId, Step};
use wd300com::registry;
use wd300com::search::Criteria;
use wd300com::session::{Mailbox, ReadOptions, SessionConfig, SessionKind};

fn servers() -> bool {
    bench::available("IMAP features test")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(label: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("t-{}-{n}-{label}", std::process::id())
}

/// Alice's INBOX receives mail from Postfix in the wait test: one test at a time.
static INBOX: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

fn imap_cfg(user: &str, pass: &str) -> SessionConfig {
    let mut c = SessionConfig::new(SessionKind::Imap);
    c.host = var("WD_TEST_HOST");
    c.port = port("WD_TEST_IMAP_PORT");
    c.user = user.into();
    c.password = Some(pass.into());
    c.timeout = Some(30);
    c
}

fn alice() -> SessionConfig {
    imap_cfg(&var("WD_TEST_USER1"), &var("WD_TEST_PASS1"))
}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn text(p: *const c_char) -> String {
    assert!(!p.is_null(), "NULL: {}", last_error());
    // SAFETY: a library string, valid until the next call on this thread.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn last_error() -> String {
    let p = wd300com::ffi::errstate::ErreurInfo(WD_ERR_FULL_DETAILS);
    // SAFETY: never NULL, valid until the error state changes.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn prop(m: WdEmail, p: i32, i: i32) -> String {
    text(EmailPropriete(m, p, i))
}

fn set(m: WdEmail, p: i32, i: i32, v: Option<&str>) {
    let v = v.map(c);
    // SAFETY: a valid string or NULL.
    let ok = unsafe {
        EmailModifiePropriete(m, p, i, v.as_ref().map_or(std::ptr::null(), |v| v.as_ptr()))
    };
    assert_eq!(ok, 1, "{}", last_error());
}

const PY_LOGIN: &str = r#"
import imaplib, json, os, sys
m = imaplib.IMAP4(os.environ['WD_TEST_HOST'], int(os.environ['WD_TEST_IMAP_PORT']))
m.login(os.environ['WD_TEST_USER1'], os.environ['WD_TEST_PASS1'])
F = '"' + os.environ['F'] + '"'
"#;

// ----- waiting for new mail ------------------------------------------------------

fn maildir(user: &str) -> PathBuf {
    let (local, domain) = user.split_once('@').unwrap();
    PathBuf::from(
        var("WD_TEST_MAILDIR_FMT")
            .replace("{domain}", domain)
            .replace("{local}", local),
    )
}

/// The message files of a Maildir (new and cur).
fn files(dir: &std::path::Path) -> BTreeSet<String> {
    ["new", "cur"]
        .iter()
        .filter_map(|s| std::fs::read_dir(dir.join(s)).ok())
        .flat_map(|rd| rd.flatten())
        .map(|f| f.file_name().to_string_lossy().into_owned())
        .map(|n| n.split(':').next().unwrap_or_default().to_string())
        .collect()
}

/// A message delivered by Postfix (sent with smtplib) while `EmailAttendMessage` waits
/// (IMAP IDLE over implicit TLS) wakes it at once; the next `EmailLitSuivant` reads it.
#[test]
fn a_message_delivered_during_the_wait_wakes_it() {
    if !servers() {
        return;
    }
    let _inbox = INBOX.lock();
    let name = unique("wait");
    // Over implicit TLS: IDLE listens in short slices on a TLS stream.
    let mut cfg = alice();
    cfg.security = wd300com::session::Security::Implicit;
    cfg.port = port("WD_TEST_IMAPS_PORT");
    cfg.ca_file = Some(var("WD_TEST_CA"));
    registry::open(&name, &cfg).unwrap();
    let n = c(&name);
    let m = EmailCree();
    // SAFETY: valid strings and handle.
    unsafe {
        // Read to the end of the INBOX, headers only (the earlier tests may have left
        // it empty).
        if EmailLitPremier(n.as_ptr(), m, WD_READ_HEADER) == 1 {
            // Past the last message: 0 without error, WD_EMAIL_OUT = "1".
            while EmailLitSuivant(n.as_ptr(), m, WD_READ_HEADER) == 1 {}
        }
        assert_eq!(
            wd300com::ffi::errstate::ErreurDetectee(),
            0,
            "{}",
            last_error()
        );
        assert_eq!(prop(m, WD_EMAIL_OUT, 0), "1");
        // Nothing new: 0 without error after the delay.
        assert_eq!(EmailAttendMessage(n.as_ptr(), 1), 0);
        assert_eq!(wd300com::ffi::errstate::ErreurDetectee(), 0);
    }
    let dir = maildir(&var("WD_TEST_USER1"));
    let before = files(&dir);
    let subject = unique("wake");
    let delivered = std::thread::spawn({
        let subject = subject.clone();
        let dir = dir.clone();
        move || {
            std::thread::sleep(Duration::from_millis(800));
            let to = var("WD_TEST_USER1");
            let smtp = python_start(SMTPLIB_SEND, &[("TO", &to), ("S", &subject)]);
            // When the file shows in the Maildir (delivered by Postfix through the LDA).
            let start = Instant::now();
            let file = loop {
                if files(&dir).len() > before.len() {
                    break Instant::now();
                }
                assert!(start.elapsed() < Duration::from_secs(30), "not delivered");
                std::thread::sleep(Duration::from_millis(1));
            };
            python_finish(smtp, "");
            file
        }
    });
    // SAFETY: valid strings and handle.
    let woke = unsafe { EmailAttendMessage(n.as_ptr(), 60) };
    let at = Instant::now();
    assert_eq!(woke, 1, "{}", last_error());
    let file = delivered.join().unwrap();
    let after_delivery = at.saturating_duration_since(file);
    println!(
        "EmailAttendMessage woke {} ms after the message reached the Maildir",
        after_delivery.as_millis()
    );
    assert!(
        after_delivery < Duration::from_secs(3),
        "woke after {after_delivery:?}"
    );
    // SAFETY: valid strings and handle.
    unsafe {
        assert_eq!(EmailLitSuivant(n.as_ptr(), m, WD_READ_HEADER), 1);
    }
    assert_eq!(prop(m, WD_EMAIL_OUT, 0), "0");
    assert_eq!(prop(m, WD_EMAIL_SUBJECT, 0), subject);
    assert_eq!(EmailLibere(m), 1);
    registry::close(&name).unwrap();
}

/// POP3 sees new mail in a new session only: the wait moves the session to a fresh
/// connection, keeps its deletion marks (done at close only), and the next read gets
/// the new message.
#[test]
fn pop3_wait_moves_to_a_fresh_session_and_keeps_deletions() {
    let Some(bench) = bench::Bench::load("POP3 wait test") else {
        return;
    };
    let user = var("WD_TEST_USER2");
    let dir = maildir(&user);
    let tag = unique("pop3wait");
    let put = |i: usize, subject: &str| {
        use std::os::unix::fs::MetadataExt;
        let owner = std::fs::metadata(&dir).expect("bob's Maildir exists");
        let file = format!("wdwait-{tag}-{i}");
        let tmp = dir.join("tmp").join(&file);
        let body = format!(
            "Subject: {subject}\r\nFrom: a@wd.test\r\nMessage-ID: <{subject}@wd.test>\r\n\r\nbody\r\n"
        );
        std::fs::write(&tmp, body).unwrap();
        std::os::unix::fs::chown(&tmp, Some(owner.uid()), Some(owner.gid())).unwrap();
        std::fs::rename(&tmp, dir.join("new").join(&file)).unwrap();
    };
    let mut cfg = SessionConfig::new(SessionKind::Pop3);
    cfg.host = bench.host;
    cfg.port = bench.pop3;
    cfg.user = user.clone();
    cfg.password = Some(var("WD_TEST_PASS2").into());
    cfg.timeout = Some(30);
    // Bob's Maildir exists once he logged in.
    registry::open(&tag, &cfg).unwrap();
    registry::close(&tag).unwrap();
    put(0, &format!("{tag}-old"));
    registry::open(&tag, &cfg).unwrap();
    let opts = ReadOptions::default();
    // Read to the end; delete our old message.
    let mut ours = None;
    let mut m = registry::with_reader(&tag, |r| r.step(Step::First, opts)).unwrap();
    while let Some(read) = m {
        if read.email.subject == format!("{tag}-old") {
            ours = Some(ServerId::of(&read.email));
        }
        m = registry::with_reader(&tag, |r| r.step(Step::Next, opts)).unwrap();
    }
    registry::with_reader(&tag, |r| r.delete(&ours.unwrap())).unwrap();
    // Nothing new yet.
    assert!(!registry::wait_for_mail(&tag, 0).unwrap());
    let t = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(1500));
            put(1, &format!("{tag}-new"));
        });
        assert!(registry::wait_for_mail(&tag, 60).unwrap());
    });
    println!(
        "POP3 wait saw the new message {} ms after it began (delivered at 1500 ms)",
        t.elapsed().as_millis()
    );
    let next = registry::with_reader(&tag, |r| r.step(Step::Next, opts))
        .unwrap()
        .expect("the new message");
    assert_eq!(next.email.subject, format!("{tag}-new"));
    // The deletion is still pending: the old message is on the server until the close.
    let names: Vec<String> = files(&dir)
        .into_iter()
        .filter(|f| f.contains(&tag))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    registry::close(&tag).unwrap();
    let names: Vec<String> = files(&dir)
        .into_iter()
        .filter(|f| f.contains(&tag))
        .collect();
    assert_eq!(
        names,
        [format!("wdwait-{tag}-1")],
        "deleted at the close only"
    );
    for f in names {
        for sub in ["new", "cur"] {
            let _ = std::fs::remove_file(dir.join(sub).join(&f));
        }
    }
}

// ----- searching ------------------------------------------------------------------

const PY_GENERATE: &str = r#"
import datetime, random
from email.header import Header
from email.utils import formataddr
rnd = random.Random(15)
m.create(F)
words = ['budget', 'réunion', 'café', 'naïve', 'Zürich', '日本語', 'Ελληνικά', 'fiesta',
         '🎉', 'rapport', 'meeting', 'urgent', 'hello', 'Straße']
people = [('Alice Martin', 'alice@wd.test'), ('Zoé Dupont', 'zoe@wd.test'),
          ('Bob', 'bob@example.org'), ('Jürgen Groß', 'juergen@example.de'),
          ('山田太郎', 'yamada@example.jp'), ('Carol', 'carol@wd.test')]
def addr(p, encode):
    name, a = p
    if encode:
        name = Header(name, 'utf-8').encode()
    return formataddr((name, a)) if encode else '%s <%s>' % (name, a)
for i in range(200):
    enc = rnd.random() < 0.5
    subject = ' '.join(rnd.sample(words, rnd.randint(1, 3))) + ' #%d' % i
    h = ['From: ' + addr(rnd.choice(people), enc),
         'To: ' + addr(rnd.choice(people), enc),
         'Subject: ' + (Header(subject, 'utf-8').encode() if enc else subject),
         'Date: Mon, 1 Jan 2024 10:00:00 +0000',
         'Message-ID: <gen-%d-%s@wd.test>' % (i, os.environ['F']),
         'X-Batch: ' + ('even' if i % 2 == 0 else 'odd'),
         'MIME-Version: 1.0']
    if rnd.random() < 0.3:
        h.append('Cc: ' + addr(rnd.choice(people), enc))
    body = ' '.join(rnd.choice(words) for _ in range(rnd.randint(3, 30)))
    body += '\n' + 'x ' * rnd.randint(0, 2500)
    cte = rnd.choice(['8bit', 'quoted-printable', 'base64'])
    h.append('Content-Type: text/plain; charset=utf-8')
    h.append('Content-Transfer-Encoding: ' + cte)
    raw = body.encode('utf-8')
    if cte == 'base64':
        import base64
        raw = base64.encodebytes(raw)
    elif cte == 'quoted-printable':
        import quopri
        raw = quopri.encodestring(raw)
    msg = ('\r\n'.join(h) + '\r\n\r\n').encode('utf-8') + raw.replace(b'\n', b'\r\n')
    flags = [f for f in ['\\Seen', '\\Flagged', '\\Answered', '\\Draft', '$Label1']
             if rnd.random() < 0.35]
    when = datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc) \
        + datetime.timedelta(days=i % 60)
    typ, _ = m.append(F, '(%s)' % ' '.join(flags) if flags else None,
                      imaplib.Time2Internaldate(when), msg)
    assert typ == 'OK'
m.logout()
"#;

const PY_SEARCH: &str = r#"
m.select(F, readonly=True)
out = []
for case in json.load(sys.stdin):
    if case['literal'] is not None:
        m.literal = case['literal'].encode('utf-8')
        typ, data = m.uid('SEARCH', 'CHARSET', 'UTF-8', *case['args'])
    else:
        typ, data = m.uid('SEARCH', *case['args'])
    assert typ == 'OK', (case, data)
    out.append(sorted(int(u) for u in data[0].split()))
print(json.dumps(out))
m.logout()
"#;

/// (our criteria, imaplib's arguments, imaplib's final literal): the same search, the
/// non-ASCII value moved last where imaplib needs it.
const CASES: &[(&str, &[&str], Option<&str>)] = &[
    ("ALL", &["ALL"], None),
    ("", &["ALL"], None),
    ("SUBJECT budget", &["SUBJECT", "budget"], None),
    ("subject café", &["SUBJECT"], Some("café")),
    ("SUBJECT 日本語", &["SUBJECT"], Some("日本語")),
    (
        "SUBJECT Ελληνικά UNSEEN",
        &["UNSEEN", "SUBJECT"],
        Some("Ελληνικά"),
    ),
    ("SUBJECT \"#1\"", &["SUBJECT", "\"#1\""], None),
    ("SUBJECT 🎉", &["SUBJECT"], Some("🎉")),
    ("FROM zoe", &["FROM", "zoe"], None),
    ("FROM Zoé", &["FROM"], Some("Zoé")),
    ("from 山田", &["FROM"], Some("山田")),
    ("TO bob@example.org", &["TO", "bob@example.org"], None),
    ("CC carol", &["CC", "carol"], None),
    ("CC Groß NOT SEEN", &["NOT", "SEEN", "CC"], Some("Groß")),
    ("BODY rapport", &["BODY", "rapport"], None),
    ("BODY Zürich", &["BODY"], Some("Zürich")),
    ("TEXT naïve", &["TEXT"], Some("naïve")),
    ("TEXT \"hello budget\"", &["TEXT", "\"hello budget\""], None),
    ("HEADER X-Batch even", &["HEADER", "X-Batch", "even"], None),
    (
        "HEADER Subject réunion",
        &["HEADER", "Subject"],
        Some("réunion"),
    ),
    ("SINCE 1-Feb-2024", &["SINCE", "1-Feb-2024"], None),
    ("BEFORE 10-jan-2024", &["BEFORE", "10-Jan-2024"], None),
    ("ON 15-Jan-2024", &["ON", "15-Jan-2024"], None),
    ("LARGER 3000", &["LARGER", "3000"], None),
    ("SMALLER 1500", &["SMALLER", "1500"], None),
    ("SEEN", &["SEEN"], None),
    ("flagged", &["FLAGGED"], None),
    ("ANSWERED", &["ANSWERED"], None),
    ("UNANSWERED DRAFT", &["UNANSWERED", "DRAFT"], None),
    ("NOT SEEN", &["NOT", "SEEN"], None),
    ("OR FLAGGED ANSWERED", &["OR", "FLAGGED", "ANSWERED"], None),
    (
        "OR SUBJECT budget FROM zoe",
        &["OR", "SUBJECT", "budget", "FROM", "zoe"],
        None,
    ),
    (
        "(FLAGGED SINCE 1-Feb-2024) NOT SUBJECT café",
        &["(FLAGGED", "SINCE", "1-Feb-2024)", "NOT", "SUBJECT"],
        Some("café"),
    ),
    (
        "OR (SUBJECT 🎉) FROM bob LARGER 100",
        &["LARGER", "100", "OR", "FROM", "bob", "SUBJECT"],
        Some("🎉"),
    ),
    ("KEYWORD $Label1", &["KEYWORD", "$Label1"], None),
    (
        "UNKEYWORD $Label1 UNFLAGGED",
        &["UNKEYWORD", "$Label1", "UNFLAGGED"],
        None,
    ),
    ("DELETED", &["DELETED"], None),
    (
        "NOT (SEEN OR DRAFT SMALLER 2000)",
        &["NOT", "(SEEN", "OR", "DRAFT", "SMALLER", "2000)"],
        None,
    ),
];

/// 200 varied messages (non-ASCII subjects and names, encoded and raw headers, three
/// transfer encodings, flags, dates, sizes): each search finds what imaplib's SEARCH
/// finds on the same folder.
#[test]
fn searches_agree_with_imaplib_on_200_messages() {
    if !servers() {
        return;
    }
    let f = unique("search");
    python(&format!("{PY_LOGIN}{PY_GENERATE}"), &[("F", &f)], "");
    let cases: Vec<serde_json::Value> = CASES
        .iter()
        .map(|(_, args, lit)| serde_json::json!({"args": args, "literal": lit}))
        .collect();
    let theirs = python(
        &format!("{PY_LOGIN}{PY_SEARCH}"),
        &[("F", &f)],
        &serde_json::to_string(&cases).unwrap(),
    );
    let theirs: Vec<Vec<u32>> = serde_json::from_str(theirs.trim()).unwrap();
    assert_eq!(theirs.len(), CASES.len());
    let mut cfg = alice();
    cfg.folder = f.clone();
    let mut cl = ImapClient::open(&cfg, 30).unwrap();
    assert!(cl.has("ESEARCH"), "the bench offers ESEARCH");
    let mut partial = 0;
    for ((ours, _, _), want) in CASES.iter().zip(&theirs) {
        let crit = Criteria::parse(ours).unwrap();
        let got: Vec<u32> = cl
            .search(&crit)
            .unwrap_or_else(|e| panic!("{ours}: {e:?}"))
            .into_iter()
            .map(|r| r.uid.parse().unwrap())
            .collect();
        assert_eq!(&got, want, "{ours}");
        if !got.is_empty() && got.len() < 200 {
            partial += 1;
        }
        println!("{:4} {ours}", got.len());
    }
    assert_eq!(theirs[0].len(), 200);
    assert!(
        partial >= CASES.len() - 6,
        "only {partial} searches found some but not all"
    );
    cl.close().unwrap();

    // Through the C API: a list of the matches, headers only, bodies on access.
    let name = unique("search-c");
    registry::open(&name, &alice()).unwrap();
    let n = c(&name);
    // SAFETY: valid strings.
    unsafe {
        assert_eq!(EmailChangeDossier(n.as_ptr(), c(&f).as_ptr()), 1);
        let crit = c("SUBJECT café");
        let want = &theirs[3];
        let list = EmailRecherche(n.as_ptr(), crit.as_ptr(), WD_READ_HEADER);
        assert!(list.0 > 0, "{}", last_error());
        assert_eq!(EmailListeNb(list), want.len() as i32);
        for i in 0..want.len() as i32 {
            let m = EmailListeElement(list, i);
            assert_eq!(prop(m, WD_EMAIL_UID, 0), want[i as usize].to_string());
            assert!(prop(m, WD_EMAIL_SUBJECT, 0).to_lowercase().contains("café"));
            assert!(!prop(m, WD_EMAIL_MESSAGE, 0).is_empty(), "body completed");
        }
        assert_eq!(EmailLibere(WdEmail(list.0)), 1);
        let bad = c("SUBJECT");
        assert_eq!(EmailRecherche(n.as_ptr(), bad.as_ptr(), 0).0, 0);
        assert_eq!(
            wd300com::ffi::errstate::ErreurCode(),
            wd300com::error::WD_E::InvalidArgument
        );
        assert!(last_error().contains("SUBJECT needs a value"));
    }
    registry::close(&name).unwrap();
}

/// EmailCherchePremier / EmailChercheSuivant read the matches one after another (IMAP:
/// the server's SEARCH; the same count as imaplib's), then 0 without error.
#[test]
fn seek_reads_each_match_in_turn() {
    if !servers() {
        return;
    }
    let f = unique("seek");
    let msgs = [
        ("Réunion budget", "zoe@wd.test", "Le café est servi."),
        ("Lunch", "bob@wd.test", "Pas de café aujourd'hui."),
        ("Budget 2025", "Zoé Dupont <zoe@wd.test>", "Chiffres."),
        ("Other", "carol@wd.test", "Rien."),
    ];
    let mut cfg = alice();
    let mut cl = ImapClient::open(&cfg, 30).unwrap();
    cl.create_folder(&f).unwrap();
    for (i, (s, from, body)) in msgs.iter().enumerate() {
        let src = format!(
            "From: {from}\r\nTo: alice@wd.test\r\nSubject: {s}\r\nMessage-ID: <seek-{i}-{f}@wd.test>\r\n\
             MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
        );
        cl.append(&f, src.as_bytes(), false).unwrap();
    }
    cl.close().unwrap();
    cfg.folder = f.clone();
    let name = unique("seek-c");
    registry::open(&name, &cfg).unwrap();
    let n = c(&name);
    let m = EmailCree();
    let seek = |criterion: i32, value: &str| -> Vec<String> {
        let mut subjects = Vec::new();
        let v = c(value);
        // SAFETY: valid strings and handle.
        let mut r = unsafe { EmailCherchePremier(n.as_ptr(), m, criterion, v.as_ptr()) };
        while r == 1 {
            subjects.push(prop(m, WD_EMAIL_SUBJECT, 0));
            // SAFETY: as above.
            r = unsafe { EmailChercheSuivant(n.as_ptr(), m) };
        }
        assert_eq!(
            wd300com::ffi::errstate::ErreurDetectee(),
            0,
            "{}",
            last_error()
        );
        assert_eq!(prop(m, WD_EMAIL_OUT, 0), "1");
        subjects
    };
    assert_eq!(
        seek(WD_SEEK_SUBJECT, "budget"),
        ["Réunion budget", "Budget 2025"]
    );
    assert_eq!(seek(WD_SEEK_SENDER, "zoé"), ["Budget 2025"]);
    assert_eq!(
        seek(WD_SEEK_SENDER, "zoe@"),
        ["Réunion budget", "Budget 2025"]
    );
    assert_eq!(seek(WD_SEEK_BODY, "CAFÉ"), ["Réunion budget", "Lunch"]);
    let id = format!("seek-3-{f}@wd.test");
    assert_eq!(seek(WD_SEEK_MESSAGE_ID, &id), ["Other"]);
    assert_eq!(seek(WD_SEEK_MESSAGE_ID, &format!("<{id}>")), ["Other"]);
    assert!(seek(WD_SEEK_SUBJECT, "absent").is_empty());
    // A seek passes over deleted messages, as the reading moves do: one deleted before
    // it, and one deleted between two of its reads.
    let other = EmailCree();
    // SAFETY: valid strings and handles.
    unsafe {
        let v = c("Lunch");
        assert_eq!(
            EmailCherchePremier(n.as_ptr(), other, WD_SEEK_SUBJECT, v.as_ptr()),
            1
        );
        assert_eq!(
            EmailSupprimeMessage(n.as_ptr(), other),
            1,
            "{}",
            last_error()
        );
    }
    assert_eq!(seek(WD_SEEK_BODY, "CAFÉ"), ["Réunion budget"]);
    // SAFETY: valid strings and handles.
    unsafe {
        let v = c("budget");
        assert_eq!(
            EmailCherchePremier(n.as_ptr(), m, WD_SEEK_SUBJECT, v.as_ptr()),
            1
        );
        assert_eq!(prop(m, WD_EMAIL_SUBJECT, 0), "Réunion budget");
        let list = EmailRecherche(n.as_ptr(), c("SUBJECT \"Budget 2025\"").as_ptr(), 0);
        assert_eq!(EmailListeNb(list), 1, "{}", last_error());
        let later = EmailListeElement(list, 0);
        assert_eq!(
            EmailSupprimeMessage(n.as_ptr(), later),
            1,
            "{}",
            last_error()
        );
        assert_eq!(EmailLibere(WdEmail(list.0)), 1);
        assert_eq!(EmailChercheSuivant(n.as_ptr(), m), 0, "{}", last_error());
        assert_eq!(wd300com::ffi::errstate::ErreurDetectee(), 0);
    }
    assert_eq!(prop(m, WD_EMAIL_OUT, 0), "1");
    assert_eq!(EmailLibere(other), 1);
    let imaplib = python(
        &format!(
            "{PY_LOGIN}m.select(F, readonly=True)\nm.literal = 'café'.encode()\n\
             print(len(m.uid('SEARCH', 'CHARSET', 'UTF-8', 'BODY')[1][0].split()))\nm.logout()\n"
        ),
        &[("F", &f)],
        "",
    );
    assert_eq!(imaplib.trim(), "2");
    assert_eq!(EmailLibere(m), 1);
    registry::close(&name).unwrap();
}

// ----- folder roles ---------------------------------------------------------------

/// The special-use folders configured in the bench's Dovecot, by attribute.
fn dovecot_special_use() -> Vec<(String, String)> {
    let conf = PathBuf::from(var("WD_BENCH_DIR")).join("dovecot/dovecot.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    let mut out = Vec::new();
    let mut folder = None;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("mailbox ") {
            folder = rest
                .strip_suffix('{')
                .map(|f| f.trim().trim_matches('"').to_string());
        } else if let (Some(attr), Some(f)) = (line.strip_prefix("special_use = "), &folder) {
            out.push((attr.trim().to_string(), f.clone()));
        }
    }
    out
}

/// Each role names the folder the bench's Dovecot configures for it (`WD_FOLDER_ALL`:
/// none, ""); `EmailListeDossierRole` agrees.
#[test]
fn folder_roles_match_dovecots_special_use() {
    let Some(bench) = bench::Bench::load("folder roles test") else {
        return;
    };
    let configured = dovecot_special_use();
    assert!(configured.len() >= 4, "special-use folders: {configured:?}");
    let name = unique("roles");
    let mut cfg = alice();
    cfg.port = bench.imap;
    registry::open(&name, &cfg).unwrap();
    let n = c(&name);
    let roles = [
        (WD_FOLDER_SENT, "\\Sent"),
        (WD_FOLDER_DRAFTS, "\\Drafts"),
        (WD_FOLDER_TRASH, "\\Trash"),
        (WD_FOLDER_JUNK, "\\Junk"),
        (WD_FOLDER_ARCHIVE, "\\Archive"),
        (WD_FOLDER_ALL, "\\All"),
    ];
    // SAFETY: valid strings.
    let listing = text(unsafe { EmailListeDossierRole(n.as_ptr()) });
    for (role, attr) in roles {
        let want = configured
            .iter()
            .find(|(a, _)| a == attr)
            .map_or("", |(_, f)| f.as_str());
        // SAFETY: valid strings.
        let got = text(unsafe { EmailDossierSpecial(n.as_ptr(), role) });
        assert_eq!(got, want, "role {attr}");
        if !want.is_empty() {
            assert!(
                listing.lines().any(|l| l == format!("{want}\t{role}")),
                "{listing}"
            );
        }
        println!("{attr:9} -> {got:?}");
    }
    assert!(listing.lines().any(|l| l == "INBOX\t0"), "{listing}");
    // SAFETY: valid strings.
    assert!(unsafe { EmailDossierSpecial(n.as_ptr(), 7) }.is_null());
    assert_eq!(
        wd300com::ffi::errstate::ErreurCode(),
        wd300com::error::WD_E::InvalidArgument
    );
    registry::close(&name).unwrap();
}

// ----- flags ----------------------------------------------------------------------

const PY_FLAGS: &str = r#"
m.select(F)
for line in sys.stdin.read().splitlines():
    if line.startswith('STORE '):
        _, uid, op, flags = line.split(' ', 3)
        assert m.uid('STORE', uid, op, flags)[0] == 'OK'
typ, data = m.uid('FETCH', '1:*', '(UID FLAGS)')
for d in data:
    print(d.decode())
m.logout()
"#;

/// The flags of each message as imaplib sees them: UID → sorted flags.
fn flags_by_imaplib(folder: &str, stores: &str) -> std::collections::BTreeMap<u32, Vec<String>> {
    let out = python(&format!("{PY_LOGIN}{PY_FLAGS}"), &[("F", folder)], stores);
    out.lines()
        .map(|l| {
            let uid: u32 = l
                .split("UID ")
                .nth(1)
                .unwrap()
                .split([' ', ')'])
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let inner = l
                .split("FLAGS (")
                .nth(1)
                .unwrap()
                .split(')')
                .next()
                .unwrap();
            let mut flags: Vec<String> = inner.split_whitespace().map(str::to_string).collect();
            flags.retain(|f| f != "\\Recent");
            flags.sort();
            (uid, flags)
        })
        .collect()
}

/// Flags set with the library read back with imaplib, and the other way round; a flag
/// another client changed is left alone by an update that did not change it.
#[test]
fn flags_round_trip_with_imaplib() {
    if !servers() {
        return;
    }
    let f = unique("flags");
    let mut cfg = alice();
    let mut cl = ImapClient::open(&cfg, 30).unwrap();
    cl.create_folder(&f).unwrap();
    for i in 0..2 {
        cl.append(
            &f,
            format!("Subject: flags {i}\r\n\r\nbody\r\n").as_bytes(),
            false,
        )
        .unwrap();
    }
    cl.close().unwrap();
    let start = flags_by_imaplib(&f, "");
    let uids: Vec<u32> = start.keys().copied().collect();
    assert!(start.values().all(Vec::is_empty), "{start:?}");

    cfg.folder = f.clone();
    let name = unique("flags-c");
    registry::open(&name, &cfg).unwrap();
    let n = c(&name);
    let (m1, m2) = (EmailCree(), EmailCree());
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailLitMessage(n.as_ptr(), m1, 1), 1, "{}", last_error());
    }
    assert_eq!(prop(m1, WD_EMAIL_SEEN, 0), "1", "read whole: \\Seen");
    for p in [
        WD_EMAIL_FLAGGED,
        WD_EMAIL_ANSWERED,
        WD_EMAIL_DRAFT,
        WD_EMAIL_DELETED,
    ] {
        assert_eq!(prop(m1, p, 0), "0");
    }
    set(m1, WD_EMAIL_SEEN, 0, Some("0"));
    set(m1, WD_EMAIL_FLAGGED, 0, Some("1"));
    set(m1, WD_EMAIL_ANSWERED, 0, Some("1"));
    set(m1, WD_EMAIL_DRAFT, 0, Some("1"));
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailAjoute(m1, WD_EMAIL_KEYWORDS, c("$Label1").as_ptr()), 1);
        assert_eq!(EmailAjoute(m1, WD_EMAIL_KEYWORDS, c("projet").as_ptr()), 1);
        assert_eq!(EmailMiseAJour(n.as_ptr(), m1), 1, "{}", last_error());
    }
    let seen = flags_by_imaplib(&f, "");
    assert_eq!(
        seen[&uids[0]],
        ["$Label1", "\\Answered", "\\Draft", "\\Flagged", "projet"]
    );

    // imaplib changes message 2; the library finds it by a search (the reading moves
    // pass over a message flagged \Deleted, as over one EmailSupprimeMessage deleted).
    flags_by_imaplib(
        &f,
        &format!("STORE {} +FLAGS (\\Deleted \\Seen $Work)\n", uids[1]),
    );
    // Dovecot shows a session another one's change at the end of its next command.
    registry::with_reader(&name, |r| r.count(ReadOptions::default())).unwrap();
    // SAFETY: valid strings and handles.
    let found = unsafe {
        assert_eq!(EmailLitMessage(n.as_ptr(), m2, 2), 0, "{}", last_error());
        assert_eq!(wd300com::ffi::errstate::ErreurDetectee(), 0);
        assert_eq!(prop(m2, WD_EMAIL_OUT, 0), "1");
        EmailRecherche(n.as_ptr(), c("DELETED").as_ptr(), 0)
    };
    assert_eq!(EmailListeNb(found), 1, "{}", last_error());
    let m2 = EmailListeElement(found, 0);
    assert_eq!(prop(m2, WD_EMAIL_UID, 0), uids[1].to_string());
    assert_eq!(prop(m2, WD_EMAIL_DELETED, 0), "1");
    assert_eq!(prop(m2, WD_EMAIL_SEEN, 0), "1");
    assert_eq!(prop(m2, WD_EMAIL_FLAGGED, 0), "0");
    assert_eq!(wd300com::ffi::message::EmailNb(m2, WD_EMAIL_KEYWORDS), 1);
    assert_eq!(prop(m2, WD_EMAIL_KEYWORDS, 0), "$Work");

    // imaplib flags message 2 meanwhile; the library changes only its keywords.
    flags_by_imaplib(&f, &format!("STORE {} +FLAGS (\\Flagged)\n", uids[1]));
    set(m2, WD_EMAIL_KEYWORDS, 0, Some("$Done"));
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailMiseAJour(n.as_ptr(), m2), 1, "{}", last_error());
    }
    // Message 1: flagged and a keyword taken off again.
    set(m1, WD_EMAIL_FLAGGED, 0, Some("0"));
    set(m1, WD_EMAIL_KEYWORDS, 1, None);
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailMiseAJour(n.as_ptr(), m1), 1, "{}", last_error());
    }
    let seen = flags_by_imaplib(&f, "");
    assert_eq!(seen[&uids[0]], ["$Label1", "\\Answered", "\\Draft"]);
    assert_eq!(
        seen[&uids[1]],
        ["$Done", "\\Deleted", "\\Flagged", "\\Seen"]
    );

    // A keyword that is not an IMAP atom is refused before anything is sent.
    set(m1, WD_EMAIL_KEYWORDS, 0, Some("two words"));
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailMiseAJour(n.as_ptr(), m1), 0);
    }
    assert_eq!(
        wd300com::ffi::errstate::ErreurCode(),
        wd300com::error::WD_E::InvalidArgument
    );
    assert_eq!(EmailLibere(m1), 1);
    assert_eq!(EmailLibere(WdEmail(found.0)), 1);
    registry::close(&name).unwrap();
}

/// `WD_EMAIL_DELETED` and `EmailMiseAJour` agree with `EmailSupprimeMessage` and
/// `EmailDetruit`: "1" written deletes (flag only, the reading moves pass over it, the
/// count keeps it), "0" takes a deletion back, `EmailDetruit` removes what this session
/// deleted either way and leaves alone a message another client flagged.
#[test]
fn the_deleted_flag_deletes_as_email_supprime_message() {
    if !servers() {
        return;
    }
    let f = unique("deleted");
    let mut cfg = alice();
    let mut cl = ImapClient::open(&cfg, 30).unwrap();
    cl.create_folder(&f).unwrap();
    for i in 1..=4 {
        let m = format!("Subject: deleted {i}\r\n\r\nbody\r\n");
        cl.append(&f, m.as_bytes(), false).unwrap();
    }
    cl.close().unwrap();
    let uids: Vec<u32> = flags_by_imaplib(&f, "").keys().copied().collect();
    let deleted = |uid: u32| {
        let flags = flags_by_imaplib(&f, "");
        flags.get(&uid).map(|v| v.iter().any(|x| x == "\\Deleted"))
    };
    // Another client flags message 4.
    flags_by_imaplib(&f, &format!("STORE {} +FLAGS (\\Deleted)\n", uids[3]));

    cfg.folder = f.clone();
    let name = unique("deleted-c");
    registry::open(&name, &cfg).unwrap();
    let n = c(&name);
    let (m1, m2) = (EmailCree(), EmailCree());
    let count = || registry::with_reader(&name, |r| r.count(ReadOptions::default())).unwrap();
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailLitMessage(n.as_ptr(), m1, 1), 1, "{}", last_error());
        assert_eq!(EmailLitMessage(n.as_ptr(), m2, 2), 1, "{}", last_error());
    }
    let m = EmailCree();
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailLitPremier(n.as_ptr(), m, 0), 1, "{}", last_error());
        assert_eq!(prop(m, WD_EMAIL_UID, 0), uids[0].to_string());
    }
    // Message 1 deleted through its flag: flagged on the server, passed over by the
    // reading moves, still counted, its handle not "out" (only EmailSupprimeMessage is).
    set(m1, WD_EMAIL_DELETED, 0, Some("1"));
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailMiseAJour(n.as_ptr(), m1), 1, "{}", last_error());
    }
    assert_eq!(deleted(uids[0]), Some(true));
    assert_eq!(prop(m1, WD_EMAIL_OUT, 0), "0");
    assert_eq!(count(), 4);
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailLitSuivant(n.as_ptr(), m, 0), 1, "{}", last_error());
        assert_eq!(prop(m, WD_EMAIL_UID, 0), uids[1].to_string());
        assert_eq!(EmailLitPrecedent(n.as_ptr(), m, 0), 0, "{}", last_error());
        assert_eq!(wd300com::ffi::errstate::ErreurDetectee(), 0);
    }
    // Taken back: the moves read it again (the cursor is before the first message).
    set(m1, WD_EMAIL_DELETED, 0, Some("0"));
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailMiseAJour(n.as_ptr(), m1), 1, "{}", last_error());
        assert_eq!(deleted(uids[0]), Some(false));
        assert_eq!(EmailLitSuivant(n.as_ptr(), m, 0), 1, "{}", last_error());
        assert_eq!(prop(m, WD_EMAIL_UID, 0), uids[0].to_string());
        assert_eq!(EmailLitMessage(n.as_ptr(), m, 1), 1, "{}", last_error());
        assert_eq!(prop(m, WD_EMAIL_UID, 0), uids[0].to_string());
    }
    // EmailSupprimeMessage: WD_EMAIL_DELETED reads "1" and an update leaves \Deleted on.
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailSupprimeMessage(n.as_ptr(), m2), 1, "{}", last_error());
        assert_eq!(prop(m2, WD_EMAIL_OUT, 0), "1");
        assert_eq!(prop(m2, WD_EMAIL_DELETED, 0), "1");
        assert_eq!(EmailMiseAJour(n.as_ptr(), m2), 1, "{}", last_error());
    }
    assert_eq!(deleted(uids[1]), Some(true));
    // Message 1 deleted again through its flag: its number finds no message, as after
    // EmailSupprimeMessage. EmailDetruit removes 1 and 2, not 4, which another client
    // flagged.
    set(m1, WD_EMAIL_DELETED, 0, Some("1"));
    // SAFETY: valid strings and handles.
    unsafe {
        assert_eq!(EmailMiseAJour(n.as_ptr(), m1), 1, "{}", last_error());
        assert_eq!(EmailLitMessage(n.as_ptr(), m, 1), 0);
        assert_eq!(wd300com::ffi::errstate::ErreurDetectee(), 0);
        assert_eq!(prop(m, WD_EMAIL_OUT, 0), "1");
        assert_eq!(EmailDetruit(n.as_ptr()), 1, "{}", last_error());
    }
    let left: Vec<u32> = flags_by_imaplib(&f, "").keys().copied().collect();
    assert_eq!(left, [uids[2], uids[3]]);
    assert_eq!(deleted(uids[3]), Some(true));
    assert_eq!(count(), 2);
    for h in [m, m1, m2] {
        assert_eq!(EmailLibere(h), 1);
    }
    registry::close(&name).unwrap();
}
