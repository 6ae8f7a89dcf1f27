//! A crate that depends on the facade `diskxml` alone, as a user's crate would: the
//! facade's own examples, its README's and the migration guide's run here as doctests, and
//! `tests/front_door.rs` builds every kind of disk through `diskxml::` paths only. An
//! example that reaches for `diskxml_model::…` or `diskxml_rules::…` fails to compile here,
//! where those crates are not dependencies.
//!
//! Not published: it has no API of its own.

// The facade's examples, collected from its doc comments by build.rs.
#[cfg(doctest)]
#[doc = include_str!(concat!(env!("OUT_DIR"), "/facade_examples.md"))]
struct FacadeExamples;

// The README's library example.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

// The migration guide's.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/migrating-from-nova.md")]
struct MigrationExamples;
