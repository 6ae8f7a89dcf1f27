//! The per-domain lock and the interrupt flag.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::{Done, Error};

/// A signal raised while an operation runs: an attach or detach checks it at each safe
/// point (waiting for the lock, before connecting, before the plug, while waiting for the
/// guest) and stops there, undoing what it did. Register [`Interrupt::flag`] with a
/// signal handler (e.g. `signal_hook::flag::register_usize(SIGINT, flag, 2)`), or call
/// [`Interrupt::raise`].
///
/// ```
/// use diskxml_libvirt::Interrupt;
///
/// let interrupt = Interrupt::new();
/// assert_eq!(interrupt.raised(), None);
/// interrupt.raise(15);
/// assert_eq!(interrupt.raised(), Some(15));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicUsize>);

impl Interrupt {
    /// No signal yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The shared flag: 0, or the number of the signal that arrived.
    #[must_use]
    pub fn flag(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.0)
    }

    /// Raises signal `number` (2 for SIGINT, 15 for SIGTERM).
    pub fn raise(&self, number: usize) {
        self.0.store(number, Ordering::SeqCst);
    }

    /// The signal that arrived, if one did.
    #[must_use]
    pub fn raised(&self) -> Option<usize> {
        Some(self.0.load(Ordering::SeqCst)).filter(|&n| n != 0)
    }

    /// An [`Error::Interrupted`] at `step`, with `done`, when a signal arrived.
    pub(crate) fn check(&self, step: &'static str, done: impl FnOnce() -> Done) -> Result<(), Error> {
        match self.raised() {
            None => Ok(()),
            Some(n) => Err(Error::Interrupted { signal: signal_name(n), step, done: done() }),
        }
    }
}

/// `SIGINT` for 2, `SIGTERM` for 15, ...
#[must_use]
pub fn signal_name(number: usize) -> &'static str {
    match number {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

/// The directory for lock files when none is given: `/run/lock/diskxml` where `/run/lock`
/// exists (Debian makes it writable by every user, so root and users share the locks), else
/// `diskxml-locks` in the temporary directory.
#[must_use]
pub fn default_lock_dir() -> PathBuf {
    let run_lock = Path::new("/run/lock");
    if run_lock.is_dir() { run_lock.join("diskxml") } else { std::env::temp_dir().join("diskxml-locks") }
}

/// An exclusive advisory lock (`flock`, through `fs4`) on a domain's lock file, released
/// when dropped or when the process ends, however it ends.
#[derive(Debug)]
pub(crate) struct DomainLock {
    file: File,
}

impl Drop for DomainLock {
    fn drop(&mut self) {
        // Closing the file releases the lock as well; unlocking first says so explicitly.
        let _ = fs4::FileExt::unlock(&self.file);
    }
}

/// What taking a lock needs to know.
pub(crate) struct LockRequest<'a> {
    pub dir: &'a Path,
    pub uuid: &'a str,
    pub domain: &'a str,
    pub timeout: Duration,
    pub interrupt: &'a Interrupt,
    pub on_wait: Option<&'a (dyn Fn(&str) + Send + Sync)>,
}

impl LockRequest<'_> {
    /// Takes the lock on the domain, waiting up to the timeout; says once what it waits for.
    pub(crate) fn take(&self) -> Result<DomainLock, Error> {
        let path = self.dir.join(format!("domain-{}.lock", self.uuid));
        let failed = |e: std::io::Error| Error::Lock { path: path.clone(), message: e.to_string() };
        create_shared_dir(self.dir).map_err(failed)?;
        let file = open_lock_file(&path).map_err(failed)?;
        let start = Instant::now();
        let mut said = false;
        loop {
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => return Ok(DomainLock { file }),
                Err(fs4::TryLockError::WouldBlock) => {}
                Err(fs4::TryLockError::Error(e)) => return Err(failed(e)),
            }
            self.interrupt.check("while waiting for the lock", || Done::Nothing)?;
            if start.elapsed() >= self.timeout {
                let domain = self.domain.to_owned();
                return Err(Error::LockTimeout { domain, path, waited: start.elapsed() });
            }
            if !said && let Some(on_wait) = self.on_wait {
                on_wait(&format!(
                    "waiting for the lock on domain '{}' ({}), held by another attach or detach",
                    self.domain,
                    path.display()
                ));
                said = true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Opens (or creates, writable by all) the lock file; one another user created is opened
/// read-only, which `flock` takes as well.
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    match OpenOptions::new().create(true).truncate(false).write(true).mode(0o666).open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => File::open(path),
        other => other,
    }
}

/// Creates the lock directory, writable by every user with the sticky bit (as `/tmp`), so
/// that root's and users' attaches lock the same files.
fn create_shared_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if dir.is_dir() {
        return Ok(());
    }
    match std::fs::DirBuilder::new().recursive(true).mode(0o1777).create(dir) {
        Ok(()) => {
            // The umask may have taken bits away; put them back (best effort).
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o1777));
            Ok(())
        }
        Err(_) if dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}
