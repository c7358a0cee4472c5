"""Checkpoints through the write mount: every `every` seconds a new file of
`size` random bytes is written front to back under a temporary name,
closed (the commit), and renamed to its final name (a server-side copy),
as a training job saves a checkpoint. Then the object is read back straight
from RGW and must equal what was written, byte for byte.

A write, close or rename that fails is an error (shoal said so). A
checkpoint whose close and rename succeeded but whose object is missing or
different is a failure: a lost checkpoint. If only the rename failed, the
committed object under the temporary name must hold the bytes instead.
Older checkpoints are deleted through the mount, keeping the last two.
"""
import errno
import os

from periodic import Periodic
from store import digest_of

PREFIX = "ckpt/"
CHUNK = 1 << 20


def errname(e):
    return errno.errorcode.get(e.errno, str(e.errno))


class Checkpointer(Periodic):
    def __init__(self, mnt, store, tally, stop, every, size):
        super().__init__("checkpointer", tally, stop, every)
        self.mnt, self.store, self.size = mnt, store, size
        self.kept = []

    def round(self, n):
        name = f"step-{n:06d}.bin"
        tmp = os.path.join(self.mnt, name + ".tmp")
        chunks = [os.urandom(CHUNK) for _ in range(self.size // CHUNK)]
        want = digest_of(chunks)
        try:
            with open(tmp, "wb", buffering=0) as f:
                for chunk in chunks:
                    f.write(chunk)
        except OSError as e:  # raised by write or by close (the commit)
            self.tally.error(f"checkpoint write/close {errname(e)}", f"{name}: {e}")
            self.remove(name + ".tmp")
            return
        try:
            os.rename(tmp, os.path.join(self.mnt, name))
        except OSError as e:
            self.tally.error(f"checkpoint rename {errname(e)}", f"{name}: {e}")
            self.verify(name + ".tmp", want)
            self.remove(name + ".tmp")
            return
        if self.verify(name, want):
            self.tally.add("checkpoints verified")
            self.tally.add("checkpoint bytes verified", self.size)
        self.kept.append(name)
        while len(self.kept) > 2:
            self.remove(self.kept.pop(0))

    def verify(self, name, want):
        got = self.store.digest(PREFIX + name)
        if got == want:
            return True
        what = "missing" if got is None else f"{got[1]} bytes {got[0]}"
        self.tally.failure("lost-checkpoint", f"{name}: committed {want[1]} bytes {want[0]}, bucket has {what}")
        return False

    def remove(self, name):
        try:
            os.unlink(os.path.join(self.mnt, name))
        except FileNotFoundError:
            pass
        except OSError as e:
            self.tally.error(f"checkpoint unlink {errname(e)}", f"{name}: {e}")
            try:
                self.store.delete(PREFIX + name)  # keep RGW's in-memory store small
            except Exception:
                pass
