"""The soak's result: the memory verdicts from the RSS samples, a plain
summary for the terminal, summary.md (a section to paste into
docs/benchmarks.md) and, with gnuplot, rss.png (memory over time).

Memory is judged per mount process: its highest RSS must stay under its
cap (the budget plus 200 MiB of overhead), and over the second half of the
run, once caches are warm, it must not grow by more than GROWTH_MIB.
"""
import os
import shutil
import statistics
import subprocess

OVERHEAD_MIB = 200
GROWTH_MIB = 64
WARM_SECONDS = 180  # the cache fills within this on 2 busy cores
JUDGED_SECONDS = 60  # the shortest window whose growth is judged


def memory(samples, column, cap_mib):
    """min/median/max of one process's RSS, and its start and end over the
    second half of the run (not before WARM_SECONDS, while caches fill)."""
    values = [s[column] for s in samples if s[column] > 0]
    if not values:
        return None
    half = samples[-1]["seconds"] / 2
    window = [s for s in samples if s["seconds"] >= max(half, WARM_SECONDS) and s[column] > 0]
    judged = len(window) >= 2 and window[-1]["seconds"] - window[0]["seconds"] >= JUDGED_SECONDS
    start = statistics.median(s[column] for s in window[:3]) if judged else None
    end = statistics.median(s[column] for s in window[-3:]) if judged else None
    return {"min": min(values), "median": statistics.median(values), "max": max(values),
            "start": start, "end": end, "growth": end - start if judged else None,
            "from": window[0]["seconds"] if judged else None, "cap": cap_mib}


def judge_memory(mem, tally):
    for name, m in mem.items():
        if m is None:
            continue
        if m["max"] > m["cap"]:
            tally.failure("rss-over-cap", f"{name}: {m['max']:.0f} MiB > cap {m['cap']:.0f} MiB")
        if m["growth"] is not None and m["growth"] > GROWTH_MIB:
            tally.failure("rss-growing", f"{name}: {m['start']:.0f} -> {m['end']:.0f} MiB "
                                         f"from {m['from']} s to the end")


def rows(args, tally, mem, seconds, dataset):
    c = tally.counts
    gb = c["bytes verified"] / 1e9
    out = [
        ("command", f"`scripts/soak {args.minutes:g}`"),
        ("duration", f"{seconds / 60:.1f} min"),
        ("dataset", f"{dataset['files']:,} files, {dataset['bytes'] / 1e6:,.0f} MB; "
                    f"read mount cache {args.cache_mib} MiB"),
        ("files verified", f"{c['files verified']:,} ({c['reader passes']} full passes by {args.readers} readers)"),
        ("bytes verified", f"{gb:,.2f} GB ({gb * 1e3 / max(seconds, 1):.1f} MB/s)"),
        ("refreshes", f"{c['refreshes']} ({c['refresh files checked']} added, changed or deleted files checked after them)"),
        ("checkpoints verified", f"{c['checkpoints verified']} x {args.checkpoint_mib} MiB"),
        ("faults injected", f"{c['faults injected']:,} in {c['fault windows']} windows of {args.fault_on} s "
                            f"({c['requests in fault windows']:,} requests in the windows)"),
    ]
    kinds = sorted(k for k in c if k.startswith("fault: "))
    out.append(("faults by kind", ", ".join(f"{k[7:]} {c[k]}" for k in kinds) or "none"))
    out.append(("errors seen", ", ".join(f"{k} {n}" for k, n in sorted(tally.errors.items())) or "none"))
    out.append(("failures", ", ".join(f"{k} {n}" for k, n in sorted(tally.failures.items())) or "none"))
    for name, m in mem.items():
        if m is None:
            continue
        if m["growth"] is not None:
            flat = f"{m['start']:.0f} -> {m['end']:.0f} from {m['from'] / 60:.1f} min to the end"
        else:
            flat = f"growth not judged (needs {(WARM_SECONDS + JUDGED_SECONDS) / 60:g}+ min)"
        out.append((f"{name} RSS MiB", f"min {m['min']:.0f} / median {m['median']:.0f} / max {m['max']:.0f} "
                                       f"(cap {m['cap']:.0f}); {flat}"))
    out.append(("result", "FAIL" if tally.failed() else "PASS"))
    return out


def write(args, tally, mem, seconds, dataset, samples, out_dir):
    table = rows(args, tally, mem, seconds, dataset)
    width = max(len(k) for k, _ in table)
    print("== soak summary")
    for k, v in table:
        print(f"  {k:<{width}}  {v.replace('`', '')}")
    for f in tally.first_failures:
        print(f"  FAILURE {f}")
    with open(os.path.join(out_dir, "summary.md"), "w") as md:
        md.write("| | |\n|---|---|\n")
        md.writelines(f"| {k} | {v} |\n" for k, v in table)
    plot(samples, mem, os.path.join(out_dir, "rss.tsv"), os.path.join(out_dir, "rss.png"))


def plot(samples, mem, tsv, png):
    if not shutil.which("gnuplot") or len(samples) < 2:
        return
    cap = mem.get("read mount", {}) or {}
    script = f"""set terminal pngcairo size 1000,460 font ",10"
set output "{png}"
set title "shoal soak: memory over time (sampled every {samples[1]['seconds'] - samples[0]['seconds']} s)"
set xlabel "minutes"
set ylabel "MiB"
set key outside bottom center horizontal
set grid
set yrange [0:*]
plot "{tsv}" using ($1/60):3 skip 1 with lines lw 2 title "read mount RSS", \\
     "{tsv}" using ($1/60):4 skip 1 with lines lw 2 title "write mount RSS", \\
     "{tsv}" using ($1/60):5 skip 1 with lines title "read engine's cached + in-flight bytes", \\
     {cap.get('cap', 0) - OVERHEAD_MIB} with lines dt 2 title "read mount --cache-size"
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=False)
