//! What a check is, what it returns, and the helpers every check uses to send
//! a request and judge the response.

use std::net::SocketAddr;
use std::time::Duration;

use crate::fixture::Fixture;
use crate::wire::{self, Broken, End, Exchange, Response};

pub(crate) use crate::request::Request;

/// Which rules apply. `Rfc` grades only what RFC 9110 and 9112 ask (MUST
/// and SHOULD): any HTTP/1.1 server may be held to it, keep-alive included,
/// so requests ask the server to close. `Course` adds the course's own rules:
/// one response per connection, our limits, our method policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    Course,
    Rfc,
}

/// How strongly a rule binds: the RFC's MUST and SHOULD (RFC 2119), or a
/// rule of the course's own (the article's policy, not the standard's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Must,
    Should,
    Course,
}

/// One rubric item. The table in `rubric.rs` holds them all.
#[derive(Debug)]
pub(crate) struct Check {
    /// Short, stable, kebab-case: `--only` matches it, the tests name it.
    pub(crate) name: &'static str,
    /// What a good server does, in a few words.
    pub(crate) rule: &'static str,
    /// `RFC 9110 §9.3.2`, or `course rule`.
    pub(crate) authority: &'static str,
    pub(crate) level: Level,
    /// The RFC's own sentence that sets the level, word for word; for a
    /// course rule, the sentence it builds on, or nothing.
    pub(crate) quote: &'static str,
    /// The book page and heading that explain the rule: `bugs.md#...`.
    pub(crate) book: &'static str,
    pub(crate) run: fn(&Ctx) -> Verdict,
}

impl Check {
    /// Whether `profile` grades this check: the RFC profile skips course rules.
    pub(crate) fn applies(&self, profile: Profile) -> bool {
        profile == Profile::Course || self.level != Level::Course
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pass,
    Fail,
    Skip,
}

/// The result of one check, as the report prints it.
#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    pub(crate) status: Status,
    /// The request sent, escaped and shortened (or what the check did).
    pub(crate) request: String,
    /// What came back, in a few words (or why it was skipped).
    pub(crate) got: String,
    /// Every exchange, for `-v`.
    pub(crate) exchanges: Vec<Exchange>,
    pub(crate) failure: Option<Failure>,
}

/// What a learner needs to act on a FAIL.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    /// What was wrong, in one line.
    pub(crate) problem: String,
    /// A command that sends the same request by hand.
    pub(crate) reproduce: String,
    /// Where the response stops being right: caret lines, byte counts, hints.
    pub(crate) diagnosis: Vec<String>,
}

/// Time bounds and sizes of a run.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Longest wait for one response.
    pub(crate) exchange: Duration,
    /// How long another client may wait while one idles or trickles.
    pub(crate) idle_bound: Duration,
    /// Requests of the descriptor-leak check.
    pub(crate) requests: usize,
}

/// Everything a check may use.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) addr: SocketAddr,
    pub(crate) fixture: &'a Fixture,
    pub(crate) profile: Profile,
    pub(crate) limits: Limits,
    /// The server's process id, where `/proc` can tell it.
    pub(crate) pid: Option<u32>,
}

impl Ctx<'_> {
    /// Sends `request` and reads the whole answer.
    pub(crate) fn send(&self, request: &Request) -> Exchange {
        wire::exchange(self.addr, &self.bytes(request), &self.wait(request))
    }

    /// Sends `request`, parses the answer and lets `judge` decide: `Ok` with
    /// what came back in a few words, or `Err` with the problem.
    pub(crate) fn expect(
        &self,
        request: Request,
        judge: impl Fn(&Response) -> Result<String, String>,
    ) -> Verdict {
        self.expect_exchange(request, |_, response| judge(response))
    }

    /// [`Ctx::expect`], for a judge that also looks at the transport: how the
    /// connection ended, say.
    pub(crate) fn expect_exchange(
        &self,
        request: Request,
        judge: impl Fn(&Exchange, &Response) -> Result<String, String>,
    ) -> Verdict {
        let exchange = self.send(&request);
        self.verdict(&request, exchange, judge)
    }

    /// Judges an exchange already made for `request`.
    pub(crate) fn verdict(
        &self,
        request: &Request,
        exchange: Exchange,
        judge: impl Fn(&Exchange, &Response) -> Result<String, String>,
    ) -> Verdict {
        let head = request.method == "HEAD";
        let shown = shown_request(&exchange.sent);
        let failed = |problem: String, got: String, broken: Option<&Broken>| Verdict {
            status: Status::Fail,
            request: shown.clone(),
            got,
            exchanges: vec![exchange.clone()],
            failure: Some(Failure {
                problem,
                reproduce: self.reproduce(request),
                diagnosis: crate::diagnose::describe(&exchange, broken),
            }),
        };
        match exchange.response(head) {
            Err(broken) => {
                let problem = broken.problem(&exchange);
                failed(problem.clone(), problem, Some(&broken))
            }
            Ok(response) => match judge(&exchange, &response) {
                Ok(got) => Verdict {
                    status: Status::Pass,
                    request: shown.clone(),
                    got,
                    exchanges: vec![exchange.clone()],
                    failure: None,
                },
                Err(problem) => failed(
                    problem,
                    response.summary(&["Content-Type", "Content-Length"]),
                    None,
                ),
            },
        }
    }
}

/// The request line, escaped, as the one-line report shows a request.
pub(crate) fn shown_request(sent: &[u8]) -> String {
    let line_end = sent
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(sent.len());
    crate::escape::shorten(&sent[..line_end.min(sent.len())], 60)
}

pub(crate) fn end_word(end: End) -> &'static str {
    match end {
        End::Closed => "EOF",
        End::KeptOpen => "the connection stayed open",
        End::Reset => "connection reset",
        End::Refused => "connection refused",
        End::TimedOut => "timed out",
    }
}

impl Verdict {
    /// A PASS decided on the transport alone: `got` says what happened.
    pub(crate) fn pass_with(exchange: &Exchange, got: &str) -> Verdict {
        Verdict {
            status: Status::Pass,
            request: shown_request(&exchange.sent),
            got: got.into(),
            exchanges: vec![exchange.clone()],
            failure: None,
        }
    }

    pub(crate) fn skip(request: &str, reason: &str) -> Verdict {
        Verdict {
            status: Status::Skip,
            request: request.into(),
            got: reason.into(),
            exchanges: Vec::new(),
            failure: None,
        }
    }
}

/// A judge for an expected status: `Ok` with the status line, else the problem.
pub(crate) fn status_in(response: &Response, wanted: &[u16]) -> Result<String, String> {
    let got = response.summary(&["Location", "Allow"]);
    if wanted.contains(&response.status) {
        Ok(got)
    } else {
        let list: Vec<String> = wanted.iter().map(u16::to_string).collect();
        Err(format!(
            "expected {}, got {}",
            list.join(" or "),
            response.status
        ))
    }
}
