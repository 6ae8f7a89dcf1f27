//! libvirt's `<disk>` XML vocabulary, one table per element: its name, its known attributes
//! in the order libvirt writes them (each with how to read it from the model and how to set
//! it from text), and where a part of a disk is ([`Locator`]). The writer's emission and
//! clash check and the parser's extraction read these tables, so each name is written once.
//!
//! ```
//! use diskxml_model::{Bus, Target};
//!
//! assert_eq!(diskxml_schema::TARGET.element, "target");
//! assert_eq!(diskxml_schema::TARGET.names().collect::<Vec<_>>(), ["dev", "bus", "tray", "removable", "rotation_rate"]);
//! let target = Target::new("vdb", Some(Bus::Virtio))?;
//! let bus = diskxml_schema::TARGET.attrs.iter().find(|a| a.name == "bus").and_then(|a| (a.get)(&target));
//! assert_eq!(bus, Some(diskxml_schema::Value::Verbatim("virtio")));
//! # Ok::<(), diskxml_model::Error>(())
//! ```
//!
//! # Should I use this crate directly?
//! Only to write or read disks your own way. The writer (`diskxml-writer`) and parser
//! (`diskxml-parser`) depend on it; libvirt's semantics (what it accepts, what it prints
//! back) are `diskxml-rules`'.
//!
//! # Crate features
//! None. The crate is `no_std` and needs `alloc`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

extern crate alloc;

#[macro_use]
mod table;
mod elements;
mod locator;

pub use elements::*;
pub use locator::{Locator, Step};
pub use table::{
    Attr, Child, ChildKind, Getter, Known, Part, SetError, Setter, Shape, Value, decimal, decimal_u32, hex_or_decimal,
};
