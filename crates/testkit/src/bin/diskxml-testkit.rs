//! The testkit's generator and comparison for tests in other languages (the Python package's
//! nova differential), so that there is still one generator and one "semantically equal":
//!
//! - `diskxml-testkit nova-requests SEED COUNT`: [`diskxml_testkit::nova::requests`], one
//!   request's JSON a line;
//! - `diskxml-testkit semantic-eq`: reads `[a, b]` (two XML texts) a line, writes `null` when
//!   they are semantically equal ([`diskxml_testkit::semantic::semantic_eq`]), else the
//!   difference as a JSON string.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use serde_json::Value;

fn usage() -> ExitCode {
    eprintln!("usage: diskxml-testkit nova-requests SEED COUNT | diskxml-testkit semantic-eq");
    ExitCode::from(2)
}

fn compare(line: &str) -> Result<Value, String> {
    let pair: (String, String) = serde_json::from_str(line).map_err(|e| format!("not [a, b]: {e}"))?;
    let a = roxmltree::Document::parse(&pair.0).map_err(|e| format!("a: {e}"))?;
    let b = roxmltree::Document::parse(&pair.1).map_err(|e| format!("b: {e}"))?;
    Ok(match diskxml_testkit::semantic::semantic_eq(a.root_element(), b.root_element()) {
        Ok(()) => Value::Null,
        Err(diff) => Value::String(diff),
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = std::io::stdout().lock();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["nova-requests", seed, count] => {
            let (Ok(seed), Ok(count)) = (seed.parse(), count.parse()) else { return usage() };
            for r in diskxml_testkit::nova::requests(seed, count) {
                if writeln!(out, "{}", r.to_json()).is_err() {
                    return ExitCode::FAILURE;
                }
            }
        }
        ["semantic-eq"] => {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { return ExitCode::FAILURE };
                let answer = compare(&line).unwrap_or_else(|e| Value::String(format!("unreadable: {e}")));
                if writeln!(out, "{answer}").and_then(|()| out.flush()).is_err() {
                    return ExitCode::FAILURE;
                }
            }
        }
        _ => return usage(),
    }
    ExitCode::SUCCESS
}
