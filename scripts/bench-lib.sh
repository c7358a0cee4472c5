# Shared by the benchmark scripts (sourced, not run): a private RGW on
# loopback, a generated dataset uploaded with curl's parallel SigV4 client,
# and small statistics helpers. Expects $root and $work to be set.

start_rgw() {  # starts RGW under $work/rgw; exports the S3 settings
  "$root/tests/rgw/rgw-cluster" start "$work/rgw" >/dev/null
  # shellcheck disable=SC1091
  . "$work/rgw/env"
  export AWS_ACCESS_KEY_ID=$SHOAL_TEST_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SHOAL_TEST_S3_SECRET_KEY
  export AWS_REGION=$SHOAL_TEST_S3_REGION
  unset AWS_CA_BUNDLE  # rclone refuses an empty or foreign bundle
  endpoint=$SHOAL_TEST_S3_ENDPOINT
  sign=(--aws-sigv4 "aws:amz:$SHOAL_TEST_S3_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
        -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" --noproxy "*" -sS --no-progress-meter --fail)
}

stop_rgw() { "$root/tests/rgw/rgw-cluster" stop "$work/rgw" >/dev/null 2>&1 || true; }

# upload_dataset FILES BUCKET: generates FILES files of 4-128 KiB in 20
# directories under $work/data and uploads them as BUCKET/ds/...; writes the
# sorted key list to $work/keys.
upload_dataset() {
  "$shoal" generate "$work/data" --files "$1" --dirs 20 --min-size 4096 --max-size 131072 >/dev/null
  curl "${sign[@]}" -X PUT "$endpoint/$2" >/dev/null
  (cd "$work/data" && find . -type f | sed 's|^\./||' | sort) >"$work/keys"
  awk -v d="$work/data" -v e="$endpoint" -v b="$2" \
    '{print "upload-file = \"" d "/" $0 "\"\nurl = \"" e "/" b "/ds/" $0 "\""}' \
    "$work/keys" >"$work/upload.cfg"
  curl "${sign[@]}" --parallel --parallel-max 32 -K "$work/upload.cfg" >/dev/null
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minmax() { sort -n | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "-" hi}'; }
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }

# cpu_seconds PID: user + system CPU time the process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}
# peak_rss_mib PID
peak_rss_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
