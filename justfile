# pico-server: run `just` to see every recipe.

set windows-shell := ["powershell.exe", "-NoLogo", "-Command"]

# List the recipes.
default:
    @just --list --unsorted

# Step 1: the one-liner, tiny_http serves www/ (e.g. `just step1 8001`).
step1 port="8000":
    cargo run -p step1-oneliner -- {{port}}

# Step 2: the echo server, on 127.0.0.1:6666.
step2-server:
    cargo run -p step2-echo --bin server

# Step 2: the echo client; sends a message and prints the echo.
step2-client message="Hello, world":
    cargo run -p step2-echo --bin client -- "{{message}}"

# Step 3: our own TCP listener handed to tiny_http, serving www/.
step3 port="8000":
    cargo run -p step3-pico-tcp -- {{port}}

# Step 4: the handwritten HTTP server, serving www/.
step4 port="8000":
    cargo run -p step4-pico-http -- {{port}}

# Run every test of the workspace.
test:
    cargo test --workspace

# Check formatting and lints as CI does.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
