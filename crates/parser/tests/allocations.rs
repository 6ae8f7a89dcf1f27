//! Reading a disk allocates the model's own parts and nothing else beside roxmltree's tree:
//! counted with a counting global allocator, against a bare roxmltree parse of the same text.
//!
//! A separate test binary because a `#[global_allocator]` replaces the allocator of its
//! whole binary.
#![allow(unsafe_code, reason = "GlobalAlloc is an unsafe trait; this impl only forwards to System")]
#![allow(missing_docs, reason = "test binary")]
#![allow(clippy::unwrap_used, reason = "a panic in a test is a failing test with a message")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    // Counted per thread so that the test harness's own threads cannot disturb the count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator, with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// What `parse_disk` allocates beyond a bare roxmltree parse of `text`.
fn beyond_roxmltree(text: &str) -> usize {
    let ours = allocations_during(|| drop(diskxml_parser::parse_disk(text).unwrap()));
    let bare = allocations_during(|| drop(roxmltree::Document::parse(text).unwrap()));
    assert!(bare > 0, "the counter sees roxmltree's tree");
    ours - bare
}

/// The ratio report's Edge disk: driver, network source and target are boxed, and the
/// 36-byte serial is longer than an inline string; every other string is inline.
const EDGE: &str = "<disk type='network' device='disk'>
  <driver name='qemu' type='raw' cache='none'/>
  <source protocol='openvstorage' name='vol1'>
    <host name='ovs.include.gr' port='12329' transport='rdma'/>
  </source>
  <target dev='vda' bus='virtio'/>
  <serial>8d5e2a5c-6a55-4b8e-9d3c-3f0c2f1e7a10</serial>
</disk>
";

#[test]
fn the_edge_disk_allocates_four_times_beyond_roxmltree() {
    assert_eq!(beyond_roxmltree(EDGE), 4);
}

#[test]
fn short_strings_and_attributes_allocate_nothing() {
    // Only the target is boxed; the path, the dev and the attributes cost nothing.
    let file =
        "<disk type='file' device='disk'>\n  <source file='/a.img'/>\n  <target dev='vda' bus='virtio'/>\n</disk>\n";
    assert_eq!(beyond_roxmltree(file), 1);
    // A string past 24 bytes takes one allocation, and only that.
    let long = file.replace("/a.img", "/var/lib/libvirt/images/guest-1.qcow2");
    assert_eq!(beyond_roxmltree(&long), 2);
}

#[test]
fn hosts_are_allocated_once_whatever_their_count() {
    let one = "<disk type='network'>\n  <source protocol='rbd' name='pool/img'>\n    <host name='mon1' port='6789'/>\n  </source>\n</disk>\n";
    // The source's box; its one host lives inline.
    assert_eq!(beyond_roxmltree(one), 1);
    let three = one.replace(
        "<host name='mon1' port='6789'/>",
        "<host name='mon1' port='6789'/><host name='mon2' port='6789'/><host name='mon3' port='6789'/>",
    );
    // The source's box and one vector, sized for the three hosts at once.
    assert_eq!(beyond_roxmltree(&three), 2);
    let disk = diskxml_parser::parse_disk(&three).unwrap();
    let diskxml_model::Source::Network(net) = &disk.source else { panic!("a network source") };
    assert_eq!(net.hosts().len(), 3);
}
