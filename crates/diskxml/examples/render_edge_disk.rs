//! Connection info (what the volume service hands nova) to libvirt `<disk>` XML.
//!
//! `cargo run -p diskxml --example render_edge_disk [CONNECTION_INFO.json]`

use diskxml::{Bus, DiskInfo};

const EXAMPLE: &str = r#"{
    "driver_volume_type": "openvstorage_edge",
    "serial": "8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10",
    "data": {"device_path": "openvstorage+tcp:10.130.11.202:26203/volume-8d5e2a5c"}
}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let json = match std::env::args().nth(1) {
        Some(file) => std::fs::read_to_string(file)?,
        None => EXAMPLE.to_owned(),
    };
    // Checked against libvirt's QEMU driver's rules before anything is handed back.
    let rendered = diskxml::render(&json, &DiskInfo::new("vdb", Bus::Virtio))?;
    for warning in &rendered.warnings {
        eprintln!("warning: {warning}");
    }
    print!("{rendered}");
    Ok(())
}
