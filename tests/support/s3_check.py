#!/usr/bin/env python3
"""Independent read-back of objects on the test RGW with boto3, so upload
tests do not trust shoal's own reader.

  s3_check.py sha256 BUCKET KEY...   prints "KEY SIZE SHA256" per key
  s3_check.py uploads BUCKET         prints "KEY UPLOAD_ID" per pending
                                     multipart upload

Endpoint and keys come from SHOAL_TEST_S3_ENDPOINT, SHOAL_TEST_S3_REGION,
SHOAL_TEST_S3_ACCESS_KEY and SHOAL_TEST_S3_SECRET_KEY.
"""
import hashlib
import os
import sys

import boto3
from botocore.config import Config


def client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["SHOAL_TEST_S3_ENDPOINT"],
        region_name=os.environ.get("SHOAL_TEST_S3_REGION", "us-east-1"),
        aws_access_key_id=os.environ["SHOAL_TEST_S3_ACCESS_KEY"],
        aws_secret_access_key=os.environ["SHOAL_TEST_S3_SECRET_KEY"],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
    )


def main(argv):
    if len(argv) < 3 or argv[1] not in ("sha256", "uploads"):
        print(__doc__, file=sys.stderr)
        return 2
    s3, bucket = client(), argv[2]
    if argv[1] == "sha256":
        for key in argv[3:]:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            print(key, len(body), hashlib.sha256(body).hexdigest())
    else:
        pending = s3.list_multipart_uploads(Bucket=bucket)
        for upload in pending.get("Uploads", []):
            print(upload["Key"], upload["UploadId"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
