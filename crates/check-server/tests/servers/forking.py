#!/usr/bin/env python3
"""A forking server: one child process per client, as busybox httpd and
mini_httpd work. With `whole`, the child reads each file whole into memory
before sending it, so the memory grows in the child, not in the process that
listens; with `stream`, it copies the file in blocks, as http.server does.

usage: forking.py whole|stream PORT ROOT
"""

import functools
import http.server
import socketserver
import sys


class WholeFile(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile):
        outputfile.write(source.read())


class Server(socketserver.ForkingMixIn, http.server.HTTPServer):
    pass


mode, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
handler_class = WholeFile if mode == 'whole' else http.server.SimpleHTTPRequestHandler
handler = functools.partial(handler_class, directory=root)
Server(('127.0.0.1', port), handler).serve_forever()
