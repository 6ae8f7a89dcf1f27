//! Collects every code example of the facade's documentation (its `///` and `//!` comments in
//! `crates/diskxml/src`) into one Markdown file that `src/lib.rs` includes as its own
//! documentation, so that rustdoc runs each as a doctest of this crate, which depends on
//! `diskxml` alone.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../diskxml/src");
    let mut files: Vec<_> = std::fs::read_dir(&src)
        .unwrap_or_else(|e| panic!("{}: {e}", src.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let libvirt = std::env::var_os("CARGO_FEATURE_LIBVIRT").is_some();
    let mut out = String::from("The facade's examples, each a doctest of a crate that depends on `diskxml` alone.\n");
    let mut count = 0;
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for (line, info, body) in examples(&text) {
            count += 1;
            // The libvirt examples need the facade's libvirt feature (`.ci/run` runs the
            // doctests with every feature); without it they are compiled out, and say so.
            let needs_libvirt = body.contains("diskxml::libvirt") || body.contains("diskxml::audit");
            let info = if needs_libvirt && !libvirt { "ignore".to_owned() } else { info };
            let _ = write!(out, "\n## {name}:{line}\n\n```{info}\n{body}```\n");
        }
    }
    assert!(count >= 10, "the facade's examples were not found in {}: {count}", src.display());
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("facade_examples.md");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}

/// Every fenced example in `text`'s doc comments: its line, its fence info and its body.
fn examples(text: &str) -> Vec<(usize, String, String)> {
    let mut found = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(doc) = trimmed.strip_prefix("///").or_else(|| trimmed.strip_prefix("//!")) else { continue };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        match (open.take(), doc.strip_prefix("```")) {
            (None, Some(info)) => open = Some((i + 1, info.to_owned(), String::new())),
            (Some(example), Some(_)) => found.push(example),
            (Some((at, info, mut body)), None) => {
                body.push_str(doc);
                body.push('\n');
                open = Some((at, info, body));
            }
            (None, None) => {}
        }
    }
    found
}
