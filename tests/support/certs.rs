//! Certificates made by the `openssl` CLI for TLS tests: a folder of `NAME.pem` /
//! `NAME.key` pairs, read back as paths or as server identities.

use native_tls::Identity;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A folder of certificates and keys.
pub struct Certs {
    pub dir: PathBuf,
}

impl Certs {
    /// A fresh folder for this test binary, under cargo's temporary folder.
    pub fn new(label: &str) -> Certs {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Certs { dir }
    }

    /// The path of file `name` in the folder.
    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    /// The server identity of `name.pem` and `name.key` (PKCS#8).
    pub fn identity(&self, name: &str) -> Identity {
        let cert = std::fs::read(self.dir.join(format!("{name}.pem"))).unwrap();
        let key = std::fs::read(self.dir.join(format!("{name}.key"))).unwrap();
        Identity::from_pkcs8(&cert, &key).unwrap()
    }

    /// Runs `openssl ARGS` in the folder; panics with its error output when it fails.
    pub fn openssl(&self, args: &[&str]) {
        run_openssl(&self.dir, args)
    }

    /// A self-signed P-256 certificate `name.pem` (key `name.key`) for subject `subj`,
    /// valid 30 days, with the `-addext` extensions `exts`.
    pub fn self_signed(&self, name: &str, subj: &str, exts: &[&str]) {
        let (key, pem) = (format!("{name}.key"), format!("{name}.pem"));
        let mut args = vec![
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "30",
            "-subj",
            subj,
            "-keyout",
            &key,
            "-out",
            &pem,
        ];
        for e in exts {
            args.extend(["-addext", e]);
        }
        self.openssl(&args);
    }
}

fn run_openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl CLI");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "openssl {args:?}: {err}");
}
