//! Mechanical checks of the C boundary's conventions: every export documented, every
//! export guarded, the header's version macros equal to Cargo.toml's version.

use std::fs;
use std::path::Path;

fn ffi_sources() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi");
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).expect("src/ffi") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                fs::read_to_string(&path).expect("read"),
            ));
        }
    }
    assert!(out.len() >= 5, "src/ffi has too few files");
    out
}

struct Export {
    file: String,
    name: String,
    doc: String,
    body: String,
}

fn exports() -> Vec<Export> {
    let mut v = Vec::new();
    for (file, text) in ffi_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() != "#[unsafe(no_mangle)]" {
                continue;
            }
            let sig = lines[i + 1];
            let name = sig
                .split("fn ")
                .nth(1)
                .and_then(|s| s.split('(').next())
                .unwrap_or_else(|| panic!("{file}:{}: no fn after no_mangle", i + 2))
                .trim()
                .to_string();
            if name.starts_with('$') {
                // The english! macro's own definition (see english_names below).
                continue;
            }
            let mut doc = Vec::new();
            let mut j = i;
            while j > 0 && lines[j - 1].trim_start().starts_with("///") {
                doc.push(lines[j - 1].trim());
                j -= 1;
            }
            doc.reverse();
            let mut body = Vec::new();
            for l in &lines[i + 1..] {
                body.push(*l);
                if *l == "}" {
                    break;
                }
            }
            v.push(Export {
                file: file.clone(),
                name,
                doc: doc.join("\n"),
                body: body.join("\n"),
            });
        }
    }
    v
}

#[test]
fn every_export_has_a_doc_comment() {
    let all = exports();
    assert!(all.len() > 40, "found only {} exports", all.len());
    let missing: Vec<String> = all
        .iter()
        .filter(|e| e.doc.trim_start_matches("///").trim().is_empty())
        .map(|e| format!("{} ({})", e.name, e.file))
        .collect();
    assert!(
        missing.is_empty(),
        "exports without a doc comment: {missing:?}"
    );
}

#[test]
fn every_export_is_guarded_or_forwards() {
    // A body either runs inside a guard macro or is a one-line English alias calling the
    // French function (which is guarded).
    let all = exports();
    let names: Vec<String> = all.iter().map(|e| e.name.clone()).collect();
    let mut bad = Vec::new();
    for e in &all {
        let guarded = e.body.contains("ffi_guard!(") || e.body.contains("ffi_query_guard!(");
        let forwards = names
            .iter()
            .any(|n| *n != e.name && e.body.contains(&format!("{n}(")));
        if !guarded && !forwards {
            bad.push(e.name.clone());
        }
    }
    assert!(
        bad.is_empty(),
        "exports neither guarded nor forwarding: {bad:?}"
    );
}

/// The `english!(EN = FR(…) -> R)` lines: (file, EN, FR).
fn english_names() -> Vec<(String, String, String)> {
    let mut v = Vec::new();
    for (file, text) in ffi_sources() {
        for line in text.lines() {
            let Some(rest) = line.trim().strip_prefix("english!(") else {
                continue;
            };
            let rest = rest.strip_prefix("unsafe ").unwrap_or(rest);
            let (en, rest) = rest.split_once(" = ").expect("english!(EN = FR(…) -> R)");
            let fr = rest.split('(').next().expect("FR");
            v.push((file.clone(), en.to_string(), fr.to_string()));
        }
    }
    v
}

#[test]
fn every_english_name_forwards_to_a_guarded_french_export_and_is_declared() {
    let exports = exports();
    let english = english_names();
    assert!(
        english.len() > 40,
        "found only {} English names",
        english.len()
    );
    let header =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/wd300com.h"))
            .expect("header");
    for (file, en, fr) in &english {
        let french = exports
            .iter()
            .find(|e| e.name == *fr)
            .unwrap_or_else(|| panic!("{file}: {en} names {fr}, which is no export"));
        let guarded =
            french.body.contains("ffi_guard!(") || french.body.contains("ffi_query_guard!(");
        let forwards = exports
            .iter()
            .any(|e| e.name != *fr && french.body.contains(&format!("{}(", e.name)));
        assert!(
            guarded || forwards,
            "{fr} (the French name of {en}) is neither guarded nor forwarding"
        );
        assert!(
            !exports.iter().any(|e| e.name == *en),
            "{en} is both an english! line and a function"
        );
        let declared = format!(" * English name of `{fr}`.");
        let at = header
            .find(&declared)
            .unwrap_or_else(|| panic!("the header does not declare {en}"));
        assert!(
            header[at..].contains(&format!(" {en}(")) || header[at..].contains(&format!("*{en}(")),
            "the header does not declare {en} after {fr}"
        );
    }
}

#[test]
fn header_version_matches_cargo() {
    let header =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/wd300com.h"))
            .expect("header");
    let mut parts = env!("CARGO_PKG_VERSION").split('.');
    for macro_name in ["MAJOR", "MINOR", "PATCH"] {
        let want = parts.next().expect("version part");
        let line = format!("#define WD300COM_VERSION_{macro_name} {want}");
        assert!(header.contains(&line), "header lacks {line:?}");
    }
    assert!(header.contains(&format!(
        "#define WD300COM_VERSION_STRING \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn english_aliases_call_the_french_function() {
    // Each English twin listed in c-tests/names.txt forwards to its French function.
    let names = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("c-tests/names.txt"))
        .expect("names.txt");
    let all = exports();
    let english = english_names();
    let mut checked = 0;
    for line in names.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut it = line.split_whitespace();
        let (Some(fr), Some(en)) = (it.next(), it.next()) else {
            continue;
        };
        if fr == en {
            continue;
        }
        if let Some((file, _, target)) = english.iter().find(|(_, e, _)| e == en) {
            assert_eq!(target, fr, "{file}: english!({en} = …) does not call {fr}");
            checked += 1;
            continue;
        }
        let Some(e) = all.iter().find(|e| e.name == en) else {
            continue;
        };
        assert!(
            e.body.contains(&format!("{fr}(")),
            "{en} does not call {fr}"
        );
        checked += 1;
    }
    assert!(checked > 20, "only {checked} aliases checked");
}
