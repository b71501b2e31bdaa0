//! Regenerates include/wd300com.h from src/ffi with cbindgen, writing it only when changed;
//! a cbindgen failure fails the build.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=src/error.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    // A versioned soname, so installed copies can live side by side (libwd300com.so.MAJOR).
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwd300com.so.{major}");
    }

    let mut config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let patch = std::env::var("CARGO_PKG_VERSION_PATCH").unwrap_or_default();
    config.after_includes = Some(format!(
        "\n/** Major version of the header (the soname is libwd300com.so.MAJOR). */\n\
         #define WD300COM_VERSION_MAJOR {major}\n\
         /** Minor version of the header. */\n\
         #define WD300COM_VERSION_MINOR {minor}\n\
         /** Patch version of the header. */\n\
         #define WD300COM_VERSION_PATCH {patch}\n\
         /** Packed version: MAJOR * 10000 + MINOR * 100 + PATCH. */\n\
         #define WD300COM_VERSION_NUMBER ({major} * 10000 + {minor} * 100 + {patch})\n\
         /** Version as a string, the value EmailVersion() returns for a matching library. */\n\
         #define WD300COM_VERSION_STRING \"{major}.{minor}.{patch}\"\n\n\
         /** Marks a deprecated function; the compiler warns with `note` where it is used. */\n\
         #if defined(__GNUC__) || defined(__clang__)\n\
         #define DEPRECATED_FUNC(note) __attribute__((deprecated(note)))\n\
         #elif defined(_MSC_VER)\n\
         #define DEPRECATED_FUNC(note) __declspec(deprecated(note))\n\
         #else\n\
         #define DEPRECATED_FUNC(note)\n\
         #endif\n"
    ));

    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .with_src(root.join("src/error.rs"))
        .generate();
    // A header that cannot be generated fails the build: a stale committed header must
    // never pass for the current one.
    let bindings = match bindings {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cbindgen could not generate include/wd300com.h: {e}");
            std::process::exit(1);
        }
    };
    let mut out = Vec::new();
    bindings.write(&mut out);
    let out = with_string_constants(out, &root);
    let path = root.join("include/wd300com.h");
    let old = std::fs::read(&path).unwrap_or_default();
    if old != out {
        std::fs::create_dir_all(root.join("include")).expect("include dir");
        std::fs::write(&path, out).expect("write include/wd300com.h");
    }
}

/// cbindgen writes no string constant: each `pub const WD_X: &str = "v";` of
/// src/ffi/types.rs becomes `#define WD_X "v"`, with its documentation, right after the
/// constant that precedes it in that file (so the header keeps the file's order).
fn with_string_constants(header: Vec<u8>, root: &std::path::Path) -> Vec<u8> {
    let types = std::fs::read_to_string(root.join("src/ffi/types.rs")).expect("src/ffi/types.rs");
    let mut header = String::from_utf8(header).expect("the header is UTF-8");
    let (mut doc, mut anchor) = (Vec::new(), String::new());
    for line in types.lines() {
        let line = line.trim();
        if let Some(d) = line.strip_prefix("///") {
            doc.push(d.trim().to_string());
            continue;
        }
        let Some(rest) = line.strip_prefix("pub const ") else {
            doc.clear();
            continue;
        };
        let name = rest.split(':').next().unwrap_or("").trim().to_string();
        if let Some((_, value)) = rest.split_once(": &str = ") {
            let value = value.trim_end_matches(';');
            let mut block = String::from("\n/**\n");
            for d in &doc {
                block.push_str(&format!(" * {d}\n"));
            }
            block.push_str(&format!(" */\n#define {name} {value}\n"));
            let at = format!("#define {anchor} ");
            let start = header
                .find(&at)
                .expect("the constant before a string constant");
            let end = start + header[start..].find('\n').expect("a line end") + 1;
            header.insert_str(end, &block);
        }
        anchor = name;
        doc.clear();
    }
    header.into_bytes()
}
