"""The test RGW for Python tests: its settings, a boto3 client that reads and
writes it directly (never through shoal), and the environment shoal runs in.

The tests import it with tests/support on sys.path; SHOAL_TEST_RGW_DIR is
set by ctest (the rgw fixture). A test class decorated with `needs_mounts`
skips without the RGW, root or /dev/fuse; one decorated with `needs_fuse`
(mounts of file:// buckets) only without root or /dev/fuse. A class's
setUpClass gets its client, bucket, work dir and environment from
`bucket_fixture`.
"""
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import uuid


def load_env():
    rgw_dir = os.environ.get("SHOAL_TEST_RGW_DIR")
    if not rgw_dir:
        return None
    env = {}
    with open(os.path.join(rgw_dir, "env")) as f:
        for line in f:
            line = line.strip().removeprefix("export ")
            if "=" in line:
                name, value = line.split("=", 1)
                env[name] = value
    return env


RGW = load_env()


def needs_fuse(cls):
    return unittest.skipUnless(os.geteuid() == 0 and os.access("/dev/fuse", os.W_OK),
                               "mount tests need root and /dev/fuse")(cls)


def needs_mounts(cls):
    cls = needs_fuse(cls)
    return unittest.skipUnless(RGW, "SHOAL_TEST_RGW_DIR is not set; run through ctest")(cls)


def s3_client():
    import boto3  # python3-boto3, installed by scripts/deps --test
    return boto3.client(
        "s3", endpoint_url=RGW["SHOAL_TEST_S3_ENDPOINT"],
        aws_access_key_id=RGW["SHOAL_TEST_S3_ACCESS_KEY"],
        aws_secret_access_key=RGW["SHOAL_TEST_S3_SECRET_KEY"],
        region_name=RGW["SHOAL_TEST_S3_REGION"])


def new_bucket(s3, prefix):
    bucket = prefix + "-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=bucket)
    return bucket


def shoal_env(with_endpoint=True):
    env = dict(os.environ,
               AWS_ACCESS_KEY_ID=RGW["SHOAL_TEST_S3_ACCESS_KEY"],
               AWS_SECRET_ACCESS_KEY=RGW["SHOAL_TEST_S3_SECRET_KEY"],
               AWS_REGION=RGW["SHOAL_TEST_S3_REGION"])
    if with_endpoint:
        env["AWS_ENDPOINT_URL"] = RGW["SHOAL_TEST_S3_ENDPOINT"]
    return env


def bucket_fixture(cls, name, with_endpoint=True):
    """Sets up a test class's cls.s3 (boto3 client), cls.bucket (a fresh
    bucket NAME-xxxxxxxxxxxx), cls.work (a temporary dir shoal-NAME-...) and
    cls.env (shoal_env), and registers removing cls.work as a class clean-up,
    which runs after tearDownClass. For setUpClass."""
    cls.s3 = s3_client()
    cls.bucket = new_bucket(cls.s3, name)
    cls.work = tempfile.mkdtemp(prefix=f"shoal-{name}-")
    cls.addClassCleanup(shutil.rmtree, cls.work, ignore_errors=True)
    cls.env = shoal_env(with_endpoint)


def mounted(mnt):
    with open("/proc/self/mounts") as f:
        return any(line.split()[1] == mnt for line in f)


def unmount(mnt):
    """Unmounts `mnt`, retrying while it is busy. Still busy after 5 s (a
    failed test left a file open): detach it lazily, so the daemon exits
    and nothing outlives the test run."""
    for _ in range(50):
        if subprocess.run(["fusermount3", "-u", mnt], capture_output=True).returncode == 0:
            return
        if not mounted(mnt):
            return
        time.sleep(0.1)
    subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)
