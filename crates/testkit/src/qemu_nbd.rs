//! A real `qemu-nbd` serving a temporary raw image on a free loopback port.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A free loopback port (free when asked; the caller binds it soon after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A `qemu-nbd` serving a temporary raw image; stopped when dropped.
#[derive(Debug)]
pub struct QemuNbd {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
    _dir: TempDir,
}

#[derive(Debug)]
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl QemuNbd {
    /// The server's process id (to stop it with SIGSTOP, say, and let it go on).
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for QemuNbd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `qemu-nbd` exporting `export` (an image of `size` bytes) to up to 32 clients at
/// once (qemu-nbd serves one by default, and a guest plugging the export while another client
/// holds it would wait); `None`, reported as skipped (see [`crate::tools::skip`]), when
/// qemu-nbd is missing, a failure when `DISKXML_REQUIRE_TOOLS=1`.
#[must_use]
pub fn qemu_nbd(export: &str, size: u64) -> Option<QemuNbd> {
    if !crate::tools::command("qemu-nbd", "Debian's qemu-utils") {
        return None;
    }
    let dir = temp_dir(export);
    let image = dir.join("volume.raw");
    std::fs::File::create(&image).unwrap().set_len(size).unwrap();
    Some(serve(export, dir, &image))
}

/// Like [`qemu_nbd`], but the image is a LUKS volume (made by `qemu-img`) whose payload of
/// `size` bytes opens with `passphrase`; the export serves its raw bytes, header included,
/// so that only a client that decrypts sees `size` bytes.
#[must_use]
pub fn qemu_nbd_luks(export: &str, size: u64, passphrase: &str) -> Option<QemuNbd> {
    if !crate::tools::command("qemu-nbd", "Debian's qemu-utils")
        || !crate::tools::command("qemu-img", "Debian's qemu-utils")
    {
        return None;
    }
    let dir = temp_dir(export);
    let image = dir.join("volume.luks");
    // A short key derivation: the test is about who holds the key, not about its strength.
    // qemu-img times a first round of the derivation by the thread's CPU clock, whose ticks
    // are coarse: a round that fits in one tick fails with "Unable to get accurate CPU
    // usage". That is qemu-img's measurement, not the test's subject: try a few times.
    let mut failures = Vec::new();
    for _ in 0..8 {
        let output = Command::new("qemu-img")
            .arg("create")
            .arg("--object")
            .arg(format!("secret,id=key,data={passphrase}"))
            .args(["-f", "luks", "-o", "key-secret=key,iter-time=10"])
            .arg(&image)
            .arg(size.to_string())
            .output()
            .unwrap();
        if output.status.success() {
            return Some(serve(export, dir, &image));
        }
        failures.push(String::from_utf8_lossy(&output.stderr).trim().to_owned());
    }
    panic!("qemu-img could not create a LUKS image: {failures:?}");
}

fn temp_dir(export: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("diskxml-nbd-{}-{export}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn serve(export: &str, dir: std::path::PathBuf, image: &std::path::Path) -> QemuNbd {
    let port = free_port();
    let child = Command::new("qemu-nbd")
        .args(["--persistent", "--shared=32", "-x", export, "-b", "127.0.0.1", "-p", &port.to_string(), "-f", "raw"])
        .arg(image)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = QemuNbd { child, port, _dir: TempDir(dir) };
    // Ready when it listens; a failure when it exits first, never on time.
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = server.child.try_wait().unwrap() {
            panic!("qemu-nbd exited ({status}) before listening on {port}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}
