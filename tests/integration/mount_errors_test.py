#!/usr/bin/env python3
"""Mountpoints that cannot take a mount, with real FUSE mounts of a file://
bucket (no object store needed).

- busy: a second `shoal mount` (or `mount.shoal`) on a mountpoint that is
  already mounted fails with "is busy" and leaves the first mount serving;
- not empty: allowed, as libfuse 3 allows it (fuse2's `nonempty` option is
  gone); the files underneath are hidden while mounted and back afterwards;
- a local path the mount uses inside the mountpoint (its file:// bucket,
  --cache-dir, --spool, --log-file): refused by name. Before, a write mount
  over its own file:// bucket mounted, then hung on the first lookup, its
  FUSE threads waiting on themselves.

A missing mountpoint, one that is a file, conflicting flags and mount
helper options are checked without mounting, in tests/cli/cli_test.sh.

    mount_errors_test.py PATH_TO_SHOAL
CI runs as root with /dev/fuse; elsewhere the test skips.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SHOAL = sys.argv[1] if len(sys.argv) > 1 else "shoal"
MOUNT_HELPER = os.path.join(os.path.dirname(os.path.abspath(SHOAL)), "mount.shoal")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from rgw_python import mounted, needs_fuse, unmount  # noqa: E402


def abort_connection(mnt):
    """Ends a FUSE connection whose daemon may hang (fusectl's abort), so that
    a failing test cannot leave a mount behind that blocks whoever looks."""
    try:
        minor = os.minor(os.lstat(mnt).st_dev)
        with open(f"/sys/fs/fuse/connections/{minor}/abort", "w") as f:
            f.write("1")
    except OSError:
        pass


@needs_fuse
class MountErrorsTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="shoal-mount-errors-")
        self.bucket = os.path.join(self.work, "bucket")
        os.makedirs(self.bucket)
        with open(os.path.join(self.bucket, "a.txt"), "w") as f:
            f.write("a")
        self.manifest = os.path.join(self.work, "a.shoal")
        self.shoal("index", f"file://{self.bucket}", "-o", self.manifest, "-q")
        self.mnt = os.path.join(self.work, "mnt")
        os.makedirs(self.mnt)

    def tearDown(self):
        for _ in range(4):  # a regression could stack mounts, or hang one
            if mounted(self.mnt):
                abort_connection(self.mnt)
                unmount(self.mnt)
        shutil.rmtree(self.work, ignore_errors=True)

    def shoal(self, *args, check=True, binary=SHOAL):
        done = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120)
        if check:
            self.assertEqual(done.returncode, 0, done.stderr)
        return done

    def test_a_busy_mountpoint_is_refused_by_name(self):
        self.shoal("mount", self.manifest, self.mnt)
        self.assertTrue(mounted(self.mnt))
        for again in ([SHOAL, "mount", self.manifest, self.mnt],
                      [SHOAL, "mount", "--write", f"file://{self.bucket}", self.mnt,
                       "--durability", "memory"],
                      [MOUNT_HELPER, self.manifest, self.mnt, "-o", "ro"]):
            done = subprocess.run(again, capture_output=True, text=True, timeout=120)
            self.assertEqual(done.returncode, 1, again)
            self.assertIn(f"mountpoint {self.mnt} is busy: something is already mounted there",
                          done.stderr)
        with open(os.path.join(self.mnt, "a.txt")) as f:  # the first mount still serves
            self.assertEqual(f.read(), "a")
        with open("/proc/self/mounts") as f:
            self.assertEqual(sum(line.split()[1] == self.mnt for line in f), 1)

    def test_local_paths_inside_the_mountpoint_are_refused_by_name(self):
        inside = os.path.join(self.mnt, "bucket")
        os.makedirs(inside)
        cases = [
            (["--write", f"file://{inside}", self.mnt, "--durability", "memory"],
             f"the file:// bucket {inside} lies inside the mountpoint {self.mnt}"),
            (["--write", f"file://{self.bucket}", self.mnt, "--spool", self.mnt + "/spool"],
             f"the spool {self.mnt}/spool lies inside the mountpoint"),
            ([self.manifest, self.mnt, "--cache-dir", self.mnt + "/cache"],
             f"--cache-dir {self.mnt}/cache lies inside the mountpoint"),
            ([self.manifest, self.mnt, "--log-file", self.mnt + "/../mnt/log"],
             f"--log-file {self.mnt}/../mnt/log lies inside the mountpoint"),
        ]
        for args, why in cases:
            done = subprocess.run([SHOAL, "mount", *args], capture_output=True, text=True,
                                  timeout=60)
            self.assertEqual((done.returncode, mounted(self.mnt)), (1, False), args)
            self.assertIn(why, done.stderr)
        self.assertEqual(os.listdir(self.mnt), ["bucket"])

    def test_a_nonempty_mountpoint_is_allowed_and_restored(self):
        with open(os.path.join(self.mnt, "underneath"), "w") as f:
            f.write("u")
        self.shoal("mount", self.manifest, self.mnt)
        self.assertEqual(os.listdir(self.mnt), ["a.txt"])
        unmount(self.mnt)
        self.assertEqual(os.listdir(self.mnt), ["underneath"])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
