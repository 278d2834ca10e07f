"""Several gunicorn workers share one login limit when RATELIMIT_STORAGE_URI names Redis (SECURITY.md)."""
import os
import socket
import uuid

import pytest
import redis

from portal import create_app
from portal.config import TestConfig
from tests.conftest import PortalClient

REDIS_URI = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def two_workers(app, database_url, tmp_path):
    """Two app instances on one database and one Redis: what two workers of one portal are.

    Built after `app` (which the factories use): the limiter is one object per process, as in a
    worker, and the last app configured decides its storage."""
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer on 127.0.0.1:6379; the CI machine always has one")
        pytest.skip("no Redis on 127.0.0.1:6379")

    class Config(TestConfig):
        DATABASE_URL = database_url
        INSTANCE_PATH = tmp_path
        RATELIMIT_STORAGE_URI = REDIS_URI
        # A fresh namespace per run, so counters of an earlier run never leak in.
        RATELIMIT_KEY_PREFIX = f"test-{uuid.uuid4().hex}"

    return create_app(Config), create_app(Config)


@pytest.fixture
def account(make_account):
    return make_account("mentor", acknowledged=True)


def test_failures_on_two_workers_add_up_to_one_limit(account, two_workers):
    first, second = (PortalClient(worker.test_client()) for worker in two_workers)
    for client in (first, second, first, second, first):
        assert client.post("/login", {"login": account.login, "password": "guess"}).status_code == 422
    assert second.post("/login", {"login": account.login, "password": "guess"}).status_code == 429
    assert first.post("/login", {"login": account.login, "password": "guess"}).status_code == 429
    # The count lives in Redis, where every worker sees it — not in one worker's memory.
    prefix = two_workers[0].config["RATELIMIT_KEY_PREFIX"]
    store = redis.Redis.from_url(REDIS_URI)
    keys = store.keys(f"*{prefix}*")
    assert keys
    store.delete(*keys)
