//! `check`: every problem of a document's disks, each with its rule, at its line:column.

use crate::{Disk, Error, Pos, Problem, Profile, Rule, parser, rules};

/// A broken rule of libvirt's, located in the text it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Where: the offending attribute or element.
    pub pos: Pos,
    /// Which disk of the document, from 0 in document order (always 0 for a `<disk>`).
    pub disk: usize,
    /// What, and which rule.
    pub problem: Problem,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pos, self.problem.message)
    }
}

/// Reads a `<disk>` document, or every disk of a `<domain>`, and checks each against
/// libvirt's rules under `profile`: every problem, at the line:column of the offending
/// attribute or element. The parser reads and locates, [`rules`] judges. An empty list
/// means the rules hold.
///
/// A disk the model cannot hold (a port out of range, a second host on an openvstorage
/// source, a `<target>` without `dev`) is a finding too, under its construction rule
/// ([`Rule::construction`]); it is that disk's only finding, as nothing more of it can be
/// judged, and the document's other disks are checked as usual.
///
/// ```
/// use diskxml::Profile;
///
/// let text = "<disk type='network'>\n  <source protocol='nbd'/>\n  <target dev='nvme0'/>\n</disk>";
/// let findings = diskxml::check(text, Profile::Qemu)?;
/// let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
/// assert_eq!(lines, [
///     "2:3: protocol 'nbd' takes exactly one host, found 0",
///     "3:11: target dev \"nvme0\" must be fd, hd, sd, vd, xvd or ubd followed by letters, digits or _",
/// ]);
/// assert_eq!(findings[1].problem.rule.code(), "target.dev-pattern");
///
/// let domain = "<domain><devices>\n<disk type='network'><source protocol='nbd'><host name='h' port='99999'/></source><target dev='vdb'/></disk>\n<disk type='file'><target dev='eth0'/></disk>\n</devices></domain>";
/// let codes: Vec<(usize, &str)> =
///     diskxml::check(domain, Profile::Qemu)?.iter().map(|f| (f.disk, f.problem.rule.code())).collect();
/// assert_eq!(codes, [(0, "source.host-port"), (1, "target.dev-pattern")]);
/// # Ok::<(), diskxml::Error>(())
/// ```
///
/// # Errors
/// [`Error::Parse`] when the document cannot be read at all: malformed XML, a limit
/// exceeded, a root that is neither `<disk>` nor `<domain>`.
pub fn check(text: &str, profile: Profile) -> Result<Vec<Finding>, Error> {
    checked(text, profile, &mut |_| Ok(Vec::new())).map(|(findings, _)| findings)
}

/// What a caller judges of each disk besides the rules (the host's facts, say).
pub(crate) type Judge<'a> = dyn FnMut(&Disk) -> Result<Vec<Problem>, Error> + 'a;

/// One disk's own findings, and the disk with the place of its target dev when it was read.
type PerDisk = (Vec<Finding>, Option<(Disk, Pos)>);

/// [`check`]'s findings, with `judge`'s problems located like the rules' own, and the disks
/// it read, in document order (a finding's `disk` indexes them; `None` for a disk that
/// could not be read).
pub(crate) fn checked(
    text: &str,
    profile: Profile,
    judge: &mut Judge<'_>,
) -> Result<(Vec<Finding>, Vec<Option<Disk>>), Error> {
    // Where each disk's target dev is, for the rules that span the domain (unique devs).
    let dev = rules::Locator(vec![rules::Step::Element { name: "target", index: 0 }, rules::Step::Attribute("dev")]);
    let mut index = 0;
    let mut failed = None;
    let per_disk: Vec<PerDisk> = parser::with_located_disks(text, &parser::Options::default(), |read| {
        let disk = index;
        index += 1;
        let located = match read {
            Ok(located) => located,
            Err(e) => {
                let problem = Problem {
                    rule: construction_rule(e.kind()),
                    at: rules::Locator::default(),
                    message: e.kind().to_string(),
                };
                return (vec![Finding { pos: e.pos(), disk, problem }], None);
            }
        };
        let mut problems = rules::validate(&located.disk, profile);
        match judge(&located.disk) {
            Ok(more) => problems.extend(more),
            // The first error is the one reported.
            Err(e) => _ = failed.get_or_insert(e),
        }
        let findings =
            problems.into_iter().map(|problem| Finding { pos: located.locate(&problem.at), disk, problem }).collect();
        (findings, Some((located.disk.clone(), located.locate(&dev))))
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(join_domain(per_disk, &dev))
}

/// Each disk's findings with the domain-wide rules' added, in document order; and the disks
/// read. The domain's rules span the disks that could be read; `which` maps them back.
fn join_domain(per_disk: Vec<PerDisk>, dev: &rules::Locator) -> (Vec<Finding>, Vec<Option<Disk>>) {
    let count = per_disk.len();
    let (mut own, mut readable, mut which, mut places) =
        (Vec::with_capacity(count), Vec::new(), Vec::new(), Vec::new());
    for (i, (mine, read)) in per_disk.into_iter().enumerate() {
        own.push(mine);
        if let Some((disk, place)) = read {
            readable.push(disk);
            which.push(i);
            places.push(place);
        }
    }
    for (k, problem) in rules::validate_domain(&readable) {
        debug_assert_eq!(&problem.at, dev, "the domain rules point at target/@dev");
        own[which[k]].push(Finding { pos: places[k], disk: which[k], problem });
    }
    let mut disks: Vec<Option<Disk>> = (0..count).map(|_| None).collect();
    for (disk, i) in readable.into_iter().zip(&which) {
        disks[*i] = Some(disk);
    }
    let mut findings = Vec::new();
    for mut mine in own {
        mine.sort_by_key(|f| f.pos);
        findings.extend(mine);
    }
    (findings, disks)
}

/// The construction rule a disk's read error breaks.
fn construction_rule(kind: &parser::ErrorKind) -> Rule {
    use crate::model::Error as Model;
    use parser::ErrorKind as Kind;
    match kind {
        Kind::Model(Model::PortOutOfRange { .. }) => Rule::Port,
        Kind::Model(Model::RelativeSocket { .. }) => Rule::Socket,
        Kind::Model(Model::TooManyHosts { .. }) => Rule::HostCount,
        Kind::Model(Model::TransportNotAllowed { .. }) => Rule::Transport,
        Kind::Model(Model::Missing { .. } | Model::Empty { .. })
        | Kind::MissingAttribute { .. }
        | Kind::MissingElement { .. } => Rule::Required,
        Kind::Model(Model::InvalidChar { .. } | Model::InvalidName { .. }) | Kind::Namespaced { .. } => Rule::Character,
        _ => Rule::Value,
    }
}
