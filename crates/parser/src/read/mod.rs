//! From roxmltree's tree to the model: the reader's core. Each element family has a file
//! of its own: the document and domain ([`document`]), the disk and its plain children
//! ([`disk`]), sources and backing chains ([`source`]), network sources ([`network`]).

mod disk;
pub(crate) mod document;
mod network;
mod source;
mod xml;

use diskxml_model::{Element, Name, Node as MNode, Text, Unknown};
use diskxml_schema::{SetError, Shape};
use roxmltree::{Attribute, Document, Node};

use crate::{Error, ErrorKind, Pos};

/// Limits that keep hostile input from exhausting memory, stack or time.
///
/// ```
/// let mut options = diskxml_parser::Options::default();
/// options.max_size = 64;
/// let err = diskxml_parser::parse_disk_with(&" ".repeat(100), &options).unwrap_err();
/// assert_eq!(err.to_string(), "1:1: the input is 100 bytes, more than the limit of 64");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The largest input accepted, in bytes. Default: 16 MiB.
    pub max_size: usize,
    /// The most XML nodes (elements, texts, attributes...) accepted. Default: 1,000,000.
    pub max_nodes: u32,
    /// The deepest element nesting accepted: an element with more element ancestors than
    /// this is refused. Default: 200, deeper than any real backing chain, and shallow enough
    /// that reading, comparing and writing the deepest chain it lets through fits in a
    /// 2 MiB thread stack even in a debug build (a chain of 255 layers does not).
    pub max_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { max_size: 16 * 1024 * 1024, max_nodes: 1_000_000, max_depth: 200 }
    }
}

pub(crate) struct Reader<'d, 'i> {
    pub(crate) doc: &'d Document<'i>,
    pub(crate) options: &'d Options,
    /// Where each line of the text starts, made on the first position asked for: a position
    /// is then a binary search, not a scan from the start (which made locating every disk of
    /// a large domain quadratic).
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

/// The known attributes of one element, read once; whatever is left is kept as unknown.
/// Taking one marks it in a bit set (a vector only past the 64th attribute, which no real
/// element has), so reading an element's attributes allocates nothing.
pub(crate) struct Attrs<'a, 'i> {
    attrs: roxmltree::Attributes<'a, 'i>,
    /// Bit `i` set: attribute `i` is taken.
    taken: u64,
    /// The taken attributes past the 64th.
    taken_past: Vec<usize>,
}

impl<'a, 'i> Attrs<'a, 'i> {
    pub(crate) fn take(&mut self, name: &str) -> Option<Attribute<'a, 'i>> {
        let (at, attribute) =
            self.attrs.clone().enumerate().find(|(_, a)| a.name() == name && a.namespace().is_none())?;
        if self.is_taken(at) {
            return None;
        }
        self.mark(at);
        Some(attribute)
    }

    fn mark(&mut self, at: usize) {
        match u32::try_from(at).ok().and_then(|at| 1u64.checked_shl(at)) {
            Some(bit) => self.taken |= bit,
            None => self.taken_past.push(at),
        }
    }

    fn is_taken(&self, at: usize) -> bool {
        match u32::try_from(at).ok().and_then(|at| 1u64.checked_shl(at)) {
            Some(bit) => self.taken & bit != 0,
            None => self.taken_past.contains(&at),
        }
    }

    /// The attributes nobody took, in document order.
    fn left(self) -> impl Iterator<Item = Attribute<'a, 'i>> {
        self.attrs.clone().enumerate().filter(move |(at, _)| !self.is_taken(*at)).map(|(_, a)| a)
    }
}

impl<'d, 'i> Reader<'d, 'i> {
    pub(crate) fn new(doc: &'d Document<'i>, options: &'d Options) -> Self {
        Self { doc, options, line_starts: std::cell::OnceCell::new() }
    }
}

impl<'i> Reader<'_, 'i> {
    /// The 1-based line and column (in characters) of byte `byte`, as roxmltree's
    /// `text_pos_at` counts them.
    pub(crate) fn pos(&self, byte: usize) -> Pos {
        let text = self.doc.input_text();
        let starts = self.line_starts.get_or_init(|| {
            core::iter::once(0)
                .chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1))
                .collect()
        });
        let byte = byte.min(text.len());
        let line = starts.partition_point(|start| *start <= byte);
        let start = starts[line - 1];
        let column = text.get(start..byte).map_or(0, |s| s.chars().count()) + 1;
        Pos { line: u32::try_from(line).unwrap_or(u32::MAX), column: u32::try_from(column).unwrap_or(u32::MAX) }
    }

    pub(crate) fn err(&self, byte: usize, kind: ErrorKind) -> Error {
        Error::new(self.pos(byte), kind)
    }

    pub(crate) fn model_err(&self, byte: usize, e: diskxml_model::Error) -> Error {
        self.err(byte, ErrorKind::Model(e))
    }

    pub(crate) fn attrs<'a>(&self, node: Node<'a, 'i>) -> Result<Attrs<'a, 'i>, Error> {
        let attrs = node.attributes();
        if let Some(a) = attrs.clone().find(|a| a.namespace().is_some()) {
            let name = self.doc.input_text().get(a.range_qname()).unwrap_or(a.name()).to_owned();
            return Err(self.err(a.range().start, ErrorKind::Namespaced { what: "attribute", name }));
        }
        Ok(Attrs { attrs, taken: 0, taken_past: Vec::new() })
    }

    pub(crate) fn text(&self, a: &Attribute<'_, '_>, field: &'static str) -> Result<Text, Error> {
        Text::new(field, a.value()).map_err(|e| self.model_err(a.range_value().start, e))
    }

    /// A required attribute, taken.
    pub(crate) fn required<'a, T>(
        &self,
        attrs: &mut Attrs<'a, 'i>,
        node: Node<'_, '_>,
        shape: &Shape<T>,
        attribute: &'static str,
    ) -> Result<Attribute<'a, 'i>, Error> {
        attrs.take(attribute).ok_or_else(|| {
            self.err(node.range().start, ErrorKind::MissingAttribute { element: shape.element, attribute })
        })
    }

    /// Sets every attribute of `shape` that `attrs` holds (and the shape can set) on `item`.
    /// The element's attributes are walked once (two or three, where a table has up to
    /// twenty), each looked up in the table.
    pub(crate) fn fill<T>(&self, shape: &Shape<T>, item: &mut T, attrs: &mut Attrs<'_, '_>) -> Result<(), Error> {
        for (at, a) in attrs.attrs.clone().enumerate() {
            if a.namespace().is_some() || attrs.is_taken(at) {
                continue;
            }
            let Some((name, set)) =
                shape.attrs.iter().find(|k| k.name == a.name()).and_then(|k| Some((k.name, k.set?)))
            else {
                continue;
            };
            attrs.mark(at);
            set(item, a.value()).map_err(|e| self.set_err(&a, shape.element, name, e))?;
        }
        Ok(())
    }

    pub(crate) fn set_err(
        &self,
        a: &Attribute<'_, '_>,
        element: &'static str,
        attribute: &'static str,
        e: SetError,
    ) -> Error {
        match e {
            SetError::Model(m) => self.model_err(a.range_value().start, m),
            SetError::Invalid { expected } => self.err(
                a.range_value().start,
                ErrorKind::InvalidValue { element, attribute, expected, found: a.value().to_owned() },
            ),
        }
    }

    /// An element of `shape` with no known children: its attributes set on `item`, the rest kept.
    pub(crate) fn plain<T>(
        &self,
        node: Node<'_, 'i>,
        shape: &Shape<T>,
        item: T,
        unknown: impl FnOnce(&mut T) -> &mut Unknown,
    ) -> Result<T, Error> {
        let attrs = self.attrs(node)?;
        self.finish_plain(node, attrs, shape, item, unknown)
    }

    /// [`Reader::plain`] for an element whose constructor took some attributes already.
    pub(crate) fn finish_plain<T>(
        &self,
        node: Node<'_, 'i>,
        mut attrs: Attrs<'_, '_>,
        shape: &Shape<T>,
        mut item: T,
        unknown: impl FnOnce(&mut T) -> &mut Unknown,
    ) -> Result<T, Error> {
        self.fill(shape, &mut item, &mut attrs)?;
        let unknown = unknown(&mut item);
        self.rest(attrs, unknown)?;
        self.leaf_children(node, unknown)?;
        Ok(item)
    }

    /// Keeps the attributes nobody took.
    pub(crate) fn rest(&self, attrs: Attrs<'_, '_>, unknown: &mut Unknown) -> Result<(), Error> {
        for a in attrs.left() {
            let name = Name::new("attribute name", a.name()).map_err(|e| self.model_err(a.range().start, e))?;
            unknown.set_attribute(name, self.text(&a, "attribute value")?);
        }
        Ok(())
    }

    /// Keeps an unknown child of a known element: elements whole, non-blank text trimmed;
    /// comments and processing instructions are dropped.
    pub(crate) fn keep(&self, node: Node<'_, '_>, unknown: &mut Unknown) -> Result<(), Error> {
        if node.is_element() {
            unknown.push_child(MNode::Element(self.element(node)?));
        } else if node.is_text() {
            // Stray text beside known elements: XML whitespace around it is layout. Texts that
            // known elements (or comments) kept apart end up next to each other here, and XML
            // cannot keep two texts apart, so they are joined by a newline: the writer puts
            // the result on its own line, and reading that back gives the same text.
            let text = node.text().unwrap_or_default();
            if !is_layout(text) {
                self.push_text(unknown.children_mut(), text.trim_matches(is_xml_space), "\n", node)?;
            }
        }
        Ok(())
    }

    pub(crate) fn check_element_name(&self, node: Node<'_, '_>) -> Result<(), Error> {
        if node.is_element() && node.tag_name().namespace().is_some() {
            let range = node.range();
            let name = self.doc.input_text()[range.start + 1..range.end]
                .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .next()
                .unwrap_or_default()
                .to_owned();
            return Err(self.err(node.range().start, ErrorKind::Namespaced { what: "element", name }));
        }
        Ok(())
    }

    /// Refuses an element nested deeper than [`Options::max_depth`]: the depth is the
    /// element's count of element ancestors, exactly.
    pub(crate) fn check_depth(&self, node: Node<'_, '_>, depth: usize) -> Result<(), Error> {
        if depth > self.options.max_depth {
            return Err(self.err(node.range().start, ErrorKind::TooDeep { limit: self.options.max_depth }));
        }
        Ok(())
    }

    /// An element the model does not know, kept whole.
    pub(crate) fn element(&self, node: Node<'_, '_>) -> Result<Element, Error> {
        self.element_at(node, depth_of(node))
    }

    fn element_at(&self, node: Node<'_, '_>, depth: usize) -> Result<Element, Error> {
        self.check_depth(node, depth)?;
        self.check_element_name(node)?;
        let name =
            Name::new("element name", node.tag_name().name()).map_err(|e| self.model_err(node.range().start, e))?;
        let mut element = Element::new(name);
        for a in self.attrs(node)?.left() {
            let name = Name::new("attribute name", a.name()).map_err(|e| self.model_err(a.range().start, e))?;
            element.set_attribute(name, self.text(&a, "attribute value")?);
        }
        for child in node.children() {
            if child.is_element() {
                element.children.push(MNode::Element(self.element_at(child, depth + 1)?));
            } else if child.is_text() {
                // A comment or processing instruction between two texts is not kept, which
                // leaves the texts adjacent: join them, as a second read would.
                self.push_text(&mut element.children, child.text().unwrap_or_default(), "", child)?;
            }
        }
        Ok(element)
    }

    /// Appends `text` to `children`, joined to a text that ends them with `separator`: the
    /// model never holds two adjacent texts, which XML could not keep apart.
    fn push_text(
        &self,
        children: &mut Vec<MNode>,
        text: &str,
        separator: &str,
        node: Node<'_, '_>,
    ) -> Result<(), Error> {
        let joined = match children.last() {
            Some(MNode::Text(previous)) => format!("{previous}{separator}{text}"),
            _ => text.to_owned(),
        };
        let joined = Text::new("text", joined).map_err(|e| self.model_err(node.range().start, e))?;
        match children.last_mut() {
            Some(MNode::Text(previous)) => *previous = joined,
            _ => children.push(MNode::Text(joined)),
        }
        Ok(())
    }

    /// Reads the children of a known element that has no known children.
    pub(crate) fn leaf_children(&self, node: Node<'_, '_>, unknown: &mut Unknown) -> Result<(), Error> {
        node.children().try_for_each(|child| self.keep(child, unknown))
    }

    /// An empty element that stands for `true` (`<readonly/>`).
    pub(crate) fn flag(&self, node: Node<'_, '_>, element: &'static str) -> Result<bool, Error> {
        self.no_attributes(node, element)?;
        if let Some(child) = node.children().find(|c| !is_noise(*c) && !is_blank(*c)) {
            return Err(
                self.err(child.range().start, ErrorKind::UnexpectedContent { element, found: "content".to_owned() })
            );
        }
        Ok(true)
    }

    fn no_attributes(&self, node: Node<'_, '_>, element: &'static str) -> Result<(), Error> {
        match node.attributes().next() {
            Some(a) => Err(self.err(
                a.range().start,
                ErrorKind::UnexpectedContent { element, found: format!("attribute '{}'", a.name()) },
            )),
            None => Ok(()),
        }
    }

    /// An element that holds only text (`<serial>`, `<group_name>`, an iotune limit).
    pub(crate) fn text_element(
        &self,
        node: Node<'_, '_>,
        element: &'static str,
        field: &'static str,
    ) -> Result<Text, Error> {
        self.no_attributes(node, element)?;
        if let Some(child) = node.children().find(Node::is_element) {
            return Err(self.err(
                child.range().start,
                ErrorKind::UnexpectedContent { element, found: format!("element <{}>", child.tag_name().name()) },
            ));
        }
        Text::new(field, text_of(node)).map_err(|e| self.model_err(node.range().start, e))
    }
}

/// How many element ancestors `node` has.
pub(crate) fn depth_of(node: Node<'_, '_>) -> usize {
    node.ancestors().skip(1).filter(Node::is_element).count()
}

pub(crate) fn is_named(node: Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace().is_none()
}

/// The name of an element child, or `""` for any other node.
pub(crate) fn element_name<'a>(node: Node<'a, '_>) -> &'a str {
    if node.is_element() { node.tag_name().name() } else { "" }
}

/// No attributes, no child elements, no text but whitespace (comments and processing
/// instructions, which are not kept, do not count).
pub(crate) fn is_empty(node: Node<'_, '_>) -> bool {
    node.attributes().next().is_none() && node.children().all(|c| is_noise(c) || is_blank(c))
}

/// A comment or processing instruction: read, never kept, so it must not decide anything
/// (a decision that changed once it is gone would change the model on a second read).
pub(crate) fn is_noise(node: Node<'_, '_>) -> bool {
    node.is_comment() || node.is_pi()
}

/// A text node of XML whitespace only.
pub(crate) fn is_blank(node: Node<'_, '_>) -> bool {
    node.is_text() && node.text().is_some_and(is_layout)
}

/// Whether `text` is XML whitespace only (layout), byte by byte: every other character,
/// multi-byte ones included, has a byte outside these four.
pub(crate) fn is_layout(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// The text of an element: its text children joined (never a comment's or a child element's);
/// borrowed from the document when there is one text child, as there nearly always is.
pub(crate) fn text_of<'a>(node: Node<'a, '_>) -> std::borrow::Cow<'a, str> {
    let mut texts = node.children().filter(|c| c.is_text()).filter_map(|c| c.text());
    match (texts.next(), texts.next()) {
        (None, _) => std::borrow::Cow::Borrowed(""),
        (Some(only), None) => std::borrow::Cow::Borrowed(only),
        (Some(first), Some(second)) => {
            let mut joined = String::from(first);
            joined.push_str(second);
            joined.extend(texts);
            std::borrow::Cow::Owned(joined)
        }
    }
}

/// XML's whitespace (not Unicode's: a no-break space is content).
pub(crate) const fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

#[cfg(test)]
mod pos_tests {
    use super::*;

    /// The line index gives roxmltree's own positions, at every character boundary.
    #[test]
    fn positions_are_roxmltrees() {
        for text in [
            "<disk/>",
            "<disk>\n  <source file='/é'/>\r\n  <target dev='vda'/>\n</disk>\n",
            "\n\n<a b='ü€𝄞'>\n\t<c/>x\ny</a>",
        ] {
            let doc = Document::parse(text).unwrap();
            let options = Options::default();
            let reader = Reader::new(&doc, &options);
            for byte in (0..=text.len()).filter(|b| text.is_char_boundary(*b)) {
                let theirs = doc.text_pos_at(byte);
                assert_eq!(reader.pos(byte), Pos { line: theirs.row, column: theirs.col }, "{text:?} at {byte}");
            }
        }
    }
}
