//! The peers: `xmlwriter` and `quick-xml`'s `Writer` writing the Edge disk from the same
//! model, and `quick-xml`'s reader reading disk XML. Each writes the bytes diskxml writes
//! (quick-xml quotes attributes with `"`; the ratio report compares with the quotes swapped,
//! which for the Edge disk's values is the same document).

use std::io::Cursor;

use diskxml::model::{Driver, NetworkSource};
use diskxml::{Disk, Source};
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

/// The Edge disk's values, read from the model as a writer must.
struct Edge<'a> {
    disk_type: &'a str,
    device: &'a str,
    driver: &'a Driver,
    net: &'a NetworkSource,
    dev: &'a str,
    bus: &'a str,
    serial: &'a str,
}

fn edge(disk: &Disk) -> Edge<'_> {
    let Source::Network(net) = &disk.source else { panic!("the Edge disk has a network source") };
    let target = disk.target.as_ref().expect("the Edge disk has a target");
    Edge {
        disk_type: disk.disk_type(),
        device: disk.device.as_ref().map_or("disk", |d| d.as_str()),
        driver: disk.driver.as_ref().expect("the Edge disk has a driver"),
        net,
        dev: target.dev().as_str(),
        bus: target.bus.as_ref().map_or("", |b| b.as_str()),
        serial: disk.serial.as_ref().map_or("", |s| s.as_str()),
    }
}

/// `xmlwriter` writing the Edge disk (single quotes, two-space indentation).
///
/// # Panics
/// When `disk` is not shaped like [`crate::edge_disk`].
#[must_use]
pub fn xmlwriter(disk: &Disk, capacity: usize) -> String {
    use xmlwriter::{Indent, Options, XmlWriter};
    let e = edge(disk);
    let options = Options { use_single_quote: true, indent: Indent::Spaces(2), attributes_indent: Indent::None };
    let mut w = XmlWriter::with_capacity(capacity, options);
    w.start_element("disk");
    w.write_attribute("type", e.disk_type);
    w.write_attribute("device", e.device);
    w.start_element("driver");
    if let Some(name) = &e.driver.name {
        w.write_attribute("name", name.as_str());
    }
    if let Some(format) = &e.driver.format {
        w.write_attribute("type", format.as_str());
    }
    if let Some(discard) = &e.driver.discard {
        w.write_attribute("discard", discard.as_str());
    }
    w.end_element();
    w.start_element("source");
    w.write_attribute("protocol", e.net.protocol().as_str());
    if let Some(name) = &e.net.name {
        w.write_attribute("name", name.as_str());
    }
    if let Some(timeout) = e.net.snapshot_timeout {
        w.write_attribute("snapshot-timeout", &timeout);
    }
    for host in e.net.hosts() {
        w.start_element("host");
        if let Some(name) = host.name() {
            w.write_attribute("name", name.as_str());
        }
        if let Some(port) = host.port() {
            w.write_attribute("port", &port.get());
        }
        if let Some(transport) = host.transport() {
            w.write_attribute("transport", transport.as_str());
        }
        w.end_element();
    }
    w.end_element();
    w.start_element("target");
    w.write_attribute("dev", e.dev);
    w.write_attribute("bus", e.bus);
    w.end_element();
    w.start_element("serial");
    // Text kept inline, as libvirt writes it.
    w.set_preserve_whitespaces(true);
    w.write_text(e.serial);
    w.end_element();
    w.set_preserve_whitespaces(false);
    // end_document ends with a newline, as diskxml does.
    w.end_document()
}

/// `quick-xml`'s `Writer` writing the Edge disk (double quotes, two-space indentation).
///
/// # Panics
/// When `disk` is not shaped like [`crate::edge_disk`], or on a write error (none: a `Vec`).
#[must_use]
pub fn quick_xml(disk: &Disk, capacity: usize) -> Vec<u8> {
    let e = edge(disk);
    let mut w = quick_xml::Writer::new_with_indent(Cursor::new(Vec::with_capacity(capacity)), b' ', 2);
    let mut start = BytesStart::new("disk");
    start.push_attribute(("type", e.disk_type));
    start.push_attribute(("device", e.device));
    w.write_event(Event::Start(start)).expect("a Vec");
    let mut driver = BytesStart::new("driver");
    if let Some(name) = &e.driver.name {
        driver.push_attribute(("name", name.as_str()));
    }
    if let Some(format) = &e.driver.format {
        driver.push_attribute(("type", format.as_str()));
    }
    if let Some(discard) = &e.driver.discard {
        driver.push_attribute(("discard", discard.as_str()));
    }
    w.write_event(Event::Empty(driver)).expect("a Vec");
    let mut source = BytesStart::new("source");
    source.push_attribute(("protocol", e.net.protocol().as_str()));
    if let Some(name) = &e.net.name {
        source.push_attribute(("name", name.as_str()));
    }
    let mut digits = itoa_buf();
    if let Some(timeout) = e.net.snapshot_timeout {
        source.push_attribute(("snapshot-timeout", fmt_u32(&mut digits, timeout)));
    }
    w.write_event(Event::Start(source)).expect("a Vec");
    for host in e.net.hosts() {
        let mut h = BytesStart::new("host");
        if let Some(name) = host.name() {
            h.push_attribute(("name", name.as_str()));
        }
        let mut digits = itoa_buf();
        if let Some(port) = host.port() {
            h.push_attribute(("port", fmt_u32(&mut digits, u32::from(port.get()))));
        }
        if let Some(transport) = host.transport() {
            h.push_attribute(("transport", transport.as_str()));
        }
        w.write_event(Event::Empty(h)).expect("a Vec");
    }
    w.write_event(Event::End(BytesEnd::new("source"))).expect("a Vec");
    let mut target = BytesStart::new("target");
    target.push_attribute(("dev", e.dev));
    target.push_attribute(("bus", e.bus));
    w.write_event(Event::Empty(target)).expect("a Vec");
    w.write_event(Event::Start(BytesStart::new("serial"))).expect("a Vec");
    w.write_event(Event::Text(BytesText::new(e.serial))).expect("a Vec");
    w.write_event(Event::End(BytesEnd::new("serial"))).expect("a Vec");
    w.write_event(Event::End(BytesEnd::new("disk"))).expect("a Vec");
    let mut out = w.into_inner().into_inner();
    out.push(b'\n');
    out
}

fn itoa_buf() -> [u8; 10] {
    [0; 10]
}

/// `n` in decimal, in `buf`, without allocating.
fn fmt_u32(buf: &mut [u8; 10], mut n: u32) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + u8::try_from(n % 10).expect("a digit");
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).expect("ASCII digits")
}

/// `quick-xml`'s reader over `text`: every event read, attributes unescaped; returns how
/// many attributes it saw (so that nothing is optimised away).
///
/// # Panics
/// On XML quick-xml refuses (the benchmarks' inputs are well-formed).
#[must_use]
pub fn quick_xml_read(text: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut attributes = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes() {
                    let a = a.expect("a well-formed attribute");
                    attributes += a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("a well-formed value")
                        .len()
                        .min(1);
                }
            }
            Event::Eof => return attributes,
            _ => {}
        }
    }
}
