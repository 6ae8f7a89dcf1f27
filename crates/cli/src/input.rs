//! Reading inputs, and failures in the one form every error takes:
//! `diskxml: FILE:LINE:COLUMN: message` (1-based), or `diskxml: FILE: message` where the
//! input has no position to point at (it could not be opened, say).

use std::io::Read;

/// A failure, with the exit status it maps to.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Invalid input: exit 1.
    Invalid(String),
    /// Usage or I/O: exit 2.
    Io(String),
    /// This many problems found, already in the output: exit 1.
    Problems(usize),
    /// Already said on stderr (several files' failures): exit with this status.
    Reported(u8),
    /// A signal stopped (or followed) the operation: exit 128 + its number.
    #[cfg_attr(not(feature = "libvirt"), allow(dead_code, reason = "only attach and detach are interrupted"))]
    Signal(String, usize),
}

impl Failure {
    /// What the failure says on stderr (after `diskxml: `), for those that say something.
    pub(crate) fn said(&self) -> Option<&str> {
        match self {
            Self::Invalid(m) | Self::Io(m) | Self::Signal(m, _) => Some(m),
            Self::Problems(_) | Self::Reported(_) => None,
        }
    }
}

/// The place and the message of a failure about `file` said in the one form
/// (`FILE:LINE:COLUMN: message`, or `FILE: message`): the inverse of formatting it.
pub(crate) fn split_place<'a>(file: &str, said: &'a str) -> (Option<(usize, usize)>, &'a str) {
    let Some(rest) = said.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else { return (None, said) };
    let placed = rest.split_once(": ").and_then(|(place, message)| {
        let (line, column) = place.split_once(':')?;
        Some(((line.parse().ok()?, column.parse().ok()?), message))
    });
    match placed {
        Some((pos, message)) => (Some(pos), message),
        None => (None, rest.strip_prefix(' ').unwrap_or(rest)),
    }
}

/// Reads a file, or stdin for `-`, as text: UTF-8 (a byte order mark skipped) or UTF-16
/// (with a byte order mark, or XML's `<` as its first character), decoded.
pub(crate) fn read_input(file: &str) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(drop)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes)).map(drop)
    };
    read.map_err(|e| Failure::Io(format!("{file}: {e}")))?;
    decode(file, bytes)
}

/// The text of `bytes`, or a failure that says which encoding broke and where.
pub(crate) fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Failure> {
    let utf16 = match bytes.as_slice() {
        [0xFF, 0xFE, ..] => Some((true, 2)),
        [0xFE, 0xFF, ..] => Some((false, 2)),
        [b'<', 0, ..] => Some((true, 0)),
        [0, b'<', ..] => Some((false, 0)),
        _ => None,
    };
    if let Some((little, skip)) = utf16 {
        return decode_utf16(file, &bytes[skip..], little);
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let (line, column) = line_column(&prefix, prefix.len());
        Failure::Invalid(format!(
            "{file}:{line}:{column}: not UTF-8 text: byte 0x{:02X} at offset {valid}",
            bytes[valid]
        ))
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

fn decode_utf16(file: &str, bytes: &[u8], little: bool) -> Result<String, Failure> {
    let order = if little { "UTF-16LE" } else { "UTF-16BE" };
    if !bytes.len().is_multiple_of(2) {
        return Err(Failure::Invalid(format!("{file}: {order} text with an odd number of bytes ({})", bytes.len())));
    }
    let units = bytes
        .chunks_exact(2)
        .map(|p| if little { u16::from_le_bytes([p[0], p[1]]) } else { u16::from_be_bytes([p[0], p[1]]) });
    let mut text = String::with_capacity(bytes.len() / 2);
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(ch) => text.push(ch),
            Err(e) => {
                let (line, column) = line_column(&text, text.len());
                let unpaired = e.unpaired_surrogate();
                return Err(Failure::Invalid(format!(
                    "{file}:{line}:{column}: not {order} text: unpaired surrogate 0x{unpaired:04X}"
                )));
            }
        }
    }
    // An XML declaration naming UTF-16 is now UTF-8 text; the parser reads it either way.
    Ok(text)
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
pub(crate) fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// An error that carries its own `line:column: message` (the parser's, JSON's).
pub(crate) fn positioned(file: &str, e: impl std::fmt::Display) -> Failure {
    Failure::Invalid(format!("{file}:{e}"))
}

/// A connection info error at the position of the JSON it is about: the field's key (or
/// the deepest part of its path that exists), else the document's start.
pub(crate) fn connection_failure(file: &str, text: &str, e: &diskxml::connector::Error) -> Failure {
    use diskxml::connector::Error;
    match e {
        Error::Json { .. } => positioned(file, e),
        Error::Field { field, .. } => {
            let (line, column) = locate_json_field(text, field).unwrap_or((1, 1));
            Failure::Invalid(format!("{file}:{line}:{column}: {e}"))
        }
        Error::UnknownDriver { .. } => {
            let (line, column) = locate_json_field(text, "driver_volume_type").unwrap_or((1, 1));
            Failure::Invalid(format!("{file}:{line}:{column}: {e}"))
        }
        _ => Failure::Invalid(format!("{file}: {e}")),
    }
}

/// Where the key of `field` (`data.qos_specs.consumer`; `[n]` indexes ignored) is in the
/// JSON `text`: the deepest part of the path that is there. `None` when not even its first
/// part is (a missing top-level field).
pub(crate) fn locate_json_field(text: &str, field: &str) -> Option<(usize, usize)> {
    let path: Vec<&str> = field.split('.').map(|p| p.split('[').next().unwrap_or(p)).collect();
    // The key of each open object, or None for an array.
    let mut keys: Vec<Option<String>> = Vec::new();
    let mut best: Option<(usize, usize)> = None;
    let mut best_depth = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, ch)) = chars.next() {
        match ch {
            '{' => keys.push(Some(String::new())),
            '[' => keys.push(None),
            '}' | ']' => drop(keys.pop()),
            '"' => {
                let mut s = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => drop(chars.next()),
                        '"' => break,
                        c => s.push(c),
                    }
                }
                while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
                if chars.peek().is_some_and(|(_, c)| *c == ':') {
                    if let Some(Some(key)) = keys.last_mut() {
                        *key = s;
                    }
                    let depth = keys.len();
                    let matches = depth <= path.len() && keys.iter().zip(&path).all(|(k, p)| k.as_deref() == Some(*p));
                    if matches && depth >= best_depth {
                        best = Some(line_column(text, at));
                        best_depth = depth;
                        if depth == path.len() {
                            return best;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_at_their_key_or_their_deepest_parent() {
        let text = "{\n  \"driver_volume_type\": \"x\",\n  \"data\": {\"name\": \"a\\\"b\", \"qos_specs\": {\"consumer\": 1}}\n}";
        assert_eq!(locate_json_field(text, "driver_volume_type"), Some((2, 3)));
        assert_eq!(locate_json_field(text, "data.qos_specs.consumer"), Some((3, 42)));
        assert_eq!(locate_json_field(text, "data.device_path"), Some((3, 3)));
        assert_eq!(locate_json_field(text, "data.hosts[1]"), Some((3, 3)));
        assert_eq!(locate_json_field(text, "serial"), None);
        // A key of the same name deeper down is not the field.
        assert_eq!(locate_json_field("{\"data\": {\"serial\": 1}}", "serial"), None);
    }

    proptest::proptest! {
        /// Any text, any field: no panic, and a position inside the text.
        #[test]
        fn locating_never_panics(text in ".{0,200}", field in "[a-z_.\\[\\]0-9]{0,30}") {
            if let Some((line, column)) = locate_json_field(&text, &field) {
                proptest::prop_assert!(line >= 1 && column >= 1);
                proptest::prop_assert!(line <= text.matches('\n').count() + 1);
            }
        }

        /// In real JSON, the position found is the key's opening quote.
        #[test]
        fn a_key_is_found_at_its_quote(
            keys in proptest::collection::vec("[a-z]{1,6}", 1..4),
            pretty in proptest::bool::ANY,
        ) {
            let mut value = serde_json::json!(1);
            for key in keys.iter().rev() {
                value = serde_json::json!({ "other": [1, {"x": "y"}], key.as_str(): value });
            }
            let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) };
            let text = text.map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let (line, column) = locate_json_field(&text, &keys.join("."))
                .ok_or_else(|| proptest::test_runner::TestCaseError::fail(text.clone()))?;
            let line_text = text.lines().nth(line - 1).unwrap_or_default();
            let rest: String = line_text.chars().skip(column - 1).collect();
            let last = keys.last().map(String::as_str).unwrap_or_default();
            proptest::prop_assert!(rest.starts_with(&format!("\"{last}\"")), "{}\n{}:{}", text, line, column);
        }
    }

    proptest::proptest! {
        /// Splitting a failure said in the one form gives back its place and message.
        #[test]
        fn a_place_splits_off_as_it_was_put_on(
            file in "[a-z/._:-]{1,12}",
            pos in proptest::option::of((1usize..10_000, 1usize..10_000)),
            message in "[a-z0-9 :'<>]{0,30}",
        ) {
            let said = match pos {
                Some((line, column)) => format!("{file}:{line}:{column}: {message}"),
                None => format!("{file}: {message}"),
            };
            let split = split_place(&file, &said);
            // A message that itself begins like a place cannot be told from one.
            let ambiguous = pos.is_none() && split_place("", &format!(":{message}")).0.is_some();
            if !ambiguous {
                proptest::prop_assert_eq!(split, (pos, message.as_str()));
            }
        }
    }

    #[test]
    fn utf16_is_decoded_and_broken_encodings_say_where() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("<a/>".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode("f", le).unwrap(), "<a/>");
        let be: Vec<u8> = "<a/>".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode("f", be).unwrap(), "<a/>");
        let Err(Failure::Invalid(m)) = decode("f", vec![b'<', 0, 0x00, 0xD8, b'a', 0]) else { panic!() };
        assert_eq!(m, "f:1:2: not UTF-16LE text: unpaired surrogate 0xD800");
        let Err(Failure::Invalid(m)) = decode("f", b"<a>\n  \xff</a>".to_vec()) else { panic!() };
        assert_eq!(m, "f:2:3: not UTF-8 text: byte 0xFF at offset 6");
        assert_eq!(decode("f", b"\xef\xbb\xbf<a/>".to_vec()).unwrap(), "<a/>");
    }
}
