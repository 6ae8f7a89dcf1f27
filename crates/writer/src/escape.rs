//! Escaping: markup characters everywhere, and the whitespace a parser would normalise.

use core::fmt::{self, Write};

/// Writes `s` with markup characters escaped; in attribute values (`attr`) also tab and LF,
/// and CR everywhere (a parser would normalise them away otherwise).
/// Clean runs (the common case: no special byte at all) are copied whole; a 256-entry table
/// finds the special bytes. The common case is inlined where a value is written; a value
/// with something to escape goes out of line.
#[inline(always)]
pub(crate) fn escape<W: Write + ?Sized>(out: &mut W, s: &str, attr: bool) -> fmt::Result {
    let table = if attr { &SPECIAL_IN_ATTRIBUTE } else { &SPECIAL_IN_TEXT };
    let bytes = s.as_bytes();
    // The common case first, without a branch a byte: is any byte special at all?
    if !bytes.iter().fold(false, |any, &b| any | table[usize::from(b)]) {
        return out.write_str(s);
    }
    escape_found(out, s, table, attr)
}

/// [`escape`] of a value with a special byte: out of line, so that the common case keeps
/// few registers to save.
#[cold]
#[inline(never)]
fn escape_found<W: Write + ?Sized>(out: &mut W, s: &str, table: &[bool; 256], attr: bool) -> fmt::Result {
    let bytes = s.as_bytes();
    let first = bytes.iter().position(|&b| table[usize::from(b)]).unwrap_or(bytes.len());
    let mut last = 0;
    for (i, &byte) in bytes.iter().enumerate().skip(first) {
        if !table[usize::from(byte)] {
            continue;
        }
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\'' => "&apos;",
            b'"' => "&quot;",
            b'\r' => "&#13;",
            b'\t' if attr => "&#9;",
            b'\n' if attr => "&#10;",
            _ => continue,
        };
        // Every byte matched above is ASCII, so `i` and `i + 1` are character boundaries.
        out.write_str(&s[last..i])?;
        out.write_str(replacement)?;
        last = i + 1;
    }
    out.write_str(&s[last..])
}

/// The bytes [`escape`] replaces, in attribute values and in text.
const SPECIAL_IN_ATTRIBUTE: [bool; 256] = special(true);
const SPECIAL_IN_TEXT: [bool; 256] = special(false);

const fn special(attr: bool) -> [bool; 256] {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'\'' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\r' as usize] = true;
    if attr {
        table[b'\t' as usize] = true;
        table[b'\n' as usize] = true;
    }
    table
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use alloc::string::String;

    use super::*;

    fn escaped(s: &str, attr: bool) -> String {
        let mut out = String::new();
        escape(&mut out, s, attr).unwrap();
        out
    }

    /// Known vocabulary values are written without escaping (`Value::Verbatim`): none may
    /// hold a character escaping would change.
    #[test]
    fn no_known_spelling_needs_escaping() {
        use diskxml_model as m;
        let lists: [&[&str]; 17] = [
            m::Bus::KNOWN,
            m::Cache::KNOWN,
            m::DetectZeroes::KNOWN,
            m::DeviceKind::KNOWN,
            m::Discard::KNOWN,
            m::ErrorPolicy::KNOWN,
            m::Format::KNOWN,
            m::Io::KNOWN,
            m::OnOff::KNOWN,
            m::Protocol::KNOWN,
            m::ReadErrorPolicy::KNOWN,
            m::SecretType::KNOWN,
            m::StartupPolicy::KNOWN,
            m::Transport::KNOWN,
            m::Tray::KNOWN,
            m::VolumeMode::KNOWN,
            m::YesNo::KNOWN,
        ];
        for spelling in lists.iter().flat_map(|l| l.iter()).chain(&[
            "file",
            "block",
            "network",
            "dir",
            "volume",
            "nvme",
            "vhostuser",
        ]) {
            assert_eq!(escaped(spelling, true), *spelling);
            assert_eq!(escaped(spelling, false), *spelling);
        }
        assert_eq!(m::Bus::parse("virtio").unwrap().spelling(), Some("virtio"));
        assert_eq!(m::Bus::parse("future&bus").unwrap().spelling(), None);
    }

    #[test]
    fn escapes_markup_everywhere_and_whitespace_in_attributes() {
        assert_eq!(escaped("a&b<c>d'e\"f", false), "a&amp;b&lt;c&gt;d&apos;e&quot;f");
        assert_eq!(escaped("\t\n\r", true), "&#9;&#10;&#13;");
        assert_eq!(escaped("\t\n\r", false), "\t\n&#13;");
        assert_eq!(escaped("é]]>𝄞", false), "é]]&gt;𝄞");
        assert_eq!(escaped("", true), "");
    }
}
