# Log scan (sourced by scripts/bench): `grep -rc ERROR` over a tree of log
# files, one process reading file after file, as an analyst would. Each run
# is cold and bounded by the deadline (timeout); the rates count the files
# grep reported. Run 1 of each client must report the same counts as grep
# over the local copy.

scenario_logscan() {
  make_dataset logs --shape log --files "$((quick ? 500 : 5000))" --dirs 20 \
    --min-size 16384 --max-size 262144
  (cd "$work/src/logs" && grep -rc ERROR . | sed 's|^\./||' | LC_ALL=C sort) >"$work/logs.grep"
  each_cold_run logscan "grep -rc, 1 process" logs run_grep
}

# run_grep SCENARIO CASE LATENCY CLIENT RUN DATASET
run_grep() {
  local lat=$3 client=$4 run=$5 name=$6
  mount_reader "$client" "$name" "${origin_url[$lat]:-}"
  local cpu0 cpu1 rss started seconds note=ok status=0
  cpu0=$(cpu_seconds "$pid")
  started=$(date +%s.%N)
  (cd "$mnt" && timeout "$deadline" grep -rc ERROR .) >"$work/grep.out" 2>/dev/null || status=$?
  seconds=$(elapsed "$started")
  cpu1=$(cpu_seconds "$pid")
  rss=$(peak_rss_mib "$pid")
  unmount_client
  [[ $status == 124 ]] && note=partial
  [[ $status != 0 && $status != 1 && $status != 124 ]] && note=failed
  sed -i 's|^\./||' "$work/grep.out"
  local bytes
  bytes=$(awk -F: 'NR == FNR {split($0, a, " "); size[a[1]] = a[2]; next} {s += size[$1]} END {printf "%.0f", s}' \
    "$work/$name.sizes" "$work/grep.out")
  record "$1" "$2" "$lat" "$client" "$run" "$(wc -l <"$work/grep.out")" "$bytes" "$seconds" \
    "$(cpu_between "$cpu0" "$cpu1")" "$rss" "$note"
  if [[ $run == 1 ]]; then
    local bad
    bad=$(LC_ALL=C sort "$work/grep.out" | LC_ALL=C comm -23 - "$work/$name.grep" | head -3) || true
    [[ -z $bad ]] || { echo "logscan $client: $bad" >>"$work/mismatches"; echo "  MISMATCH: $bad" >&2; }
  fi
  return 0
}
