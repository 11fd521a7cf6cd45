//! The command line. `lexopt` parses it: a few dozen lines of a well-kept
//! crate instead of a hand-rolled loop that gets `--seed=3` and `-v` wrong.

use std::time::Duration;

use crate::check::Profile;

pub(crate) const USAGE: &str = "\
usage: check-server 'COMMAND' [OPTIONS]     start COMMAND and grade it
       check-server --url http://127.0.0.1:PORT/ --fixture DIR [OPTIONS]
       check-server --list [--verbose | --markdown]
       check-server --help

COMMAND is a shell command with {port} and {root} in it, for example
  'python3 main.py {port} --directory {root}'

options:
  --url URL          grade a server already running (serving --fixture DIR)
  --fixture DIR      write the fixture site into DIR (then serve DIR/site)
  --list             print the rubric with its authorities and book sections
                     (-v adds the RFC sentence each level stands on;
                     --markdown prints the book's table, docs/src/rubric.md;
                     --out FILE writes it there instead)
  --only PATTERN     run only the checks whose name contains PATTERN
  --profile P        course (default): every check; rfc: only the RFC's MUST
                     and SHOULD, for any HTTP/1.1 server, keep-alive allowed
                     (library is another name for rfc)
  --seed N           repeat the fixture site of an earlier run
  --port N           the port for COMMAND (default: a free one)
  --json             one JSON document instead of lines
  -v, --verbose      show every exchange, not only failures
  --idle-bound SECS  how long a client may wait behind an idle one (default 10)
  --requests N       requests of the many-requests check (default 2000)
  --big-mib N        size of the big file (default 64)
  --deadline SECS    bound of the whole run (default 600)";

#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) command: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) fixture: Option<String>,
    pub(crate) list: bool,
    pub(crate) markdown: bool,
    pub(crate) out: Option<String>,
    pub(crate) help: bool,
    pub(crate) only: Option<String>,
    pub(crate) profile: Profile,
    pub(crate) seed: Option<u64>,
    pub(crate) port: Option<u16>,
    pub(crate) json: bool,
    pub(crate) verbose: bool,
    pub(crate) idle_bound: Duration,
    pub(crate) requests: usize,
    pub(crate) big_mib: u64,
    pub(crate) deadline: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            command: None,
            url: None,
            fixture: None,
            list: false,
            markdown: false,
            out: None,
            help: false,
            only: None,
            profile: Profile::Course,
            seed: None,
            port: None,
            json: false,
            verbose: false,
            idle_bound: Duration::from_secs(10),
            requests: 2000,
            big_mib: 64,
            deadline: Duration::from_secs(600),
        }
    }
}

pub(crate) fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Options, String> {
    use lexopt::prelude::*;
    let mut o = Options::default();
    let mut parser = lexopt::Parser::from_iter(std::iter::once("check-server".into()).chain(args));
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("url") => o.url = Some(value(&mut parser, "--url")?),
            Long("fixture") => o.fixture = Some(value(&mut parser, "--fixture")?),
            Long("list") => o.list = true,
            Long("markdown") => o.markdown = true,
            Long("out") => o.out = Some(value(&mut parser, "--out")?),
            Short('h') | Long("help") => o.help = true,
            Long("only") => o.only = Some(value(&mut parser, "--only")?),
            Long("profile") => o.profile = profile(&value::<String>(&mut parser, "--profile")?)?,
            Long("seed") => o.seed = Some(value(&mut parser, "--seed")?),
            Long("port") => o.port = Some(value(&mut parser, "--port")?),
            Long("json") => o.json = true,
            Short('v') | Long("verbose") => o.verbose = true,
            Long("idle-bound") => o.idle_bound = seconds(value(&mut parser, "--idle-bound")?)?,
            Long("requests") => o.requests = value(&mut parser, "--requests")?,
            Long("big-mib") => o.big_mib = value(&mut parser, "--big-mib")?,
            Long("deadline") => o.deadline = seconds(value(&mut parser, "--deadline")?)?,
            Value(v) if o.command.is_none() => {
                o.command = Some(v.into_string().map_err(|_| "COMMAND is not UTF-8")?)
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    validate(o)
}

/// The value of option `name`, parsed as a `T`: `--port 99999` is an error,
/// not a port that silently wraps around.
fn value<T: std::str::FromStr>(parser: &mut lexopt::Parser, name: &str) -> Result<T, String> {
    let raw = parser.value().map_err(|e| e.to_string())?;
    let text = raw.to_str().ok_or(format!("{name}: not UTF-8"))?;
    text.parse()
        .map_err(|_| format!("{name}: `{text}` is not a valid value"))
}

fn profile(name: &str) -> Result<Profile, String> {
    match name {
        "course" => Ok(Profile::Course),
        "rfc" | "library" => Ok(Profile::Rfc),
        other => Err(format!("--profile is course or rfc, not `{other}`")),
    }
}

fn seconds(value: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value).map_err(|_| format!("`{value}` is not a number of seconds"))
}

/// The combinations that make no sense.
fn validate(o: Options) -> Result<Options, String> {
    if o.help {
        return Ok(o);
    }
    if o.markdown && !o.list {
        return Err("--markdown goes with --list".into());
    }
    if o.out.is_some() && !o.markdown {
        return Err("--out goes with --list --markdown".into());
    }
    if !o.list && o.command.is_none() == o.url.is_none() {
        return Err("give either a COMMAND or --url".into());
    }
    if o.url.is_some() && o.fixture.is_none() {
        return Err("--url needs --fixture DIR: the server must serve the site we check".into());
    }
    if let Some(pattern) = &o.only {
        if !crate::rubric::RUBRIC
            .iter()
            .any(|c| c.name.contains(pattern.as_str()))
        {
            return Err(format!(
                "--only {pattern}: no check has that in its name (see --list)"
            ));
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Options, String> {
        parse(args.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn help_needs_nothing_else() {
        assert!(parsed(&["--help"]).is_ok_and(|o| o.help));
        assert!(parsed(&["-h"]).is_ok_and(|o| o.help));
    }

    #[test]
    fn the_rfc_profile_is_also_called_library() {
        for name in ["rfc", "library"] {
            let o = parsed(&["--profile", name, "server {port}"]);
            assert!(o.is_ok_and(|o| o.profile == Profile::Rfc), "{name}");
        }
        assert!(parsed(&["--profile", "strict", "server {port}"]).is_err());
    }

    #[test]
    fn the_markdown_page_comes_from_list() {
        assert!(parsed(&["--list", "--markdown"]).is_ok_and(|o| o.markdown));
        assert!(parsed(&["--markdown"]).is_err());
        assert!(parsed(&["--list", "--out", "page.md"]).is_err());
    }
}
