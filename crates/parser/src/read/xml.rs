//! roxmltree's errors in our words: the same facts, without the position its own messages
//! end with (ours prints the position once, first, as `line:column`).

use roxmltree::Error as X;

/// What is wrong, from the error's variant and data.
pub(crate) fn message(e: &X) -> String {
    match e {
        X::InvalidXmlPrefixUri(_) => "'xml' namespace prefix mapped to wrong URI".to_owned(),
        X::UnexpectedXmlUri(_) => "the 'xml' namespace URI is used for not 'xml' prefix".to_owned(),
        X::UnexpectedXmlnsUri(_) => "the 'xmlns' URI is used, but it must not be declared".to_owned(),
        X::InvalidElementNamePrefix(_) => "the 'xmlns' prefix is used, but it must not be".to_owned(),
        X::DuplicatedNamespace(name, _) => format!("namespace '{name}' is already defined"),
        X::UnknownNamespace(name, _) => format!("an unknown namespace prefix '{name}'"),
        X::UnexpectedCloseTag(expected, actual, _) => format!("expected '{expected}' tag, not '{actual}'"),
        X::UnexpectedEntityCloseTag(_) => "unexpected close tag".to_owned(),
        X::MalformedEntityReference(_) => "malformed entity reference".to_owned(),
        X::UnknownEntityReference(name, _) => format!("unknown entity reference '{name}'"),
        X::EntityReferenceLoop(_) => "a possible entity reference loop is detected".to_owned(),
        X::InvalidAttributeValue(_) => "unescaped '<' found".to_owned(),
        X::DuplicatedAttribute(name, _) => format!("attribute '{name}' is already defined"),
        X::NoRootNode => "the document does not have a root node".to_owned(),
        X::UnclosedRootNode => "the root node was opened but never closed".to_owned(),
        X::UnexpectedDeclaration(_) => "unexpected XML declaration".to_owned(),
        X::DtdDetected => "XML with DTD detected".to_owned(),
        X::NodesLimitReached => "nodes limit reached".to_owned(),
        X::AttributesLimitReached => "more than 2^32 attributes were parsed".to_owned(),
        X::NamespacesLimitReached => "more than 2^16 unique namespaces were parsed".to_owned(),
        X::InvalidName(_) => "invalid name token".to_owned(),
        X::NonXmlChar(c, _) => format!("a non-XML character {c:?} found"),
        X::InvalidChar(expected, actual, _) => {
            format!("expected '{}' not '{}'", char::from(*expected), char::from(*actual))
        }
        X::InvalidChar2(expected, actual, _) => format!("expected {expected} not '{}'", char::from(*actual)),
        X::InvalidString(expected, _) => format!("expected '{expected}'"),
        X::InvalidExternalID(_) => "invalid ExternalID".to_owned(),
        X::EntityResolver(_, message) => format!("entity resolver failed: {message}"),
        X::InvalidComment(_) => "comment contains '--'".to_owned(),
        X::InvalidCharacterData(_) => "']]>' is not allowed inside a character data".to_owned(),
        X::UnknownToken(_) => "unknown token".to_owned(),
        X::UnexpectedEndOfStream => "unexpected end of stream".to_owned(),
        // A variant of a later roxmltree: its own words, position included.
        #[allow(unreachable_patterns, reason = "roxmltree may add variants")]
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn messages_carry_no_position_of_their_own() {
        for (text, expected) in [
            ("<a><b></a>", "expected 'b' tag, not 'a'"),
            ("<a x='1' x='2'/>", "attribute 'x' is already defined"),
            ("<a>&nope;</a>", "unknown entity reference 'nope'"),
            ("<a", "the document does not have a root node"),
            ("<a>", "the root node was opened but never closed"),
            ("<!DOCTYPE a []><a/>", "XML with DTD detected"),
        ] {
            let options = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
            let e = roxmltree::Document::parse_with_options(text, options).unwrap_err();
            assert_eq!(super::message(&e), expected, "{text}");
        }
    }
}
