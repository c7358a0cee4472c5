"""The bucket, reached straight at RGW, never through shoal or the fault
proxy: the soak's uploads (curl's parallel SigV4 client for the dataset,
boto3 for single objects) and its independent read-back of checkpoints.

Settings come from the environment scripts/soak exports after starting
RGW (SHOAL_TEST_S3_ENDPOINT, AWS_ACCESS_KEY_ID, ...).
"""
import hashlib
import os
import subprocess


def digest_of(chunks):
    h = hashlib.blake2b(digest_size=16)
    size = 0
    for chunk in chunks:
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def file_digest(path):
    with open(path, "rb") as f:
        return digest_of(iter(lambda: f.read(1 << 20), b""))


class Store:
    def __init__(self, bucket):
        import boto3  # python3-boto3, from scripts/deps --test
        from botocore.config import Config

        self.endpoint = os.environ["SHOAL_TEST_S3_ENDPOINT"]
        self.bucket = bucket
        self.region = os.environ["AWS_REGION"]
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region,
                               config=Config(max_pool_connections=16, retries={"max_attempts": 3}))

    def create_bucket(self):
        self.s3.create_bucket(Bucket=self.bucket)

    def put_tree(self, local_dir, relpaths, prefix, cfg_path):
        """Uploads local_dir/<rel> as <prefix><rel> for every rel, 32 at once."""
        with open(cfg_path, "w") as cfg:
            for rel in relpaths:
                cfg.write(f'upload-file = "{local_dir}/{rel}"\nurl = "{self.endpoint}/{self.bucket}/{prefix}{rel}"\n'
                          'output = "/dev/null"\n')
        user = f"{os.environ['AWS_ACCESS_KEY_ID']}:{os.environ['AWS_SECRET_ACCESS_KEY']}"
        subprocess.run(["curl", "--aws-sigv4", f"aws:amz:{self.region}:s3", "--user", user,
                        "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "--noproxy", "*", "-sS", "--no-progress-meter",
                        "--fail", "--parallel", "--parallel-max", "32", "-K", cfg_path], check=True)

    def put(self, key, body):
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def delete(self, key):
        self.s3.delete_object(Bucket=self.bucket, Key=key)

    def digest(self, key):
        """(digest, size) of the object, or None if it does not exist."""
        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        except self.s3.exceptions.NoSuchKey:
            return None
        return digest_of(body.iter_chunks(1 << 20))

    def pending_uploads(self, prefix):
        listed = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix=prefix)
        return [u["Key"] for u in listed.get("Uploads", [])]
