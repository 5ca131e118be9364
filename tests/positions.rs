//! A build without problems never reads a YAML text a second time for positions
//! (see `spans`): that reading is for diagnostics only. Alone in its test binary,
//! since the count is the process's.

mod common;

use std::path::Path;

use common::options;
use gouvernail::output::MemorySink;
use gouvernail::site::build;

#[test]
fn clean_builds_read_no_positions() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let examples = repo.join("examples/editions");
    for dir in [
        repo.to_path_buf(),
        examples.join("eti"),
        examples.join("public"),
    ] {
        let summary = build(&dir, &options(None, None), &MemorySink::default())
            .unwrap_or_else(|problems| panic!("{} fails: {problems:?}", dir.display()));
        assert!(
            summary.warnings.is_empty(),
            "{} is not a clean build: {:?}",
            dir.display(),
            summary.warnings
        );
        assert!(summary.pages > 0);
    }
    assert_eq!(
        gouvernail::spans::readings(),
        0,
        "a clean build read front matter or a data file again for positions"
    );
}
