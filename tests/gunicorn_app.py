"""The app of tests that serve the portal with gunicorn (tests/gunicorn_server.py), as its workers load it.

TestConfig (its fixed secret key, so a session cookie set by one worker is read by another, and the
cheap password hasher the test accounts were made with) on the database the test built.
"""
import os
from pathlib import Path

from portal import create_app
from portal.config import TestConfig


class GunicornConfig(TestConfig):
    DATABASE_URL = os.environ["GUNICORN_DATABASE_URL"]
    INSTANCE_PATH = Path(os.environ["GUNICORN_INSTANCE_PATH"])


app = create_app(GunicornConfig)
