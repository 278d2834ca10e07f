"""A bare WSGI hello-world: what gunicorn alone costs on this machine, beside our own stack."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "12")])
    return [b"Hello world\n"]
