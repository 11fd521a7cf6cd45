//! Step 2 — sockets: an echo server and its client.
//!
//! Before writing a server for HTTP, the article takes a tangent through the
//! Berkeley sockets API with the smallest possible pair of programs: a server
//! that sends back whatever it receives, and a client that sends one message
//! and prints the echo. Both live in `src/bin/`; this file holds the command
//! line they share.
//!
//! Try it in two terminals: `just step2-server`, then `just step2-client 'hi there'`.

use std::net::SocketAddr;

/// Where the server listens and the client connects, unless `--addr` says otherwise.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:6666";

/// What a command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub address: SocketAddr,
    /// Positional arguments (the client's message).
    pub words: Vec<String>,
    pub help: bool,
}

/// Reads `[--addr ADDR] [WORDS...]`; `max_words` is how many positional
/// arguments the program takes.
pub fn parse_options(
    args: impl IntoIterator<Item = String>,
    max_words: usize,
) -> Result<Options, String> {
    let mut options = Options {
        address: SocketAddr::from(([127, 0, 0, 1], 6666)),
        words: Vec::new(),
        help: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => options.help = true,
            "-a" | "--addr" => {
                let value = args
                    .next()
                    .ok_or("--addr needs an address such as 127.0.0.1:6666")?;
                options.address = value.parse().map_err(|_| {
                    format!("--addr: '{value}' is not an IP:PORT address such as 127.0.0.1:6666")
                })?;
            }
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown option '{flag}'"));
            }
            word if options.words.len() < max_words => options.words.push(word.to_string()),
            extra => {
                return Err(format!(
                    "unexpected argument '{extra}' (quote a message with spaces)"
                ));
            }
        }
    }
    Ok(options)
}

/// Logs go to stderr, `info` unless `RUST_LOG` says otherwise.
pub fn init_logging() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn parse(words: &[&str], max: usize) -> Result<Options, String> {
        parse_options(words.iter().map(|w| w.to_string()), max)
    }

    #[test]
    fn defaults_to_the_articles_address() {
        let options = parse(&[], 1).unwrap();
        assert_eq!(options.address, DEFAULT_ADDRESS.parse().unwrap());
        assert!(options.words.is_empty());
    }

    #[test]
    fn reads_an_address_and_a_message() {
        let options = parse(&["hello there", "--addr", "127.0.0.1:7000"], 1).unwrap();
        assert_eq!(options.address.port(), 7000);
        assert_eq!(options.words, ["hello there"]);
        assert!(parse(&["--help"], 0).unwrap().help);
    }

    #[test]
    fn rejects_what_it_does_not_understand() {
        for words in [
            &["--addr"][..],
            &["--addr", "nowhere"],
            &["--verbose"],
            &["one", "two"],
        ] {
            assert!(parse(words, 1).is_err(), "{words:?}");
        }
        assert!(parse(&["message"], 0).is_err());
    }
}
