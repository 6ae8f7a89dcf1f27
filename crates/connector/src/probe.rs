//! Probing a volume over the network: a TCP connection, or the NBD handshake. Every step
//! runs against one deadline, so a peer that accepts and then says nothing costs at most
//! the timeout.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::Error;

/// Whether and how long to probe.
///
/// ```
/// use std::time::Duration;
/// use diskxml_connector::ProbeOptions;
///
/// let probe = ProbeOptions::probing(Duration::from_millis(500));
/// assert!(probe.probe);
/// assert!(!ProbeOptions::default().probe);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeOptions {
    /// Check that the volume is reachable before returning (default: no).
    pub probe: bool,
    /// How long the whole probe may take (default: 2 s).
    pub timeout: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self { probe: false, timeout: crate::DEFAULT_PROBE_TIMEOUT }
    }
}

impl ProbeOptions {
    /// Probing on, with `timeout` for the whole probe.
    #[must_use]
    pub const fn probing(timeout: Duration) -> Self {
        Self { probe: true, timeout }
    }
}

/// What a connector made reachable: a kind (the driver's name), a path or URI, the size in
/// bytes where the probe learnt it (nbd), and whether a probe checked it at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// The driver's name, e.g. `openvstorage_edge`.
    pub kind: String,
    /// The device path or URI.
    pub path: String,
    /// The volume's size in bytes, if known.
    pub size: Option<u64>,
    /// Whether a probe checked that the volume is there: false when none was asked for, and
    /// for drivers with nothing to probe (rbd, iscsi, sheepdog, gluster, an Edge volume over
    /// shared memory), so that nothing reports as checked what was not.
    pub probed: bool,
}

struct Deadline {
    start: Instant,
    timeout: Duration,
    address: String,
}

impl Deadline {
    fn new(host: &str, port: u16, timeout: Duration) -> Self {
        let address = format!("{}:{port}", diskxml_model::Bracketed(host));
        Self { start: Instant::now(), timeout, address }
    }

    fn unreachable(&self, reason: impl Into<String>) -> Error {
        Error::Unreachable { address: self.address.clone(), elapsed: self.start.elapsed(), reason: reason.into() }
    }

    /// Time left, or the timeout error.
    fn remaining(&self, step: &str) -> Result<Duration, Error> {
        self.timeout
            .checked_sub(self.start.elapsed())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| self.unreachable(format!("timed out after {:?} while {step}", self.timeout)))
    }

    fn connect(&self, host: &str, port: u16) -> Result<TcpStream, Error> {
        let addrs: Vec<SocketAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|e| self.unreachable(format!("cannot resolve the host: {e}")))?
            .collect();
        let mut last = None;
        for addr in addrs {
            let left = self.remaining("connecting")?;
            match TcpStream::connect_timeout(&addr, left) {
                Ok(stream) => return Ok(stream),
                Err(e) => last = Some(e),
            }
        }
        Err(self.unreachable(match last {
            Some(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                format!("timed out after {:?} while connecting", self.timeout)
            }
            Some(e) => format!("connection failed: {e}"),
            None => "the host resolved to no address".to_owned(),
        }))
    }

    fn read_exact(&self, stream: &mut TcpStream, buf: &mut [u8], step: &str) -> Result<(), Error> {
        let mut filled = 0;
        while filled < buf.len() {
            stream.set_read_timeout(Some(self.remaining(step)?)).map_err(|e| self.unreachable(e.to_string()))?;
            match stream.read(&mut buf[filled..]) {
                Ok(0) => return Err(self.unreachable(format!("the peer closed the connection while {step}"))),
                Ok(n) => filled += n,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return Err(self.unreachable(format!("timed out after {:?} while {step}", self.timeout)));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.unreachable(format!("read failed while {step}: {e}"))),
            }
        }
        Ok(())
    }

    fn write_all(&self, stream: &mut TcpStream, buf: &[u8], step: &str) -> Result<(), Error> {
        stream.set_write_timeout(Some(self.remaining(step)?)).map_err(|e| self.unreachable(e.to_string()))?;
        stream.write_all(buf).map_err(|e| self.unreachable(format!("write failed while {step}: {e}")))
    }
}

/// Checks that `host:port` accepts a TCP connection within `timeout`.
///
/// # Errors
/// [`Error::Unreachable`] with the address, the time spent and why.
pub fn tcp_probe(host: &str, port: u16, timeout: Duration) -> Result<(), Error> {
    let deadline = Deadline::new(host, port, timeout);
    deadline.connect(host, port).map(drop)
}

const NBDMAGIC: u64 = 0x4e42_444d_4147_4943; // "NBDMAGIC"
const IHAVEOPT: u64 = 0x4948_4156_454f_5054; // "IHAVEOPT"
const REPLY_MAGIC: u64 = 0x0003_e889_0455_65a9;
const FLAG_FIXED_NEWSTYLE: u16 = 1;
const FLAG_NO_ZEROES: u16 = 2;
const OPT_ABORT: u32 = 2;
const OPT_INFO: u32 = 6;
const REP_ACK: u32 = 1;
const REP_INFO: u32 = 3;
const REP_FLAG_ERROR: u32 = 1 << 31;
const REP_ERR_UNKNOWN: u32 = REP_FLAG_ERROR | 6;
const INFO_EXPORT: u16 = 0;
/// The largest option reply read; NBD servers send a few dozen bytes.
const MAX_REPLY: u32 = 64 * 1024;

/// Performs the NBD fixed-newstyle handshake with `host:port`, asks for `export` with
/// `NBD_OPT_INFO`, and returns its size in bytes; ends the session with `NBD_OPT_ABORT`.
///
/// # Errors
/// [`Error::Unreachable`] when the server cannot be reached, times out or breaks the
/// protocol; [`Error::ExportMissing`] naming the export when the server does not have it.
pub fn nbd_probe(host: &str, port: u16, export: &str, timeout: Duration) -> Result<u64, Error> {
    let d = Deadline::new(host, port, timeout);
    let mut s = d.connect(host, port)?;
    nbd_handshake(&d, &mut s)?;
    let name = export.as_bytes();
    let name_len = u32::try_from(name.len()).map_err(|_| d.unreachable("the export name is too long"))?;
    let mut option = Vec::with_capacity(16 + 6 + name.len());
    option.extend_from_slice(&IHAVEOPT.to_be_bytes());
    option.extend_from_slice(&OPT_INFO.to_be_bytes());
    option.extend_from_slice(&(4 + name_len + 2).to_be_bytes());
    option.extend_from_slice(&name_len.to_be_bytes());
    option.extend_from_slice(name);
    option.extend_from_slice(&0u16.to_be_bytes()); // no specific information requests
    d.write_all(&mut s, &option, "asking for the export")?;
    let size = nbd_export_size(&d, &mut s, export)?;
    // End the negotiation politely; the answer does not matter.
    let mut abort = Vec::with_capacity(16);
    abort.extend_from_slice(&IHAVEOPT.to_be_bytes());
    abort.extend_from_slice(&OPT_ABORT.to_be_bytes());
    abort.extend_from_slice(&0u32.to_be_bytes());
    let _ = d.write_all(&mut s, &abort, "ending the negotiation");
    size.ok_or_else(|| d.unreachable("the NBD server acknowledged the export without giving its size"))
}

/// The fixed-newstyle greeting and the client's flags.
fn nbd_handshake(d: &Deadline, s: &mut TcpStream) -> Result<(), Error> {
    let mut greeting = [0u8; 18];
    d.read_exact(s, &mut greeting, "reading the NBD greeting")?;
    let magic = u64::from_be_bytes(greeting[0..8].try_into().expect("8 bytes"));
    let opt_magic = u64::from_be_bytes(greeting[8..16].try_into().expect("8 bytes"));
    let flags = u16::from_be_bytes(greeting[16..18].try_into().expect("2 bytes"));
    if magic != NBDMAGIC || opt_magic != IHAVEOPT {
        return Err(d.unreachable("not an NBD server speaking the newstyle protocol"));
    }
    if flags & FLAG_FIXED_NEWSTYLE == 0 {
        return Err(d.unreachable("the NBD server does not support fixed newstyle negotiation"));
    }
    let client_flags = u32::from(FLAG_FIXED_NEWSTYLE | (flags & FLAG_NO_ZEROES));
    d.write_all(s, &client_flags.to_be_bytes(), "sending the client flags")
}

/// The replies to `NBD_OPT_INFO` up to the server's ack: the export's size, if it gave one.
fn nbd_export_size(d: &Deadline, s: &mut TcpStream, export: &str) -> Result<Option<u64>, Error> {
    let mut size = None;
    loop {
        let mut header = [0u8; 20];
        d.read_exact(s, &mut header, "reading an option reply")?;
        let magic = u64::from_be_bytes(header[0..8].try_into().expect("8 bytes"));
        let reply = u32::from_be_bytes(header[12..16].try_into().expect("4 bytes"));
        let len = u32::from_be_bytes(header[16..20].try_into().expect("4 bytes"));
        if magic != REPLY_MAGIC {
            return Err(d.unreachable("the NBD server sent a malformed option reply"));
        }
        if len > MAX_REPLY {
            return Err(d.unreachable(format!("the NBD server sent an option reply of {len} bytes")));
        }
        let mut data = vec![0u8; len as usize];
        d.read_exact(s, &mut data, "reading an option reply")?;
        match reply {
            REP_ACK => return Ok(size),
            REP_INFO if data.len() >= 12 && u16::from_be_bytes([data[0], data[1]]) == INFO_EXPORT => {
                size = Some(u64::from_be_bytes(data[2..10].try_into().expect("8 bytes")));
            }
            REP_ERR_UNKNOWN => {
                return Err(Error::ExportMissing { export: export.to_owned(), address: d.address.clone() });
            }
            r if r & REP_FLAG_ERROR != 0 => {
                let message = String::from_utf8_lossy(&data);
                let code = r & !REP_FLAG_ERROR;
                return Err(d.unreachable(format!("the NBD server refused the export (error {code}): {message}")));
            }
            _ => {}
        }
    }
}
