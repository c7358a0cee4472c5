# Writes (sourced by scripts/bench), on the bucket "wbench" of RGW:
#   "1 GiB file"          one file written front to back through a write mount
#   "200 x 8 MiB ckpts"   a checkpoint directory copied in with cp
#   "upload 200 x 8 MiB"  the same directory uploaded: shoal put, rclone copy
# Mount clients: shoal-spool and shoal-memory (shoal mount --write with each
# durability), s3fs, and rclone mount --vfs-cache-mode writes. A run's time
# ends when the client has unmounted and exited, so bytes a client still
# uploads after close() count. Run 1 of each client is read back
# (with curl) and must equal the source. Every run's
# objects are deleted afterwards, to keep RGW's in-memory store small.

scenario_writes() {
  local big_mib=$((quick ? 128 : 1024)) ckpts=$((quick ? 20 : 200)) run client
  curl "${sign[@]}" -X PUT "$rgw/wbench" >/dev/null
  [[ -f $work/big.bin ]] || head -c "$((big_mib << 20))" /dev/urandom >"$work/big.bin"
  [[ -d $work/ckpt ]] || "$shoal" generate "$work/ckpt" --files "$ckpts" --dirs 1 \
    --min-size 8388608 --max-size 8388608 --seed 7 >/dev/null
  local big_sum big_case="$big_mib MiB file" ckpt_case="$ckpts x 8 MiB ckpts"
  big_sum=$(sha256sum <"$work/big.bin" | cut -d' ' -f1)
  for run in $(seq "$runs"); do
    for client in shoal-spool shoal-memory s3fs rclone; do
      write_run "$big_case" "$client" "$run" 1 "$((big_mib << 20))" \
        "dd if=$work/big.bin of=$mnt/big.bin bs=1M status=none"
      if [[ $run == 1 ]]; then
        local got
        got=$(curl "${sign[@]}" "$rgw/wbench/w/big.bin" | sha256sum | cut -d' ' -f1)
        [[ $got == "$big_sum" ]] || { echo "writes $client: big.bin differs" >>"$work/mismatches"; echo "  MISMATCH: big.bin" >&2; }
      fi
      rclone purge rgw:wbench/w 2>/dev/null || true
      write_run "$ckpt_case" "$client" "$run" "$ckpts" "$((ckpts << 23))" \
        "cp $work/ckpt/class-000/. $mnt/ -r"
      [[ $run == 1 ]] && check_tree "$client"
      rclone purge rgw:wbench/w 2>/dev/null || true
    done
    for client in shoal-put rclone-copy; do
      upload_run "upload $ckpts x 8 MiB" "$client" "$run" "$ckpts" "$((ckpts << 23))"
      [[ $run == 1 ]] && check_tree "$client"
      rclone purge rgw:wbench/w 2>/dev/null || true
    done
  done
}

# write_run CASE CLIENT RUN FILES BYTES COMMAND: one timed write through a mount.
write_run() {
  mount_writer "$2" wbench w
  local cpu0 cpu1=0 rss started seconds note=ok
  cpu0=$(cpu_seconds "$pid")
  started=$(date +%s.%N)
  bash -c "$6" || note=failed
  # The client's CPU and RSS as the writes end; then the unmount's uploads.
  cpu1=$(cpu_seconds "$pid")
  rss=$(peak_rss_mib "$pid")
  unmount_client
  seconds=$(elapsed "$started")
  record writes "$1" 0 "$2" "$3" "$4" "$5" "$seconds" \
    "$(cpu_between "$cpu0" "$cpu1")" "$rss" "$note"
}

# upload_run CASE CLIENT RUN FILES BYTES: the checkpoint directory uploaded
# by a command-line client, timed with its CPU and peak RSS.
upload_run() {
  local started seconds note=ok cmd
  if [[ $2 == shoal-put ]]; then
    cmd=("$shoal" put "$work/ckpt/class-000/." "s3://wbench/w/" --endpoint "$rgw" --quiet)
  else
    cmd=(env RCLONE_CONFIG_RGW_ENDPOINT="$rgw" rclone copy "$work/ckpt/class-000" rgw:wbench/w)
  fi
  started=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$work/time" "${cmd[@]}" || note=failed
  seconds=$(elapsed "$started")
  read -r user sys kib <"$work/time"
  record writes "$1" 0 "$2" "$3" "$4" "$5" "$seconds" \
    "$(cpu_sum "$user" "$sys")" "$((kib / 1024))" "$note"
}

# check_tree CLIENT: the checkpoint objects equal the local files (fetched
# with curl in parallel; rclone check --download took minutes per client).
check_tree() {
  rm -rf "$work/check" && mkdir -p "$work/check"
  (cd "$work/ckpt/class-000" && ls) |
    awk -v e="$rgw" -v d="$work/check" '{print "url = \"" e "/wbench/w/" $0 "\"\noutput = \"" d "/" $0 "\""}' \
      >"$work/check.cfg"
  curl "${sign[@]}" --parallel --parallel-max 16 -K "$work/check.cfg" 2>"$work/check.err" >/dev/null || true
  if diff -rq "$work/ckpt/class-000" "$work/check" >"$work/check.err" 2>&1; then
    rm -rf "$work/check"
    return 0
  fi
  echo "writes $1: checkpoints differ: $(head -2 "$work/check.err")" >>"$work/mismatches"
  echo "  MISMATCH: $1 checkpoints: $(head -2 "$work/check.err")" >&2
  rm -rf "$work/check"
}
