#!/usr/bin/env python3
"""A forking server (one child process per client) whose child reads each
file whole into memory before sending it: the memory grows in the child,
not in the process that listens.

usage: forking_whole_file.py PORT ROOT
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


handler = functools.partial(WholeFile, directory=sys.argv[2])
Server(('127.0.0.1', int(sys.argv[1])), handler).serve_forever()
