"""Periodic fault injection: for the first `on` seconds of every `period`,
shoal-fault-proxy (between both mounts and RGW) fails a few percent of the
requests in each of the ways a remote store does; the rest of the period
it forwards everything untouched. Each window's rule hits are added up from
the proxy's own counters.

Reads (a few percent each): 503 SlowDown, 500, resets, 2 s stalls, bodies
cut short, wrong Content-Lengths and another object's bytes. Writes, which
are far fewer, at 5-10% each: 503 and 500 answers, and answers lost after
the server did the work (reset or 500 at=response), on part uploads, PUTs,
copies, CompleteMultipartUpload and DELETE.
"""
import re
import threading

RULES = """\
fault=503 method=GET percent=3
fault=500 method=GET percent=2
fault=reset method=GET percent=2
fault=stall method=GET ms=2000 percent=1
fault=truncate method=GET percent=2
fault=bad-length method=GET percent=1
fault=wrong-object method=GET percent=1
fault=503 method=PUT percent=10
fault=reset method=PUT at=response percent=5
fault=500 method=POST percent=10
fault=500 method=POST at=response percent=5
fault=503 method=DELETE percent=10
"""


class Faults(threading.Thread):
    def __init__(self, procs, tally, stop, period, on):
        super().__init__(name="faults", daemon=True)
        self.procs, self.tally, self.stop, self.period, self.on = procs, tally, stop, period, on
        self.active = False
        self.windows = 0

    @staticmethod
    def rules(window):
        """RULES, shifted down by a few rules that match nothing. Whether a
        rule fires for its n-th request is a hash of (seed, its position, n),
        and every PUT of the rules restarts n: unshifted, the few writes of
        each window would meet the same decisions every time (never a fault)."""
        return "".join(f"fault=off key=/__window-{window}__\n" for _ in range(window % 64)) + RULES

    def run(self):
        while not self.stop.is_set():
            self.set(True)
            if self.stop.wait(self.on):
                break
            self.set(False)
            self.stop.wait(self.period - self.on)
        self.set(False)

    def set(self, active):
        try:
            if not active and self.active:
                self.count_hits()
            if active:
                self.windows += 1
            self.procs.proxy_control("PUT", self.rules(self.windows) if active else "fault=off\n")
            self.active = active
            if active:
                self.tally.add("fault windows")
        except OSError as e:
            self.tally.error("fault proxy control", repr(e))

    def count_hits(self):
        """Adds up the window's requests and hits per fault (the proxy's
        counters restart with each PUT of the rules)."""
        for line in self.procs.proxy_control("GET").splitlines():
            if line.startswith("#"):
                total = re.search(r"requests=(\d+)", line)
                self.tally.add("requests in fault windows", int(total.group(1)) if total else 0)
                continue
            hits = int(re.search(r"hits=(\d+)", line).group(1))
            rule = dict(w.split("=", 1) for w in line.split("#")[0].split())
            if rule["fault"] == "off":
                continue  # a shift (see rules)
            label = f"{rule.get('method', 'any')} {rule['fault']}" + (" (answer lost)" if "at" in rule else "")
            self.tally.add("faults injected", hits)
            self.tally.add(f"fault: {label}", hits)
