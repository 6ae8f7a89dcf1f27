//! Integration tests of the connector: Edge paths and connection info.
#![allow(missing_docs, reason = "test binary")]

mod edge_path;
mod info;
