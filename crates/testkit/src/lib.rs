//! Test support for the diskxml workspace (unpublished): the one generator of model values
//! ([`generate`]), what a test needs from outside and how it is skipped ([`tools`]), golden-file
//! helpers ([`mod@golden`]), semantic XML comparison ([`semantic`]) and a real `qemu-nbd`
//! ([`qemu_nbd`]).
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, reason = "test support: a failure here is a failing test, with its message")]

pub mod generate;
pub mod golden;
pub mod mutate;
pub mod nova;
pub mod qemu_nbd;
pub mod roundtrip;
pub mod semantic;
pub mod tools;
pub mod valid;
