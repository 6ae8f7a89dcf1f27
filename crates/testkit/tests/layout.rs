//! The workspace's layout rules, checked: no library source file over 600 lines and no
//! function outside tests over 60 lines, so that every file shows its contents and every
//! function fits on a screen (docs/architecture.md).
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 60;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `src/` file of every crate of the workspace.
fn library_sources() -> Vec<PathBuf> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    files.sort();
    assert!(files.len() > 30, "found only {} source files under {}", files.len(), crates.display());
    files
}

/// The functions of `text` before its `#[cfg(test)]` module, as (first line, length).
fn functions(text: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().take_while(|l| l.trim() != "#[cfg(test)]").collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "const fn ", "pub const fn ", "pub(crate) const fn "]
            .iter()
            .any(|p| line.starts_with(p));
        if !is_fn || line.ends_with(';') {
            i += 1;
            continue;
        }
        // From the signature to the line where the braces opened after it balance again.
        let (mut depth, mut opened, mut end) = (0i32, false, i);
        for (j, l) in lines.iter().enumerate().skip(i) {
            for c in l.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            end = j;
            if opened && depth <= 0 {
                break;
            }
            if !opened && l.trim_end().ends_with(';') {
                break;
            }
        }
        found.push((i + 1, end - i + 1));
        i = end + 1;
    }
    found
}

#[test]
fn no_source_file_over_600_lines_and_no_function_over_60() {
    let mut problems = Vec::new();
    for file in library_sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.display().to_string();
        let count = text.lines().count();
        if count > MAX_FILE_LINES {
            problems.push(format!("{name}: {count} lines"));
        }
        for (line, length) in functions(&text) {
            if length > MAX_FN_LINES {
                problems.push(format!("{name}:{line}: a function of {length} lines"));
            }
        }
    }
    assert!(problems.is_empty(), "split these by element or by rule:\n{}", problems.join("\n"));
}

#[test]
fn the_function_counter_counts() {
    let text = "fn a() {\n    x();\n}\n\npub fn b(\n    y: u8,\n) -> u8 {\n    y\n}\n#[cfg(test)]\nfn c() {}\n";
    assert_eq!(functions(text), [(1, 3), (5, 5)]);
}

/// The `[dependencies]` of `crate_dir`'s manifest: its internal crates' names.
fn internal_dependencies(crate_dir: &str) -> Vec<String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(crate_dir).join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let section = text.split("\n[dependencies]\n").nth(1).unwrap_or_default();
    let section = section.split("\n[").next().unwrap_or_default();
    section
        .lines()
        .filter_map(|l| l.split(['.', ' ', '=']).next())
        .filter(|name| name.starts_with("diskxml"))
        .map(str::to_owned)
        .collect()
}

/// docs/architecture.md's dependency table, for the crates whose edges it forbids: the writer
/// and the parser read libvirt's vocabulary from the schema, never its semantics from the
/// rules; the schema depends on the model alone; the rules, on the model and the schema.
#[test]
fn the_crates_depend_only_as_the_architecture_says() {
    for (dir, allowed) in [
        ("schema", &["diskxml-model"][..]),
        ("rules", &["diskxml-model", "diskxml-schema"]),
        ("writer", &["diskxml-model", "diskxml-schema"]),
        ("parser", &["diskxml-model", "diskxml-schema"]),
        ("connector", &["diskxml-model", "diskxml-rules"]),
    ] {
        let found = internal_dependencies(dir);
        assert!(!found.is_empty() || dir == "model", "{dir}: no dependencies read");
        for dep in &found {
            assert!(allowed.contains(&dep.as_str()), "crates/{dir} depends on {dep}; it may depend on {allowed:?}");
        }
    }
}
