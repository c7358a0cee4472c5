#!/usr/bin/env python3
"""Secret keys stay out of output, logs, process arguments and core dumps.

- No command has a flag that takes a secret (their --help lists none).
- With a wrong secret that is a distinctive string, from the environment or
  from a credentials file, `index`, `ls`, `stat`, `cat`, `put` and `mount`
  fail (signature_does_not_match; access_denied for the bodiless answer to
  `stat`'s HEAD), and the string is in neither their
  standard output nor their standard error.
- A mount with the right secret from a credentials file, through the
  mount.shoal helper, with a log file: while it serves reads (and one read
  that fails), the secret is in no process's /proc/PID/cmdline and not in
  the log; and every copy of it in the serving process's memory lies in a
  mapping marked `dd` (MADV_DONTDUMP), which core dumps leave out.

The process environment still holds a secret given as AWS_SECRET_ACCESS_KEY
(docs/design.md, "Credentials"), so the memory check uses a credentials file.

    secrets_test.py PATH_TO_SHOAL      (SHOAL_TEST_RGW_DIR from ctest)
CI runs as root with /dev/fuse; elsewhere the test skips.
"""
import os
import re
import subprocess
import sys
import time
import unittest
import uuid

SHOAL = sys.argv[1] if len(sys.argv) > 1 else "shoal"
MOUNT_HELPER = os.path.join(os.path.dirname(os.path.abspath(SHOAL)), "mount.shoal")
COMMANDS = ["ls", "stat", "cat", "put", "generate", "index", "inspect", "diff", "bench-read",
            "mount", "stats", "refresh", "prefetch", "ingest", "recover"]

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from rgw_python import RGW, bucket_fixture, needs_mounts, unmount  # noqa: E402


def env_without_keys(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "OSS_"))}
    env.update(AWS_REGION=RGW["SHOAL_TEST_S3_REGION"],
               AWS_ENDPOINT_URL=RGW["SHOAL_TEST_S3_ENDPOINT"], **extra)
    return env


def credentials_file(path, secret):
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(f"[default]\naws_access_key_id = {RGW['SHOAL_TEST_S3_ACCESS_KEY']}\n"
                f"aws_secret_access_key = {secret}\n")
    return path


def mappings(pid):
    """(start, end, readable, VmFlags, name) of each mapping of `pid`."""
    out = []
    with open(f"/proc/{pid}/smaps") as f:
        current = None
        for line in f:
            head = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
            if head:
                current = [int(head[1], 16), int(head[2], 16), head[3][0] == "r", "", head[4]]
                out.append(current)
            elif line.startswith("VmFlags:") and current:
                current[3] = line.split(":", 1)[1].split()
    return out


def places_holding(pid, needle, dumped):
    """The mappings of `pid` whose bytes contain `needle`: those a core dump
    would hold (dumped=True), or the small ones it leaves out (dumped=False;
    a Secret is one page, while a sanitizer's shadow is terabytes of
    MADV_DONTDUMP mappings that would take minutes to read)."""
    found = []
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for start, end, readable, flags, name in mappings(pid):
            if not readable or name == "[vsyscall]" or "io_uring" in name:
                continue
            if ("dd" not in flags) != dumped or (not dumped and end - start > (1 << 20)):
                continue
            tail = b""
            at = start
            while at < end:
                try:
                    mem.seek(at)
                    chunk = mem.read(min(1 << 20, end - at))
                except OSError:
                    break
                if not chunk:
                    break
                if needle in tail + chunk:
                    found.append((name or "anonymous", flags))
                    break
                tail = chunk[-len(needle):]
                at += len(chunk)
    return found


def serving_pid(mnt):
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"mount" in args and mnt.encode() in args:
            return int(pid)
    return None


def every_cmdline():
    out = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    out[int(pid)] = f.read()
            except OSError:
                pass
    return out


@needs_mounts
class SecretsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        bucket_fixture(cls, "secrets")
        for i in range(20):
            cls.s3.put_object(Bucket=cls.bucket, Key=f"ds/f{i:02d}", Body=b"x" * (100 + i))
        cls.right = RGW["SHOAL_TEST_S3_SECRET_KEY"]
        cls.wrong = "WrongSecret-" + uuid.uuid4().hex + "-DoNotPrint"

    def run_shoal(self, args, env, binary=SHOAL):
        return subprocess.run([binary, *args], env=env, capture_output=True, timeout=120)

    def test_no_flag_takes_a_secret(self):
        for command in COMMANDS:
            done = self.run_shoal([command, "--help"], os.environ)
            self.assertEqual(done.returncode, 0, command)
            flags = re.findall(rb"--[a-z][a-z-]+", done.stdout)
            self.assertTrue(flags, command)
            for flag in flags:
                self.assertNotRegex(flag.decode(), r"secret|password|token|access-key",
                                    f"shoal {command} {flag.decode()}")

    def test_a_wrong_secret_is_printed_by_no_command(self):
        local = os.path.join(self.work, "local.txt")
        with open(local, "w") as f:
            f.write("x")
        mnt = os.path.join(self.work, "mnt-wrong")
        os.makedirs(mnt)
        source = f"s3://{self.bucket}/ds"
        commands = [
            ["index", source, "-o", os.path.join(self.work, "never.shoal")],
            ["ls", "-r", source],
            ["stat", source, "f01"],
            ["cat", source, "f01"],
            ["put", local, source + "/up/"],
            ["mount", source, mnt, "--log-file", os.path.join(self.work, "wrong.log")],
            ["mount", "--write", source + "/", mnt, "--durability", "memory"],
        ]
        file = credentials_file(os.path.join(self.work, "wrong.credentials"), self.wrong)
        for how, env, extra in (
                ("environment", env_without_keys(
                    AWS_ACCESS_KEY_ID=RGW["SHOAL_TEST_S3_ACCESS_KEY"],
                    AWS_SECRET_ACCESS_KEY=self.wrong), []),
                ("credentials file", env_without_keys(), ["--credentials-file", file])):
            for args in commands:
                done = self.run_shoal(args + extra, env)
                what = f"shoal {args[0]} with the secret from the {how}"
                self.assertNotEqual(done.returncode, 0, what)
                # A HEAD answer has no body to say why: `stat` sees access_denied.
                self.assertRegex(done.stderr, rb"signature_does_not_match|access_denied", what)
                self.assertNotIn(self.wrong.encode(), done.stdout + done.stderr, what)
        self.assertFalse(os.path.ismount(mnt))
        # A mount that fails reports to the caller's stderr (checked above);
        # its log is opened only once it serves.
        self.assertFalse(os.path.exists(os.path.join(self.work, "wrong.log")))

    def test_a_mount_keeps_its_secret_out_of_cmdlines_logs_and_core_dumps(self):
        manifest = os.path.join(self.work, "ds.shoal")
        env = env_without_keys()
        file = credentials_file(os.path.join(self.work, "right.credentials"), self.right)
        done = self.run_shoal(["index", f"s3://{self.bucket}/ds", "-o", manifest,
                               "--credentials-file", file], env)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn(self.right.encode(), done.stdout + done.stderr)
        self.s3.put_object(Bucket=self.bucket, Key="ds/f19", Body=b"changed")  # reads fail

        mnt = os.path.join(self.work, "mnt")
        log = os.path.join(self.work, "mount.log")
        os.makedirs(mnt)
        done = subprocess.run(
            [MOUNT_HELPER, manifest, mnt, "-o",
             f"credentials_file={file},log_file={log},cache_size=16M"],
            env=env, capture_output=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        try:
            self.assertNotIn(self.right.encode(), done.stdout + done.stderr)
            for i in range(19):
                with open(os.path.join(mnt, f"f{i:02d}"), "rb") as f:
                    self.assertEqual(f.read(), b"x" * (100 + i))
            with self.assertRaises(OSError):
                with open(os.path.join(mnt, "f19"), "rb") as f:
                    f.read()
            stats = self.run_shoal(["stats", mnt], env)
            self.assertNotIn(self.right.encode(), stats.stdout + stats.stderr)

            pid = serving_pid(mnt)
            self.assertIsNotNone(pid, "no process serves the mount")
            for other, cmdline in every_cmdline().items():
                self.assertNotIn(self.right.encode(), cmdline, f"/proc/{other}/cmdline")
            dumped = places_holding(pid, self.right.encode(), dumped=True)
            self.assertEqual(dumped, [], "a copy of the secret would be in a core dump")
            kept = places_holding(pid, self.right.encode(), dumped=False)
            self.assertTrue(kept, "the serving process holds no copy of the secret at all")
        finally:
            unmount(mnt)
        with open(log, "rb") as f:
            text = f.read()
        self.assertIn(b"f19", text)  # the failed read is logged...
        self.assertNotIn(self.right.encode(), text)  # ...without the secret

    def test_a_mount_follows_its_rewritten_credentials_file(self):
        # Rotation (a Kubernetes secret update, a sidecar renewing STS
        # keys) rewrites the file while the mount runs: it is read again
        # within a second, whichever way the keys went.
        env = env_without_keys()
        file = credentials_file(os.path.join(self.work, "rotating.credentials"), self.right)
        mnt = os.path.join(self.work, "mnt-rotating")
        os.makedirs(mnt)
        done = self.run_shoal(["mount", f"s3://{self.bucket}/ds", mnt, "--direct",
                               "--credentials-file", file], env)
        self.assertEqual(done.returncode, 0, done.stderr)

        def read(name):
            with open(os.path.join(mnt, name), "rb") as f:
                return f.read()

        try:
            self.assertEqual(read("f00"), b"x" * 100)
            credentials_file(file, self.wrong)
            time.sleep(1.5)
            with self.assertRaises(OSError):
                read("f01")
            credentials_file(file, self.right)
            time.sleep(1.5)
            self.assertEqual(read("f01"), b"x" * 101)
        finally:
            unmount(mnt)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
