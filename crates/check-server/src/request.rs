//! The requests the checks send: built well-formed (and then curl can
//! repeat them) or written byte by byte (and then `just send` can), and the
//! command that repeats each one by hand.

use crate::check::{Ctx, Profile};
use crate::escape::escape;
use crate::wire::Wait;

/// A request to build. Most are well-formed, and curl can repeat them;
/// `raw` ones are sent as written, and need `just send`.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: &'static str,
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    /// Leave out `Host` (a check of the Host rules adds its own).
    pub(crate) no_host: bool,
    pub(crate) raw: Option<Vec<u8>>,
    /// A hand-written reproduce command, for requests too long to print.
    pub(crate) recipe: Option<String>,
    /// Wait to see whether the server closes, even when it is known not to.
    pub(crate) await_close: bool,
}

impl Request {
    pub(crate) fn new(method: &'static str, target: &str) -> Request {
        Request {
            method,
            target: target.to_string(),
            headers: Vec::new(),
            no_host: false,
            raw: None,
            recipe: None,
            await_close: false,
        }
    }

    pub(crate) fn get(target: &str) -> Request {
        Request::new("GET", target)
    }

    pub(crate) fn raw(bytes: &[u8]) -> Request {
        Request {
            raw: Some(bytes.to_vec()),
            ..Request::new("", "")
        }
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// `{addr}` in `recipe` stands for the server's address.
    pub(crate) fn recipe(mut self, recipe: &str) -> Request {
        self.recipe = Some(recipe.to_string());
        self
    }

    pub(crate) fn without_host(mut self) -> Request {
        self.no_host = true;
        self
    }

    pub(crate) fn awaiting_close(mut self) -> Request {
        self.await_close = true;
        self
    }
}

impl Ctx<'_> {
    /// How the exchange of `request` reads: within the exchange bound, a
    /// HEAD's response ends with its head, and after a silence a second client
    /// asks for the page, which brings out an answer that was never flushed.
    pub(crate) fn wait(&self, request: &Request) -> Wait {
        Wait {
            limit: self.limits.exchange,
            head: request.method == "HEAD",
            await_close: request.await_close,
            nudge: Some(self.bytes(&Request::get(&self.fixture.page.target))),
        }
    }

    /// The bytes of `request`: the request line, `Host`, the extra headers,
    /// and, in the rfc profile, `Connection: close` so that the server
    /// ends the exchange and we need not guess when a response is complete.
    pub(crate) fn bytes(&self, request: &Request) -> Vec<u8> {
        if let Some(raw) = &request.raw {
            return raw.clone();
        }
        let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
        if !request.no_host {
            head.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for (name, value) in &request.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if self.profile == Profile::Rfc {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    /// A command that repeats `request` by hand: curl when it can send it as
    /// we did, else `just send PORT 'BYTES'` with the escapes it understands.
    pub(crate) fn reproduce(&self, request: &Request) -> String {
        if let Some(recipe) = &request.recipe {
            return recipe.replace("{addr}", &self.addr.to_string());
        }
        let plain = |s: &str| {
            s.bytes()
                .all(|b| (0x21..0x7f).contains(&b) && !b"'\\".contains(&b))
        };
        let curlable = request.raw.is_none()
            && !request.no_host
            && plain(&request.target)
            && request.method != "POST"
            && request
                .headers
                .iter()
                .all(|(n, v)| plain(n) && !v.contains(['\'', '\r', '\n']));
        if !curlable {
            // Inside the shell's single quotes a quote is written `\x27`.
            let bytes = escape(&self.bytes(request)).replace('\'', "\\x27");
            return format!("just send {} '{bytes}'", self.addr.port());
        }
        let mut command = match request.method {
            "GET" => "curl -si".to_string(),
            "HEAD" => "curl -sI".to_string(),
            other => format!("curl -si -X {other}"),
        };
        for (name, value) in &request.headers {
            command.push_str(&format!(" -H '{name}: {value}'"));
        }
        format!(
            "{command} --path-as-is 'http://{}{}'",
            self.addr, request.target
        )
    }
}
