//! The fixture site: a temporary directory the server under test serves,
//! with names and contents drawn from a seed.
//!
//! Why random: a server that hard-codes `/index.html` or the length of one
//! known file would pass a fixed site. Why seeded: a learner who sees a FAIL
//! wants the very same site again, so the run prints its seed and `--seed N`
//! repeats it.
//!
//! Why bait outside the root: path traversal is only visible if there is
//! something to steal. The root is `BASE/site`; beside it lie `BASE/secret.txt`
//! and `BASE/site-private/secret.txt` (a directory whose name starts with the
//! root's, the trap for a server that checks `path.starts_with(root)` on
//! strings), and inside the root `link.txt` is a symlink pointing out.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A small seeded generator (SplitMix64). Fixture names need no
/// cryptography, only repeatability, so a dozen lines beat a dependency.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A lowercase word of `len` letters: safe in a URL without escaping.
    pub(crate) fn word(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'a' + (self.next_u64() % 26) as u8))
            .collect()
    }
}

/// One file of the site, as the checks see it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The target to request, percent-encoded where needed (`/a%20b.txt`).
    pub(crate) target: String,
    /// The file's contents.
    pub(crate) body: Vec<u8>,
    /// The media types a server may send for it, the usual one first
    /// (`.js` has an old name still common: `application/javascript`).
    pub(crate) media_types: &'static [&'static str],
}

/// Every name and content the checks need.
#[derive(Debug, Clone)]
pub(crate) struct Fixture {
    pub(crate) seed: u64,
    /// The directory served (`{root}` in the command).
    pub(crate) root: PathBuf,
    /// A page, as `/NAME.html`.
    pub(crate) page: Entry,
    /// One file per common type, the page included.
    pub(crate) typed: Vec<Entry>,
    pub(crate) empty: Entry,
    pub(crate) spaced: Entry,
    pub(crate) non_ascii: Entry,
    /// A directory with an index: `/DIR` (no slash) and its index's contents.
    pub(crate) dir_with_index: String,
    pub(crate) index_body: Vec<u8>,
    /// A directory without an index, as `/DIR/`.
    pub(crate) dir_without_index: String,
    /// The big file (`/NAME.bin`) and its size; its bytes are a pattern.
    pub(crate) big_target: String,
    pub(crate) big_size: u64,
    /// What must never be served: the secret's contents, and its file names.
    pub(crate) secret: Vec<u8>,
    pub(crate) secret_name: String,
    pub(crate) sibling_dir: String,
    /// The symlink inside the root that points at the secret, as `/NAME`.
    pub(crate) symlink: Option<String>,
    /// A module script (`.mjs`), whose type browsers check.
    pub(crate) module: Entry,
}

/// Percent-encodes a file name for a request target (RFC 3986 §2.1):
/// everything but unreserved ASCII becomes `%XX` of its UTF-8 bytes.
pub(crate) fn percent_encode(name: &str) -> String {
    let mut out = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The common types: extension, accepted media types, and how to make a few
/// plausible bytes (only the extension matters to a server, but a real PNG
/// header keeps a browser opening the fixture honest).
const TYPES: &[(&str, &[&str], &[u8])] = &[
    ("css", &["text/css"], b"body { color: #333; }\n"),
    (
        "js",
        &["text/javascript", "application/javascript"],
        b"console.log('hi');\n",
    ),
    ("json", &["application/json"], b"{\"ok\": true}\n"),
    ("txt", &["text/plain"], b"plain text\n"),
    ("png", &["image/png"], b"\x89PNG\r\n\x1a\n"),
    ("jpg", &["image/jpeg"], b"\xff\xd8\xff\xe0"),
    ("gif", &["image/gif"], b"GIF89a"),
    (
        "svg",
        &["image/svg+xml"],
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    ),
    ("pdf", &["application/pdf"], b"%PDF-1.4\n"),
    ("wasm", &["application/wasm"], b"\0asm\x01\0\0\0"),
];

impl Fixture {
    /// Writes the site under `base` (which must exist and be empty).
    pub(crate) fn build(base: &Path, seed: u64, big_size: u64) -> io::Result<Fixture> {
        let mut rng = Rng::new(seed);
        let root = base.join("site");
        fs::create_dir_all(&root)?;
        let write = |name: &str, body: &[u8], media_types| -> io::Result<Entry> {
            fs::write(root.join(name), body)?;
            let target = format!("/{}", percent_encode(name));
            Ok(Entry {
                target,
                body: body.to_vec(),
                media_types,
            })
        };
        let html = &["text/html"][..];
        let page_body = format!("<h1>{}</h1>\n", rng.word(12));
        let page = write(&format!("{}.html", rng.word(8)), page_body.as_bytes(), html)?;
        let mut typed = vec![page.clone()];
        for (extension, media_types, magic) in TYPES {
            let mut body = magic.to_vec();
            let len = 6 + rng.next_u64() as usize % 40;
            body.extend_from_slice(rng.word(len).as_bytes());
            typed.push(write(
                &format!("{}.{extension}", rng.word(7)),
                &body,
                media_types,
            )?);
        }
        let text = &["text/plain"][..];
        let empty = write(&format!("{}.txt", rng.word(6)), b"", text)?;
        let spaced_name = format!("{} {}.txt", rng.word(4), rng.word(4));
        let spaced = write(&spaced_name, rng.word(20).as_bytes(), text)?;
        let non_ascii_name = format!("été-{}-日本.txt", rng.word(4));
        let non_ascii = write(&non_ascii_name, rng.word(20).as_bytes(), text)?;
        let (dir_with_index, index_body) = make_dirs(&root, &mut rng, true)?;
        let (dir_without_index, _) = make_dirs(&root, &mut rng, false)?;
        let big_name = format!("{}.bin", rng.word(8));
        write_big(&root.join(&big_name), big_size)?;
        let (secret, secret_name, sibling_dir) = make_bait(base, &mut rng)?;
        let link = root.join(format!("{}.txt", rng.word(5)));
        let symlink = make_symlink(&base.join(&secret_name), &link);
        let module_types = &["text/javascript", "application/javascript"][..];
        let module = write(
            &format!("{}.mjs", rng.word(6)),
            b"export {};\n",
            module_types,
        )?;
        Ok(Fixture {
            seed,
            root,
            page,
            typed,
            empty,
            spaced,
            non_ascii,
            dir_with_index: format!("/{dir_with_index}"),
            index_body,
            dir_without_index: format!("/{dir_without_index}/"),
            big_target: format!("/{big_name}"),
            big_size,
            secret,
            secret_name,
            sibling_dir,
            symlink,
            module,
        })
    }
}

/// The secret beside the root and in `site-private/`, the sibling whose name
/// starts with the root's: its contents, its file name, the sibling's name.
fn make_bait(base: &Path, rng: &mut Rng) -> io::Result<(Vec<u8>, String, String)> {
    let secret = format!("SECRET-{}\n", rng.word(16)).into_bytes();
    let secret_name = format!("{}.txt", rng.word(6));
    fs::write(base.join(&secret_name), &secret)?;
    let sibling_dir = "site-private".to_string();
    fs::create_dir_all(base.join(&sibling_dir))?;
    fs::write(base.join(&sibling_dir).join(&secret_name), &secret)?;
    Ok((secret, secret_name, sibling_dir))
}

/// A subdirectory, with an `index.html` (and a file beside it) or without.
fn make_dirs(root: &Path, rng: &mut Rng, with_index: bool) -> io::Result<(String, Vec<u8>)> {
    let name = rng.word(6);
    let dir = root.join(&name);
    fs::create_dir_all(&dir)?;
    let body = format!("<h1>index of {}</h1>\n", rng.word(10)).into_bytes();
    if with_index {
        fs::write(dir.join("index.html"), &body)?;
    }
    fs::write(dir.join(format!("{}.txt", rng.word(5))), rng.word(9))?;
    Ok((name, body))
}

/// The big file, written in blocks of about 1 MiB so that building it does
/// not itself take 64 MiB of memory. Its bytes repeat `0..=250`, a pattern a
/// reader can check at any offset without keeping the file.
fn write_big(path: &Path, size: u64) -> io::Result<()> {
    // A whole number of periods, so that every block starts the pattern again.
    let block: Vec<u8> = (0..251 * 4096).map(|i| pattern_byte(i as u64)).collect();
    let mut file = io::BufWriter::new(fs::File::create(path)?);
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n])?;
        left -= n as u64;
    }
    file.flush()
}

/// The byte at `offset` of the big file. A period of 251 (not 256) means a
/// server that sends a block twice or skips one is caught.
pub(crate) fn pattern_byte(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// The outward symlink, where the system lets us make one (Windows needs a
/// privilege for it: the traversal-symlink check then says SKIP).
fn make_symlink(target: &Path, link: &Path) -> Option<String> {
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(target, link);
    #[cfg(windows)]
    let made = std::os::windows::fs::symlink_file(target, link);
    made.ok()?;
    let name = link.file_name()?.to_str()?;
    Some(format!("/{name}"))
}
