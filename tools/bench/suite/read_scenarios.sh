# The read scenarios (sourced by scripts/bench). Each case runs at every
# latency, every run, every client in turn (interleaved, so drift on the
# machine spreads over all clients alike), each cold: page cache dropped and
# a fresh mount. Clients:
#   ceiling        curl --parallel 64 GETs of every file: the server's limit
#   shoal s3fs rclone   the mounts, read by shoal-read-tree (N threads)
#   ceiling-nginx shoal-nginx   the same against nginx (0 ms only): shoal's
#                  own ceiling when the server is not the bottleneck
# A run stops at the deadline; its rates are over what it read ("partial").
# Run 1 of every client checksums every byte it read against the source.

# each_cold_run SCENARIO CASE DATASET FUNCTION [ARGS...]: every latency,
# run and client in turn, each cold. The ceiling clients fetch with curl, in
# the order of $work/list when the case made one (else directory order);
# for a mount, FUNCTION SCENARIO CASE LATENCY CLIENT RUN DATASET [ARGS...]
# mounts it, runs the workload and records the run.
each_cold_run() {
  local scenario=$1 case=$2 name=$3 fn=$4 lat run client
  shift 4
  for lat in $latencies; do
    local clients=(ceiling shoal s3fs rclone)
    [[ $lat == 0 ]] && clients+=(ceiling-nginx shoal-nginx)
    for run in $(seq "$runs"); do
      for client in "${clients[@]}"; do
        drop_caches
        if [[ $client == ceiling* ]]; then
          run_ceiling "$scenario" "$case" "$lat" "$client" "$run" "$name"
        else
          "$fn" "$scenario" "$case" "$lat" "$client" "$run" "$name" "$@"
        fi
      done
    done
  done
}

# run_reads SCENARIO CASE DATASET THREADS ORDER (dir | shuffled)
run_reads() {
  mount_list "$3" "$5" >"$work/list"
  each_cold_run "$1" "$2" "$3" run_tree_reader "$4" "$5"
  rm -f "$work/list"
}

# run_ceiling SCENARIO CASE LATENCY CLIENT RUN DATASET
run_ceiling() {
  local url=${origin_url[$3]}
  [[ $4 == ceiling-nginx ]] && url=${origin_url[nginx]}
  local cfg="$work/$6.get.${4}.$3.$(md5sum <"${work}/list" 2>/dev/null | cut -c1-8)"
  if [[ ! -f $cfg ]]; then
    if [[ -f $work/list ]]; then sed "s|^$mnt/||" "$work/list"; else cat "$work/$6.keys"; fi |
      awk -v e="$url" -v b="$6" '{print "url = \"" e "/" b "/ds/" $0 "\"\noutput = \"/dev/null\""}' >"$cfg"
  fi
  local auth=("${sign[@]}")
  [[ $4 == ceiling-nginx ]] && auth=(--noproxy "*" -sS --no-progress-meter --fail)
  local started note=ok
  started=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$work/time" \
    curl "${auth[@]}" --parallel --parallel-max 64 -K "$cfg" >/dev/null || note=failed
  local seconds
  seconds=$(elapsed "$started")
  read -r user sys kib <"$work/time"
  record "$1" "$2" "$3" "$4" "$5" "$(wc -l <"$work/$6.keys")" "$(dataset_bytes "$6")" "$seconds" \
    "$(cpu_sum "$user" "$sys")" "$((kib / 1024))" "$note"
}

# run_tree_reader SCENARIO CASE LATENCY CLIENT RUN DATASET THREADS ORDER
run_tree_reader() {
  local client=$4 run=$5 name=$6 threads=$7 order=$8
  mount_reader "$client" "$name" "${origin_url[$3]:-}"
  [[ $client == shoal* && $order == shuffled ]] && "$shoal" prefetch "$mnt" "$work/list" >/dev/null
  local args=(--threads "$threads" --deadline "$deadline")
  [[ $order == shuffled ]] && args+=(--queue)
  [[ $run == 1 ]] && args+=(--sums "$work/sums")
  local cpu0 cpu1 rss out
  cpu0=$(cpu_seconds "$pid")
  out=$("$reader" "$work/list" "${args[@]}" 2>/dev/null) || true
  cpu1=$(cpu_seconds "$pid")
  rss=$(peak_rss_mib "$pid")
  unmount_client
  # "N files X MB S s R files/s M MB/s errors E [partial]"
  read -r files _ mb _ seconds _ _ _ _ _ _ errors partial <<<"$out"
  local note=ok
  [[ -n ${partial:-} ]] && note=partial
  [[ ${errors:-1} != 0 ]] && note=failed
  record "$1" "$2" "$3" "$client" "$run" "${files:-0}" "$(awk -v m="${mb:-0}" 'BEGIN {printf "%.0f", m * 1e6}')" \
    "${seconds:-0}" "$(cpu_between "$cpu0" "$cpu1")" "$rss" "$note"
  [[ $run == 1 ]] && verify_sums "$work/sums" "$mnt" "$work/$name.sums"
  return 0
}

scenario_mnist() {
  make_dataset mnist --files "$((quick ? 6000 : 60000))" --dirs 10 --min-size 512 --max-size 2048
  run_reads mnist "8 readers, dir order" mnist 8 dir
  run_reads mnist "8 readers, shuffled" mnist 8 shuffled
}

scenario_imagenet() {
  make_dataset imagenet --files "$((quick ? 2000 : 20000))" --dirs 100 \
    --median-size 99328 --sigma 0.5 --min-size 8192 --max-size 1048576
  run_reads imagenet "8 readers, shuffled" imagenet 8 shuffled
  run_reads imagenet "64 readers, shuffled" imagenet 64 shuffled
}

scenario_backtest() {
  make_dataset backtest --shape csv --files "$((quick ? 100 : 2000))" \
    --min-size 1048576 --max-size 4194304
  run_reads backtest "1 reader, date order" backtest 1 dir
}
