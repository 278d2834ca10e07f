"""The app for tests/pairing/test_capacity_race.py, as gunicorn's workers load it.

TestConfig (its fixed secret key, so a session cookie set by one worker is read by another, and the
cheap password hasher the test accounts were made with) on the database the test built.
"""
import os
from pathlib import Path

from portal import create_app
from portal.config import TestConfig


class RaceConfig(TestConfig):
    DATABASE_URL = os.environ["RACE_DATABASE_URL"]
    INSTANCE_PATH = Path(os.environ["RACE_INSTANCE_PATH"])


app = create_app(RaceConfig)
