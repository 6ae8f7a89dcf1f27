//! The Open vStorage fork of libvirt's own tests (`../shared/corpus/openvstorage`): its disks
//! read and write back, and each Edge disk's device path is the QEMU filename the fork
//! generated in the `.args` file beside it (commas doubled, as QEMU's option syntax wants).

use diskxml::{EdgePath, Protocol, Source};

#[test]
fn the_forks_disks_give_the_forks_qemu_filenames() {
    let Some(dir) = diskxml_testkit::tools::corpus() else { return };
    let dir = std::path::Path::new(&dir).join("openvstorage");
    let mut checked = 0;
    for stem in ["disk-drive-network-openvstorage", "disk-drive-network-openvstorage.libvirt-1.3-branch"] {
        let xml = std::fs::read_to_string(dir.join(format!("{stem}.xml"))).unwrap();
        let args = std::fs::read_to_string(dir.join(format!("{stem}.args"))).unwrap();
        for found in diskxml::domain_disks(&xml).unwrap() {
            let Source::Network(net) = &found.disk.source else { continue };
            assert_eq!(*net.protocol(), Protocol::Openvstorage);
            let path = EdgePath::from_source(net).unwrap();
            let filename = format!("file={}", path.to_string().replace(',', ",,"));
            assert!(args.contains(&filename), "{stem}: {filename} is not in the fork's QEMU arguments");
            // And the path reads back to the same source.
            assert_eq!(&EdgePath::parse(&path.to_string()).unwrap().to_source().unwrap(), &**net);
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "one Edge disk in each of the fork's two test files");
}
