#!/usr/bin/env python3
"""The article's main.py, as a learner types it from the article: the
server check-server was built for. Its bugs are kept on purpose, for the
checker's tests to find: error responses are written and never flushed, the
`makefile()` streams keep every connection open until the next client
replaces them, a request line without a path raises IndexError and stops the
server, the path is joined to the directory unchecked, and whole files are
read into memory.

Like the article's, it takes no arguments, listens on port 8000 and serves
the directory it is started in. To run it on another port, as the checker's
tests do: `sed 's/8000/PORT/' article_main.py | python3 -`.
"""

from __future__ import annotations

import io
import logging
import os
import socket
from http import HTTPStatus

logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(message)s')
logger = logging.getLogger('http-server')


class PicoTCPServer:
    def __init__(self, socket_address: tuple[str, int], request_handler) -> None:
        self.request_handler = request_handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(socket_address)
        self.sock.listen()

    def serve_forever(self) -> None:
        while True:
            conn, addr = self.sock.accept()
            with conn:
                logger.info(f'Accepted connection from {addr}')
                request_stream = conn.makefile('rb')
                response_stream = conn.makefile('wb')
                self.request_handler(
                    request_stream=request_stream,
                    response_stream=response_stream,
                )
            logger.info(f'Closed connection from {addr}')

    def __enter__(self) -> PicoTCPServer:
        return self

    def __exit__(self, *args) -> None:
        self.sock.close()


class PicoHTTPRequestHandler:
    """Serves static files as-is. Only supports GET and HEAD.
    POST returns 403 FORBIDDEN. Other commands return 405 METHOD NOT ALLOWED."""

    def __init__(self, request_stream: io.BufferedIOBase, response_stream: io.BufferedIOBase):
        self.request_stream = request_stream
        self.response_stream = response_stream
        self.command = ''
        self.path = ''
        self.headers = {
            'Content-Type': 'text/html',
            'Content-Length': '0',
            'Connection': 'close',
        }
        self.handle()

    def handle(self) -> None:
        self._parse_request()
        if not self._validate_path():
            return self._return_404()
        if self.command not in ('GET', 'HEAD'):
            return self._return_405()
        if self.command == 'POST':
            return self._return_403()
        command = getattr(self, f'handle_{self.command}')
        command()

    def handle_GET(self) -> None:
        self.handle_HEAD()
        with open(self.path, 'rb') as f:
            body = f.read()
        self.response_stream.write(body)
        self.response_stream.flush()

    def handle_HEAD(self) -> None:
        self._write_response_line(200)
        self._write_headers(**{'Content-Length': os.path.getsize(self.path)})
        self.response_stream.flush()

    def _write_response_line(self, status_code: int) -> None:
        response_line = f'HTTP/1.1 {status_code} {HTTPStatus(status_code).phrase}\r\n'
        logger.info(response_line.encode())
        self.response_stream.write(response_line.encode())

    def _write_headers(self, *args, **kwargs) -> None:
        headers_copy = self.headers.copy()
        headers_copy.update(**kwargs)
        header_lines = '\r\n'.join(f'{k}: {v}' for k, v in headers_copy.items())
        logger.info(header_lines.encode())
        self.response_stream.write(header_lines.encode())
        self.response_stream.write(b'\r\n\r\n')

    def _parse_request(self) -> None:
        requestline = self.request_stream.readline().decode()
        requestline = requestline.rstrip('\r\n')
        logger.info(requestline)
        self.command = requestline.split(' ')[0]
        self.path = requestline.split(' ')[1]
        headers = {}
        line = self.request_stream.readline().decode()
        while line not in ('\r\n', '\n', '\r', ''):
            header = line.rstrip('\r\n').split(': ')
            headers[header[0]] = header[1]
            line = self.request_stream.readline().decode()
        logger.info(headers)

    def _validate_path(self) -> bool:
        self.path = os.path.join(os.getcwd(), self.path.lstrip('/'))
        if os.path.isdir(self.path):
            self.path = os.path.join(self.path, 'index.html')
        return os.path.exists(self.path)

    def _return_404(self) -> None:
        self._write_response_line(404)
        self._write_headers()

    def _return_405(self) -> None:
        self._write_response_line(405)
        self._write_headers()

    def _return_403(self) -> None:
        self._write_response_line(403)
        self._write_headers()


with PicoTCPServer(('127.0.0.1', 8000), PicoHTTPRequestHandler) as http:
    logger.info('Running on port 8000')
    http.serve_forever()
