//! The rules that span a domain's disks.

use alloc::format;
use alloc::vec::Vec;

use diskxml_model::Disk;

use crate::Problem;
use crate::Rule;
use crate::report::{Report, Step, el};

/// The rules that span a domain's disks: each target dev once. Problems come with the index
/// of the disk they are about.
///
/// ```
/// use diskxml_model::{Bus, Disk};
///
/// let a = Disk::openvstorage_edge("a").target("vdb", Bus::Virtio).build()?;
/// let b = Disk::openvstorage_edge("b").target("vdb", Bus::Virtio).build()?;
/// let problems = diskxml_rules::validate_domain(&[a, b]);
/// assert_eq!(problems.len(), 1);
/// assert_eq!((problems[0].0, problems[0].1.rule.code()), (1, "target.dev-duplicate"));
/// # Ok::<(), diskxml_model::Error>(())
/// ```
#[must_use]
pub fn validate_domain(disks: &[Disk]) -> Vec<(usize, Problem)> {
    let mut problems = Vec::new();
    // Linear in the domain's disks: a domain may hold thousands.
    let mut seen = alloc::collections::BTreeSet::new();
    for (i, disk) in disks.iter().enumerate() {
        let Some(dev) = disk.target.as_ref().map(|t| t.dev().as_str()) else { continue };
        if !seen.insert(dev) {
            let mut report = Report::default();
            let message = format!("target dev {dev:?} is used by an earlier disk of the domain");
            report.add(Rule::DuplicateDev, &[el("target"), Step::Attribute("dev")], message);
            problems.extend(report.into_problems().into_iter().map(|p| (i, p)));
        }
    }
    problems
}
