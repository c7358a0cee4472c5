#!/usr/bin/env python3
"""shoal under server faults: real mounts, real RGW, shoal-fault-proxy between.

The proxy (tools/bench/fault_proxy.cc) sits in front of RGW and injects, by
rule: 500 and 503 SlowDown answers, connection resets, stalls before the
first byte, trickled bodies, bodies cut short, wrong Content-Lengths and
another object's bytes with another ETag. Every byte is checked against what
was uploaded with boto3 straight to RGW, never through shoal.

Read path: a transient fault is retried and the reader gets the right bytes;
a persistent one gives an error within a bounded time (never a hang, never
wrong bytes) and the mount stays usable; a server that goes away and comes
back (the proxy killed and restarted on its port) serves reads again.
Write path: uploads under 503/500 answers and lost responses land exactly,
and lost CreateMultipartUpload answers leave no pending upload behind;
a server gone in the middle of an upload leaves the acknowledged bytes in
the spool, and `shoal recover` puts them in the bucket exactly once.

    fault_test.py PATH_TO_SHOAL PATH_TO_SHOAL_FAULT_PROXY   (SHOAL_TEST_RGW_DIR from ctest)
"""
import concurrent.futures
import hashlib
import os
import subprocess
import sys
import time
import unittest
import urllib.request

SHOAL = sys.argv[1] if len(sys.argv) > 1 else "shoal"
PROXY = sys.argv[2] if len(sys.argv) > 2 else "shoal-fault-proxy"
# A read that ends in an error must end well within this; a hang would not.
BOUND_S = 90
STORE_FLAGS = ["--timeout-ms", "3000", "--connect-timeout-ms", "1000", "--max-attempts", "4"]


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from rgw_python import RGW, bucket_fixture, needs_mounts, unmount  # noqa: E402


def body(i, size):
    block = hashlib.sha256(f"fault-{i}".encode()).digest() * 2048  # 64 KiB
    return (block * (size // len(block) + 1))[:size]


class Proxy:
    """shoal-fault-proxy on a loopback port, rules set over its control endpoint."""

    def __init__(self, upstream_port, port=0):
        self.upstream_port = upstream_port
        self.proc = subprocess.Popen([PROXY, str(port), str(upstream_port), "--seed", "7"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.port = int(self.proc.stdout.readline())

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def control(self, method, text=None):
        request = urllib.request.Request(self.endpoint + "/__fault__/rules", method=method,
                                         data=None if text is None else text.encode())
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.read().decode()

    def rules(self, text):
        self.control("PUT", text + "\n")

    def hits(self):
        total = 0
        for line in self.control("GET").splitlines():
            for word in line.split():
                if word.startswith("hits="):
                    total += int(word[len("hits="):])
        return total

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


@needs_mounts
class FaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        bucket_fixture(cls, "fault", with_endpoint=False)
        # 60 small files and one of three 8 MiB parts, straight to RGW.
        cls.files = {f"small-{i:04d}.bin": body(i, 1000 + 997 * i) for i in range(60)}
        cls.files["large.bin"] = body(999, (20 << 20) + 12345)
        for name, data in cls.files.items():
            cls.s3.put_object(Bucket=cls.bucket, Key="ds/" + name, Body=data)
        cls.manifest = os.path.join(cls.work, "ds.shoal")
        cls.run_shoal("index", f"s3://{cls.bucket}/ds", "-o", cls.manifest, "-q",
                      "--endpoint", RGW["SHOAL_TEST_S3_ENDPOINT"])
        cls.proxy = Proxy(int(RGW["SHOAL_TEST_S3_ENDPOINT"].rsplit(":", 1)[1]))

    @classmethod
    def tearDownClass(cls):
        cls.proxy.stop()

    @classmethod
    def run_shoal(cls, *args, check=True, timeout=180):
        done = subprocess.run([SHOAL, *args], env=cls.env, capture_output=True, text=True,
                              timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"shoal {' '.join(args)}: {done.stderr}")
        return done

    def setUp(self):
        self.name = self.id().split(".")[-1]
        self.mnt = os.path.join(self.work, "mnt-" + self.name)
        os.makedirs(self.mnt, exist_ok=True)
        self.proxy.rules("fault=off")

    def tearDown(self):
        self.proxy.rules("fault=off")
        self.unmount()

    def mount_reader(self):
        self.run_shoal("mount", self.manifest, self.mnt, "--endpoint", self.proxy.endpoint,
                       "--cache-size", "64M", "--log-file", os.path.join(self.work, self.name + ".log"),
                       *STORE_FLAGS)

    def unmount(self):
        unmount(self.mnt)

    def wait_daemon_gone(self):
        """The mount's daemon may still be finishing (or failing) uploads."""
        deadline = time.monotonic() + BOUND_S
        while time.monotonic() < deadline:
            if subprocess.run(["pgrep", "-f", f"shoal mount .* {self.mnt}"],
                              capture_output=True).returncode != 0:
                return
            time.sleep(0.2)
        self.fail("the mount's daemon did not exit")

    def read(self, name):
        with open(os.path.join(self.mnt, name), "rb") as f:
            return f.read()

    def read_all_correctly(self):
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            got = dict(zip(self.files, pool.map(self.read, self.files)))
        for name, data in self.files.items():
            self.assertEqual(len(got[name]), len(data), name)
            self.assertTrue(got[name] == data, f"{name}: wrong bytes")

    def read_fails_in_bounded_time(self, name):
        """The read ends in an error (no hang), and never returns wrong bytes."""
        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            future = pool.submit(self.read, name)
            try:
                data = future.result(timeout=BOUND_S)
            except OSError:
                data = None
        self.assertLess(time.monotonic() - start, BOUND_S)
        if data is not None:
            self.assertTrue(data == self.files[name], f"{name}: wrong bytes were served")
            self.fail(f"{name}: read succeeded through a persistent fault")

    # --- read path -------------------------------------------------------

    def test_transient_read_faults_are_retried(self):
        faults = ["500", "503", "reset", "truncate", "bad-length", "stall ms=1500",
                  "trickle bps=4000000", "500 at=response"]
        for fault in faults:
            with self.subTest(fault=fault):
                self.proxy.rules(f"fault={fault} method=GET key=/ds/ percent=100 limit=3")
                self.mount_reader()
                self.read_all_correctly()
                self.assertEqual(self.proxy.hits(), 3, "the fault never fired")
                self.unmount()

    def test_transient_faults_on_a_share_of_requests(self):
        self.proxy.rules("fault=503 method=GET key=/ds/ percent=30\nfault=reset method=GET percent=10")
        self.mount_reader()
        self.read_all_correctly()
        self.assertGreater(self.proxy.hits(), 0)

    def test_wrong_object_is_an_error_never_its_bytes(self):
        self.proxy.rules("fault=wrong-object method=GET key=small-0007 percent=100 limit=1")
        self.mount_reader()
        try:
            data = self.read("small-0007.bin")
            self.assertTrue(data == self.files["small-0007.bin"], "another object's bytes served")
        except OSError:
            pass
        self.assertEqual(self.proxy.hits(), 1)
        self.assertEqual(self.read("small-0007.bin"), self.files["small-0007.bin"])

    def test_persistent_read_faults_fail_in_bounded_time_and_the_mount_recovers(self):
        faults = ["500", "503", "reset", "truncate", "bad-length", "wrong-object", "stall ms=20000"]
        for n, fault in enumerate(faults):
            with self.subTest(fault=fault):
                victim = f"small-{10 + n:04d}.bin"
                self.proxy.rules(f"fault={fault} method=GET key=/{victim} percent=100")
                self.mount_reader()
                self.read_fails_in_bounded_time(victim)
                # Other files still read, and once the fault is gone so does this one.
                self.assertEqual(self.read("small-0001.bin"), self.files["small-0001.bin"])
                self.proxy.rules("fault=off")
                self.assertEqual(self.read(victim), self.files[victim])
                self.unmount()

    def test_server_gone_and_back_reads_resume(self):
        self.mount_reader()
        port = self.proxy.port
        self.proxy.stop()  # the server is gone: connections are refused
        self.read_fails_in_bounded_time("small-0020.bin")
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            # A read issued while the server is down, which it comes back during.
            pending = pool.submit(self.read, "large.bin")
            time.sleep(0.3)
            type(self).proxy = Proxy(self.proxy.upstream_port, port)
            try:
                data = pending.result(timeout=BOUND_S)
                self.assertTrue(data == self.files["large.bin"], "wrong bytes after a restart")
            except OSError:
                pass  # it may have used up its attempts before the restart
        self.read_all_correctly()

    # --- write path ------------------------------------------------------

    def mount_writer(self, prefix, spool):
        self.run_shoal("mount", "--write", f"s3://{self.bucket}/{prefix}", self.mnt,
                       "--endpoint", self.proxy.endpoint, "--spool", spool, "--part-size", "5M",
                       "--log-file", os.path.join(self.work, self.name + ".log"), *STORE_FLAGS)

    def object(self, key):
        return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def no_pending_uploads(self, prefix):
        listed = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix=prefix)
        self.assertEqual(listed.get("Uploads", []), [])

    def test_uploads_under_errors_and_lost_answers_land_exactly(self):
        prefix = "w-errors/"
        self.proxy.rules("\n".join([
            "fault=503 method=PUT percent=30",
            "fault=500 method=POST percent=30",
            "fault=reset method=PUT at=response percent=10",
        ]))
        self.mount_writer(prefix, os.path.join(self.work, "spool-errors"))
        written = {f"ckpt-{i}.bin": body(100 + i, (12 << 20) + i) for i in range(3)}
        written.update({f"log-{i}.txt": body(200 + i, 3000 + i) for i in range(10)})
        for name, data in written.items():
            with open(os.path.join(self.mnt, name), "wb") as f:
                f.write(data)
        self.unmount()
        self.assertGreater(self.proxy.hits(), 0, "no fault fired")
        self.proxy.rules("fault=off")
        for name, data in written.items():
            self.assertTrue(self.object(prefix + name) == data, f"{name} differs in the bucket")
        self.no_pending_uploads(prefix)

    def test_lost_create_answers_leave_no_upload_behind(self):
        # RGW creates the upload but its answer is lost (twice): the retries
        # get new upload ids, and the first two would stay pending forever.
        prefix = "w-lost-create/"
        self.proxy.rules("fault=500 method=POST key=?uploads at=response limit=2")
        self.mount_writer(prefix, os.path.join(self.work, "spool-lost-create"))
        data = body(400, 12 << 20)
        with open(os.path.join(self.mnt, "ckpt.bin"), "wb") as f:
            f.write(data)
        self.unmount()
        self.assertEqual(self.proxy.hits(), 2, "the lost answers did not happen")
        self.proxy.rules("fault=off")
        self.assertTrue(self.object(prefix + "ckpt.bin") == data, "the object differs")
        self.no_pending_uploads(prefix)

    def test_server_gone_mid_upload_loses_no_acknowledged_byte(self):
        prefix = "w-gone/"
        spool = os.path.join(self.work, "spool-gone")
        self.mount_writer(prefix, spool)
        data = body(300, 14 << 20)
        port = self.proxy.port
        f = open(os.path.join(self.mnt, "ckpt.bin"), "wb", buffering=0)
        f.write(data[: 7 << 20])  # acknowledged: in the spool, partly uploaded
        self.proxy.stop()
        f.write(data[7 << 20:])  # acknowledged while the server is gone
        try:
            f.close()  # the commit cannot reach the server
        except OSError:
            pass
        self.unmount()
        self.wait_daemon_gone()  # it holds the spool until it has given up
        type(self).proxy = Proxy(self.proxy.upstream_port, port)
        done = self.run_shoal("recover", f"s3://{self.bucket}/{prefix}", "--spool", spool,
                              "--part-size", "5M", "--endpoint", self.proxy.endpoint,
                              *STORE_FLAGS, check=False)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertTrue(self.object(prefix + "ckpt.bin") == data, "the object differs")
        self.no_pending_uploads(prefix)
        again = self.run_shoal("recover", f"s3://{self.bucket}/{prefix}", "--spool", spool,
                               "--endpoint", self.proxy.endpoint)
        self.assertIn("recovered 0 objects", again.stdout)  # exactly once


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
