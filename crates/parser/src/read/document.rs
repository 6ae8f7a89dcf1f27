//! Documents: a `<disk>` or a `<domain>`, their disks, and where things are in the text.

use diskxml_model::Disk;
use diskxml_schema::{Locator, Step};
use roxmltree::{Document, Node, ParsingOptions};

use super::{Reader, element_name, is_named, text_of};
use crate::{DiskSelector, Error, ErrorKind, Options, Pos};

const START: Pos = Pos { line: 1, column: 1 };

fn document<'i>(text: &'i str, options: &Options) -> Result<Document<'i>, Error> {
    if text.len() > options.max_size {
        return Err(Error::new(START, ErrorKind::TooLarge { size: text.len(), limit: options.max_size }));
    }
    let parsing = ParsingOptions { allow_dtd: false, nodes_limit: options.max_nodes, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(text, parsing).map_err(|e| {
        let pos = match e {
            // roxmltree reports a DTD at the document's start; point at the DOCTYPE itself.
            roxmltree::Error::DtdDetected => text.find("<!DOCTYPE").map_or(START, |at| position(text, at)),
            _ => Pos { line: e.pos().row, column: e.pos().col },
        };
        Error::new(pos, ErrorKind::Xml(super::xml::message(&e)))
    })?;
    // The depth limit holds in the whole document, not only in the disks read from it: an
    // element with more element ancestors than the limit is refused wherever it is. A walk
    // in document order, down to the first child, on to the next sibling, back up to the
    // parent, counts the ancestors as it goes, without a stack. A text too short to hold
    // that many start tags (three bytes each at least) needs no walk.
    if text.len() < options.max_depth.saturating_add(2).saturating_mul(3) {
        return Ok(doc);
    }
    let (mut node, mut depth) = (doc.root_element(), 0usize);
    loop {
        if depth > options.max_depth {
            let limit = options.max_depth;
            return Err(Error::new(position(text, node.range().start), ErrorKind::TooDeep { limit }));
        }
        if let Some(child) = node.first_element_child() {
            (node, depth) = (child, depth + 1);
            continue;
        }
        loop {
            if let Some(next) = node.next_sibling_element() {
                node = next;
                break;
            }
            match node.parent_element() {
                Some(parent) if depth > 0 => (node, depth) = (parent, depth - 1),
                _ => return Ok(doc),
            }
        }
    }
}

/// The 1-based line and column (in characters) of byte `at` of `text`.
fn position(text: &str, at: usize) -> Pos {
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    Pos { line: u32::try_from(line).unwrap_or(u32::MAX), column: u32::try_from(column).unwrap_or(u32::MAX) }
}

/// The root kinds a caller accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Root {
    Disk,
    Domain,
    Either,
}

/// Reads `text`, checks its root, and hands `f` the reader and the disk elements:
/// the root itself, or every `domain/devices/disk`. The one preamble of every entry point.
fn with_disks<'i, T>(
    text: &'i str,
    options: &Options,
    root: Root,
    f: impl for<'d> FnOnce(&Reader<'d, 'i>, Node<'d, 'i>, Vec<Node<'d, 'i>>) -> Result<T, Error>,
) -> Result<T, Error> {
    let doc = document(text, options)?;
    let reader = Reader::new(&doc, options);
    let top = doc.root_element();
    let disks = if root != Root::Domain && is_named(top, "disk") {
        vec![top]
    } else if root != Root::Disk && is_named(top, "domain") {
        top.children()
            .filter(|n| is_named(*n, "devices"))
            .flat_map(|devices| devices.children().filter(|n| is_named(*n, "disk")))
            .collect()
    } else {
        return Err(unexpected_root(&reader, top, root));
    };
    f(&reader, top, disks)
}

/// The error for a root element that is not what `root` accepts.
fn unexpected_root(reader: &Reader<'_, '_>, top: Node<'_, '_>, root: Root) -> Error {
    let expected = match root {
        Root::Disk => "disk",
        Root::Domain => "domain",
        Root::Either => "disk> or <domain",
    };
    let found = match top.tag_name().namespace() {
        Some(ns) => format!("{{{ns}}}{}", top.tag_name().name()),
        None => top.tag_name().name().to_owned(),
    };
    reader.err(top.range().start, ErrorKind::UnexpectedRoot { expected, found })
}

/// A `<disk>` document: [`with_disks`]'s preamble without its list of one node, so that
/// reading a disk allocates nothing but the model's own parts.
pub(crate) fn disk_document(text: &str, options: &Options) -> Result<Disk, Error> {
    let doc = document(text, options)?;
    let reader = Reader::new(&doc, options);
    let top = doc.root_element();
    if !is_named(top, "disk") {
        return Err(unexpected_root(&reader, top, Root::Disk));
    }
    reader.disk(top)
}

pub(crate) fn domain_document(text: &str, options: &Options) -> Result<Vec<Disk>, Error> {
    with_disks(text, options, Root::Domain, |reader, _, disks| read_all(disks, |node| reader.disk(node)))
}

/// Every disk of a `<domain>` document (or, with `either`, of a `<disk>` one too) with its
/// byte range, and whether the root was a `<domain>`.
pub(crate) fn domain_disk_ranges(text: &str, options: &Options, either: bool) -> Result<DocumentRanges, Error> {
    let root = if either { Root::Either } else { Root::Domain };
    with_disks(text, options, root, |reader, top, disks| {
        Ok((read_all(disks, |node| Ok((node.range(), reader.disk(node)?)))?, is_named(top, "domain")))
    })
}

/// The disks of a document with their byte ranges, and whether its root is a `<domain>`.
pub(crate) type DocumentRanges = (Vec<(std::ops::Range<usize>, Disk)>, bool);

/// `read` of every node, into a vector allocated once at its final size: collecting into a
/// `Result` cannot know the size, and doubling a vector of disks copies them and holds both
/// buffers at the peak.
fn read_all<'d, 'i, T>(
    nodes: Vec<Node<'d, 'i>>,
    mut read: impl FnMut(Node<'d, 'i>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut all = Vec::with_capacity(nodes.len());
    for node in nodes {
        all.push(read(node)?);
    }
    Ok(all)
}

/// The first `domain/devices/disk` that `selector` picks, with its byte range. Only that
/// disk's model is built: the others are told apart by the one element or attribute the
/// selector looks at, read as the model reads it (the first of its name).
pub(crate) fn find_domain_disk(
    text: &str,
    options: &Options,
    selector: &DiskSelector,
) -> Result<Option<(std::ops::Range<usize>, Disk)>, Error> {
    Ok(find_domain_disk_clashing(text, options, selector, None)?.map(|(range, disk, _)| (range, disk)))
}

/// [`find_domain_disk`], and whether a disk other than the one picked has the target dev
/// `dev` (read from the same parse, without building those disks' models).
pub(crate) fn find_domain_disk_clashing(
    text: &str,
    options: &Options,
    selector: &DiskSelector,
    dev: Option<&str>,
) -> Result<Option<(std::ops::Range<usize>, Disk, bool)>, Error> {
    with_disks(text, options, Root::Domain, |reader, _, disks| {
        for node in disks.iter().copied().filter(|node| may_select(*node, selector)) {
            let disk = reader.disk(node)?;
            if selector.matches(&disk) {
                let clash = dev.is_some_and(|dev| disks.iter().any(|other| *other != node && has_dev(*other, dev)));
                return Ok(Some((node.range(), disk, clash)));
            }
        }
        Ok(None)
    })
}

/// Whether the `<disk>` element `node`'s first `<target>` has `dev`.
fn has_dev(node: Node<'_, '_>, dev: &str) -> bool {
    first_attribute(node, "target", "dev") == Some(dev)
}

/// The `attribute` of the `<disk>` element `node`'s first `element` child.
fn first_attribute<'a>(node: Node<'a, '_>, element: &str, attribute: &str) -> Option<&'a str> {
    node.children()
        .find(|c| element_name(*c) == element)?
        .attributes()
        .find(|a| a.name() == attribute && a.namespace().is_none())
        .map(|a| a.value())
}

/// Whether the `<disk>` element `node` may be the one `selector` picks: its first
/// `<target>`'s `dev`, first `<serial>`'s text or first `<alias>`'s `name` is the value.
fn may_select(node: Node<'_, '_>, selector: &DiskSelector) -> bool {
    match selector {
        DiskSelector::TargetDev(dev) => has_dev(node, dev),
        DiskSelector::Alias(alias) => first_attribute(node, "alias", "name") == Some(alias.as_str()),
        DiskSelector::Serial(serial) => {
            node.children().find(|c| element_name(*c) == "serial").is_some_and(|s| text_of(s) == *serial)
        }
    }
}

/// Where a new device goes: the byte offset of `</devices>`, none when the domain has no
/// `<devices>` element or a self-closed one; and whether a disk of the domain has the
/// target dev `dev`.
pub(crate) fn devices_insertion_point(
    text: &str,
    options: &Options,
    dev: Option<&str>,
) -> Result<Option<(usize, bool)>, Error> {
    with_disks(text, options, Root::Domain, |_, top, disks| {
        let Some(devices) = top.children().find(|n| is_named(*n, "devices")) else { return Ok(None) };
        let range = devices.range();
        // The end tag starts at the last '<' of the element's text; a self-closed <devices/> has none.
        let raw = &text[range.clone()];
        if raw.ends_with("/>") {
            return Ok(None);
        }
        let clash = dev.is_some_and(|dev| disks.iter().any(|node| has_dev(*node, dev)));
        Ok(raw.rfind("</").map(|at| (range.start + at, clash)))
    })
}

/// A disk read from a document, with the means to find any part of it in the text.
#[derive(Debug)]
pub struct LocatedDisk<'r, 'd, 'i> {
    reader: &'r Reader<'d, 'i>,
    node: Node<'d, 'i>,
    /// The disk.
    pub disk: Disk,
}

impl std::fmt::Debug for Reader<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").finish_non_exhaustive()
    }
}

impl LocatedDisk<'_, '_, '_> {
    /// The line:column where `locator` points: the attribute or element it names, or the
    /// nearest ancestor that exists (a missing attribute points at its element).
    #[must_use]
    pub fn locate(&self, locator: &Locator) -> Pos {
        let mut node = self.node;
        for step in &locator.0 {
            match step {
                Step::Element { name, index } => match node.children().filter(|c| is_named(*c, name)).nth(*index) {
                    Some(child) => node = child,
                    None => return self.reader.pos(node.range().start),
                },
                Step::Attribute(name) => {
                    let at = node
                        .attributes()
                        .find(|a| a.name() == *name && a.namespace().is_none())
                        .map_or(node.range().start, |a| a.range().start);
                    return self.reader.pos(at);
                }
            }
        }
        self.reader.pos(node.range().start)
    }

    /// Where the `<disk>` element starts.
    #[must_use]
    pub fn pos(&self) -> Pos {
        self.reader.pos(self.node.range().start)
    }
}

/// Reads a `<disk>` document, or every disk of a `<domain>`, and calls `f` with each disk
/// and the means to locate its parts, in document order; a disk that cannot be read (a port
/// out of range, a missing `dev`) comes as its error, and the others are still read. The
/// parser reads and locates; judging is the caller's (the facade's `check` joins this with
/// `diskxml-rules`).
///
/// ```
/// use diskxml_schema::{Locator, Step};
///
/// let text = "<domain><devices>\n  <disk type='file'><target dev='vda' bus='virtio'/></disk>\n  <disk type='file'><target/></disk>\n</devices></domain>";
/// let places = diskxml_parser::with_located_disks(text, &Default::default(), |located| match located {
///     Ok(located) => {
///         let at = Locator(vec![Step::Element { name: "target", index: 0 }, Step::Attribute("bus")]);
///         located.locate(&at).to_string()
///     }
///     Err(e) => e.to_string(),
/// })?;
/// assert_eq!(places, ["2:39", "3:21: <target> lacks the required attribute 'dev'"]);
/// # Ok::<(), diskxml_parser::Error>(())
/// ```
///
/// # Errors
/// [`Error`] when the document cannot be read: malformed XML, a limit exceeded, a root that
/// is neither `<disk>` nor `<domain>`.
pub fn with_located_disks<T>(
    text: &str,
    options: &Options,
    mut f: impl FnMut(Result<&LocatedDisk<'_, '_, '_>, Error>) -> T,
) -> Result<Vec<T>, Error> {
    with_disks(text, options, Root::Either, |reader, _, disks| {
        Ok(disks
            .into_iter()
            .map(|node| match reader.disk(node) {
                Ok(disk) => f(Ok(&LocatedDisk { reader, node, disk })),
                Err(e) => f(Err(e)),
            })
            .collect())
    })
}
