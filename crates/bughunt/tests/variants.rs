//! Each bug hunt variant serves the files of its directory: the bugs are in
//! the corners, not in the ordinary requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Server, Site, status};

#[test]
fn every_variant_serves_files_and_directories() {
    let site = Site::new();
    for variant in ["traversal", "crash", "idle"] {
        let server = Server::start(variant, &site);
        let home = server.get("/");
        assert_eq!(status(&home), 200, "{variant}: {home}");
        assert!(home.ends_with("<h1>home</h1>\n"), "{variant}: {home}");
        assert!(server.get("/sub/").ends_with("<h1>sub</h1>\n"), "{variant}");
        assert_eq!(status(&server.get("/missing.txt")), 404, "{variant}");
    }
}
