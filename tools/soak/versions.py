"""Which bytes a read of each file may return, and when.

Every key has a history of versions: (digest, size) or a deletion, each
with the time its upload began (`since`) and the time a refresh made it the
mount's current snapshot (`visible`). A read that started at t0 and ended at
t1 may return version v if v's upload began before t1, and the version after
v (if any) was not yet made visible by a refresh when the read started:
before a refresh the mount serves its snapshot (or ESTALE once the object
is overwritten), after it only the new version. Anything else is a failure:
bytes of no version are wrong bytes; bytes of a superseded version are a
stale read.

Times are time.monotonic(). Thread-safe.
"""
import threading

DELETED = None  # the digest of a deletion


class Version:
    __slots__ = ("digest", "size", "since", "visible")

    def __init__(self, digest, size, since, visible=None):
        self.digest, self.size, self.since, self.visible = digest, size, since, visible


class Versions:
    def __init__(self, initial):
        """`initial`: {key: (digest, size)} as first uploaded and indexed."""
        self._mu = threading.Lock()
        self._history = {key: [Version(d, s, 0.0, 0.0)] for key, (d, s) in initial.items()}
        self._mounted = sorted(initial)  # keys of the mount's current snapshot

    def mounted_keys(self):
        with self._mu:
            return list(self._mounted)

    def latest(self, key):
        with self._mu:
            return self._history[key][-1]

    def change(self, key, digest, size, since):
        """`key` is about to be uploaded (digest) or deleted (DELETED)."""
        with self._mu:
            self._history.setdefault(key, []).append(Version(digest, size, since))

    def refreshed(self, at):
        """A refresh to a manifest listed after every change so far returned at `at`."""
        with self._mu:
            for history in self._history.values():
                for v in history:
                    if v.visible is None:
                        v.visible = at
            self._mounted = sorted(k for k, h in self._history.items() if h[-1].digest is not DELETED)

    def judge(self, key, digest, started, ended):
        """None if a read of `key` over [started, ended] may return `digest`
        (DELETED: the file was missing, which only a refresh can make it),
        else "wrong-bytes", "stale-read" or "missing-file"."""
        with self._mu:
            history = self._history.get(key, [])
            seen = False
            for i, v in enumerate(history):
                if v.digest != digest:
                    continue
                seen = True
                after = history[i + 1] if i + 1 < len(history) else None
                if digest is DELETED and (v.visible is None or v.visible > ended):
                    continue  # until the refresh, the snapshot still has the file
                if v.since <= ended and (after is None or after.visible is None or started <= after.visible):
                    return None
            if digest is DELETED:
                return "missing-file"
            return "stale-read" if seen else "wrong-bytes"

    def in_transition(self, key, started, ended):
        """The object changed in the store and a refresh that shows it had not
        returned before the read started: ESTALE or ENOENT are expected."""
        with self._mu:
            return any(v.since <= ended and (v.visible is None or v.visible >= started)
                       for v in self._history.get(key, [])[1:])
