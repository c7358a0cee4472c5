#!/usr/bin/env python3
"""Object keys that look like attacks, from the bucket to a mounted tree.

Read side: keys such as ../../etc/passwd, /abs/key, a//b, a/./b, a/../b,
`.`, `..`, a name with a newline, a key of 1024 bytes, a name of 300 bytes
and (from a stand-in server, since RGW refuses keys over 1024 bytes with
InvalidObjectName) a key of 4 KiB
are put next to normal keys, indexed with `shoal index` and mounted with
`shoal mount`. The key policy (index/key_policy.h) skips or renames each, and
the index's report names them. `os.walk` and `ls -laR` of the mount
succeed; every file shown reads back its own object; a newline shows as
%0A, so `ls` keeps one name per line; and nothing outside the mountpoint is
created or changed. `shoal ls`, `stat` and `inspect` print such names
escaped, one per line.

Write side: `shoal put` and the write mount refuse to create a key that an
index would skip or rename (index/writable_key.h), and say why; a write
mount shows no `.`, `..` or empty name for hostile keys already there.

    hostile_keys_test.py PATH_TO_SHOAL      (SHOAL_TEST_RGW_DIR from ctest)
CI runs as root with /dev/fuse; elsewhere the test skips.
"""
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SHOAL = sys.argv[1] if len(sys.argv) > 1 else "shoal"

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from listing_server import ListingServer  # noqa: E402
from rgw_python import bucket_fixture, needs_mounts, shoal_env, unmount  # noqa: E402

# Keys the policy skips: they could alias or escape.
SKIPPED = ["../../etc/passwd", "a/./b", "a/../b", ".", ".."]
# Keys the policy renames, with the path the mount shows.
LONG_NAME = "L" * 300
KIB_KEY = "kib/" + "/".join(["s" * 200] * 5) + "/" + "e" * 15  # 1024 bytes, S3's most
RENAMED = {"/abs/key": "abs/key", "x//y": "x/y", "new\nline.txt": "new%0Aline.txt"}
# Keys shown as they are.
PLAIN = ["top.txt", "normal/a.txt", "normal/sub/b.bin", KIB_KEY]


def content(key):
    return hashlib.sha256(key.encode()).hexdigest().encode() + b"\n"


def outside_targets(mnt):
    """Where a naive join of the mountpoint and each hostile key would land
    outside the mount, with what is there now: nothing there may change."""
    targets = {}
    for key in SKIPPED + list(RENAMED):
        target = os.path.normpath(os.path.join(mnt, key))  # "/abs/key" joins to itself
        if not target.startswith(mnt + "/") and not mnt.startswith(target):  # not ".", ".."
            targets[target] = sha_of(target) if os.path.isfile(target) else os.path.lexists(target)
    return targets


def sha_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def walk(top):
    """Every path below `top` (dirs with a trailing '/'), failing on any error."""
    found = set()

    def fail(error):
        raise error

    for root, dirs, files in os.walk(top, onerror=fail):
        rel = os.path.relpath(root, top)
        for d in dirs:
            found.add(os.path.normpath(os.path.join(rel, d)) + "/")
        for f in files:
            found.add(os.path.normpath(os.path.join(rel, f)))
    return found


@needs_mounts
class HostileKeysReadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        bucket_fixture(cls, "hostile")
        cls.mnt = os.path.join(cls.work, "mnt")
        cls.outside_before = outside_targets(cls.mnt)
        cls.passwd_before = sha_of("/etc/passwd")
        for key in SKIPPED + list(RENAMED) + PLAIN + ["long/" + LONG_NAME]:
            cls.s3.put_object(Bucket=cls.bucket, Key=key, Body=content(key))
        os.makedirs(cls.mnt)
        cls.manifest = os.path.join(cls.work, "hostile.shoal")
        cls.indexed = cls.shoal("index", f"s3://{cls.bucket}", "-o", cls.manifest)
        cls.log = os.path.join(cls.work, "mount.log")
        cls.shoal("mount", cls.manifest, cls.mnt, "--log-file", cls.log)

    @classmethod
    def tearDownClass(cls):
        unmount(cls.mnt)

    @classmethod
    def shoal(cls, *args, check=True):
        done = subprocess.run([SHOAL, *args], env=cls.env, capture_output=True, timeout=120)
        if check and done.returncode != 0:
            raise AssertionError(f"shoal {' '.join(args)}: {done.stderr.decode()}")
        return done

    def test_the_bucket_holds_the_keys_exactly(self):
        # Proves that boto3 and RGW kept every key as given, so what follows
        # really tests hostile keys.
        listed = self.s3.list_objects_v2(Bucket=self.bucket)
        self.assertEqual(sorted(o["Key"] for o in listed["Contents"]),
                         sorted(SKIPPED + list(RENAMED) + PLAIN + ["long/" + LONG_NAME]))

    def test_the_index_names_every_key_it_skips_or_renames(self):
        report = self.indexed.stderr.decode()
        self.assertIn(f"{len(SKIPPED)} keys skipped, 4 renamed by the key policy", report)
        self.assertIn(f"{len(SKIPPED)} x '.' or '..' segment: key skipped", report)
        for key in SKIPPED + ["/abs/key", "x//y", "long/" + "L" * 195]:
            self.assertIn("'" + key, report)
        self.assertIn("'new%0Aline.txt'", report)  # the sample itself is one line
        self.assertEqual(len(report.splitlines()), 6, report)  # headline + 5 kinds

    def test_walking_the_mount_shows_exactly_the_safe_names(self):
        found = walk(self.mnt)
        long_names = [p for p in found if p.startswith("long/") and p != "long/"]
        self.assertEqual(len(long_names), 1, found)
        long_path = long_names[0]
        self.assertEqual(len(os.path.basename(long_path)), 255)
        self.assertTrue(os.path.basename(long_path).startswith("L" * 238 + "~"))
        files = PLAIN + list(RENAMED.values()) + [long_path]
        dirs = {"abs/", "x/", "normal/", "normal/sub/", "long/", "kib/"}
        for d in range(1, 6):
            dirs.add("kib/" + "/".join(["s" * 200] * d) + "/")
        self.assertEqual(found, set(files) | dirs)
        # Each file reads back its own object, renamed or not.
        originals = {v: k for k, v in RENAMED.items()}
        originals[long_path] = "long/" + LONG_NAME
        for path in files:
            with open(os.path.join(self.mnt, path), "rb") as f:
                self.assertEqual(f.read(), content(originals.get(path, path)), path)

    def test_ls_lists_the_mount_one_name_per_line(self):
        done = subprocess.run(["ls", "-laR", self.mnt], capture_output=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.decode().splitlines()
        self.assertTrue(any(line.endswith(" new%0Aline.txt") for line in lines), lines)
        self.assertFalse(any(line == "line.txt" or line.endswith(" new") for line in lines))
        self.assertIn("new%0Aline.txt", os.listdir(self.mnt))
        self.assertNotIn("new\nline.txt", os.listdir(self.mnt))

    def test_no_name_leads_outside_the_mount(self):
        self.assertFalse(os.path.lexists(os.path.join(self.mnt, "etc")))
        self.assertFalse(os.path.lexists(os.path.join(self.mnt, "a")))  # a/./b, a/../b
        for path in walk(self.mnt):  # read everything, then compare the outside
            if not path.endswith("/"):
                with open(os.path.join(self.mnt, path), "rb") as f:
                    f.read()
        self.assertEqual(outside_targets(self.mnt), self.outside_before)
        self.assertIn("/abs/key", self.outside_before)
        self.assertIn(os.path.normpath(os.path.join(self.mnt, "../../etc/passwd")),
                      self.outside_before)
        self.assertEqual(sha_of("/etc/passwd"), self.passwd_before)
        self.assertEqual(sorted(os.listdir(self.work)), ["hostile.shoal", "mnt", "mount.log"])
        with open(self.log) as f:
            self.assertNotIn("rror", f.read())

    def test_cli_prints_hostile_keys_escaped_one_per_line(self):
        listed = self.shoal("ls", "-r", f"s3://{self.bucket}").stdout.decode()
        lines = listed.splitlines()
        self.assertEqual(len(lines), len(SKIPPED) + len(RENAMED) + len(PLAIN) + 1, listed)
        self.assertTrue(any(line.endswith("  new\\nline.txt") for line in lines), lines)
        stat = self.shoal("stat", f"s3://{self.bucket}", "new\nline.txt").stdout.decode()
        self.assertTrue(stat.startswith("key: new\\nline.txt\nsize: "), stat)
        inspected = self.shoal("inspect", self.manifest).stdout.decode()
        self.assertIn(f"key policy:  {len(SKIPPED)} skipped, 4 renamed", inspected)
        root = self.shoal("inspect", self.manifest, "--ls", "/").stdout.decode()
        self.assertTrue(any(line.endswith("  new%0Aline.txt") for line in root.splitlines()))
        as_json = json.loads(self.shoal("inspect", self.manifest, "--ls", "/", "--json").stdout)
        self.assertIn("new%0Aline.txt", [e["name"] for e in as_json["entries"]])


@needs_mounts
class HostileServerKeysTest(unittest.TestCase):
    """A 4 KiB key of 21 names, which RGW refuses to store but a hostile
    server can list (tests/support/listing_server.py): skipped, so no path
    below the mount passes PATH_MAX and `ls -laR` walks it all."""

    DEEP = "/".join(["d" * 200] * 21) + "/deep.txt"

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="shoal-hostile-server-")
        self.mnt = os.path.join(self.work, "mnt")
        os.makedirs(self.mnt)
        self.server = ListingServer("bkt", {self.DEEP: b"deep", "normal/a.txt": b"a"})
        self.env = dict(shoal_env(with_endpoint=False), AWS_ENDPOINT_URL=self.server.endpoint)

    def tearDown(self):
        unmount(self.mnt)
        self.server.__exit__()
        shutil.rmtree(self.work, ignore_errors=True)

    def test_a_4_kib_key_is_skipped_and_named(self):
        self.assertEqual(len(self.DEEP), 4229)
        manifest = os.path.join(self.work, "deep.shoal")
        done = subprocess.run([SHOAL, "index", "s3://bkt", "-o", manifest], env=self.env,
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("1 x path over 1024 bytes: key skipped, e.g. 'ddd", done.stderr)
        done = subprocess.run([SHOAL, "mount", manifest, self.mnt], env=self.env,
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(walk(self.mnt), {"normal/", "normal/a.txt"})
        listed = subprocess.run(["ls", "-laR", self.mnt], capture_output=True, timeout=60)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        with open(os.path.join(self.mnt, "normal/a.txt"), "rb") as f:
            self.assertEqual(f.read(), b"a")


@needs_mounts
class HostileNamesWriteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        bucket_fixture(cls, "hostile-write")
        cls.src = os.path.join(cls.work, "src")
        os.makedirs(cls.src)
        with open(os.path.join(cls.src, "ok.txt"), "wb") as f:
            f.write(b"ok")
        # Hostile keys already under the write mount's prefix.
        for key in ("w/../escape", "w//double", "w/./dot", "w/ok-before"):
            cls.s3.put_object(Bucket=cls.bucket, Key=key, Body=b"x")

    def shoal(self, *args):
        return subprocess.run([SHOAL, *args], env=self.env, capture_output=True, text=True,
                              timeout=120)

    def keys(self):
        listed = self.s3.list_objects_v2(Bucket=self.bucket)
        return sorted(o["Key"] for o in listed.get("Contents", []))

    def test_put_refuses_hostile_destinations_by_name(self):
        before = self.keys()
        cases = {
            f"s3://{self.bucket}/../../etc/": "key '../../etc/ok.txt' has a '.' or '..' segment",
            f"s3://{self.bucket}/a/./b/": "key 'a/./b/ok.txt' has a '.' or '..' segment",
            f"s3://{self.bucket}//abs/": "key '/abs/ok.txt' starts with '/'",
            f"s3://{self.bucket}/a//b/": "key 'a//b/ok.txt' has an empty segment",
            f"s3://{self.bucket}/{'n' * 300}/": "has a name over 255 bytes",
        }
        for destination, why in cases.items():
            done = self.shoal("put", os.path.join(self.src, "ok.txt"), destination)
            self.assertEqual(done.returncode, 1, destination)
            self.assertIn(why, done.stderr)
            self.assertIn("cannot upload " + os.path.join(self.src, "ok.txt"), done.stderr)
        self.assertEqual(self.keys(), before)

    def test_put_refuses_a_tree_holding_a_hostile_file_name(self):
        tree = os.path.join(self.work, "tree")
        os.makedirs(tree)
        for name in ("good.txt", "bad\nname.txt"):
            with open(os.path.join(tree, name), "wb") as f:
                f.write(b"x")
        before = self.keys()
        done = self.shoal("put", tree, f"s3://{self.bucket}/up/")
        self.assertEqual(done.returncode, 1)
        self.assertIn("key 'up/tree/bad\\nname.txt' holds a control character", done.stderr)
        self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
        self.assertEqual(self.keys(), before)  # nothing is sent, not even good.txt

    def test_write_mount_of_a_hostile_prefix_is_refused(self):
        mnt = os.path.join(self.work, "mnt-prefix")
        os.makedirs(mnt)
        self.addCleanup(unmount, mnt)  # should the refusal ever fail
        done = self.shoal("mount", "--write", f"s3://{self.bucket}/w/../x/", mnt,
                          "--durability", "memory")
        self.assertEqual(done.returncode, 1)
        self.assertIn("the prefix to mount for writing: key 'w/../x' has a '.' or '..' segment",
                      done.stderr)
        self.assertFalse(os.path.ismount(mnt))

    def test_write_mount_refuses_hostile_names_and_lists_hostile_keys_safely(self):
        mnt = os.path.join(self.work, "mnt")
        log = os.path.join(self.work, "write.log")
        os.makedirs(mnt)
        done = self.shoal("mount", "--write", f"s3://{self.bucket}/w/", mnt, "--log-file", log,
                          "--durability", "memory")
        self.assertEqual(done.returncode, 0, done.stderr)
        try:
            # "w/../escape", "w/./dot" and "w//double" would be "..", "." and "".
            self.assertEqual(sorted(os.listdir(mnt)), ["ok-before"])
            with self.assertRaises(OSError) as raised:
                open(os.path.join(mnt, "a\nb"), "wb")
            self.assertEqual(raised.exception.errno, errno.EINVAL)
            with self.assertRaises(OSError) as raised:
                open(os.path.join(mnt, "n" * 300), "wb")
            self.assertEqual(raised.exception.errno, errno.ENAMETOOLONG)
            with self.assertRaises(OSError) as raised:
                os.mkdir(os.path.join(mnt, "bad\x01dir"))
            self.assertEqual(raised.exception.errno, errno.EINVAL)
            with open(os.path.join(mnt, "ok.txt"), "wb") as f:
                f.write(b"fine")
            with self.assertRaises(OSError) as raised:
                os.rename(os.path.join(mnt, "ok.txt"), os.path.join(mnt, "x\ny"))
            self.assertEqual(raised.exception.errno, errno.EINVAL)
        finally:
            unmount(mnt)
        self.assertEqual([k for k in self.keys() if k.startswith("w/")],
                         ["w/../escape", "w/./dot", "w//double", "w/ok-before", "w/ok.txt"])
        with open(log) as f:
            text = f.read()
        self.assertIn("/a\\nb: Invalid argument: invalid_argument: key 'w/a\\nb' holds a control "
                      "character", text)
        self.assertIn("File name too long", text)
        self.assertIn("/x\\ny: Invalid argument", text)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
