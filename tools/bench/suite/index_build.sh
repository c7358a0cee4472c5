# Index build (sourced by scripts/bench):
#   "100,000 objects"  the metadata scenario's bucket listed by `shoal index`
#                      (parallel listing, then the manifest packed) at each
#                      latency, next to `rclone lsf -R`, the peer's way to
#                      learn a tree (s3fs has none: it lists per directory,
#                      as the metadata scenario shows)
#   "1,000,000 keys"   shoal-index-bench: a synthetic listing packed into a
#                      manifest, no server (RGW's in-memory store would need
#                      minutes to take a million uploads first)

scenario_index() {
  make_meta_dataset
  local objects lat run client kase="$((quick ? 9900 : 99000)) objects"
  objects=$(wc -l <"$work/meta.keys")
  for lat in $latencies; do
    for run in $(seq "$runs"); do
      for client in shoal rclone; do
        local cmd started seconds note=ok
        if [[ $client == shoal ]]; then
          cmd=("$shoal" index s3://meta/ds -o "$work/index.shoal" --endpoint "${origin_url[$lat]}" --quiet)
        else
          cmd=(env RCLONE_CONFIG_RGW_ENDPOINT="${origin_url[$lat]}" rclone lsf -R rgw:meta/ds)
        fi
        started=$(date +%s.%N)
        /usr/bin/time -f '%U %S %M' -o "$work/time" "${cmd[@]}" >"$work/index.out" || note=failed
        seconds=$(elapsed "$started")
        read -r user sys kib <"$work/time"
        record index "$kase" "$lat" "$client" "$run" "$objects" 0 "$seconds" \
          "$(cpu_sum "$user" "$sys")" "$((kib / 1024))" "$note"
      done
    done
  done
  local dirs=$((quick ? 100 : 1000)) out
  for run in $(seq "$runs"); do
    out=$("$root/build/release/tools/shoal-index-bench" --dirs "$dirs" --files 1000 --out "$work/synthetic.shoal")
    # "build: X s, peak RSS N MiB"
    local seconds rss
    seconds=$(echo "$out" | sed -n 's/^build: \([0-9.]*\) s.*/\1/p')
    rss=$(echo "$out" | sed -n 's/^build: .*peak RSS \([0-9]*\) MiB.*/\1/p')
    record index "$((dirs * 1000)) keys, no server" 0 shoal "$run" "$((dirs * 1000))" 0 "$seconds" \
      "$seconds" "$rss" ok
  done
}
