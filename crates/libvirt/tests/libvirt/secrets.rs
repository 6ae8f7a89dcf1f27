//! Encrypted volumes, nova's way: a volume whose id has a libvirt secret of usage `volume`
//! on the host is attached as LUKS with it, and QEMU opens it with the secret's value.

use std::time::Duration;

use diskxml_connector::{ConnectionInfo, HostSettings, ProbeOptions, Registry};
use diskxml_libvirt::{AttachOptions, Error, Libvirt};
use diskxml_model::Disk;
use diskxml_parser::DiskSelector;
use diskxml_testkit::qemu_nbd::qemu_nbd_luks;
use serde_json::json;

use crate::harness::{Guest, libvirt_or_skip, shared};

/// A libvirt secret of usage `kind` (its id in the `<usage>` child `element`), not private,
/// undefined when dropped.
struct TestSecret {
    secret: virt::secret::Secret,
    uuid: String,
}

impl TestSecret {
    fn define(libvirt: &Libvirt, (kind, element): (&str, &str), id: &str, value: Option<&str>) -> Self {
        let xml = format!(
            "<secret ephemeral='no' private='no'><description>diskxml test</description>\
             <usage type='{kind}'><{element}>{id}</{element}></usage></secret>"
        );
        let secret = libvirt.connect().define_secret_xml(&xml, 0).unwrap();
        if let Some(value) = value {
            secret.set_value(value.as_bytes(), 0).unwrap();
        }
        let uuid = secret.uuid_string().unwrap();
        Self { secret, uuid }
    }
}

const VOLUME: (&str, &str) = ("volume", "volume");

impl Drop for TestSecret {
    fn drop(&mut self) {
        let _ = self.secret.undefine();
    }
}

fn nbd_volume(volume_id: &str, serial: &str, export: &str, port: u16) -> ConnectionInfo {
    ConnectionInfo::from_value(json!({
        "driver_volume_type": "nbd", "serial": serial,
        "data": {"name": export, "hosts": ["127.0.0.1"], "ports": [port], "volume_id": volume_id}
    }))
    .unwrap()
}

fn picked(xml: &str, serial: &str) -> Disk {
    diskxml_parser::find_disk(xml, &DiskSelector::Serial(serial.into())).unwrap().unwrap().disk
}

#[test]
fn a_volume_secret_is_found_by_its_usage_id_and_only_by_it() {
    let _shared = shared();
    let Some(libvirt) = libvirt_or_skip(Registry::with_builtins()) else { return };
    let volume = format!("diskxml-secret-{}", std::process::id());
    assert_eq!(libvirt.volume_secret(&volume).unwrap(), None, "none before it is defined");
    let secret = TestSecret::define(&libvirt, VOLUME, &volume, None);
    assert_eq!(libvirt.volume_secret(&volume).unwrap().as_deref(), Some(secret.uuid.as_str()));
    assert_eq!(libvirt.volume_secret(&format!("{volume}-other")).unwrap(), None);
    drop(secret);
    assert_eq!(libvirt.volume_secret(&volume).unwrap(), None, "none once undefined");
}

#[test]
fn a_volume_with_a_host_secret_is_configured_as_luks_and_one_without_is_not() {
    let _shared = shared();
    let Some(libvirt) = libvirt_or_skip(Registry::with_builtins()) else { return };
    let guest = Guest::new(&libvirt, "secret-config", false);
    let volume = format!("diskxml-config-{}", std::process::id());
    let secret = TestSecret::define(&libvirt, VOLUME, &volume, None);
    // A shut-off guest: the volume is configured, not opened, so it need not be reachable.
    let with = nbd_volume(&volume, "enc-1", "unreachable", 1);
    let without = nbd_volume(&format!("{volume}-plain"), "plain-1", "unreachable", 1);
    let encrypted = libvirt.attach(&guest.name, &with, &AttachOptions::default()).unwrap();
    assert_eq!(encrypted.encryption_secret.as_deref(), Some(secret.uuid.as_str()));
    let plain = libvirt.attach(&guest.name, &without, &AttachOptions::default()).unwrap();
    assert_eq!(plain.encryption_secret, None);

    let config = guest.xml(true);
    let encryption = picked(&config, "enc-1").encryption.expect("the volume with a secret is encrypted");
    assert_eq!(encryption.format.as_deref(), Some("luks"), "{config}");
    let [key] = encryption.secrets.as_slice() else { panic!("one secret: {config}") };
    assert_eq!((key.secret_type.as_deref(), key.uuid.as_deref()), (Some("passphrase"), Some(secret.uuid.as_str())));
    assert!(picked(&config, "plain-1").encryption.is_none(), "{config}");
}

#[test]
fn qemu_opens_an_encrypted_volume_with_the_secret_it_was_given() {
    let _shared = shared();
    let Some(libvirt) = libvirt_or_skip(Registry::with_builtins()) else { return };
    let size = 8 * 1024 * 1024;
    let passphrase = "diskxml-passphrase";
    let Some(server) = qemu_nbd_luks("luks-vol", size, passphrase) else { return };
    let guest = Guest::new(&libvirt, "secret-live", true);
    let volume = format!("diskxml-live-{}", std::process::id());
    let mut options = AttachOptions::default();
    options.probe = ProbeOptions::probing(Duration::from_secs(5));
    let info = nbd_volume(&volume, "luks-1", "luks-vol", server.port);

    // The secret without its value: QEMU cannot open the volume, and the attach says so.
    let empty = TestSecret::define(&libvirt, VOLUME, &volume, None);
    let err = libvirt.attach(&guest.name, &info, &options).unwrap_err();
    assert!(matches!(err, Error::AttachRefused { .. }), "{err}");
    drop(empty);

    // With the passphrase, the guest sees the payload: the export's bytes less the header.
    let secret = TestSecret::define(&libvirt, VOLUME, &volume, Some(passphrase));
    let attached = libvirt.attach(&guest.name, &info, &options).unwrap();
    assert_eq!(attached.encryption_secret.as_deref(), Some(secret.uuid.as_str()));
    assert!(
        attached.device.size.is_some_and(|raw| raw > size),
        "the export holds the header too: {:?}",
        attached.device
    );
    assert!(attached.xml.contains("<encryption format='luks'"), "{}", attached.xml);
    assert_eq!(guest.capacity(&attached.dev), size, "QEMU decrypted the volume");
}

#[test]
fn the_host_settings_secret_of_a_volume_is_used_before_libvirts() {
    let _shared = shared();
    let volume = format!("diskxml-settings-{}", std::process::id());
    let named = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
    let mut settings = HostSettings::default();
    settings.volume_secrets.insert(volume.clone(), named.to_owned());
    let Some(libvirt) = libvirt_or_skip(Registry::with_host_settings(settings)) else { return };
    let _host = TestSecret::define(&libvirt, VOLUME, &volume, None);
    let guest = Guest::new(&libvirt, "secret-settings", false);
    libvirt.attach(&guest.name, &nbd_volume(&volume, "set-1", "unreachable", 1), &AttachOptions::default()).unwrap();
    let config = guest.xml(true);
    let encryption = picked(&config, "set-1").encryption.expect("encrypted");
    assert_eq!(encryption.secrets[0].uuid.as_deref(), Some(named), "{config}");
}

#[test]
fn a_libvirt_without_secrets_has_none_for_any_volume() {
    // libvirt's test driver, in-process: it keeps no secrets at all.
    let libvirt = Libvirt::open("test:///default").unwrap();
    assert_eq!(libvirt.volume_secret("any-volume").unwrap(), None);
}

#[test]
fn a_secret_is_held_by_uuid_or_by_usage_and_an_unknown_usage_kind_cannot_tell() {
    use diskxml_rules::SecretName;
    let _shared = shared();
    let Some(libvirt) = libvirt_or_skip(Registry::with_builtins()) else { return };
    let user = format!("client.diskxml-{}", std::process::id());
    let ceph = SecretName::Usage { kind: "ceph", id: &user };
    assert_eq!(libvirt.has_secret(ceph).unwrap(), Some(false));
    let secret = TestSecret::define(&libvirt, ("ceph", "name"), &user, None);
    let uuid = secret.uuid.clone();
    let held = (libvirt.has_secret(ceph), libvirt.has_secret(SecretName::Uuid(&uuid)));
    let other_kind = libvirt.has_secret(SecretName::Usage { kind: "iscsi", id: &user });
    let unknown_kind = libvirt.has_secret(SecretName::Usage { kind: "carrier-pigeon", id: &user });
    drop(secret);
    assert_eq!((held.0.unwrap(), held.1.unwrap()), (Some(true), Some(true)));
    assert_eq!(other_kind.unwrap(), Some(false), "a usage is of one kind");
    assert_eq!(unknown_kind.unwrap(), None);
    assert_eq!(libvirt.has_secret(SecretName::Uuid(&uuid)).unwrap(), Some(false), "undefined");
    let without = Libvirt::open("test:///default").unwrap();
    assert_eq!(
        without.has_secret(SecretName::Uuid(&uuid)).unwrap(),
        Some(false),
        "a libvirt without secrets holds none"
    );
}

fn iscsi_chap(serial: &str, iqn: &str, password: Option<&str>) -> ConnectionInfo {
    let mut data = json!({"target_iqn": iqn, "target_lun": 1, "target_portal": "127.0.0.1:1",
                          "auth_method": "CHAP", "auth_username": "chapuser"});
    if let Some(password) = password {
        data["auth_password"] = json!(password);
    }
    ConnectionInfo::from_value(json!({"driver_volume_type": "iscsi", "serial": serial, "data": data})).unwrap()
}

/// The value of the host's iscsi secret of `usage`, if it has one.
fn iscsi_secret(libvirt: &Libvirt, usage: &str) -> Option<String> {
    let iscsi = i32::try_from(virt::sys::VIR_SECRET_USAGE_TYPE_ISCSI).unwrap();
    let secret = libvirt.connect().lookup_secret_by_usage(iscsi, usage).ok()?;
    Some(String::from_utf8(secret.value(0).unwrap()).unwrap())
}

#[test]
fn an_iscsi_chap_volume_gets_its_secret_created_as_nova_does_and_deleted_on_detach() {
    let _shared = shared();
    let Some(libvirt) = libvirt_or_skip(Registry::with_builtins()) else { return };
    let guest = Guest::new(&libvirt, "chap-config", false);
    let iqn = format!("iqn.2010-10.org.diskxml:chap-{}", std::process::id());
    let usage = format!("{iqn}/1");
    let info = iscsi_chap("chap-1", &iqn, Some("s3cret"));
    assert_eq!(iscsi_secret(&libvirt, &usage), None);
    libvirt.attach(&guest.name, &info, &AttachOptions::default()).unwrap();
    assert_eq!(iscsi_secret(&libvirt, &usage).as_deref(), Some("s3cret"), "created with the CHAP password");
    let config = guest.xml(true);
    let disk = picked(&config, "chap-1");
    let diskxml_model::Source::Network(source) = &disk.source else { panic!("{config}") };
    let secret = source.auth.as_ref().and_then(|a| a.secret.as_ref()).expect("an <auth> secret");
    assert_eq!(secret.usage.as_deref(), Some(usage.as_str()), "the disk names the secret created");

    let selector = DiskSelector::Serial("chap-1".into());
    libvirt.detach(&guest.name, &selector, Some(&info), &diskxml_libvirt::DetachOptions::default()).unwrap();
    assert_eq!(iscsi_secret(&libvirt, &usage), None, "deleted on detach, as nova's disconnect does");
}

#[test]
fn an_iscsi_secret_the_host_has_is_used_as_it_is_and_one_created_for_a_failed_attach_is_removed() {
    let _shared = shared();
    let Some(libvirt) = libvirt_or_skip(Registry::with_builtins()) else { return };
    let iqn = format!("iqn.2010-10.org.diskxml:kept-{}", std::process::id());
    let usage = format!("{iqn}/1");
    let held = TestSecret::define(&libvirt, ("iscsi", "target"), &usage, Some("the-hosts"));
    let guest = Guest::new(&libvirt, "chap-kept", false);
    libvirt.attach(&guest.name, &iscsi_chap("chap-2", &iqn, Some("other")), &AttachOptions::default()).unwrap();
    assert_eq!(iscsi_secret(&libvirt, &usage).as_deref(), Some("the-hosts"), "found, not overwritten");
    drop(held);

    // A live plug QEMU cannot make (no iSCSI target listens): the secret it created goes too.
    let running = Guest::new(&libvirt, "chap-fail", true);
    let failed_iqn = format!("iqn.2010-10.org.diskxml:fail-{}", std::process::id());
    let err = libvirt.attach(&running.name, &iscsi_chap("chap-3", &failed_iqn, Some("x")), &AttachOptions::default());
    assert!(matches!(err, Err(Error::AttachRefused { .. })), "{err:?}");
    assert_eq!(iscsi_secret(&libvirt, &format!("{failed_iqn}/1")), None, "removed with the failed attach");
}
