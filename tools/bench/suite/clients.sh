# Mounting and unmounting each client the suite compares (sourced by
# scripts/bench). Every cold run gets a fresh mount, so no client keeps a
# cache from an earlier run; $pid is the client's process, whose CPU time
# and peak RSS the scenario records.
#   shoal        shoal mount of the dataset's manifest (read-only)
#   shoal-nginx  the same, in anonymous mode against the nginx origin
#   s3fs         s3fs -o ro, path-style, as users run it (no local cache)
#   rclone       rclone mount --read-only (its default: no VFS cache)
# Write mounts: shoal-spool, shoal-memory (shoal mount --write with each
# durability), s3fs (read-write), rclone (--vfs-cache-mode writes).

# Peers find the bucket through these (rclone's remote "rgw:").
setup_peer_credentials() {
  printf '%s:%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$work/s3fs.passwd"
  chmod 600 "$work/s3fs.passwd"
  export RCLONE_CONFIG_RGW_TYPE=s3 RCLONE_CONFIG_RGW_PROVIDER=Ceph \
    RCLONE_CONFIG_RGW_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" \
    RCLONE_CONFIG_RGW_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" RCLONE_CONFIG_RGW_ENDPOINT="$rgw" \
    RCLONE_CONFIG=/dev/null
}

# mount_reader CLIENT DATASET URL: mounts the dataset's ds/ prefix on $mnt.
mount_reader() {
  local client=$1 name=$2 url=$3
  case $client in
    shoal)
      "$shoal" mount "$work/$name.shoal" "$mnt" --endpoint "$url"
      pid=$(pgrep -f "shoal mount $work/$name.shoal $mnt" | head -1) ;;
    shoal-nginx)
      "$shoal" mount "$work/$name.shoal" "$mnt" --endpoint "${origin_url[nginx]}" --anonymous
      pid=$(pgrep -f "shoal mount $work/$name.shoal $mnt" | head -1) ;;
    s3fs)
      s3fs "$name:/ds" "$mnt" -o ro,url="$url",use_path_request_style,passwd_file="$work/s3fs.passwd"
      pid=$(pgrep -f "s3fs $name.*/ds $mnt" | head -1) ;;
    rclone)
      RCLONE_CONFIG_RGW_ENDPOINT="$url" rclone mount "rgw:$name/ds" "$mnt" --read-only --daemon
      pid=$(pgrep -f "rclone mount rgw:$name/ds $mnt" | head -1) ;;
  esac
  wait_mounted "$client"
}

# mount_writer CLIENT BUCKET PREFIX: a write mount of BUCKET/PREFIX on $mnt.
mount_writer() {
  local client=$1 bucket=$2 prefix=$3
  case $client in
    shoal-spool | shoal-memory)
      "$shoal" mount --write "s3://$bucket/$prefix/" "$mnt" --endpoint "$rgw" \
        --durability "${client#shoal-}" --spool "$work/spool"
      pid=$(pgrep -f "shoal mount --write s3://$bucket/$prefix/ $mnt" | head -1) ;;
    s3fs)
      s3fs "$bucket:/$prefix" "$mnt" -o url="$rgw",use_path_request_style,passwd_file="$work/s3fs.passwd"
      pid=$(pgrep -f "s3fs $bucket.*/$prefix $mnt" | head -1) ;;
    rclone)
      RCLONE_CONFIG_RGW_ENDPOINT="$rgw" rclone mount "rgw:$bucket/$prefix" "$mnt" --daemon \
        --vfs-cache-mode writes --vfs-write-back 0s --cache-dir "$work/rclone-cache"
      pid=$(pgrep -f "rclone mount rgw:$bucket/$prefix $mnt" | head -1) ;;
  esac
  wait_mounted "$client"
}

wait_mounted() {
  for _ in $(seq 150); do mountpoint -q "$mnt" && return 0; sleep 0.1; done
  echo "scripts/bench: $1 did not mount on $mnt" >&2
  return 1
}

# unmount_client: unmounts $mnt and waits (up to 10 min, for uploads still
# in flight) until the client's process has exited. A daemon's parent is
# init, which may reap it late: a zombie has exited.
unmount_client() {
  for _ in $(seq 50); do fusermount3 -u "$mnt" 2>/dev/null && break; sleep 0.2; done
  for _ in $(seq 12000); do
    running "$pid" || return 0
    sleep 0.05
  done
  echo "scripts/bench: client $pid still running after unmount" >&2
}

running() {  # running PID: alive and not a zombie
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}
