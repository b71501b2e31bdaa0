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
    let out = with_english_names(out, &root);
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

/// cbindgen does not expand macros: each `english!(EN = FR(…) -> R);` line of src/ffi
/// (see `english!` in src/ffi/guard.rs) becomes the declaration of `EN`, right after the
/// declaration of `FR`, with `FR`'s parameters, laid out as cbindgen lays out functions
/// (on one line when it fits in 100 columns, else one parameter per line).
fn with_english_names(header: Vec<u8>, root: &std::path::Path) -> Vec<u8> {
    let mut header = String::from_utf8(header).expect("the header is UTF-8");
    let mut files: Vec<_> = std::fs::read_dir(root.join("src/ffi"))
        .expect("src/ffi")
        .map(|e| e.expect("a src/ffi entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a src/ffi file");
        for line in text.lines() {
            let Some(rest) = line.trim().strip_prefix("english!(") else {
                continue;
            };
            assert!(
                rest.ends_with(");"),
                "{}: an english!(EN = FR(…) -> R); line must stand on one line",
                file.display()
            );
            let (safety, rest) = match rest.strip_prefix("unsafe ") {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let (en, rest) = rest.split_once(" = ").expect("english!(EN = FR(…) -> R)");
            let fr = &rest[..rest.find('(').expect("english!(EN = FR(…) -> R)")];
            let (start, end) = declaration(&header, fr);
            // The C types are FR's, the parameter names those of the english! line.
            let names: Vec<&str> = rest[fr.len() + 1..]
                .split(',')
                .filter_map(|p| p.split_once(':').map(|(n, _)| n.trim()))
                .collect();
            let flat = header[start..end]
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let open = flat.find(&format!("{fr}(")).expect("FR") + fr.len() + 1;
            let params = &flat[open..flat.len() - 1];
            let c_params: Vec<&str> = match params {
                "void" => Vec::new(),
                _ => params.split(", ").collect(),
            };
            assert_eq!(
                c_params.len(),
                names.len(),
                "english!({en} = {fr}(…)): not the parameters of {fr}"
            );
            let params = match params {
                "void" => params.to_string(),
                _ => c_params
                    .iter()
                    .zip(names)
                    .map(|(c, name)| {
                        let ty = c.trim_end_matches(|ch: char| ch.is_alphanumeric() || ch == '_');
                        format!("{ty}{name}")
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            let flat = format!("{}{en}({params})", &flat[..open - fr.len() - 1]);
            let mut block = format!("\n\n/**\n * English name of `{fr}`.\n");
            if safety {
                block.push_str(&format!(" * # Safety\n * As `{fr}`.\n"));
            }
            block.push_str(" */\n");
            block.push_str(&cbindgen_layout(&flat, en));
            header.insert_str(end + 1, &block);
        }
    }
    header.into_bytes()
}

/// Where the declaration of the function `name` stands in the header: from the start of
/// its line to its `;` (excluded).
fn declaration(header: &str, name: &str) -> (usize, usize) {
    let call = format!("{name}(");
    let mut at = 0;
    for line in header.split_inclusive('\n') {
        let t = line.trim_start();
        let named = line
            .find(&call)
            .is_some_and(|i| i > 0 && matches!(line.as_bytes()[i - 1], b' ' | b'*'));
        if named && !t.starts_with('*') && !t.starts_with("/*") && !t.starts_with('#') {
            let end = at + header[at..].find(';').expect("a declaration ends with ;");
            return (at, end);
        }
        at += line.len();
    }
    panic!("english!: no declaration of {name} in the header");
}

/// `flat` (`R NAME(P1, P2);` without the `;`) laid out as cbindgen does: one line when
/// it fits in 100 columns, else each parameter on its own line, under the first.
fn cbindgen_layout(flat: &str, name: &str) -> String {
    if flat.len() < 100 {
        return format!("{flat};");
    }
    let open = flat.find(&format!("{name}(")).expect("the name") + name.len() + 1;
    let params = &flat[open..flat.len() - 1];
    let indent = format!(",\n{}", " ".repeat(open));
    format!(
        "{}{});",
        &flat[..open],
        params.split(", ").collect::<Vec<_>>().join(&indent)
    )
}
