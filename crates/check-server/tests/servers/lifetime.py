#!/usr/bin/env python3
"""A server for the checker's lifetime tests: it records its pid and its
child's in PIDS (one per line), keeps a child process (`sleep`) the way a
server keeps workers, and then, as MODE says:

  slow-start   sleeps 30 s before it listens;
  crash-once   listens at once, exits at the first request, and once started
               again (a marker file beside PIDS says so) sleeps 30 s before
               it listens;
  silent       listens and never answers;
  own-session  forks a child that leaves the process group (setsid, as a
               daemon does), listens there and answers every request with an
               empty 200, while the parent waits for it; three pids.

usage: lifetime.py MODE PORT PIDS
"""

import os
import socket
import subprocess
import sys
import time

mode, port, pids = sys.argv[1], int(sys.argv[2]), sys.argv[3]
child = subprocess.Popen(['sleep', '300'])
with open(pids, 'a') as f:
    f.write(f'{os.getpid()}\n{child.pid}\n')
marker = pids + '.started'
again = os.path.exists(marker)
open(marker, 'w').close()
if mode == 'slow-start' or (mode == 'crash-once' and again):
    time.sleep(30)
if mode == 'own-session':
    worker = os.fork()
    if worker != 0:
        os.waitpid(worker, 0)
        sys.exit(0)
    os.setsid()
    with open(pids, 'a') as f:
        f.write(f'{os.getpid()}\n')
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', port))
listener.listen()
held = []
while True:
    conn, _ = listener.accept()
    if mode == 'crash-once':
        sys.exit('crashing on purpose')
    if mode == 'own-session':
        conn.recv(65536)
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        conn.close()
        continue
    held.append(conn)
