"""The dataset changing under the mount, and the mount following it: every
`every` seconds the refresher adds a few files, overwrites a few small ones
and one large one, and deletes the files it added two rounds before (all
straight to RGW), indexes ds/ again and `shoal refresh`es the mount to the
new manifest. Then every file it touched must read its new bytes through
the mount, and every file it deleted must be gone (ENOENT); old bytes after
a refresh are a failure ("stale-read").
"""
import os
import random
import time

import dataset
from periodic import Periodic
from readers import read_and_judge
from store import digest_of
from versions import DELETED

ADDS, SMALL_CHANGES = 5, 5


class Refresher(Periodic):
    def __init__(self, procs, store, work, mnt, versions, tally, stop, every, seed):
        super().__init__("refresher", tally, stop, every)
        self.procs, self.store, self.work, self.mnt, self.versions = procs, store, work, mnt, versions
        self.rng = random.Random(seed)
        self.small = [k for k in versions.mounted_keys() if not k.startswith("large/")]
        self.large = [k for k in versions.mounted_keys() if k.startswith("large/")]
        self.added = {}  # round -> keys it added

    def body(self, low, high):
        data = self.rng.randbytes(self.rng.randint(low, high))
        return data, digest_of([data])

    def round(self, n):
        since = time.monotonic()
        puts = {f"fresh/round-{n:05d}/file-{i}.bin": self.body(1, 64 << 10) for i in range(ADDS)}
        for key in self.rng.sample(self.small, SMALL_CHANGES):
            puts[key] = self.body(1, 64 << 10)
        puts[self.rng.choice(self.large)] = self.body(2 << 20, 12 << 20)
        deletes = self.added.pop(n - 2, [])
        self.added[n] = [k for k in puts if k.startswith("fresh/")]
        for key, (_, (digest, size)) in puts.items():
            self.versions.change(key, digest, size, since)
        for key in deletes:
            self.versions.change(key, DELETED, 0, since)
        for key, (data, _) in puts.items():
            self.store.put(dataset.PREFIX + key, data)
        for key in deletes:
            self.store.delete(dataset.PREFIX + key)

        manifest = dataset.index(self.procs, self.store, self.work, n)
        done = self.procs.run("refresh", self.mnt, manifest, timeout=60)
        if done.returncode != 0:
            self.tally.error("refresh failed", f"round {n}: {done.stderr.strip()}")
            return
        self.versions.refreshed(time.monotonic())
        self.tally.add("refreshes")
        old = os.path.join(self.work, f"ds-{n - 2}.shoal")
        if n >= 2 and os.path.exists(old):
            os.remove(old)

        for key in puts:
            self.expect(key, "ok")
        for key in deletes:
            self.expect(key, "deleted")
        self.tally.add("refresh files checked", len(puts) + len(deletes))

    def expect(self, key, want):
        """Reads `key` until it gives `want`; errors (a fault) are retried a few times."""
        for _ in range(6):
            got = read_and_judge(self.mnt, key, self.versions, self.tally, f"refresher (want {want})")
            if got == want or got == "failure":
                return
            if got != "error":
                self.tally.failure("refresh", f"{key}: read gave {got}, expected {want}")
                return
            time.sleep(2)
        self.tally.error("refresh check gave up", f"{key}: still failing after 6 tries")
