//! What a table says of an element: its name, its known attributes in libvirt's order (each
//! with how to read it from the model and how to set it from text) and its known children in
//! libvirt's order; and the macros the tables are written with.

use diskxml_model::Text;

/// An attribute's value as the writer writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    /// Text, escaped when written.
    Text(&'a str),
    /// Text that needs no escaping, written as is: a spelling of libvirt's vocabulary that
    /// the model knows (none holds a character XML escapes; the writer's tests check every
    /// one).
    Verbatim(&'static str),
    /// A decimal number.
    Decimal(u64),
    /// A hexadecimal number with `0x` and at least `width` digits (PCI and CCW addresses).
    Hex {
        /// The value.
        value: u32,
        /// The fewest digits written.
        width: usize,
    },
}

/// Why a value could not be set from its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetError {
    /// The model refuses the value (a character XML cannot carry, say).
    Model(diskxml_model::Error),
    /// The text is not of the attribute's form.
    Invalid {
        /// What the attribute takes, in words.
        expected: &'static str,
    },
}

impl From<diskxml_model::Error> for SetError {
    fn from(e: diskxml_model::Error) -> Self {
        Self::Model(e)
    }
}

/// Reads the value of this attribute from the model, if it is set.
pub type Getter<T> = for<'a> fn(&'a T) -> Option<Value<'a>>;
/// Sets this attribute in the model from its text.
pub type Setter<T> = fn(&mut T, &str) -> Result<(), SetError>;

/// One known attribute of an element.
#[derive(Debug)]
pub struct Attr<T: 'static> {
    /// Its name.
    pub name: &'static str,
    /// ` name='`: what the writer writes before the value, in one piece.
    pub lead: &'static str,
    /// How the writer reads it.
    pub get: Getter<T>,
    /// How the parser sets it; `None` for an attribute the element's constructor takes
    /// (a required one such as `target@dev`, or one that fixes the kind, such as `type`).
    pub set: Option<Setter<T>>,
}

/// An element's name, its known attributes and its known children, each in the order
/// libvirt writes them.
#[derive(Debug)]
pub struct Shape<T: 'static> {
    /// The element's name.
    pub element: &'static str,
    /// Its known attributes.
    pub attrs: &'static [Attr<T>],
    /// Its known children (none for most elements).
    pub children: &'static [Child<T>],
}

/// What a writer needs of any element's table, whatever model type it reads: its name, and
/// whether it writes an attribute of a given name itself (so that a kept unknown attribute
/// of that name would make the element ill-formed).
pub trait Known {
    /// The element's name.
    fn element(&self) -> &'static str;
    /// Whether the element writes an attribute called `name` itself.
    fn knows(&self, name: &str) -> bool;
    /// Its known attributes' and children's names, in its table's order.
    fn all_names(&self) -> alloc::vec::Vec<&'static str>;
}

impl<T> Known for Shape<T> {
    fn element(&self) -> &'static str {
        self.element
    }

    fn knows(&self, name: &str) -> bool {
        Shape::knows(self, name)
    }

    fn all_names(&self) -> alloc::vec::Vec<&'static str> {
        self.attrs.iter().map(|a| a.name).chain(self.children.iter().map(|c| c.name)).collect()
    }
}

/// A known child element of an element of type `T`.
#[derive(Debug)]
pub struct Child<T: 'static> {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub kind: ChildKind<T>,
}

/// What a known child element holds, and how it is read from and set in the model.
#[derive(Debug)]
pub enum ChildKind<T: 'static> {
    /// Nothing: present or not (`<readonly/>`).
    Flag {
        /// Whether it is present.
        get: fn(&T) -> bool,
        /// Makes it present.
        set: fn(&mut T),
    },
    /// A text (`<serial>…</serial>`).
    Text {
        /// The text, if present.
        get: for<'a> fn(&'a T) -> Option<&'a Text>,
        /// Sets it.
        set: fn(&mut T, Text),
        /// The field a model error names (`serial`, `iotune.group_name`).
        field: &'static str,
    },
    /// An element of its own, with its own table, that the writer and the parser each read
    /// and write in a function of theirs: both match on [`Part`] without a wildcard, so a
    /// new part that one of them does not handle is a compile error.
    Part(Part),
}

/// The children with attributes or children of their own, by what they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// `<driver>` ([`crate::DRIVER`]).
    Driver,
    /// `<auth>` ([`crate::AUTH`]).
    Auth,
    /// `<source>` (by the disk's type: [`crate::FILE_SOURCE`] ... [`crate::NETWORK_SOURCE`]).
    Source,
    /// `<backingStore>` ([`crate::BACKING_STORE`]).
    BackingStore,
    /// `<mirror>` ([`crate::MIRROR`]).
    Mirror,
    /// `<geometry>` ([`crate::GEOMETRY`]).
    Geometry,
    /// `<blockio>` ([`crate::BLOCKIO`]).
    Blockio,
    /// `<target>` ([`crate::TARGET`]).
    Target,
    /// `<iotune>` ([`crate::IOTUNE`]).
    Iotune,
    /// `<transient>` ([`crate::TRANSIENT`]).
    Transient,
    /// `<encryption>` ([`crate::ENCRYPTION`]).
    Encryption,
    /// `<boot>` ([`crate::BOOT`]).
    Boot,
    /// `<alias>` ([`crate::ALIAS`]).
    Alias,
    /// `<address>` ([`crate::ADDRESS`] and the kind's).
    Address,
    /// `<metadata_cache>` of a `<driver>` ([`crate::METADATA_CACHE`]).
    MetadataCache,
    /// A `<host>` of a network source ([`crate::HOST`]), each of them.
    Host,
    /// The one-attribute child `NETWORK_EXTRAS[i]` of a network source.
    Extra(u8),
    /// `<identity>` of a network source ([`crate::IDENTITY`]).
    Identity,
    /// `<cookies>` of a network source ([`crate::COOKIES`]).
    Cookies,
    /// `<initiator>` of a network source ([`crate::INITIATOR`]).
    Initiator,
}

impl<T> Shape<T> {
    /// Whether `name` is one of the element's known attributes.
    #[must_use]
    pub fn knows(&self, name: &str) -> bool {
        self.attrs.iter().any(|a| a.name == name)
    }

    /// The known attributes' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.attrs.iter().map(|a| a.name)
    }

    /// The known child called `name`.
    #[must_use]
    pub fn child(&self, name: &str) -> Option<&'static Child<T>> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// A non-negative decimal number as libvirt writes one: ASCII digits only, no sign.
///
/// # Errors
/// [`SetError::Invalid`] for anything else.
pub fn decimal(s: &str) -> Result<u64, SetError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SetError::Invalid { expected: "a non-negative decimal integer" });
    }
    s.parse().map_err(|_| SetError::Invalid { expected: "a non-negative decimal integer" })
}

/// [`decimal`], below 2^32.
///
/// # Errors
/// [`SetError::Invalid`] for anything else.
pub fn decimal_u32(s: &str) -> Result<u32, SetError> {
    u32::try_from(decimal(s)?).map_err(|_| SetError::Invalid { expected: "an integer below 2^32" })
}

/// An address component: hexadecimal with `0x`, or decimal, as libvirt reads it.
///
/// # Errors
/// [`SetError::Invalid`] for anything else.
pub fn hex_or_decimal(s: &str) -> Result<u32, SetError> {
    let invalid = SetError::Invalid { expected: "a hexadecimal (0x..) or decimal integer below 2^32" };
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).map_err(|_| invalid)
        }
        Some(_) => Err(invalid),
        None => decimal(s).ok().and_then(|n| u32::try_from(n).ok()).ok_or(invalid),
    }
}

/// An optional text attribute of field `$f` (model error label `$label`); with
/// `$boxed => $f`, a field of the optional boxed part `$boxed`, made when a value is set.
macro_rules! text {
    ($name:literal, $boxed:ident => $f:ident, $label:literal) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$boxed.as_ref().and_then(|b| b.$f.as_deref()).map(Value::Text),
            set: Some(|x, v| {
                x.$boxed.get_or_insert_with(Default::default).$f = Some(Text::new($label, v)?);
                Ok(())
            }),
        }
    };
    ($name:literal, $($f:ident).+, $label:literal) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$($f).+.as_deref().map(Value::Text),
            set: Some(|x, v| {
                x.$($f).+ = Some(Text::new($label, v)?);
                Ok(())
            }),
        }
    };
}

/// An optional vocabulary attribute (an enum with `parse` and `as_str`); with
/// `$boxed => $f`, a field of the optional boxed part `$boxed`, made when a value is set.
macro_rules! vocab {
    ($name:literal, $boxed:ident => $f:ident, $ty:ty) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| {
                x.$boxed.as_ref().and_then(|b| b.$f.as_ref()).map(|v| v.spelling().map_or(Value::Text(v.as_str()), Value::Verbatim))
            },
            set: Some(|x, v| {
                x.$boxed.get_or_insert_with(Default::default).$f = Some(<$ty>::parse(v)?);
                Ok(())
            }),
        }
    };
    ($name:literal, $($f:ident).+, $ty:ty) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$($f).+.as_ref().map(|v| v.spelling().map_or(Value::Text(v.as_str()), Value::Verbatim)),
            set: Some(|x, v| {
                x.$($f).+ = Some(<$ty>::parse(v)?);
                Ok(())
            }),
        }
    };
}

/// An optional decimal `u32` attribute.
macro_rules! num {
    ($name:literal, $($f:ident).+) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$($f).+.map(|n| Value::Decimal(u64::from(n))),
            set: Some(|x, v| {
                x.$($f).+ = Some(decimal_u32(v)?);
                Ok(())
            }),
        }
    };
}

/// An optional `u32` attribute written in hexadecimal with `$width` digits.
macro_rules! hex {
    ($name:literal, $f:ident, $width:literal) => {
        Attr {
            name: $name,
            lead: concat!(" ", $name, "='"),
            get: |x| x.$f.map(|value| Value::Hex { value, width: $width }),
            set: Some(|x, v| {
                x.$f = Some(hex_or_decimal(v)?);
                Ok(())
            }),
        }
    };
}

/// A child element present or not, held in the `bool` field `$f`.
macro_rules! flag {
    ($name:literal, $f:ident) => {
        Child { name: $name, kind: ChildKind::Flag { get: |x| x.$f, set: |x| x.$f = true } }
    };
}

/// A child element holding a text, in the `Option<Text>` field `$f`.
macro_rules! text_child {
    ($name:literal, $f:ident, $field:literal) => {
        Child {
            name: $name,
            kind: ChildKind::Text { get: |x| x.$f.as_ref(), set: |x, t| x.$f = Some(t), field: $field },
        }
    };
}

/// The one-attribute network-source child `NETWORK_EXTRAS[$i]`.
macro_rules! extra {
    ($i:literal) => {
        Child { name: NETWORK_EXTRAS[$i].element, kind: ChildKind::Part(Part::Extra($i)) }
    };
}

/// A child element of its own, named by its table's element name.
macro_rules! part {
    ($shape:expr, $part:ident) => {
        Child { name: $shape.element, kind: ChildKind::Part(Part::$part) }
    };
}
