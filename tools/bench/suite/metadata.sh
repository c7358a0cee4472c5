# Metadata (sourced by scripts/bench): `find | xargs stat` and `ls -lR` over
# a tree of about 100,000 entries (1,000 directories of 99 small files), cold
# each run. shoal answers both from the manifest without a request, so there
# is no server ceiling here; the server's listing cost is the index build
# (index_build.sh). Rates are entries (output lines) per second. Run 1 of the
# find case must report every file with its exact size.

make_meta_dataset() {
  make_dataset meta --files "$((quick ? 9900 : 99000))" --dirs "$((quick ? 100 : 1000))" \
    --min-size 0 --max-size 1024
}

scenario_metadata() {
  local name=meta lat run client kase
  make_meta_dataset
  LC_ALL=C sort "$work/$name.sizes" >"$work/$name.sizes.sorted"
  for kase in "find | xargs stat" "ls -lR"; do
    for lat in $latencies; do
      for run in $(seq "$runs"); do
        for client in shoal s3fs rclone; do
          drop_caches
          mount_reader "$client" "$name" "${origin_url[$lat]}"
          local cpu0 cpu1 rss started seconds note=ok status=0
          cpu0=$(cpu_seconds "$pid")
          started=$(date +%s.%N)
          if [[ $kase == ls* ]]; then
            (cd "$mnt" && timeout "$deadline" ls -lR .) >"$work/meta.out" 2>/dev/null || status=$?
          else
            (cd "$mnt" && timeout "$deadline" sh -c 'find . -print0 | xargs -0 stat -c "%n %s"') \
              >"$work/meta.out" 2>/dev/null || status=$?
          fi
          seconds=$(elapsed "$started")
          cpu1=$(cpu_seconds "$pid")
          rss=$(peak_rss_mib "$pid")
          unmount_client
          [[ $status == 124 ]] && note=partial
          [[ $status != 0 && $status != 124 ]] && note=failed
          record metadata "$kase" "$lat" "$client" "$run" "$(wc -l <"$work/meta.out")" 0 "$seconds" \
            "$(cpu_between "$cpu0" "$cpu1")" "$rss" "$note"
          if [[ $run == 1 && $kase == find* && $note == ok ]]; then
            local bad
            bad=$(sed 's|^\./||' "$work/meta.out" | LC_ALL=C sort | LC_ALL=C comm -13 - "$work/$name.sizes.sorted" | head -3) || true
            [[ -z $bad ]] || { echo "metadata $client: missing or wrong: $bad" >>"$work/mismatches"; echo "  MISMATCH: $bad" >&2; }
          fi
        done
      done
    done
  done
}
