//! Golden files: `testdata/<dir>/<case>.<ext>` beside `<case>.expected`, one macro line per
//! case, and a guard that every file in the folder has its line.

use std::path::PathBuf;

/// The repository's `testdata/` folder.
#[must_use]
pub fn testdata_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// `testdata/<relative>` as text, or `None` when there is no such file.
#[must_use]
pub fn testdata(relative: &str) -> Option<String> {
    std::fs::read_to_string(testdata_dir().join(relative)).ok()
}

/// Asserts that every file in `testdata/<dir>` belongs to a case in `listed`: its name
/// without the extension is a listed case.
///
/// # Panics
/// On a file no case lists, naming it, or an unreadable folder.
pub fn assert_every_file_listed(dir: &str, listed: &[&str]) {
    let path = testdata_dir().join(dir);
    let entries = std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for entry in entries {
        let name = entry.expect("a readable folder entry").file_name().into_string().expect("a UTF-8 file name");
        let case = name.split_once('.').map_or(name.as_str(), |(case, _)| case);
        assert!(listed.contains(&case), "testdata/{dir}/{name} has no line in the golden list");
    }
}

/// One `#[test]` per case calling `$check("case")`, plus `every_file_has_a_test`, which
/// fails on a file of `testdata/$dir` that no line names.
///
/// ```ignore
/// diskxml_testkit::golden!("disks", check; seed_example, edge_shm, err_port_zero);
/// ```
#[macro_export]
macro_rules! golden {
    ($dir:literal, $check:path; $($case:ident),+ $(,)?) => {
        $( #[test] fn $case() { $check(stringify!($case)); } )+

        #[test]
        fn every_file_has_a_test() {
            $crate::golden::assert_every_file_listed($dir, &[$(stringify!($case)),+]);
        }
    };
}
