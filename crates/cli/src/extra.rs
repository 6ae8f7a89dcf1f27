//! `completions` and `man`: the command describing itself to shells and to man.

use clap::CommandFactory;

/// The shell completion script for `shell`, for `diskxml`.
pub(crate) fn completions(shell: clap_complete::Shell, out: &mut Vec<u8>) {
    clap_complete::generate(shell, &mut crate::Cli::command(), "diskxml", out);
}

/// Examples for each subcommand's man page: (what it does, the command line).
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "render",
        &[
            (
                "The disk of the example Edge volume",
                "diskxml render \\-\\-connection\\-info examples/openvstorage\\-edge.json",
            ),
            ("On a SCSI bus, unit 2", "diskxml render \\-\\-connection\\-info vol.json \\-\\-dev sdb \\-\\-unit 2"),
        ],
    ),
    ("parse", &[("One disk of a domain, as JSON", "diskxml parse \\-\\-dev vdb \\-\\-json guest.xml")]),
    ("normalize", &[("What a KVM host prints back", "virsh dumpxml guest | diskxml normalize \\-")]),
    ("disks", &[("Every disk of every guest", "diskxml disks /etc/libvirt/qemu/*.xml")]),
    ("check", &[("Against libvirt\\*(Aqs parser alone", "diskxml check \\-\\-profile generic guest.xml")]),
    (
        "probe",
        &[("Is the NBD export there, and how big", "diskxml probe \\-\\-connection\\-info nbd.json \\-\\-timeout 5s")],
    ),
    (
        "attach",
        &[("Hot\\-plug a volume", "diskxml attach \\-\\-domain guest1 \\-\\-connection\\-info vol.json \\-\\-dev vdb")],
    ),
    ("detach", &[("Unplug it again", "diskxml detach \\-\\-domain guest1 \\-\\-serial VOLUME\\-ID")]),
    ("audit", &[("Every guest\\*(Aqs disks against the rules", "diskxml audit \\-\\-json")]),
    ("completions", &[("For bash", "diskxml completions bash > /etc/bash_completion.d/diskxml")]),
    ("man", &[("This page", "diskxml man man | man \\-l \\-")]),
];

/// The exit statuses (README: "Exit status"), in roff.
const EXIT_STATUS: &str = ".SH \"EXIT STATUS\"\n.TP\n0\nSuccess.\n.TP\n1\nInvalid input, a refusal, or problems found (\\fBcheck\\fR, \\fBaudit\\fR).\n\
.TP\n2\nA usage error (a flag or a flag value libvirt does not accept) or an I/O error.\n\
.TP\n128+N\nSignal N stopped \\fBattach\\fR or \\fBdetach\\fR; what was not finished was rolled back.\n";

/// The man page, in roff: `diskxml man | man -l -`; with a subcommand, its own page
/// (`diskxml-render(1)`): name, synopsis, description, options, exit status, examples.
///
/// # Errors
/// A subcommand the command does not have is a usage error.
pub(crate) fn man(subcommand: Option<&str>, out: &mut Vec<u8>) -> Result<(), crate::Failure> {
    let io = |e: std::io::Error| crate::Failure::Io(format!("writing the man page: {e}"));
    let command = crate::Cli::command();
    let Some(name) = subcommand else {
        let page = clap_mangen::Man::new(command);
        page.render(out).map_err(io)?;
        return Ok(());
    };
    let Some(sub) = command.find_subcommand(name) else {
        let known: Vec<&str> = command.get_subcommands().map(clap::Command::get_name).collect();
        return Err(crate::Failure::Io(format!("man: no subcommand {name:?}; known: {}", known.join(", "))));
    };
    let full = format!("diskxml-{name}");
    let sub = sub.clone().name(full.clone()).bin_name(format!("diskxml {name}")).version(env!("CARGO_PKG_VERSION"));
    let page = clap_mangen::Man::new(sub.clone()).title(full);
    page.render_title(out).map_err(io)?;
    page.render_name_section(out).map_err(io)?;
    page.render_synopsis_section(out).map_err(io)?;
    page.render_description_section(out).map_err(io)?;
    page.render_options_section(out).map_err(io)?;
    out.extend_from_slice(EXIT_STATUS.as_bytes());
    if let Some((_, examples)) = EXAMPLES.iter().find(|(n, _)| *n == name) {
        out.extend_from_slice(b".SH EXAMPLES\n");
        for (what, line) in *examples {
            out.extend_from_slice(format!(".TP\n{what}\n.nf\n{line}\n.fi\n").as_bytes());
        }
    }
    out.extend_from_slice(b".SH \"SEE ALSO\"\ndiskxml(1)\n");
    Ok(())
}
