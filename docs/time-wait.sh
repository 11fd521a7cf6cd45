#!/usr/bin/env bash
# Which side of a TCP connection keeps it in TIME-WAIT, and what SO_REUSEADDR
# does about it (book, chapter 3). Linux only: needs curl, ss and python3.
#   bash docs/time-wait.sh
set -euo pipefail
cargo build -q -p step3-pico-tcp -p step4-pico-http

# A port without any socket, not even an old connection in TIME-WAIT: a plain
# bind to port 0 makes the kernel pick one.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export port

# Prints a command as a reader would type it, then runs it; the port is shown
# as $port wherever it appears.
show() {
    printf '$ %s\n' "$1"
    { bash -c "$1" 2>&1 || true; } | sed -e "s/:$port\b/:\$port/g" -e 's/ *$//'
}

# Starts a stage, sends it one GET / and stops it. With "curl", the client
# closes as soon as it has the response; with "read-to-end", it reads until the
# server has closed, so that the server is sure to close first.
one_request() {
    ./target/debug/"$1" "$port" >/dev/null 2>&1 &
    local pid=$!
    until ss -Htln "sport = :$port" | grep -q .; do sleep 0.1; done
    if [ "$2" = curl ]; then
        printf '$ ./target/debug/%s $port &   then one curl request, then stop the server\n' "$1"
        curl -s -o /dev/null -w 'GET / -> %{http_code}\n' "http://127.0.0.1:$port/"
    else
        printf '$ ./target/debug/%s $port &   then one request read to the end, then stop the server\n' "$1"
        python3 -c '
import os, socket
c = socket.create_connection(("127.0.0.1", int(os.environ["port"])))
c.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
reply = b""
while chunk := c.recv(65536):
    reply += chunk
print("GET / ->", reply.split()[1].decode(), "and then the server closed")
c.close()'
    fi
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

server_side='ss -tan state time-wait "sport = :$port"'
client_side='ss -tan state time-wait "dport = :$port"'
bind_plain="python3 -c \"import socket; s = socket.socket(); s.bind(('127.0.0.1', \$port)); print('bound')\" 2>&1 | tail -n 1"
bind_reuse="python3 -c \"import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', \$port)); print('bound')\""

echo "# port: a free port, with no old connections either"
echo "# Step 3: tiny_http keeps the connection open, so curl closes first."
one_request step3-pico-tcp curl
show "$server_side"
show "$client_side"
show "$bind_plain"
echo
echo "# Step 4: it answers with Connection: close and closes first."
one_request step4-pico-http read-to-end
show "$server_side"
show "$bind_plain"
show "$bind_reuse"
one_request step4-pico-http read-to-end
