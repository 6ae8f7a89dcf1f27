//! Strings that XML 1.0 can carry, and names of elements and attributes.

use alloc::string::String;
use core::fmt;

use crate::Error;

/// A string that XML 1.0 can carry: no control character other than tab, LF and CR, and
/// neither U+FFFE nor U+FFFF.
///
/// Every string of the model is a `Text`, so no value can break the XML written from it;
/// the writer escapes markup characters, and this type refuses what cannot be escaped.
///
/// A string of up to 24 bytes (a dev, a driver name, a host, most volume names) is stored
/// inline, without a heap allocation ([`compact_str`]); a longer one takes one allocation.
///
/// ```
/// use diskxml_model::Text;
///
/// let name = Text::new("source.name", "volume-1 & <friends>")?;
/// assert_eq!(name.as_str(), "volume-1 & <friends>");
///
/// let err = Text::new("serial", "abc\u{1}").unwrap_err();
/// assert_eq!(err.to_string(), "serial: character 3 is U+0001, which XML 1.0 cannot carry; remove it");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(compact_str::CompactString);

impl Text {
    /// Checks `value` and wraps it; `field` names the field in the error.
    ///
    /// # Errors
    /// [`Error::InvalidChar`] for the first character XML 1.0 cannot carry.
    pub fn new(field: &'static str, value: impl AsRef<str>) -> Result<Self, Error> {
        let value = value.as_ref();
        check_chars(field, value)?;
        Ok(Self(compact_str::CompactString::new(value)))
    }

    /// Whether the string is stored inline (up to 24 bytes), without a heap allocation.
    ///
    /// ```
    /// use diskxml_model::Text;
    ///
    /// assert!(Text::new("target.dev", "vda")?.is_inline());
    /// assert!(!Text::new("serial", "8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10")?.is_inline());
    /// # Ok::<(), diskxml_model::Error>(())
    /// ```
    #[must_use]
    pub fn is_inline(&self) -> bool {
        !self.0.is_heap_allocated()
    }

    /// The string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The string, by value.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

/// Refuses the first character of `value` that XML 1.0 cannot carry.
///
/// # Errors
/// [`Error::InvalidChar`] naming `field`, the character and its index.
pub fn check_chars(field: &'static str, value: &str) -> Result<(), Error> {
    // The common case in one pass over the bytes: no control character but tab, LF and CR,
    // and no EF BF BE / EF BF BF (U+FFFE, U+FFFF, the only other characters XML 1.0 refuses).
    let bytes = value.as_bytes();
    let plain = bytes.iter().enumerate().all(|(i, &b)| {
        (b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r'))
            && (b != 0xEF || !matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])))
    });
    if plain {
        return Ok(());
    }
    match value.chars().enumerate().find(|&(_, ch)| !is_xml_char(ch)) {
        Some((index, ch)) => Err(Error::InvalidChar { field, index, ch }),
        None => Ok(()),
    }
}

/// Whether XML 1.0 can carry `ch` (its `Char` production; Rust's `char` already
/// excludes the surrogates).
#[must_use]
pub const fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

impl core::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of an element or attribute the model does not know: an XML `Name` without a
/// namespace prefix (no `:`).
///
/// ```
/// use diskxml_model::Name;
///
/// assert!(Name::new("element name", "vendor-extension").is_ok());
/// assert!(Name::new("element name", "1st").is_err());
/// assert!(Name::new("element name", "a b").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(compact_str::CompactString);

impl Name {
    /// Checks `value` and wraps it; `field` names the field in the error.
    ///
    /// # Errors
    /// [`Error::InvalidName`] when `value` is not an XML name or holds a `:`.
    pub fn new(field: &'static str, value: impl AsRef<str>) -> Result<Self, Error> {
        let value = value.as_ref();
        let mut chars = value.chars();
        let valid = chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char);
        if valid {
            Ok(Self(compact_str::CompactString::new(value)))
        } else {
            Err(Error::InvalidName { field, name: value.into() })
        }
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// XML 1.0 (fifth edition) `NameStartChar`, without `:`.
const fn is_name_start_char(ch: char) -> bool {
    matches!(ch,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 (fifth edition) `NameChar`, without `:`.
const fn is_name_char(ch: char) -> bool {
    is_name_start_char(ch)
        || matches!(ch, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}
