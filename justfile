# pico-server: run `just` to see every recipe.
#
# A recipe that runs a program passes its arguments on unchanged (`just step4
# 8001 --bind 0.0.0.0`): on Unix through the shell's "$@", which keeps quoting;
# PowerShell has no "$@", so on Windows the arguments are joined with spaces.

set windows-shell := ["powershell.exe", "-NoLogo", "-Command"]

# List the recipes.
default:
    @just --list --unsorted

# Step 1: the one-liner, tiny_http serves www/ (e.g. `just step1 8001`; `just step1 --help`).
[unix]
[positional-arguments]
[no-exit-message]
step1 *args:
    cargo run -p step1-oneliner -- "$@"

# Step 1: the one-liner, tiny_http serves www/ (e.g. `just step1 8001`; `just step1 --help`).
[windows]
[no-exit-message]
step1 *args:
    cargo run -p step1-oneliner -- {{args}}

# Step 2: the echo server, on 127.0.0.1:6666 (e.g. `just step2-server --addr 127.0.0.1:6667`).
[unix]
[positional-arguments]
[no-exit-message]
step2-server *args:
    cargo run -p step2-echo --bin server -- "$@"

# Step 2: the echo server, on 127.0.0.1:6666 (e.g. `just step2-server --addr 127.0.0.1:6667`).
[windows]
[no-exit-message]
step2-server *args:
    cargo run -p step2-echo --bin server -- {{args}}

# Step 2: the echo client; sends a message and prints the echo (e.g. `just step2-client 'hi there' --addr 127.0.0.1:6667`).
[unix]
[positional-arguments]
[no-exit-message]
step2-client *args:
    cargo run -p step2-echo --bin client -- "$@"

# Step 2: the echo client; sends a message and prints the echo (e.g. `just step2-client 'hi there' --addr 127.0.0.1:6667`).
[windows]
[no-exit-message]
step2-client *args:
    cargo run -p step2-echo --bin client -- {{args}}

# Step 3: our own TCP listener handed to tiny_http, serving www/ (e.g. `just step3 8001 --bind 0.0.0.0`).
[unix]
[positional-arguments]
[no-exit-message]
step3 *args:
    cargo run -p step3-pico-tcp -- "$@"

# Step 3: our own TCP listener handed to tiny_http, serving www/ (e.g. `just step3 8001 --bind 0.0.0.0`).
[windows]
[no-exit-message]
step3 *args:
    cargo run -p step3-pico-tcp -- {{args}}

# Step 4: the handwritten HTTP server, serving www/ (e.g. `just step4 8001 --bind 0.0.0.0 --timeout 10`).
[unix]
[positional-arguments]
[no-exit-message]
step4 *args:
    cargo run -p step4-pico-http -- "$@"

# Step 4: the handwritten HTTP server, serving www/ (e.g. `just step4 8001 --bind 0.0.0.0 --timeout 10`).
[windows]
[no-exit-message]
step4 *args:
    cargo run -p step4-pico-http -- {{args}}

# What changed from stage A to stage B as committed, only the replaced layer (e.g. `just diff 3 4`; `--worktree` for your copy).
[no-exit-message]
diff *args:
    cargo run -q -p xtask -- diff {{args}}

# Write the consecutive diffs the book links to into docs/src/diffs/.
[no-exit-message]
diffs:
    cargo run -q -p xtask -- diff --all

# The same requests to steps 1, 3, 4 and python3 -m http.server, side by side (e.g. `just compare /about/`).
[unix]
[positional-arguments]
[no-exit-message]
compare *args:
    cargo run -q -p xtask -- compare "$@"

# The same requests to steps 1, 3, 4 and python3 -m http.server, side by side (e.g. `just compare /about/`).
[windows]
[no-exit-message]
compare *args:
    cargo run -q -p xtask -- compare {{args}}

# The system calls stage N makes to serve one request, seen with strace (Linux; e.g. `just trace 1`).
[no-exit-message]
trace *stage:
    cargo run -q -p xtask -- trace {{stage}}

# Raw bytes to 127.0.0.1:PORT, the raw reply with \r\n visible (e.g. `just send 8000 'GET / HTTP/1.0\r\n\r\n'`).
[unix]
[positional-arguments]
[no-exit-message]
send *args:
    cargo run -q -p xtask -- send "$@"

# Raw bytes to 127.0.0.1:PORT, the raw reply with \r\n visible (e.g. `just send 8000 'GET / HTTP/1.0\r\n\r\n'`).
[windows]
[no-exit-message]
send *args:
    cargo run -q -p xtask -- send {{args}}

# 100,000 mixed requests to step 4 (release); reports requests/s, errors, descriptors and memory (not in CI).
[no-exit-message]
soak *requests:
    cargo run -q -p xtask -- soak {{requests}}

# Step 4 against steps 1 and 3, python3 -m http.server, nginx and a floor server (release; ~6 min, `--quick` ~1; not in CI).
[no-exit-message]
bench *args:
    cargo run -q --release -p xtask -- bench {{args}}

# Check the book's includes and links, then build it into docs/book/ (needs mdBook, see README).
docs:
    cargo run -q -p xtask -- book check
    mdbook build docs

# Build the book and serve it with our own step 4 at http://127.0.0.1:3000/ (another port: `just docs-serve 3001`).
docs-serve port="3000": docs
    cargo run -p step4-pico-http -- {{port}} --directory docs/book

# The finale's picture: step 4 on www/ in headless Chromium, saved as docs/src/img/finale.png.
[no-exit-message]
screenshot:
    cargo run -q -p xtask -- book screenshot

# Re-record the book's terminal sessions (docs/transcripts.txt -> docs/src/out/); `--check` only compares.
[no-exit-message]
transcripts *args:
    cargo run -q -p xtask -- book transcripts {{args}}

# Classroom exercises: every one, solved or not.
[no-exit-message]
exercises:
    cargo run -q -p xtask -- exercises

# Check one exercise, each test a line of its rubric (e.g. `just exercise ch4-ranges`).
[no-exit-message]
exercise name:
    cargo run -q -p xtask -- exercise {{name}}

# The next hint of an exercise, one more each time (`just hint NAME --reset` hides them).
[no-exit-message]
hint name *reset:
    cargo run -q -p xtask -- exercises hint {{name}} {{reset}}

# Bug hunt: one of the three broken handlers serving www/ (traversal, crash or idle; e.g. `just bughunt crash 8001`).
[unix]
[positional-arguments]
[no-exit-message]
bughunt variant *args:
    cargo run -p bughunt -- "$@"

# Bug hunt: one of the three broken handlers serving www/ (traversal, crash or idle; e.g. `just bughunt crash 8001`).
[windows]
[no-exit-message]
bughunt variant *args:
    cargo run -p bughunt -- {{variant}} {{args}}

# Grade python http.server, nginx, lighttpd and busybox httpd (those installed) with check-server, into docs/src/real-servers.md (minutes; not in CI).
[no-exit-message]
grade-peers *args:
    cargo run -q -p xtask -- grade-peers {{args}}

# Write the book's rubric page, docs/src/rubric.md, from check-server's table (a test fails while it is stale).
[no-exit-message]
rubric-page:
    cargo run -q -p check-server -- --list --markdown --out docs/src/rubric.md

# Grade any HTTP server against the course's rules (e.g. `just check-server 'python3 main.py {port} --directory {root}'`).
[unix]
[positional-arguments]
[no-exit-message]
check-server *args:
    cargo run -q -p check-server -- "$@"

# Grade any HTTP server against the course's rules (e.g. `just check-server 'python3 main.py {port} --directory {root}'`).
[windows]
[no-exit-message]
check-server *args:
    cargo run -q -p check-server -- {{args}}

# CI's proof: each check fails as shipped and passes with docs/solutions/NAME.patch.
[no-exit-message]
exercises-prove *names:
    cargo run -q -p xtask -- exercises prove {{names}}

# Re-base docs/solutions/*.patch on the current stages (patch --fuzz, rustfmt, diff).
[no-exit-message]
exercises-refresh *names:
    cargo run -q -p xtask -- exercises refresh {{names}}

# Write the book's Exercises pages from docs/exercises.toml and the checks' doc comments.
[no-exit-message]
exercises-book:
    cargo run -q -p xtask -- exercises book

# Run every test of the workspace.
test:
    cargo test --workspace

# Check formatting and lints as CI does.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
