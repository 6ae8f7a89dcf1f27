//! A network source's hosts: the first inline, more in a vector.

use alloc::vec::Vec;

use crate::Host;

/// The hosts of a [`NetworkSource`](crate::NetworkSource), in document order. Nearly every
/// network disk has one host (Open vStorage, nbd, iscsi, most gluster), so one lives inline
/// and costs no allocation; only a second (rbd's monitors, say) moves them into a vector.
/// One shape per count: none and two or more are `Many`, exactly one is `One`.
#[derive(Clone, Debug)]
pub(crate) enum Hosts {
    /// Exactly one host.
    One(Host),
    /// None, or two or more.
    Many(Vec<Host>),
}

impl Hosts {
    pub(crate) const fn new() -> Self {
        Self::Many(Vec::new())
    }

    pub(crate) fn as_slice(&self) -> &[Host] {
        match self {
            Self::One(host) => core::slice::from_ref(host),
            Self::Many(hosts) => hosts,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Room for `count` hosts in all, allocated once when they will not fit inline.
    pub(crate) fn reserve_total(&mut self, count: usize) {
        if let Self::Many(hosts) = self
            && count > 1
        {
            hosts.reserve_exact(count.saturating_sub(hosts.len()));
        }
    }

    pub(crate) fn push(&mut self, host: Host) {
        match self {
            Self::Many(hosts) if hosts.is_empty() && hosts.capacity() == 0 => *self = Self::One(host),
            Self::Many(hosts) => hosts.push(host),
            Self::One(_) => {
                let Self::One(first) = core::mem::replace(self, Self::new()) else { return };
                let mut hosts = Vec::with_capacity(2);
                hosts.extend([first, host]);
                *self = Self::Many(hosts);
            }
        }
    }

    pub(crate) fn clear(&mut self) {
        *self = Self::new();
    }
}

impl PartialEq for Hosts {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Hosts {}

impl core::hash::Hash for Hosts {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Hosts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use super::Hosts;
    use crate::Host;

    fn host(i: u16) -> Host {
        Host::tcp("h.example", i).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn hosts_keep_their_order_whatever_the_count() {
        let mut hosts = Hosts::new();
        assert!(hosts.is_empty());
        for i in 1..=5 {
            hosts.push(host(i));
            assert_eq!(hosts.len(), usize::from(i));
            let ports: Vec<_> = hosts.as_slice().iter().filter_map(|h| h.port().map(|p| p.get())).collect();
            assert_eq!(ports, (1..=i).collect::<Vec<_>>());
            assert_eq!(matches!(hosts, Hosts::One(_)), i == 1, "one host, and only one, lives inline");
        }
        hosts.clear();
        assert!(hosts.is_empty());
    }

    #[test]
    fn reserved_hosts_are_allocated_once_and_compare_by_content() {
        let mut reserved = Hosts::new();
        reserved.reserve_total(3);
        for i in 1..=3 {
            reserved.push(host(i));
        }
        let Hosts::Many(v) = &reserved else { panic!("three hosts are a vector") };
        assert_eq!(v.capacity(), 3);
        let mut pushed = Hosts::new();
        for i in 1..=3 {
            pushed.push(host(i));
        }
        assert_eq!(reserved, pushed);
        let mut one_reserved = Hosts::new();
        one_reserved.reserve_total(1);
        one_reserved.push(host(1));
        assert!(matches!(one_reserved, Hosts::One(_)), "one host needs no reservation");
    }
}
