"""The processes under test, each started by the soak and so known by pid:
shoal-fault-proxy in front of RGW, the read-only mount and the write mount
(both `shoal mount --foreground`, so a crash shows as an exited process),
and the one-shot shoal commands (index, refresh, stats).

Every pid is also appended to WORK/pids, so scripts/soak's exit trap can
end what a killed driver left behind.
"""
import os
import subprocess
import time
import urllib.request


def mounted(mnt):
    with open("/proc/self/mounts") as f:
        return any(line.split()[1] == mnt for line in f)


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Processes:
    def __init__(self, bin_dir, work):
        self.shoal = os.path.join(bin_dir, "shoal")
        self.proxy_bin = os.path.join(bin_dir, "shoal-fault-proxy")
        self.work = work
        self._pids = open(os.path.join(work, "pids"), "a", buffering=1)
        self.proxy = None
        self.proxy_url = None

    def _track(self, proc):
        self._pids.write(f"{proc.pid}\n")
        return proc

    def run(self, *args, timeout=300):
        return subprocess.run([self.shoal, *args], capture_output=True, text=True, timeout=timeout)

    # --- the fault proxy ------------------------------------------------

    def start_proxy(self, upstream_port, seed):
        self.proxy = self._track(subprocess.Popen(
            [self.proxy_bin, "0", str(upstream_port), "--seed", str(seed)],
            stdout=subprocess.PIPE, stderr=open(os.path.join(self.work, "proxy.log"), "w"), text=True))
        self.proxy_url = f"http://127.0.0.1:{int(self.proxy.stdout.readline())}"

    def proxy_control(self, method, text=None):
        request = urllib.request.Request(self.proxy_url + "/__fault__/rules", method=method,
                                         data=None if text is None else text.encode())
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.read().decode()

    # --- mounts ---------------------------------------------------------

    def mount(self, args, mnt, log_name):
        """`shoal mount --foreground ARGS... MNT`; returns the process once MNT is mounted."""
        os.makedirs(mnt, exist_ok=True)
        log = open(os.path.join(self.work, log_name), "w")
        proc = self._track(subprocess.Popen([self.shoal, "mount", "--foreground", *args, mnt],
                                            stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while not mounted(mnt):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"shoal mount {mnt} did not come up; see {log.name}")
            time.sleep(0.1)
        return proc

    @staticmethod
    def unmount(mnt, proc, wait_s=120):
        """Unmounts (lazily if still busy) and waits for the serving process,
        which may still be committing uploads. Returns its exit code."""
        for _ in range(50):
            if not mounted(mnt) or subprocess.run(["fusermount3", "-u", mnt],
                                                  capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)
        try:
            return proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return "killed (did not exit after unmount)"

    def stop_proxy(self):
        if self.proxy is not None and self.proxy.poll() is None:
            self.proxy.kill()
            self.proxy.wait()

    def stats(self, mnt):
        """The mount's metrics as {name{labels}: value}; empty if it did not answer."""
        try:
            done = self.run("stats", mnt, timeout=10)
        except subprocess.TimeoutExpired:
            return {}
        metrics = {}
        for line in done.stdout.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                try:
                    metrics[name] = float(value)
                except ValueError:
                    pass
        return metrics
