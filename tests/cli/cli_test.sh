#!/usr/bin/env bash
# End-to-end checks of the shoal command on a file:// bucket: generate,
# index, inspect (text and JSON), diff, and the documented exit codes and
# error messages for bad input. Prints "N passed, N failed".
#   cli_test.sh PATH_TO_SHOAL
set -uo pipefail
shoal=$1
work=$(mktemp -d /tmp/shoal-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check() {  # check NAME COMMAND...: the command must succeed
  local name=$1; shift
  if "$@" >"$work/out" 2>"$work/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"; sed 's/^/  out: /' "$work/out" | head -5; sed 's/^/  err: /' "$work/err" | head -5
  fi
}

expect_exit() {  # expect_exit NAME CODE PATTERN COMMAND...: exit CODE, stderr matches PATTERN
  local name=$1 code=$2 pattern=$3; shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [[ $got -eq $code ]] && grep -qE -- "$pattern" "$work/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name (exit $got, wanted $code; stderr should match '$pattern')"
    sed 's/^/  err: /' "$work/err" | head -5
  fi
}

data="$work/data"
check "generate" "$shoal" generate "$data" --files 300 --dirs 7 --min-size 0 --max-size 5000
check "index" "$shoal" index "file://$data" -o "$work/a.shoal" --quiet

# The engine end to end, and the disk cache across two processes: the
# second run is answered from the cache directory, not the bucket.
check "bench-read" bash -c "'$shoal' bench-read '$work/a.shoal' --readers 4 --cache-size 1M | grep -q 'read 300 files'"
check "bench-read fills the disk cache" bash -c "'$shoal' bench-read '$work/a.shoal' --cache-dir '$work/cache' --stats |
  grep -q '^shoal_disk_cache_inserts_total [1-9]'"
check "disk cache used by the next process" bash -c "'$shoal' bench-read '$work/a.shoal' --cache-dir '$work/cache' --stats >'$work/second' &&
  grep -q '^shoal_disk_cache_hits_total [1-9]' '$work/second' &&
  hits=\$(sed -n 's/^shoal_disk_cache_hits_total //p' '$work/second') &&
  gets=\$(sed -n 's/^shoal_object_requests_total{op=\"get\"} //p' '$work/second') &&
  [ \$((hits + gets)) -eq 300 ] && [ \$gets -lt 300 ]"
check "stats are Prometheus text" bash -c "'$shoal' bench-read '$work/a.shoal' --stats | grep -q '^shoal_object_request_latency_seconds{op=\"get\",quantile=\"0.99\"}'"

check "index is reproducible" bash -c "SOURCE_DATE_EPOCH=1 '$shoal' index file://$data -o $work/r1.shoal -q --concurrency 1 &&
  SOURCE_DATE_EPOCH=1 '$shoal' index file://$data -o $work/r2.shoal -q --concurrency 16 && cmp $work/r1.shoal $work/r2.shoal"
check "inspect summary" bash -c "'$shoal' inspect '$work/a.shoal' | grep -q 'entries:     308 (300 files, 8 directories)'"
check "inspect json" bash -c "'$shoal' inspect --json '$work/a.shoal' | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d[\"files\"] == 300 and d[\"directories\"] == 8 and d[\"bytes\"] > 0, d'"
check "inspect --ls" bash -c "'$shoal' inspect '$work/a.shoal' --ls class-003 | grep -q 'sample-0000003.bin'"
check "inspect --ls --json" bash -c "'$shoal' inspect '$work/a.shoal' --ls / --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d[\"entries\"]) == 7 and d[\"entries\"][0][\"type\"] == \"dir\", d'"

echo changed >>"$data/class-001/sample-0000001.bin"
rm "$data/class-002/sample-0000002.bin"
echo new >"$data/class-002/new.txt"
check "index again" "$shoal" index "file://$data" -o "$work/b.shoal" --quiet --no-compress
check "diff" bash -c "'$shoal' diff '$work/a.shoal' '$work/b.shoal' | tail -1 | grep -qx '1 added, 1 removed, 1 changed'"
check "diff json" bash -c "'$shoal' diff --json '$work/a.shoal' '$work/b.shoal' | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d[\"added\"] == [\"class-002/new.txt\"] and d[\"removed\"] == [\"class-002/sample-0000002.bin\"], d'"

# put into a file:// bucket: a tree (multipart for the big file), links and
# odd files, a file under its own name, and the failure summary.
src="$work/put-src"
bucket="$work/put-bucket"
mkdir -p "$src/d/sub" "$src/d/empty" "$bucket"
echo hello >"$src/d/a.txt"
: >"$src/d/sub/zero.bin"
head -c 11000000 /dev/urandom >"$src/d/sub/big.bin"
ln -s a.txt "$src/d/link.txt"
ln -s "$work" "$src/d/outside"
mkfifo "$src/d/fifo"
check "put a tree" bash -c "'$shoal' put '$src/d' 'file://$bucket/' --part-size 5M --jobs 2 2>'$work/put-err' |
  grep -qx 'uploaded 4 files, 11000012 bytes in [0-9.]* s'"
check "put copies bytes" bash -c "cmp '$src/d/sub/big.bin' '$bucket/d/sub/big.bin' && cmp '$src/d/a.txt' '$bucket/d/a.txt' &&
  cmp '$src/d/a.txt' '$bucket/d/link.txt' && [ ! -s '$bucket/d/sub/zero.bin' ] && [ -f '$bucket/d/sub/zero.bin' ]"
check "put skips odd files with warnings" bash -c "grep -q 'warning: skipping .*/d/fifo: a FIFO' '$work/put-err' &&
  grep -q 'warning: skipping .*/d/outside: symlinks to directories are not followed' '$work/put-err' &&
  [ ! -e '$bucket/d/fifo' ] && [ ! -e '$bucket/d/outside' ]"
check "put leaves no pending upload" bash -c "[ -z \"\$(ls -A '$bucket/.shoal-multipart/uploads' 2>/dev/null)\" ]"
check "put a file under its name" bash -c "'$shoal' put '$src/d/a.txt' 'file://$bucket' -q && cmp '$src/d/a.txt' '$bucket/a.txt'"
check "put shows progress only on a TTY" bash -c "! grep -q 'put [0-9]*/4 files' '$work/put-err' &&
  script -qec \"'$shoal' put '$src/d/a.txt' 'file://$bucket'\" /dev/null | grep -q 'put 1/1 files, '"
check "put --quiet prints nothing" bash -c "[ -z \"\$('$shoal' put '$src/d' 'file://$bucket' --quiet 2>&1)\" ]"
mkdir -p "$work/put-dot" "$work/put-dot2"
check "put . uploads the contents" bash -c "cd '$src/d/sub' && '$shoal' put . 'file://$work/put-dot' -q &&
  cmp big.bin '$work/put-dot/big.bin' && [ -f '$work/put-dot/zero.bin' ]"
check "put d/. uploads d's contents" bash -c "'$shoal' put '$src/d/sub/.' 'file://$work/put-dot2/' -q &&
  cmp '$src/d/sub/big.bin' '$work/put-dot2/big.bin'"
expect_exit "put refuses two files for one key" 1 "would both upload to key a.txt" \
  "$shoal" put "$src/d/a.txt" "$bucket/d/a.txt" "file://$work/put-dot"
mkdir -p "$src/x"
echo y >"$src/x/y"
echo file >"$bucket/x"
expect_exit "put failure is summarized" 1 "1 of 1 files failed" "$shoal" put "$src/x" "file://$bucket/"
cp "$work/err" "$work/put-fail-err"
check "put failure names path and key" grep -q "failed: $src/x/y -> x/y: " "$work/put-fail-err"
expect_exit "put of a missing path" 1 "local path $src/nope does not exist" "$shoal" put "$src/nope" "file://$bucket/"
expect_exit "put with one argument" 2 "" "$shoal" put "$src/d"
expect_exit "put with tiny parts" 2 "" "$shoal" put "$src/d" "file://$bucket/" --part-size 1M

# Bad input: a clear one-line error and exit code 1; usage errors exit 2.
head -c 100 "$work/a.shoal" >"$work/truncated.shoal"
expect_exit "truncated manifest" 1 "corrupt: manifest .*truncated" "$shoal" inspect "$work/truncated.shoal"
printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' >"$work/garbage.shoal"
expect_exit "wrong magic" 1 "not a shoal manifest" "$shoal" inspect "$work/garbage.shoal"
cp "$work/b.shoal" "$work/flipped.shoal"
printf '\x01' | dd of="$work/flipped.shoal" bs=1 seek=200 conv=notrunc status=none
expect_exit "flipped byte" 1 "checksum mismatch" "$shoal" inspect "$work/flipped.shoal"
expect_exit "missing manifest" 1 "not_found: manifest" "$shoal" inspect "$work/none.shoal"
expect_exit "missing source dir" 1 "bucket directory" "$shoal" index "file://$work/nope" -o "$work/x.shoal"
expect_exit "bad source" 1 "not a bucket location" "$shoal" index "/relative" -o "$work/x.shoal"
expect_exit "no credentials" 1 "no credentials" env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
  -u OSS_ACCESS_KEY_ID -u OSS_ACCESS_KEY_SECRET "$shoal" ls s3://bucket --endpoint http://127.0.0.1:1
expect_exit "stats of a directory that is no mount" 1 "is not a shoal mount" "$shoal" stats "$work"
expect_exit "mount on a missing mountpoint" 1 "mountpoint $work/nowhere" "$shoal" mount "$work/a.shoal" "$work/nowhere"
expect_exit "mount on a file" 1 "is not a directory" "$shoal" mount "$work/a.shoal" "$work/a.shoal"
expect_exit "bad umask" 1 "--umask must be octal" "$shoal" mount "$work/a.shoal" "$work" --umask 9x
expect_exit "unknown option" 2 "" "$shoal" index --bogus

# Flags one kind of mount would silently ignore are refused, naming both.
# The mountpoint does not exist, so that a regression fails here instead of
# mounting.
nomnt="$work/nowhere"
expect_exit "--write with a read-only flag" 2 "--direct excludes --write|--write excludes --direct" \
  "$shoal" mount "file://$data" "$nomnt" --write --direct
expect_exit "--write with --cache-dir" 2 "excludes" \
  "$shoal" mount "file://$data" "$nomnt" --write --cache-dir "$work/cache"
expect_exit "a write flag without --write" 2 "--spool requires --write" \
  "$shoal" mount "$work/a.shoal" "$nomnt" --spool "$work/spool"
expect_exit "--append without --write" 2 "--append requires --write" \
  "$shoal" mount "$work/a.shoal" "$nomnt" --append copy
expect_exit "--log-file in the foreground" 2 "excludes" \
  "$shoal" mount "$work/a.shoal" "$nomnt" --foreground --log-file "$work/log"
expect_exit "--spool with --durability memory" 1 "--spool $work/spool conflicts with --durability memory" \
  "$shoal" mount --write "file://$data" "$nomnt" --durability memory --spool "$work/spool"
expect_exit "--anonymous with a credentials file" 2 "excludes" \
  "$shoal" ls s3://bucket --anonymous --credentials-file "$work/creds"
expect_exit "--profile without a credentials file" 2 "--profile requires --credentials-file" \
  "$shoal" ls s3://bucket --profile ci --endpoint http://127.0.0.1:1

# Credentials files: a file others may read is refused by name and mode;
# mode 600 is read (the request then fails on the closed port, not on it).
printf '[default]\naws_access_key_id = AKIDCLI\naws_secret_access_key = cliSecret\n' >"$work/creds"
chmod 644 "$work/creds"
expect_exit "credentials file of mode 644" 1 "credentials file $work/creds has mode 0644.*chmod 600" \
  "$shoal" ls s3://bucket --credentials-file "$work/creds" --endpoint http://127.0.0.1:1
chmod 600 "$work/creds"
expect_exit "credentials file of mode 600" 1 "network" \
  "$shoal" ls s3://bucket --credentials-file "$work/creds" --endpoint http://127.0.0.1:1 --max-attempts 1
expect_exit "an endpoint with CR LF" 1 "endpoint 'http://h.r.nX: 1' holds a control character" \
  "$shoal" ls s3://bucket --endpoint $'http://h\r\nX: 1'

# mount.shoal: options match exactly; and a value that looks like a flag
# reaches shoal as a value ("--uid --help": a bad uid, not the help).
helper="$(dirname "$shoal")/mount.shoal"
expect_exit "mount.shoal refuses a near-miss of an ignored option" 2 "unknown mount option 'syncfoo'" \
  "$helper" "$work/a.shoal" "$nomnt" -o ro,syncfoo
expect_exit "mount.shoal refuses relatime_whatever" 2 "unknown mount option 'relatime_whatever'" \
  "$helper" "$work/a.shoal" "$nomnt" -o relatime_whatever
expect_exit "mount.shoal passes a flag-like value as a value" 2 "--uid: Value --help not in range" \
  "$helper" "$work/a.shoal" "$nomnt" -o uid=--help
check "mount.shoal printed no help for the value" bash -c "! grep -q 'Usage' '$work/out'"
expect_exit "mount.shoal passes -- as a value" 1 "endpoint '--' must start with http" \
  "$helper" "s3://bucket/x.shoal" "$work" -o endpoint=--

# Names from a bucket are printed escaped, one per line: a newline in a key
# shows as \n in `shoal ls`, as %0A (the key policy's rename) in a manifest.
odd="$work/odd-bucket"
mkdir -p "$odd"
printf x >"$odd/new"$'\n'"line"
printf y >"$odd/back\\slash"
check "ls escapes control bytes and backslashes" bash -c "'$shoal' ls -r 'file://$odd' >'$work/odd-ls' &&
  [ \$(wc -l <'$work/odd-ls') -eq 2 ] && grep -q '  new\\\\nline\$' '$work/odd-ls' &&
  grep -q '  back\\\\\\\\slash\$' '$work/odd-ls'"
check "stat escapes the key" bash -c "'$shoal' stat 'file://$odd' \$'new\\nline' | head -1 | grep -qx 'key: new\\\\nline'"
check "index and inspect --ls show the renamed name" bash -c "'$shoal' index 'file://$odd' -o '$work/odd.shoal' -q &&
  '$shoal' inspect '$work/odd.shoal' --ls / | grep -q '  new%0Aline\$'"
expect_exit "put refuses a file name with a newline" 1 "key 'new\\\\nline' holds a control character" \
  "$shoal" put "$odd/new"$'\n'"line" "file://$work/put-dot/"
expect_exit "missing argument" 2 "required" "$shoal" inspect
for cmd in ls stat cat put generate index inspect diff bench-read mount stats refresh prefetch; do
  check "--help for $cmd" "$shoal" "$cmd" --help
done

# ingest from stdin into a file:// bucket, resumed by its journal; recover
# with an empty spool.
mkdir -p "$work/logs"
check "ingest stdin" bash -c "printf 'one\ntwo\n' | '$shoal' ingest 'file://$work/logs' --name app \
  --journal '$work/ingest.journal' --once 2>'$work/ingest-err' &&
  grep -q 'ingested 8 bytes in 1 appends to 1 new objects' '$work/ingest-err' &&
  cat '$work/logs'/app/*.log | cmp - <(printf 'one\ntwo\n')"
check "a second ingest run appends after the first" bash -c "printf 'three\n' |
  '$shoal' ingest 'file://$work/logs' --name app --journal '$work/ingest.journal' --once &&
  cat '$work/logs'/app/*.log | cmp - <(printf 'one\ntwo\nthree\n')"
expect_exit "ingest with a damaged journal" 1 "ingest journal: checksum mismatch" \
  bash -c "printf 'x' | dd of='$work/ingest.journal' bs=1 seek=20 conv=notrunc 2>/dev/null &&
  printf 'x' | '$shoal' ingest 'file://$work/logs' --name app --journal '$work/ingest.journal' --once"
check "recover an empty spool" bash -c "'$shoal' recover 'file://$work/logs' --spool '$work/spool' |
  grep -q 'recovered 0 objects'"
expect_exit "ingest --name with two sources" 1 "--name needs exactly one source" \
  "$shoal" ingest "file://$work/logs" a b --name x

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
