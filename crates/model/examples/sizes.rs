//! sizes
use diskxml_model::*;
fn main() {
    macro_rules! s { ($($t:ty),*) => { $( println!("{:>5} {}", core::mem::size_of::<$t>(), stringify!($t)); )* } }
    s!(Disk, Source, NetworkSource, FileSource, SourceCommon, VolumeSource, NvmeSource, VhostUserSource, OtherSource, Option<Driver>, Driver, Option<Auth>, Option<BackingStore>, Option<Blockio>, Option<Target>, Target, Option<Text>, Option<Boot>, Option<Alias>, Option<Address>, Address, AddressKind, Unknown, Option<DeviceKind>, Bus, Host, Option<Box<Iotune>>, Option<Encryption>, Option<Box<NetworkExtras>>);
}
