//! `completions` and `man`: the command describing itself to shells and to man.

use clap::CommandFactory;

/// The shell completion script for `shell`, for `diskxml`.
pub(crate) fn completions(shell: clap_complete::Shell, out: &mut Vec<u8>) {
    clap_complete::generate(shell, &mut crate::Cli::command(), "diskxml", out);
}

/// The man page, in roff: `diskxml man | man -l -`.
pub(crate) fn man(out: &mut Vec<u8>) -> Result<(), crate::Failure> {
    clap_mangen::Man::new(crate::Cli::command())
        .render(out)
        .map_err(|e| crate::Failure::Io(format!("writing the man page: {e}")))
}
