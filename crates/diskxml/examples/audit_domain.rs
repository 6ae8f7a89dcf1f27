//! Check every disk of a `<domain>` against libvirt's rules (its QEMU driver's included)
//! and print each problem where it is: `FILE:LINE:COLUMN: [rule] message`.
//!
//! `cargo run -p diskxml --example audit_domain [DOMAIN.xml]`

use diskxml::Profile;

const DOMAIN: &str = "<domain type='kvm'>
  <name>guest1</name>
  <devices>
    <disk type='network' device='disk'>
      <source protocol='nbd'/>
      <target dev='vda' bus='virtio'/>
      <serial>vol!1</serial>
    </disk>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/data.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (name, text) = match std::env::args().nth(1) {
        Some(file) => (file.clone(), std::fs::read_to_string(file)?),
        None => ("guest1.xml".to_owned(), DOMAIN.to_owned()),
    };
    let findings = diskxml::check(&text, Profile::Qemu)?;
    for finding in &findings {
        println!("{name}:{}: [{}] {}", finding.pos, finding.problem.rule, finding.problem.message);
    }
    println!("{} problem(s) in {name}", findings.len());
    Ok(())
}
