#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

#[test]
fn small_page_is_about_1_2_kib() {
    let len = SMALL_PAGE.len();
    assert!((1100..1300).contains(&len), "{len} bytes");
}

#[test]
fn pattern_has_the_asked_length_and_does_not_repeat_early() {
    let bytes = pattern(64 * 1024);
    assert_eq!(bytes.len(), 64 * 1024);
    assert_ne!(bytes[..4096], bytes[4096..8192]);
}

#[test]
fn nginx_config_has_the_issue_settings() {
    let config = nginx_config(
        Path::new("/srv/www"),
        Path::new("/tmp/ngx/access.log"),
        8080,
    );
    for line in [
        "daemon off;",
        "worker_processes 1;",
        "sendfile on;",
        "keepalive_timeout 0;",
        "listen 127.0.0.1:8080;",
        "root /srv/www;",
        "access_log /tmp/ngx/access.log;",
    ] {
        assert!(config.contains(line), "{line} missing in\n{config}");
    }
    for placeholder in ["{access_log}", "{port}", "{root}"] {
        assert!(
            !config.contains(placeholder),
            "{placeholder} left in\n{config}"
        );
    }
}
