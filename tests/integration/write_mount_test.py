#!/usr/bin/env python3
"""The write mount, really mounted with FUSE over RGW, checked with boto3.

Every object written through the mount is read back by boto3 (not by
shoal's own reader) and compared byte for byte: sizes of 0 B, 1 B, exactly
one part and several parts; the refused operations and their errno; the
checkpoint pattern (save to a temporary name, rename, keep the last 2) as
the seed's training example does with max_to_keep; and a writer killed with
SIGKILL in the middle of a multipart upload, then `shoal recover`: the
object is complete and no multipart upload is left pending.

    write_mount_test.py PATH_TO_SHOAL      (SHOAL_TEST_RGW_DIR from ctest)
CI runs as root with /dev/fuse; elsewhere the test skips.
"""
import errno
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
import unittest

SHOAL = sys.argv[1] if len(sys.argv) > 1 else "shoal"
PART = 5 << 20  # RGW's smallest part for all but the last


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from rgw_python import bucket_fixture, needs_mounts, unmount  # noqa: E402


def sha(data):
    return hashlib.sha256(data).hexdigest()


def pattern(size, seed):
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB
    return (block * (size // len(block) + 1))[:size]


@needs_mounts
class WriteMountTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        bucket_fixture(cls, "write")

    def setUp(self):
        self.prefix = self.id().split(".")[-1] + "/"
        self.mnt = os.path.join(self.work, "mnt-" + self.id().split(".")[-1])
        self.spool = os.path.join(self.work, "spool-" + self.id().split(".")[-1])
        self.log = os.path.join(self.work, self.id().split(".")[-1] + ".log")
        os.makedirs(self.mnt, exist_ok=True)
        self.mount()

    def tearDown(self):
        self.unmount()

    def shoal(self, *args, check=True):
        done = subprocess.run([SHOAL, *args], env=self.env, capture_output=True, text=True,
                              timeout=120)
        if check:
            self.assertEqual(done.returncode, 0, done.stderr)
        return done

    def mount(self):
        return self.shoal("mount", "--write", f"s3://{self.bucket}/{self.prefix}", self.mnt,
                   "--spool", self.spool, "--part-size", "5M", "--log-file", self.log)

    def unmount(self):
        unmount(self.mnt)

    def get(self, name):
        return self.s3.get_object(Bucket=self.bucket, Key=self.prefix + name)["Body"].read()

    def keys(self):
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix)
        return sorted(o["Key"][len(self.prefix):] for o in listed.get("Contents", []))

    def pending_uploads(self):
        return self.s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])

    def test_sizes_read_back_identical_by_boto3(self):
        sizes = {"zero": 0, "one": 1, "one-part": PART, "several-parts": 3 * PART + 12345}
        for name, size in sizes.items():
            with open(os.path.join(self.mnt, name), "wb") as f:
                data = pattern(size, size)
                for at in range(0, size, 1 << 20):
                    f.write(data[at:at + (1 << 20)])
        for name, size in sizes.items():
            body = self.get(name)
            self.assertEqual(len(body), size, name)
            self.assertEqual(sha(body), sha(pattern(size, size)), name)
            self.assertEqual(os.stat(os.path.join(self.mnt, name)).st_size, size, name)
        self.assertEqual(self.pending_uploads(), [])
        # A file being written is listed, with its size so far.
        with open(os.path.join(self.mnt, "open.bin"), "wb", buffering=0) as f:
            f.write(b"12345")
            self.assertIn("open.bin", os.listdir(self.mnt))
            self.assertEqual(os.stat(os.path.join(self.mnt, "open.bin")).st_size, 5)
        # The shell's `>` closes a dup of the descriptor before writing.
        subprocess.run(["bash", "-c", f"echo hello > {self.mnt}/shell.txt"], check=True)
        self.assertEqual(self.get("shell.txt"), b"hello\n")
        os.makedirs(os.path.join(self.mnt, "logs/2026"))
        with open(os.path.join(self.mnt, "logs/2026/day.log"), "wb") as f:
            f.write(b"a")
            f.flush()
            os.fsync(f.fileno())
            self.assertEqual(self.get("logs/2026/day.log"), b"a")  # fsync commits
            f.write(b"b")
        self.assertEqual(self.get("logs/2026/day.log"), b"ab")
        self.assertIn("logs", os.listdir(self.mnt))

    def test_refused_operations_name_their_errno(self):
        path = os.path.join(self.mnt, "f.bin")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT)
        os.write(fd, b"0123456789")
        with self.assertRaises(OSError) as e:
            os.pwrite(fd, b"x", 100)  # a hole
        self.assertEqual(e.exception.errno, errno.EINVAL)
        with self.assertRaises(OSError) as e:
            os.pwrite(fd, b"x", 3)  # a rewrite
        self.assertEqual(e.exception.errno, errno.EINVAL)
        os.close(fd)
        self.assertEqual(self.get("f.bin"), b"0123456789")

        fd = os.open(os.path.join(self.mnt, "busy"), os.O_WRONLY | os.O_CREAT)
        with self.assertRaises(OSError) as e:
            os.open(os.path.join(self.mnt, "busy"), os.O_WRONLY | os.O_TRUNC)
        self.assertEqual(e.exception.errno, errno.EBUSY)
        os.write(fd, b"first writer")
        os.close(fd)
        self.assertEqual(self.get("busy"), b"first writer")

        with self.assertRaises(OSError) as e:
            os.open(path, os.O_WRONLY)  # neither O_TRUNC nor O_APPEND
        self.assertEqual(e.exception.errno, errno.EOPNOTSUPP)
        fd = os.open(os.path.join(self.mnt, "growing"), os.O_WRONLY | os.O_CREAT)
        os.write(fd, b"abc")
        with self.assertRaises(OSError) as e:
            os.ftruncate(fd, 1)
        self.assertEqual(e.exception.errno, errno.EOPNOTSUPP)
        os.ftruncate(fd, 0)  # starting over is allowed
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"xyz")
        os.close(fd)
        self.assertEqual(self.get("growing"), b"xyz")
        # ftruncate after an fsync starts the still-open file over.
        fd = os.open(os.path.join(self.mnt, "restart"), os.O_WRONLY | os.O_CREAT)
        os.write(fd, b"first")
        os.fsync(fd)
        self.assertEqual(self.get("restart"), b"first")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"second")
        os.close(fd)
        self.assertEqual(self.get("restart"), b"second")
        with open(self.log) as f:
            log = f.read()
        for needle in ["/f.bin: Invalid argument", "/busy: Device or resource busy",
                       "/f.bin: Operation not supported", "/growing: Operation not supported"]:
            self.assertIn(needle, log)

    def test_checkpoints_tmp_then_rename_keep_last_two(self):
        # What tf.train.Saver(max_to_keep=2).save(sess, log_dir + '/model.ckpt',
        # global_step=i) does in the seed's training example, every 100 steps
        # for 1,000 steps: each file of a checkpoint is written to a
        # temporary name and renamed into place, the "checkpoint" state file
        # is rewritten the same way, and the oldest set is deleted.
        script = textwrap.dedent("""
            import os, sys
            log_dir = os.path.join(sys.argv[1], "training_logs")
            os.makedirs(log_dir, exist_ok=True)
            def atomic_write(path, data):
                tmp = path + ".tempstate123"
                with open(tmp, "wb") as f:
                    f.write(data)
                os.rename(tmp, path)
            kept = []
            for step in range(100, 1001, 100):
                prefix = os.path.join(log_dir, "model.ckpt-%d" % step)
                atomic_write(prefix + ".data-00000-of-00001", bytes([step % 251]) * (200000 + step))
                atomic_write(prefix + ".index", b"index %d" % step)
                atomic_write(prefix + ".meta", b"meta %d" % step)
                kept.append(prefix)
                while len(kept) > 2:  # max_to_keep=2
                    old = kept.pop(0)
                    for suffix in (".data-00000-of-00001", ".index", ".meta"):
                        os.remove(old + suffix)
                state = "".join('all_model_checkpoint_paths: "%s"\\n' % os.path.basename(k)
                                for k in kept)
                atomic_write(os.path.join(log_dir, "checkpoint"),
                             ('model_checkpoint_path: "%s"\\n' % os.path.basename(kept[-1])
                              + state).encode())
            print(sorted(os.listdir(log_dir)))
        """)
        done = subprocess.run([sys.executable, "-c", script, self.mnt], capture_output=True,
                              text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("model.ckpt-900.index", done.stdout)
        expected = ["training_logs/checkpoint"] + [
            "training_logs/model.ckpt-%d%s" % (step, suffix)
            for step in (1000, 900) for suffix in (".data-00000-of-00001", ".index", ".meta")]
        self.assertEqual(self.keys(), sorted(expected))
        self.assertEqual(self.get("training_logs/model.ckpt-1000.data-00000-of-00001"),
                         bytes([1000 % 251]) * 201000)
        self.assertIn(b'model_checkpoint_path: "model.ckpt-1000"',
                      self.get("training_logs/checkpoint"))
        self.assertEqual(self.pending_uploads(), [])

    def kill_mid_upload(self, name, data):
        """Writes `data` to `name` through the mount, then SIGKILLs the
        mount while the file is still open: every byte was acknowledged,
        none committed, and a multipart upload is pending."""
        ready = os.path.join(self.work, name + ".ready")
        writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            data = sys.stdin.buffer.read()
            f = open({os.path.join(self.mnt, name)!r}, 'wb', buffering=0)
            for at in range(0, len(data), 1 << 20):
                f.write(data[at:at + (1 << 20)])
            open({ready!r}, 'w').close()
            time.sleep(60)
        """)], stdin=subprocess.PIPE)
        writer.stdin.write(data)
        writer.stdin.close()
        for _ in range(600):
            if os.path.exists(ready):
                break
            time.sleep(0.1)
        self.assertTrue(os.path.exists(ready), "the writer never finished writing")
        daemon = subprocess.run(["pgrep", "-f", f"shoal mount --write .* {self.mnt} "],
                                capture_output=True, text=True).stdout.split()
        self.assertEqual(len(daemon), 1, daemon)
        os.kill(int(daemon[0]), signal.SIGKILL)
        writer.kill()
        writer.wait()
        subprocess.run(["fusermount3", "-u", "-z", self.mnt], capture_output=True)
        self.assertNotIn(name, self.keys())  # never committed
        self.assertNotEqual(self.pending_uploads(), [])  # the upload was streaming

    def test_sigkill_mid_upload_then_recover(self):
        # Recovered by `shoal recover`.
        data = pattern(4 * PART + 777, 42)
        self.kill_mid_upload("big.bin", data)
        done = self.shoal("recover", f"s3://{self.bucket}/{self.prefix}", "--spool", self.spool,
                          "--part-size", "5M")
        self.assertIn("recovered 1 objects", done.stdout)
        self.assertEqual(sha(self.get("big.bin")), sha(data))
        self.assertEqual(self.pending_uploads(), [])
        again = self.shoal("recover", f"s3://{self.bucket}/{self.prefix}", "--spool", self.spool)
        self.assertIn("recovered 0 objects", again.stdout)
        # Recovered by the next mount on the same spool.
        self.mount()
        more = pattern(2 * PART + 5, 43)
        self.kill_mid_upload("more.bin", more)
        mounted = self.mount()
        self.assertIn(f"recovered {self.prefix}more.bin", mounted.stderr)
        self.assertEqual(sha(self.get("more.bin")), sha(more))
        self.assertEqual(os.path.getsize(os.path.join(self.mnt, "more.bin")), len(more))
        self.assertEqual(self.pending_uploads(), [])

    def test_durability_memory_writes_without_a_spool(self):
        self.unmount()
        self.shoal("mount", "--write", f"s3://{self.bucket}/{self.prefix}", self.mnt,
                   "--durability", "memory", "--part-size", "5M", "--log-file", self.log)
        data = pattern(2 * PART + 1, 7)
        with open(os.path.join(self.mnt, "fast.bin"), "wb") as f:
            f.write(data)
        self.assertEqual(sha(self.get("fast.bin")), sha(data))
        subprocess.run(["bash", "-c", f"echo hello > {self.mnt}/shell.txt"], check=True)
        self.assertEqual(self.get("shell.txt"), b"hello\n")
        self.assertEqual(os.listdir(os.path.join(self.spool, "entries")), [])  # never used

    def test_append_native_for_logs_and_copy_for_plain_objects(self):
        # A plain object (PUT by another client) is not appendable on RGW:
        # the copy strategy (read back, or UploadPartCopy at 5 MiB and up).
        self.s3.put_object(Bucket=self.bucket, Key=self.prefix + "plain.txt", Body=b"base")
        big = pattern(6 << 20, 6)
        self.s3.put_object(Bucket=self.bucket, Key=self.prefix + "big.bin", Body=big)
        with open(os.path.join(self.mnt, "plain.txt"), "ab") as f:
            f.write(b"+more")
        self.assertEqual(self.get("plain.txt"), b"base+more")
        with open(os.path.join(self.mnt, "big.bin"), "ab") as f:
            f.write(b"tail")
        self.assertEqual(sha(self.get("big.bin")), sha(big + b"tail"))
        # A log created with O_APPEND is appended to natively, across opens
        # and fsyncs, each time only with what is new.
        log = os.path.join(self.mnt, "app.log")
        with open(log, "ab") as f:
            f.write(b"l1\n")
        with open(log, "ab") as f:
            f.write(b"l2\n")
            f.flush()
            os.fsync(f.fileno())
            self.assertEqual(self.get("app.log"), b"l1\nl2\n")
            f.write(b"l3\n")
        self.assertEqual(self.get("app.log"), b"l1\nl2\nl3\n")
        self.assertEqual(os.path.getsize(log), 9)
        self.assertEqual(self.pending_uploads(), [])
        # Both strategies really ran: RGW's append, and UploadPartCopy.
        # Two processes appending to one log share it: both land, in order.
        a = os.open(log, os.O_WRONLY | os.O_APPEND)
        b = os.open(log, os.O_WRONLY | os.O_APPEND)
        for line in (b"a1\n", b"b1\n", b"a2\n"):
            os.write(a if line[0:1] == b"a" else b, line)
        os.close(a)
        os.close(b)
        self.assertEqual(self.get("app.log"), b"l1\nl2\nl3\na1\nb1\na2\n")
        # open(..., "a") with nothing written still creates the file.
        open(os.path.join(self.mnt, "empty.log"), "ab").close()
        self.assertEqual(self.get("empty.log"), b"")
        counts = {}
        for line in self.shoal("stats", self.mnt).stdout.splitlines():
            if line.startswith('shoal_object_requests_total{op="'):
                counts[line.split('"')[1]] = int(line.split()[-1])
        self.assertGreaterEqual(counts.get("append", 0), 3, counts)
        self.assertGreaterEqual(counts.get("upload_part_copy", 0), 1, counts)

    def test_ingest_killed_and_resumed_loses_and_repeats_nothing(self):
        source = os.path.join(self.work, "ingest-source.log")
        journal = os.path.join(self.work, "ingest.journal")
        lines = b"".join(b"%08d some log line with a little payload\n" % i for i in range(60000))
        with open(source, "wb") as f:
            f.write(lines[:len(lines) // 3])
        args = ["ingest", f"s3://{self.bucket}/{self.prefix}logs/", source, "--journal", journal,
                "--roll-bytes", "300K", "--flush-seconds", "0.1"]
        ingest = subprocess.Popen([SHOAL, *args], env=self.env, stderr=subprocess.DEVNULL)
        with open(source, "ab") as f:  # the log grows while it is ingested
            for at in range(len(lines) // 3, 2 * len(lines) // 3, 50000):
                f.write(lines[at:min(at + 50000, 2 * len(lines) // 3)])
                f.flush()
                time.sleep(0.05)
        for _ in range(200):
            if len(self.keys()) >= 3:
                break
            time.sleep(0.05)
        ingest.send_signal(signal.SIGKILL)
        ingest.wait()
        with open(source, "ab") as f:
            f.write(lines[2 * len(lines) // 3:])
        done = self.shoal(*args, "--once")
        self.assertIn("ingested", done.stderr)
        keys = [k for k in self.keys() if k.startswith("logs/")]
        roll = 300 * 1024  # every object but the last is exactly --roll-bytes
        self.assertEqual(len(keys), (len(lines) + roll - 1) // roll)
        self.assertTrue(all(len(self.get(k)) == roll for k in keys[:-1]))
        joined = b"".join(self.get(k) for k in keys)
        self.assertEqual(len(joined), len(lines))
        self.assertEqual(sha(joined), sha(lines))
        again = self.shoal(*args, "--once")  # nothing new: nothing appended
        self.assertIn("ingested 0 bytes", again.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
