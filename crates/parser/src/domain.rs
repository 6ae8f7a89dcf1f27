//! Disks inside a whole `<domain>` document: find them with their byte ranges, and replace,
//! insert or remove one, changing no byte outside the touched disk.
//!
//! The edits take the new disk as XML text (the writer's output), since the parser does not
//! depend on the writer; the facade's `diskxml::replace_disk` and `insert_disk` take a
//! [`Disk`].

use std::ops::Range;

use diskxml_model::Disk;

use crate::{Error, Options, read};

/// How to pick a disk in a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskSelector {
    /// By `target@dev`, e.g. `vdb`.
    TargetDev(String),
    /// By `<serial>` (nova sets the volume id).
    Serial(String),
    /// By `alias@name`, e.g. `ua-<volume id>`.
    Alias(String),
}

impl DiskSelector {
    /// Whether `disk` is the one selected.
    #[must_use]
    pub fn matches(&self, disk: &Disk) -> bool {
        match self {
            Self::TargetDev(dev) => disk.target.as_ref().is_some_and(|t| t.dev() == dev.as_str()),
            Self::Serial(serial) => disk.serial.as_ref().is_some_and(|s| s == serial.as_str()),
            Self::Alias(alias) => disk.alias.as_ref().is_some_and(|a| a.name == alias.as_str()),
        }
    }
}

impl std::fmt::Display for DiskSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TargetDev(v) => write!(f, "target dev '{v}'"),
            Self::Serial(v) => write!(f, "serial '{v}'"),
            Self::Alias(v) => write!(f, "alias '{v}'"),
        }
    }
}

/// A disk of a domain document and where its `<disk>` element is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainDisk {
    /// The bytes of the `<disk>` element, from `<` to the end of `</disk>`.
    pub range: Range<usize>,
    /// The disk.
    pub disk: Disk,
}

impl DomainDisk {
    /// The element as written in `text` (the document it was found in).
    #[must_use]
    pub fn xml<'t>(&self, text: &'t str) -> &'t str {
        &text[self.range.clone()]
    }

    /// The element as a document of its own: the indentation it had in `text` taken off
    /// every line, ending with a newline.
    ///
    /// ```
    /// let text = "<domain>\n  <devices>\n    <disk type='file'>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n</domain>";
    /// let disks = diskxml_parser::domain_disks(text)?;
    /// assert_eq!(disks[0].standalone(text), "<disk type='file'>\n  <target dev='vda'/>\n</disk>\n");
    /// # Ok::<(), diskxml_parser::Error>(())
    /// ```
    #[must_use]
    pub fn standalone(&self, text: &str) -> String {
        let line_start = text[..self.range.start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &text[line_start..self.range.start];
        let indent = if indent.bytes().all(|b| b == b' ' || b == b'\t') { indent } else { "" };
        let mut out = String::with_capacity(self.range.len() + 1);
        for (i, line) in self.xml(text).split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(if i > 0 { line.strip_prefix(indent).unwrap_or(line) } else { line });
        }
        out.push('\n');
        out
    }
}

/// Every disk of a `<domain>` document (`domain/devices/disk`), with its byte range.
///
/// ```
/// use diskxml_parser::{DiskSelector, domain_disks};
///
/// let doc = "<domain><devices>\n    <disk type='file'><target dev='vda'/><serial>s1</serial></disk>\n  </devices></domain>";
/// let disks = domain_disks(doc)?;
/// assert_eq!(disks[0].xml(doc), "<disk type='file'><target dev='vda'/><serial>s1</serial></disk>");
/// assert!(DiskSelector::Serial("s1".into()).matches(&disks[0].disk));
/// # Ok::<(), diskxml_parser::Error>(())
/// ```
///
/// # Errors
/// [`Error`] when the document cannot be read or its root is not `<domain>`.
pub fn domain_disks(text: &str) -> Result<Vec<DomainDisk>, Error> {
    domain_disks_with(text, &Options::default())
}

/// [`domain_disks`] under `options` (the hostile-input limits).
///
/// # Errors
/// As [`domain_disks`], and the limits' errors.
pub fn domain_disks_with(text: &str, options: &Options) -> Result<Vec<DomainDisk>, Error> {
    let (found, _) = read::document::domain_disk_ranges(text, options, false)?;
    Ok(found.into_iter().map(|(range, disk)| DomainDisk { range, disk }).collect())
}

/// The disks of a document whose root is either a `<disk>` (one disk, the whole element)
/// or a `<domain>` (every `devices/disk`), with their byte ranges, in document order.
///
/// ```
/// let disk = "<disk type='file'><target dev='vda'/></disk>";
/// assert_eq!(diskxml_parser::document_disks(disk)?.len(), 1);
/// let domain = "<domain><devices><disk type='file'/><disk type='block'/></devices></domain>";
/// assert_eq!(diskxml_parser::document_disks(domain)?.len(), 2);
/// assert!(diskxml_parser::document_disks("<pool/>").is_err());
/// # Ok::<(), diskxml_parser::Error>(())
/// ```
///
/// # Errors
/// [`Error`] when the document cannot be read or its root is neither.
pub fn document_disks(text: &str) -> Result<Vec<DomainDisk>, Error> {
    document_disks_with(text, &Options::default())
}

/// [`document_disks`] under `options` (the hostile-input limits).
///
/// # Errors
/// As [`document_disks`], and [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge) and the
/// other limits.
pub fn document_disks_with(text: &str, options: &Options) -> Result<Vec<DomainDisk>, Error> {
    let (found, _) = read::document::domain_disk_ranges(text, options, true)?;
    Ok(found.into_iter().map(|(range, disk)| DomainDisk { range, disk }).collect())
}

/// What a document holds: one `<disk>`, or a `<domain>`'s disks with their places.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Document {
    /// The root is a `<disk>` (boxed: a disk is large beside a vector).
    Disk(Box<Disk>),
    /// The root is a `<domain>`: its `devices/disk`s, in document order.
    Domain(Vec<DomainDisk>),
}

/// Reads a document whose root is a `<disk>` or a `<domain>`, under `options`, and says
/// which it was: the one reader for either.
///
/// ```
/// use diskxml_parser::{Document, Options, read_document};
///
/// let disk = "<disk type='file'><target dev='vda'/></disk>";
/// assert!(matches!(read_document(disk, &Options::default())?, Document::Disk(_)));
/// let domain = "<domain><devices><disk type='file'/><disk type='block'/></devices></domain>";
/// assert!(matches!(read_document(domain, &Options::default())?, Document::Domain(d) if d.len() == 2));
/// assert!(read_document("<pool/>", &Options::default()).is_err());
/// # Ok::<(), diskxml_parser::Error>(())
/// ```
///
/// # Errors
/// [`Error`] when the document cannot be read, a disk in it cannot, or its root is neither.
pub fn read_document(text: &str, options: &Options) -> Result<Document, Error> {
    let (found, domain) = read::document::domain_disk_ranges(text, options, true)?;
    let mut disks = found.into_iter().map(|(range, disk)| DomainDisk { range, disk });
    // A `<disk>` root is its one disk.
    match (domain, disks.next()) {
        (false, Some(only)) => Ok(Document::Disk(Box::new(only.disk))),
        (_, first) => Ok(Document::Domain(first.into_iter().chain(disks).collect())),
    }
}

/// The first disk `selector` picks, if any. Only that disk is read into a model, so a
/// large domain costs little more than reading its XML, and another disk the model would
/// refuse does not stop the search (the document must still be well-formed XML).
///
/// ```
/// use diskxml_parser::{DiskSelector, find_disk};
///
/// let doc = "<domain><devices>\
///            <disk type='network'><source protocol='nbd'><host name='h' port='70000'/></source></disk>\
///            <disk type='file'><target dev='vdb'/><serial>s1</serial></disk></devices></domain>";
/// assert!(diskxml_parser::domain_disks(doc).is_err(), "the first disk's port is refused");
/// let found = find_disk(doc, &DiskSelector::Serial("s1".into()))?.unwrap();
/// assert_eq!(found.disk.target.unwrap().dev(), "vdb");
/// assert!(find_disk(doc, &DiskSelector::TargetDev("vdc".into()))?.is_none());
/// # Ok::<(), diskxml_parser::Error>(())
/// ```
///
/// # Errors
/// [`Error`] when the document cannot be read, its root is not `<domain>`, or the disk
/// picked cannot be read.
pub fn find_disk(text: &str, selector: &DiskSelector) -> Result<Option<DomainDisk>, Error> {
    find_disk_with(text, selector, &Options::default())
}

/// [`find_disk`] under `options` (the hostile-input limits).
///
/// # Errors
/// As [`find_disk`], and the limits' errors.
pub fn find_disk_with(text: &str, selector: &DiskSelector, options: &Options) -> Result<Option<DomainDisk>, Error> {
    let found = read::document::find_domain_disk(text, options, selector)?;
    Ok(found.map(|(range, disk)| DomainDisk { range, disk }))
}

/// Why a domain edit could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The document could not be read.
    #[error(transparent)]
    Parse(#[from] Error),
    /// No disk matches the selector.
    #[error("no disk with {0}")]
    NotFound(DiskSelector),
    /// The domain has no `<devices>` element to insert into.
    #[error("the domain has no <devices> element to insert the disk into")]
    NoDevices,
    /// The new disk's XML is not one `<disk>` element.
    #[error("the new disk is not one <disk> element: {0}")]
    NotADisk(Error),
    /// Another disk of the domain has the new disk's target dev: libvirt refuses two disks
    /// with one dev.
    #[error("the domain already has a disk with target dev '{0}'")]
    DuplicateDev(String),
}

/// The indentation before byte `at`: the spaces and tabs from the line's start.
fn indent_at(text: &str, at: usize) -> &str {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    if prefix.chars().all(|c| c == ' ' || c == '\t') { prefix } else { "" }
}

/// The new disk's target dev: `disk_xml` must be one `<disk>` element, so that no edit can
/// break the document.
fn new_dev(disk_xml: &str) -> Result<Option<String>, EditError> {
    let disk = crate::parse_disk(disk_xml).map_err(EditError::NotADisk)?;
    Ok(disk.target.map(|t| t.dev().to_string()))
}

/// `disk_xml` (a disk written at the left margin, checked by [`new_dev`]) for a place
/// indented by `indent`: the first line without indentation (it goes where the old element
/// started), the others with it, no final newline.
fn placed(disk_xml: &str, indent: &str) -> String {
    let xml = disk_xml.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    xml.replace('\n', &format!("\n{indent}"))
}

/// Replaces the disk `selector` picks with `disk_xml` (one `<disk>` element, as the writer
/// prints it); every byte outside that `<disk>` element is unchanged.
///
/// ```
/// use diskxml_parser::{DiskSelector, EditError, replace_disk_xml};
///
/// let doc = "<domain><devices><disk type='file'><target dev='vda'/></disk>\
///            <disk type='file'><target dev='vdb'/></disk></devices></domain>";
/// let vdb_again = "<disk type='file'><target dev='vdb'/></disk>";
/// let err = replace_disk_xml(doc, &DiskSelector::TargetDev("vda".into()), vdb_again).unwrap_err();
/// assert_eq!(err, EditError::DuplicateDev("vdb".into()));
/// assert!(replace_disk_xml(doc, &DiskSelector::TargetDev("vdb".into()), vdb_again).is_ok());
/// ```
///
/// # Errors
/// [`EditError`]: unreadable document, no such disk, `disk_xml` not one `<disk>`, another
/// disk with the new disk's target dev.
pub fn replace_disk_xml(text: &str, selector: &DiskSelector, disk_xml: &str) -> Result<String, EditError> {
    replace_disk_xml_with(text, selector, disk_xml, &Options::default())
}

/// [`replace_disk_xml`] reading `text` under `options` (the hostile-input limits).
///
/// # Errors
/// As [`replace_disk_xml`], and the limits' errors.
pub fn replace_disk_xml_with(
    text: &str,
    selector: &DiskSelector,
    disk_xml: &str,
    options: &Options,
) -> Result<String, EditError> {
    let dev = new_dev(disk_xml)?;
    let (range, _, clash) = read::document::find_domain_disk_clashing(text, options, selector, dev.as_deref())?
        .ok_or_else(|| EditError::NotFound(selector.clone()))?;
    if let (true, Some(dev)) = (clash, dev) {
        return Err(EditError::DuplicateDev(dev));
    }
    let new = placed(disk_xml, indent_at(text, range.start));
    Ok(format!("{}{new}{}", &text[..range.start], &text[range.end..]))
}

/// `text` with each given range (a `<disk>` element's, as [`domain_disks`] finds them)
/// replaced by its new disk XML (one `<disk>` element each, as the writer prints it),
/// indented where the old one stood; every byte outside those ranges is unchanged.
///
/// ```
/// let doc = "<domain>\n  <devices>\n    <disk type='file'><target dev='vda'/></disk>\n  </devices>\n</domain>\n";
/// let found = diskxml_parser::domain_disks(doc)?;
/// let new = "<disk type='file'>\n  <target dev='vda'/>\n</disk>\n";
/// let spliced = diskxml_parser::splice_disks(doc, &[(found[0].range.clone(), new)])?;
/// assert_eq!(spliced, "<domain>\n  <devices>\n    <disk type='file'>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n</domain>\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`EditError::NotADisk`] when a new XML is not one `<disk>` element.
///
/// # Panics
/// When the ranges are not in `text`, overlap or are out of order: they must come from
/// [`domain_disks`] (or [`document_disks`]) of this `text`, in its order.
pub fn splice_disks(text: &str, disks: &[(std::ops::Range<usize>, &str)]) -> Result<String, EditError> {
    let mut out = String::with_capacity(text.len() + disks.iter().map(|(_, xml)| xml.len()).sum::<usize>());
    let mut at = 0;
    for (range, xml) in disks {
        new_dev(xml)?;
        out.push_str(&text[at..range.start]);
        out.push_str(&placed(xml, indent_at(text, range.start)));
        at = range.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Removes the disk `selector` picks, with the indentation and line break that were its
/// own; every other byte is unchanged.
///
/// # Errors
/// [`EditError`]: unreadable document, no such disk.
pub fn remove_disk(text: &str, selector: &DiskSelector) -> Result<String, EditError> {
    remove_disk_with(text, selector, &Options::default())
}

/// [`remove_disk`] reading `text` under `options` (the hostile-input limits).
///
/// # Errors
/// As [`remove_disk`], and the limits' errors.
pub fn remove_disk_with(text: &str, selector: &DiskSelector, options: &Options) -> Result<String, EditError> {
    let found = find_disk_with(text, selector, options)?.ok_or_else(|| EditError::NotFound(selector.clone()))?;
    let indent = indent_at(text, found.range.start);
    let mut start = found.range.start - indent.len();
    let mut end = found.range.end;
    // Take the whole line when the disk stood alone on it.
    if !indent.is_empty() || start == 0 || text[..start].ends_with('\n') {
        if text[end..].starts_with("\r\n") {
            end += 2;
        } else if text[end..].starts_with('\n') {
            end += 1;
        } else {
            start = found.range.start;
        }
    } else {
        start = found.range.start;
    }
    Ok(format!("{}{}", &text[..start], &text[end..]))
}

/// Inserts `disk_xml` (one `<disk>` element, as the writer prints it) as the last device of
/// `<devices>`, indented like the other devices.
///
/// ```
/// let doc = "<domain type='kvm'>\n  <devices>\n    <emulator>/usr/bin/qemu</emulator>\n  </devices>\n</domain>\n";
/// let disk = "<disk type='network'>\n  <source protocol='openvstorage' name='vol1'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n";
/// let new = diskxml_parser::insert_disk_xml(doc, disk)?;
/// assert_eq!(new, "<domain type='kvm'>\n  <devices>\n    <emulator>/usr/bin/qemu</emulator>\n    <disk type='network'>\n      <source protocol='openvstorage' name='vol1'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>\n  </devices>\n</domain>\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`EditError`]: unreadable document, no `<devices>` (or an empty `<devices/>`), `disk_xml`
/// not one `<disk>`, a disk of the domain with the new disk's target dev.
pub fn insert_disk_xml(text: &str, disk_xml: &str) -> Result<String, EditError> {
    insert_disk_xml_with(text, disk_xml, &Options::default())
}

/// [`insert_disk_xml`] reading `text` under `options` (the hostile-input limits).
///
/// # Errors
/// As [`insert_disk_xml`], and the limits' errors.
pub fn insert_disk_xml_with(text: &str, disk_xml: &str, options: &Options) -> Result<String, EditError> {
    let dev = new_dev(disk_xml)?;
    let (at, clash) =
        read::document::devices_insertion_point(text, options, dev.as_deref())?.ok_or(EditError::NoDevices)?;
    if let (true, Some(dev)) = (clash, dev) {
        return Err(EditError::DuplicateDev(dev));
    }
    let closing_indent = indent_at(text, at);
    let unit = if closing_indent.contains('\t') { "\t" } else { "  " };
    let indent = format!("{closing_indent}{unit}");
    let new = placed(disk_xml, &indent);
    // Insert at the start of the `</devices>` line, so the closing tag keeps its indentation.
    let line_start = at - closing_indent.len();
    if closing_indent.is_empty() && !text[..at].ends_with('\n') {
        return Ok(format!("{}\n{indent}{new}\n{}", &text[..at], &text[at..]));
    }
    Ok(format!("{}{indent}{new}\n{}", &text[..line_start], &text[line_start..]))
}
