# Results of the suite (sourced by scripts/bench). One tab-separated line per
# run in $results, which report.py turns into tables and plots:
#   scenario  case  latency_ms  client  run  files_s  mb_s  cpu_s  rss_mib  seconds  note
# note is "ok", "partial" (stopped at the deadline; rates are over what was
# read) or "failed".

# record SCENARIO CASE LATENCY CLIENT RUN FILES BYTES SECONDS CPU RSS NOTE
record() {
  local files_s mb_s
  files_s=$(awk -v n="$6" -v s="$8" 'BEGIN {printf "%.1f", (s > 0 ? n / s : 0)}')
  mb_s=$(awk -v b="$7" -v s="$8" 'BEGIN {printf "%.1f", (s > 0 ? b / 1e6 / s : 0)}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\n' "$1" "$2" "$3" "$4" "$5" \
    "$files_s" "$mb_s" "$9" "${10}" "$8" "${11}" >>"$results"
  printf '  %-9s %-22s %3s ms %-13s run %s: %9s files/s %8s MB/s %7s CPU s %5s MiB %s\n' \
    "$1" "$2" "$3" "$4" "$5" "$files_s" "$mb_s" "$9" "${10}" "${11}"
}

# verify_sums CLIENT-SUMS PREFIX WANT: every "hash path" line a client read
# (with PREFIX stripped from its paths) is a line of WANT, the source's own
# sums. Files the client did not reach (a partial run) are not compared.
verify_sums() {
  local bad
  bad=$(sed "s| $2/| |" "$1" | LC_ALL=C sort | LC_ALL=C comm -23 - "$3" | head -3) || true
  if [[ -n $bad ]]; then
    echo "$1: $bad" >>"$work/mismatches"
    echo "  MISMATCH: $1 read bytes that differ from the source: $bad" >&2
  fi
}

# elapsed START: seconds since START (a date +%s.%N reading).
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.3f", b - a}'; }

# CPU seconds as printed: cpu_between BEFORE AFTER (two cpu_seconds
# readings), cpu_sum USER SYS (GNU time's %U and %S).
cpu_between() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
cpu_sum() { awk -v u="$1" -v s="$2" 'BEGIN {printf "%.2f", u + s}'; }
