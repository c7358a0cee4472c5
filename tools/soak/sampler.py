"""Memory over time: every `every` seconds, the VmRSS of the read mount's
and the write mount's processes, the read engine's own accounting
(shoal_memory_bytes from `shoal stats`) and the progress counters, one
line of rss.tsv each. The samples are kept for the summary.
"""
import threading
import time

from processes import rss_mib

COLUMNS = ["seconds", "faults", "read_rss_mib", "write_rss_mib", "engine_mib",
           "files_verified", "mb_verified", "checkpoints", "errors"]


class Sampler(threading.Thread):
    def __init__(self, procs, mounts, faults, tally, stop, every, path):
        super().__init__(name="sampler", daemon=True)
        self.procs, self.mounts, self.faults, self.tally = procs, mounts, faults, tally
        self.stop, self.every, self.path = stop, every, path
        self.samples = []  # dicts keyed by COLUMNS

    def run(self):
        with open(self.path, "w", buffering=1) as out:
            out.write("\t".join(COLUMNS) + "\n")
            while True:
                sample = self.sample()
                self.samples.append(sample)
                out.write("\t".join(str(sample[c]) for c in COLUMNS) + "\n")
                if self.stop.wait(self.every):
                    return

    def sample(self):
        read_mnt, read_proc = self.mounts["read"]
        _, write_proc = self.mounts["write"]
        engine = self.procs.stats(read_mnt).get("shoal_memory_bytes", 0)
        return {
            "seconds": round(time.monotonic() - self.tally.started),
            "faults": int(self.faults.active),
            "read_rss_mib": round(rss_mib(read_proc.pid), 1),
            "write_rss_mib": round(rss_mib(write_proc.pid), 1),
            "engine_mib": round(engine / (1 << 20), 1),
            "files_verified": self.tally.get("files verified"),
            "mb_verified": round(self.tally.get("bytes verified") / 1e6),
            "checkpoints": self.tally.get("checkpoints verified"),
            "errors": self.tally.error_total(),
        }
