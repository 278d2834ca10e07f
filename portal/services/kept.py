"""Values kept between requests until the data change: one store per app, so per worker process.

Every state change writes an audit event in its own transaction (services/audit.py), so the newest event's
number is a version stamp for everything the services write: a value kept under it is served again while it
stands, and the first request after any change builds a new one. The stamp is read before the value is built:
a change committed meanwhile lands under the old key, never the new one. Rows written behind the services'
back (a fixture, a hand-edited database) are not seen until the next event; the tests' apps keep nothing."""
import threading
from collections import OrderedDict

from portal.services import audit


class KeptUntilChange:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build):
        """The value kept for `key` at the current stamp, or `build()` kept for it. A build that raises (not
        found, not allowed) keeps nothing: the next request asks again."""
        key = (key, audit.last_event_id())
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value
