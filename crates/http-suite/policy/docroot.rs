// The unit tests of `docroot.rs`, written once for the three stages' copies:
// each stage's `src/docroot/tests.rs` includes this file, so `super` is that
// stage's `docroot` module and its private steps are in reach.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn keeps_only_the_path_of_a_target() {
    let cases = [
        ("/", "/"),
        ("/a/b.css?v=2", "/a/b.css"),
        ("/page#top", "/page"),
        ("/?x=/../etc", "/"),
        ("http://example.com/a/b", "/a/b"),
        ("http://example.com", "/"),
        ("http://example.com?x", "/"),
    ];
    for (target, path) in cases {
        assert_eq!(strip_to_path(target), Ok(path), "{target}");
    }
    assert_eq!(strip_to_path("HTTP://example.com/a"), Ok("/a"));
}

#[test]
fn refuses_absolute_targets_we_must_not_serve() {
    for target in [
        "http:///etc",
        "http://",
        "http://user@example.com/",
        "https://example.com/",
        "HTTPS://example.com/",
    ] {
        assert!(
            matches!(strip_to_path(target), Err(Refusal::BadRequest(_))),
            "{target}"
        );
    }
}

#[test]
fn a_redirect_adds_the_slash_and_keeps_the_query_as_sent() {
    let cases = [
        ("/about", "/about/"),
        ("/about?x=1&y=%20", "/about/?x=1&y=%20"),
        ("/a%20b", "/a%20b/"),
        ("/caf\u{e9}", "/caf%C3%A9/"),
        ("//evil.example", "/evil.example/"),
        ("/x\\y", "/x%5Cy/"),
        ("http://localhost:8000/sub?q", "/sub/?q"),
        ("/page#top", "/page/"),
    ];
    for (target, location) in cases {
        assert_eq!(with_slash(target), location, "{target}");
    }
}

#[test]
fn decodes_percent_escapes() {
    assert_eq!(percent_decode("/a%20b").unwrap(), "/a b");
    assert_eq!(percent_decode("/%2e%2E").unwrap(), "/..");
    assert_eq!(percent_decode("/caf%C3%A9").unwrap(), "/café");
    for broken in ["/%", "/%2", "/%zz", "/%+1", "/%c0%ae", "/%ff"] {
        assert!(
            matches!(percent_decode(broken), Err(Refusal::BadRequest(_))),
            "{broken}"
        );
    }
}

#[test]
fn refuses_names_that_are_not_plain() {
    for bad in ["a\\b", "..\\x", "C:", "c:x", "x\0y"] {
        assert!(
            matches!(plain_name(bad), Err(Refusal::Forbidden(_))),
            "{bad:?}"
        );
    }
    assert_eq!(plain_name("style.css"), Ok("style.css"));
    assert_eq!(plain_name("...."), Ok("...."));
}

/// A fresh directory tree under the system's temporary directory:
///
/// ```text
/// tree/
/// ├── secret.txt            outside the root: must never be served
/// ├── www-secret/key.txt    a sibling whose name starts with the root's name
/// └── www/                  the root
///     ├── index.html, style.css, a b.txt, café.txt
///     ├── sub/index.html
///     ├── empty/            a directory without an index
///     └── (on Unix) inside -> style.css, outside -> ../secret.txt,
///         sibling -> ../www-secret, index-out/index.html -> ../../secret.txt
/// ```
struct Tree {
    top: PathBuf,
    root: DocRoot,
}

impl Tree {
    fn new() -> Tree {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let top = std::env::temp_dir().join(format!(
            "docroot-test-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let www = top.join("www");
        for dir in ["www/sub", "www/empty", "www-secret"] {
            fs::create_dir_all(top.join(dir)).unwrap();
        }
        for (file, text) in [
            ("secret.txt", "secret"),
            ("www-secret/key.txt", "key"),
            ("www/index.html", "home"),
            ("www/style.css", "css"),
            ("www/a b.txt", "space"),
            ("www/café.txt", "accent"),
            ("www/sub/index.html", "sub"),
        ] {
            fs::write(top.join(file), text).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink("style.css", www.join("inside")).unwrap();
            symlink("../secret.txt", www.join("outside")).unwrap();
            symlink("../www-secret", www.join("sibling")).unwrap();
            fs::create_dir(www.join("index-out")).unwrap();
            symlink("../../secret.txt", www.join("index-out/index.html")).unwrap();
        }
        let root = DocRoot::open(&www).unwrap();
        Tree { top, root }
    }

    /// What the resolver answers for `target`: the served file's contents, or
    /// the status code of the refusal.
    fn answer(&self, target: &str) -> Result<String, u16> {
        self.root
            .resolve(target)
            .map(|path| fs::read_to_string(path).unwrap())
            .map_err(Refusal::status)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.top);
    }
}

#[test]
fn serves_files_and_directory_indexes_inside_the_root() {
    let tree = Tree::new();
    let cases = [
        ("/", "home"),
        ("/index.html", "home"),
        ("/style.css?v=1", "css"),
        ("/sub/", "sub"),
        ("//sub//index.html", "sub"),
        ("/./sub/./", "sub"),
        ("/a%20b.txt", "space"),
        ("/caf%C3%A9.txt", "accent"),
        ("http://localhost:8000/style.css", "css"),
    ];
    for (target, contents) in cases {
        assert_eq!(tree.answer(target), Ok(contents.to_string()), "{target}");
    }
}

#[test]
fn answers_404_for_what_is_not_there() {
    let tree = Tree::new();
    for target in ["/missing", "/sub/missing.html", "/empty/", "/style.css/"] {
        assert_eq!(tree.answer(target), Err(404), "{target}");
    }
}

#[test]
fn a_directory_without_its_slash_is_redirected() {
    let tree = Tree::new();
    for target in [
        "/sub",
        "/sub?x=1",
        "/empty",
        "//sub",
        "/./sub",
        "http://h/sub",
    ] {
        assert_eq!(tree.answer(target), Err(301), "{target}");
    }
}

#[test]
fn control_characters_in_a_target_are_a_bad_request() {
    let tree = Tree::new();
    for target in ["/a\rb", "/index.html\0", "/\tx", "/x\x7f"] {
        assert_eq!(tree.answer(target), Err(400), "{target:?}");
    }
}

#[test]
fn never_leaves_the_root() {
    let tree = Tree::new();
    let cases = [
        ("/..", 403),
        ("/../secret.txt", 403),
        ("/sub/../../secret.txt", 403),
        ("/%2e%2e/secret.txt", 403),
        ("/%2E%2E%2Fsecret.txt", 403),
        ("/..%2fsecret.txt", 403),
        ("/..%5csecret.txt", 403),
        ("/..\\secret.txt", 403),
        ("/../www-secret/key.txt", 403),
        ("/x%00.html", 403),
        ("/C:/Windows/win.ini", 403),
        ("/%", 400),
        ("index.html", 400),
        ("*", 400),
        ("/%2", 400),
        ("/%zz", 400),
        ("/%c0%ae%c0%ae/secret.txt", 400),
        // Absolute paths become relative ones: `Path::join` never sees a leading `/`.
        ("//etc/passwd", 404),
        ("/%2Fetc/passwd", 404),
        ("///secret.txt", 404),
    ];
    for (target, status) in cases {
        assert_eq!(tree.answer(target), Err(status), "{target}");
    }
}

#[cfg(unix)]
#[test]
fn follows_links_only_while_they_stay_inside() {
    let tree = Tree::new();
    assert_eq!(tree.answer("/inside"), Ok("css".to_string()));
    for target in ["/outside", "/sibling/key.txt", "/sibling/", "/index-out/"] {
        assert_eq!(tree.answer(target), Err(403), "{target}");
    }
}

#[test]
fn opening_a_missing_directory_fails() {
    let tree = Tree::new();
    assert!(DocRoot::open(&tree.top.join("nope")).is_err());
    assert!(DocRoot::open(&tree.top.join("secret.txt")).is_err());
}
