//! The writer: elements in libvirt's order, attributes from the element shapes.

use core::fmt::{self, Write};

use diskxml_model::{Address, AddressKind, Disk, Driver, Element, Iotune, Name, Node, Unknown};
use diskxml_schema::{self as shape, ChildKind, Known, Part, Shape, Value};

use crate::escape::escape;

/// Runs `$body` on each item of the table `$table` with the first 24 steps unrolled (then
/// a loop for any more): with the table a constant, each step's item is known at compile
/// time, so its function pointers become direct calls and its constant strings copies of
/// known length.
macro_rules! unrolled {
    ($table:expr, |$item:ident| $body:block) => {{
        let table = $table;
        unrolled!(@steps table, $item, $body, 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23);
        for $item in table.iter().skip(24) $body
    }};
    (@steps $table:ident, $item:ident, $body:block, $($i:literal)*) => {
        $(
            if let Some($item) = $table.get($i) $body
        )*
    };
}
pub(crate) use unrolled;

/// The traversal that writes a disk; `DRY`, a dry run: the traversal alone, for the clash
/// check, with nothing formatted. A parameter, not a field, so that the writing traversal
/// has no dry-run branch left in it.
pub(crate) struct Writer<'a, W: Write + ?Sized, const DRY: bool = false> {
    pub(crate) out: &'a mut W,
    depth: usize,
    /// The element and kept unknown attribute that clash, once one is met: writing stops.
    pub(crate) clash: Option<(&'static str, Name)>,
}

impl<'a, W: Write + ?Sized> Writer<'a, W> {
    pub(crate) const fn new(out: &'a mut W, depth: usize) -> Self {
        Self { out, depth, clash: None }
    }
}

impl<'a, W: Write + ?Sized> Writer<'a, W, true> {
    /// A dry run over `out` (which gets nothing): only the clash check runs.
    pub(crate) const fn dry_run(out: &'a mut W, depth: usize) -> Self {
        Self { out, depth, clash: None }
    }
}

impl<W: Write + ?Sized, const DRY: bool> Writer<'_, W, DRY> {
    pub(crate) fn indent(&mut self) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        /// Enough for any depth the parser accepts in one piece; deeper ones take several.
        const SPACES: &str = "                                                                ";
        // The usual depths (a disk at 0 or in a domain at 2, its parts a level or two
        // deeper) as pieces of constant length: stores, not a call to `memset`.
        match self.depth {
            0 => return Ok(()),
            1 => return self.out.write_str(&SPACES[..2]),
            2 => return self.out.write_str(&SPACES[..4]),
            3 => return self.out.write_str(&SPACES[..6]),
            4 => return self.out.write_str(&SPACES[..8]),
            _ => {}
        }
        let mut width = 2 * self.depth;
        while width > 0 {
            let piece = width.min(SPACES.len());
            self.out.write_str(&SPACES[..piece])?;
            width -= piece;
        }
        Ok(())
    }

    /// Runs `f` one indentation level deeper.
    pub(crate) fn nested(&mut self, f: impl FnOnce(&mut Self) -> fmt::Result) -> fmt::Result {
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Writes the indentation and `<name`.
    pub(crate) fn open(&mut self, name: &str) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        self.indent()?;
        self.out.write_str("<")?;
        self.out.write_str(name)
    }

    /// ` name='value'` for a name known only now (an unknown attribute's, say).
    pub(crate) fn value(&mut self, name: &str, value: Value<'_>) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        self.out.write_str(" ")?;
        self.out.write_str(name)?;
        self.out.write_str("='")?;
        self.rest(value)
    }

    /// The value after its lead ` name='`, and the closing quote.
    #[inline(always)]
    fn rest(&mut self, value: Value<'_>) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        match value {
            Value::Text(text) => escape(self.out, text, true)?,
            Value::Verbatim(text) => self.out.write_str(text)?,
            Value::Decimal(n) => crate::number::write_decimal(self.out, n)?,
            Value::Hex { value, width } => {
                self.out.write_str(crate::number::hex(&mut [0; 18], u64::from(value), width))?;
            }
        }
        self.out.write_str("'")
    }

    /// The known attributes of `item` that are set, in the shape's order, each lead
    /// (` name='`) written in one piece.
    ///
    /// Unrolled, and inlined where it is called: every call names a table constant, so each
    /// attribute's getter becomes a direct call the compiler inlines, its lead a constant
    /// of known length (copied without a call to `memcpy`), and the match on its value's
    /// kind folds away. The tables stay the one place that names the attributes.
    #[inline(always)]
    pub(crate) fn attrs<T>(&mut self, shape: &Shape<T>, item: &T) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        unrolled!(shape.attrs, |attr| {
            if let Some(value) = (attr.get)(item) {
                self.out.write_str(attr.lead)?;
                self.rest(value)?;
            }
        });
        Ok(())
    }

    /// Writes the unknown attributes, then closes the start tag: `/>` when there are no
    /// children (known ones included, `has_children`), else `>` and a newline. An unknown
    /// attribute named like one the element's tables (`known`) write is a clash: it is
    /// recorded and writing stops, here, where every element's unknown attributes pass.
    /// Inlined: an element that kept nothing unknown (the usual one) asks no more.
    #[inline(always)]
    fn finish_start(
        &mut self,
        known: &[&dyn Known],
        unknown: &Unknown,
        has_children: bool,
    ) -> Result<bool, fmt::Error> {
        let open = if unknown.is_empty() {
            has_children
        } else {
            self.unknown_attributes(known, unknown)?;
            has_children || unknown.children().iter().any(has_content)
        };
        if !DRY {
            self.out.write_str(if open { ">\n" } else { "/>\n" })?;
        }
        Ok(open)
    }

    /// The kept unknown attributes of an element of the tables `known`, with the clash check.
    fn unknown_attributes(&mut self, known: &[&dyn Known], unknown: &Unknown) -> fmt::Result {
        for a in unknown.attributes() {
            if known.iter().any(|k| k.knows(a.name.as_str())) {
                self.clash = Some((known.first().map_or("", |k| k.element()), a.name.clone()));
                return Err(fmt::Error);
            }
            self.value(a.name.as_str(), Value::Text(a.value.as_str()))?;
        }
        Ok(())
    }

    /// Writes the unknown children one level deeper and the end tag, if the element is open.
    #[inline(always)]
    fn finish(&mut self, name: &str, unknown: &Unknown, open: bool) -> fmt::Result {
        if !open {
            return Ok(());
        }
        if !unknown.children().is_empty() {
            self.nested(|w| w.unknown_children(unknown.children()))?;
        }
        self.indent()?;
        self.end_tag(name)
    }

    /// Closes the start tag of `name`, then writes `n` as its content and its end tag.
    fn number_content(&mut self, name: &str, n: u64) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        self.out.write_str(">")?;
        crate::number::write_decimal(self.out, n)?;
        self.end_tag(name)
    }

    /// `</name>` and a newline.
    pub(crate) fn end_tag(&mut self, name: &str) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        self.out.write_str("</")?;
        self.out.write_str(name)?;
        self.out.write_str(">\n")
    }

    /// The element of the tables `known` (named by the first) whose start tag `start` writes
    /// after `<name`: its unknown attributes, its known children (`children`, one level
    /// deeper, when `has_children`), its unknown children, its end tag.
    pub(crate) fn element_with(
        &mut self,
        known: &[&dyn Known],
        start: impl FnOnce(&mut Self) -> fmt::Result,
        unknown: &Unknown,
        has_children: bool,
        children: impl FnOnce(&mut Self) -> fmt::Result,
    ) -> fmt::Result {
        let name = known.first().map_or("", |k| k.element());
        self.open(name)?;
        start(self)?;
        let open = self.finish_start(known, unknown, has_children)?;
        if has_children {
            self.nested(children)?;
        }
        self.finish(name, unknown, open)
    }

    /// An element of `shape` with no known children.
    pub(crate) fn leaf<T>(&mut self, shape: &Shape<T>, item: &T, unknown: &Unknown) -> fmt::Result {
        self.element_with(&[shape], |w| w.attrs(shape, item), unknown, false, |_| Ok(()))
    }

    pub(crate) fn disk(&mut self, disk: &Disk) -> fmt::Result {
        self.element_with(
            &[&shape::DISK],
            |w| w.attrs(&shape::DISK, disk),
            &disk.unknown,
            true,
            |w| w.disk_children(disk),
        )
    }

    /// The disk's children, in the order of its table.
    fn disk_children(&mut self, disk: &Disk) -> fmt::Result {
        unrolled!(shape::DISK.children, |child| {
            match &child.kind {
                // Flags and texts keep no unknown attributes: a dry run passes them by.
                ChildKind::Flag { .. } | ChildKind::Text { .. } if DRY => {}
                ChildKind::Flag { get, .. } => self.flag(child.name, get(disk))?,
                ChildKind::Text { get, .. } => self.text_element(child.name, get(disk).map(|t| t.as_str()))?,
                ChildKind::Part(part) => self.disk_part(*part, disk)?,
            }
        });
        Ok(())
    }

    /// One of the disk's parts (every [`Part`], without a wildcard: a new part is a compile
    /// error until it is written).
    #[inline(always)]
    fn disk_part(&mut self, part: Part, disk: &Disk) -> fmt::Result {
        match part {
            Part::Driver => disk.driver.as_ref().map_or(Ok(()), |d| self.driver(d)),
            Part::Auth => disk.auth.as_ref().map_or(Ok(()), |a| self.auth(a)),
            Part::Source => self.source(&disk.source),
            Part::BackingStore => disk.backing_store.as_ref().map_or(Ok(()), |b| self.backing_store(b)),
            Part::Mirror => disk
                .mirror
                .as_ref()
                .map_or(Ok(()), |m| self.layer(&m.layer, |w| w.attrs(&shape::MIRROR, m), &shape::MIRROR)),
            Part::Geometry => disk.geometry.as_ref().map_or(Ok(()), |g| self.leaf(&shape::GEOMETRY, g, &g.unknown)),
            Part::Blockio => disk.blockio.as_ref().map_or(Ok(()), |b| self.leaf(&shape::BLOCKIO, b, &b.unknown)),
            Part::Target => disk.target.as_ref().map_or(Ok(()), |t| self.leaf(&shape::TARGET, t, &t.unknown)),
            Part::Iotune => disk.iotune.as_ref().map_or(Ok(()), |i| self.iotune(i)),
            Part::Transient => disk.transient.as_ref().map_or(Ok(()), |t| self.leaf(&shape::TRANSIENT, t, &t.unknown)),
            Part::Encryption => disk.encryption.as_ref().map_or(Ok(()), |e| self.encryption(e)),
            Part::Boot => disk.boot.as_ref().map_or(Ok(()), |b| self.leaf(&shape::BOOT, b, &b.unknown)),
            Part::Alias => disk.alias.as_ref().map_or(Ok(()), |a| self.leaf(&shape::ALIAS, a, &a.unknown)),
            Part::Address => disk.address.as_ref().map_or(Ok(()), |a| self.address(a)),
            // A driver's or a network source's children, never a disk's.
            Part::MetadataCache | Part::Host | Part::Extra(_) | Part::Identity | Part::Cookies | Part::Initiator => {
                Ok(())
            }
        }
    }

    #[inline(always)]
    fn flag(&mut self, name: &str, set: bool) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        if !set {
            return Ok(());
        }
        self.indent()?;
        self.out.write_str("<")?;
        self.out.write_str(name)?;
        self.out.write_str("/>\n")
    }

    #[inline(always)]
    pub(crate) fn text_element(&mut self, name: &str, text: Option<&str>) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        let Some(text) = text else { return Ok(()) };
        self.indent()?;
        self.out.write_str("<")?;
        self.out.write_str(name)?;
        self.out.write_char('>')?;
        escape(self.out, text, false)?;
        self.end_tag(name)
    }

    fn driver(&mut self, d: &Driver) -> fmt::Result {
        let start = |w: &mut Self| w.attrs(&shape::DRIVER, d);
        self.element_with(&[&shape::DRIVER], start, &d.unknown, d.metadata_cache.is_some(), |w| {
            let Some(cache) = d.metadata_cache.as_ref().filter(|_| !DRY) else { return Ok(()) };
            w.open(shape::METADATA_CACHE.element)?;
            let Some(size) = cache.max_size else { return w.out.write_str("/>\n") };
            w.out.write_str(">\n")?;
            w.nested(|w| {
                w.open(shape::MAX_SIZE)?;
                if let Some(unit) = &cache.unit {
                    w.value("unit", Value::Text(unit))?;
                }
                w.number_content(shape::MAX_SIZE, size)
            })?;
            w.indent()?;
            w.end_tag(shape::METADATA_CACHE.element)
        })
    }

    fn iotune(&mut self, iotune: &Iotune) -> fmt::Result {
        let has_children = iotune.limits().next().is_some() || iotune.group_name.is_some();
        // `<group_name>`, the table's one child, goes after the first GROUP_NAME_AFTER limits.
        let group = |w: &mut Self| {
            shape::IOTUNE.children.iter().try_for_each(|child| match &child.kind {
                ChildKind::Text { get, .. } => w.text_element(child.name, get(iotune).map(|t| t.as_str())),
                ChildKind::Flag { .. } | ChildKind::Part(_) => Ok(()),
            })
        };
        self.element_with(
            &[&shape::IOTUNE],
            |_| Ok(()),
            &iotune.unknown,
            has_children,
            |w| {
                if DRY {
                    return Ok(());
                }
                let mut group_written = false;
                for (name, value) in iotune.limits() {
                    let index = Iotune::LIMITS.iter().position(|l| *l == name).unwrap_or(0);
                    if !group_written && index >= Iotune::GROUP_NAME_AFTER {
                        group(w)?;
                        group_written = true;
                    }
                    w.open(name)?;
                    w.number_content(name, value)?;
                }
                if group_written { Ok(()) } else { group(w) }
            },
        )
    }

    fn address(&mut self, address: &Address) -> fmt::Result {
        let kind: &dyn Known = match &address.kind {
            AddressKind::Drive(_) => &shape::DRIVE_ADDRESS,
            AddressKind::Pci(_) => &shape::PCI_ADDRESS,
            AddressKind::Ccw(_) => &shape::CCW_ADDRESS,
            AddressKind::Usb(_) => &shape::USB_ADDRESS,
            _ => &shape::ADDRESS,
        };
        let start = |w: &mut Self| {
            w.attrs(&shape::ADDRESS, address)?;
            match &address.kind {
                AddressKind::Drive(d) => w.attrs(&shape::DRIVE_ADDRESS, d),
                AddressKind::Pci(p) => w.attrs(&shape::PCI_ADDRESS, p),
                AddressKind::Ccw(c) => w.attrs(&shape::CCW_ADDRESS, c),
                AddressKind::Usb(u) => w.attrs(&shape::USB_ADDRESS, u),
                _ => Ok(()),
            }
        };
        self.element_with(&[&shape::ADDRESS, kind], start, &address.unknown, false, |_| Ok(()))
    }

    /// The unknown children of a known element, one a line, texts as the parser keeps them
    /// (trimmed of XML whitespace, blank ones left out, adjacent ones joined by a newline),
    /// so that what is read back writes the same bytes again, whatever the model held.
    fn unknown_children(&mut self, children: &[Node]) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        let mut in_text = false;
        for node in children {
            match node {
                Node::Text(text) => {
                    let text = trim_xml_space(text);
                    if text.is_empty() {
                        continue;
                    }
                    if in_text {
                        self.out.write_str("\n")?;
                    } else {
                        self.indent()?;
                    }
                    escape(self.out, text, false)?;
                    in_text = true;
                }
                Node::Element(element) => {
                    if in_text {
                        self.out.write_str("\n")?;
                        in_text = false;
                    }
                    self.indent()?;
                    self.element(element)?;
                    self.out.write_str("\n")?;
                }
            }
        }
        if in_text { self.out.write_str("\n") } else { Ok(()) }
    }

    fn node(&mut self, node: &Node) -> fmt::Result {
        match node {
            Node::Element(element) => self.element(element),
            Node::Text(text) => escape(self.out, text, false),
        }
    }

    /// An unknown element, written as kept: its texts carry its own whitespace.
    pub(crate) fn element(&mut self, element: &Element) -> fmt::Result {
        if DRY {
            return Ok(());
        }
        self.out.write_char('<')?;
        self.out.write_str(element.name.as_str())?;
        for a in element.attributes() {
            self.value(a.name.as_str(), Value::Text(a.value.as_str()))?;
        }
        // Empty texts are nothing in XML: `<x></x>` would read back as `<x/>`.
        if !element.children.iter().any(|c| !matches!(c, Node::Text(t) if t.is_empty())) {
            return self.out.write_str("/>");
        }
        self.out.write_char('>')?;
        for child in &element.children {
            self.node(child)?;
        }
        write!(self.out, "</{}>", element.name)
    }
}

/// Whether an unknown child of a known element writes anything: an element, or a text
/// that is not all XML whitespace.
fn has_content(node: &Node) -> bool {
    match node {
        Node::Element(_) => true,
        Node::Text(text) => !trim_xml_space(text).is_empty(),
    }
}

/// `text` without the XML whitespace around it (a no-break space is content), as the
/// parser keeps stray text.
fn trim_xml_space(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}
