//! What the model does not know, kept so that nothing read is lost.

use alloc::vec::Vec;

use crate::{Name, Text};

/// An attribute the model does not know, kept as read.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attribute {
    /// The attribute's name.
    pub name: Name,
    /// The attribute's value (unescaped).
    pub value: Text,
}

/// A node below an element the model does not know, or a stray text beside known ones.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// A text (unescaped; whitespace kept as read).
    Text(Text),
}

/// An element the model does not know, kept whole: name, attributes in their order, and
/// children (elements and texts, whitespace included, so that it is written back as read).
///
/// Attribute names are unique by construction, so the element always writes out well formed.
///
/// ```
/// use diskxml_model::{Element, Name, Text};
///
/// let mut el = Element::new(Name::new("element name", "vendor")?);
/// el.set_attribute(Name::new("attribute name", "id")?, Text::new("vendor.id", "1")?);
/// el.set_attribute(Name::new("attribute name", "id")?, Text::new("vendor.id", "2")?);
/// assert_eq!(el.attributes().len(), 1);
/// assert_eq!(el.attributes()[0].value, "2");
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "crate::serde_impl::ElementRepr"))]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Element {
    /// The element's name.
    pub name: Name,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "<[_]>::is_empty"))]
    attributes: Vec<Attribute>,
    /// The children, in document order.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "<[_]>::is_empty"))]
    pub children: Vec<Node>,
}

impl Element {
    /// An element with no attributes and no children.
    #[must_use]
    pub const fn new(name: Name) -> Self {
        Self { name, attributes: Vec::new(), children: Vec::new() }
    }

    /// The attributes, in document order.
    #[must_use]
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    /// Sets an attribute: replaces the value of an attribute of the same name, or appends.
    pub fn set_attribute(&mut self, name: Name, value: Text) {
        set(&mut self.attributes, name, value);
    }
}

/// The attributes and child nodes of a known element that the model does not know.
///
/// The writer puts them after the known ones of the same element, in their original
/// order. An attribute here whose name the element already writes itself (say `type` on
/// `<disk>`) would make the XML ill-formed, so the writer refuses such a disk before
/// writing anything.
///
/// Nearly every element has one and nearly every one is empty, so an empty `Unknown` is a
/// single null pointer (8 bytes) and allocates nothing.
///
/// ```
/// use diskxml_model::{Name, Node, Text, Unknown};
///
/// let mut unknown = Unknown::default();
/// assert!(unknown.is_empty());
/// unknown.set_attribute(Name::new("attribute name", "rawio")?, Text::new("disk@rawio", "yes")?);
/// unknown.push_child(Node::Text(Text::new("text", "note")?));
/// assert_eq!(unknown.children().len(), 1);
/// assert!(!unknown.is_empty());
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "crate::serde_impl::UnknownRepr", into = "crate::serde_impl::UnknownRepr")
)]
#[derive(Clone, Debug, Default)]
pub struct Unknown {
    /// `None` until something is kept.
    kept: Option<alloc::boxed::Box<Kept>>,
}

#[derive(Clone, Debug, Default)]
struct Kept {
    attributes: Vec<Attribute>,
    children: Vec<Node>,
}

impl PartialEq for Unknown {
    fn eq(&self, other: &Self) -> bool {
        self.attributes() == other.attributes() && self.children() == other.children()
    }
}

impl Eq for Unknown {}

impl core::hash::Hash for Unknown {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.attributes().hash(state);
        self.children().hash(state);
    }
}

impl Unknown {
    /// Whether nothing unknown is kept.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.attributes().is_empty() && self.children().is_empty()
    }

    /// The unknown attributes, in document order.
    #[must_use]
    pub fn attributes(&self) -> &[Attribute] {
        self.kept.as_ref().map_or(&[], |k| &k.attributes)
    }

    /// Unknown child elements (and non-whitespace text), in document order.
    #[must_use]
    pub fn children(&self) -> &[Node] {
        self.kept.as_ref().map_or(&[], |k| &k.children)
    }

    /// The children, to change (allocates the kept part on first use).
    pub fn children_mut(&mut self) -> &mut Vec<Node> {
        &mut self.kept.get_or_insert_with(alloc::boxed::Box::default).children
    }

    /// Appends a child.
    pub fn push_child(&mut self, node: Node) {
        self.children_mut().push(node);
    }

    /// Takes the children out, leaving none.
    pub fn take_children(&mut self) -> Vec<Node> {
        self.kept.as_mut().map(|k| core::mem::take(&mut k.children)).unwrap_or_default()
    }

    /// Sets an attribute: replaces the value of one of the same name, or appends.
    pub fn set_attribute(&mut self, name: Name, value: Text) {
        set(&mut self.kept.get_or_insert_with(alloc::boxed::Box::default).attributes, name, value);
    }

    /// The first unknown attribute whose name is in `known`, if any.
    #[must_use]
    pub fn clash<'a>(&'a self, known: &[&str]) -> Option<&'a Name> {
        self.attributes().iter().map(|a| &a.name).find(|n| known.contains(&n.as_str()))
    }
}

fn set(attributes: &mut Vec<Attribute>, name: Name, value: Text) {
    match attributes.iter_mut().find(|a| a.name == name) {
        Some(existing) => existing.value = value,
        None => attributes.push(Attribute { name, value }),
    }
}
