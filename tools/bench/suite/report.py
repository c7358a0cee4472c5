#!/usr/bin/env python3
"""Turns the suite's results.tsv into the benchmark report and its plots.

One section per scenario: what it does, then one table per case with, for
each latency and client, the median of the runs, their min-max, MB/s, the
client's CPU seconds and peak RSS, the ratio to s3fs and the share of the
server's ceiling. One PNG per scenario (gnuplot, log scale, so ratios read
as distances). With --splice FILE the report replaces the text between the
suite markers in FILE (docs/benchmarks.md), leaving the rest untouched;
otherwise it is written to OUT/benchmarks.md.
"""
import argparse
import collections
import os
import statistics
import subprocess

BEGIN, END = "<!-- suite:begin -->", "<!-- suite:end -->"

SCENARIOS = {
    "mnist": ("MNIST-style training epoch", "files/s",
              "Small files (0.5-2 KiB) in 10 class directories, read by 8 workers: "
              "each its own slice in directory order, then one shared queue in a "
              "shuffled order that shoal is told in advance (`shoal prefetch`)."),
    "imagenet": ("ImageNet-style epoch", "files/s",
                 "Files of about 110 KiB on average (log-normal, 8 KiB-1 MiB) in 100 "
                 "directories, read in a shuffled order by 8 and by 64 workers."),
    "backtest": ("Backtest", "MB/s",
                 "Daily CSV files of 1-4 MiB (one trading day each), read front to back "
                 "in date order by one reader."),
    "logscan": ("Log scan", "files/s",
                "`grep -rc ERROR` over a tree of log files of 16-256 KiB: one process, "
                "one file after another."),
    "metadata": ("Metadata", "entries/s",
                 "`find | xargs stat` and `ls -lR` over about 100,000 entries (1,000 "
                 "directories of 99 files). Rates are output lines per second. shoal "
                 "answers from the manifest, so there is no server ceiling."),
    "writes": ("Writes", "MB/s",
               "A large file written front to back and a checkpoint directory copied in "
               "with `cp`, through each write mount; then the same directory uploaded by "
               "`shoal put` and `rclone copy`. A run ends when the client has unmounted "
               "and exited, so uploads still running after close() count. Latency 0 only."),
    "index": ("Index build", "objects/s",
              "`shoal index` of the metadata bucket (parallel listing, manifest packed) "
              "next to `rclone lsf -R`; and a synthetic listing of a million keys packed "
              "with no server (`shoal-index-bench`)."),
}
CLIENT_ORDER = ["ceiling", "shoal", "s3fs", "rclone", "ceiling-nginx", "shoal-nginx",
                "shoal-spool", "shoal-memory", "shoal-put", "rclone-copy"]


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 11:
                continue
            rows.append(dict(scenario=p[0], case=p[1], lat=int(p[2]), client=p[3], run=int(p[4]),
                             files_s=float(p[5]), mb_s=float(p[6]), cpu=float(p[7]),
                             rss=float(p[8]), seconds=float(p[9]), note=p[10]))
    return rows


def fmt(x):
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def metric(unit, r):
    return r["mb_s"] if unit == "MB/s" else r["files_s"]


def section(scenario, rows, img_rel, command):
    title, unit, text = SCENARIOS.get(scenario, (scenario, "files/s", ""))
    out = [f"### {title}", "", text, "", f"This scenario alone: `{command} --only {scenario}`.", "",
           f"![{title}]({img_rel}/{scenario}.png)", ""]
    cases = list(dict.fromkeys(r["case"] for r in rows))
    for case in cases:
        cr = [r for r in rows if r["case"] == case]
        out += [f"**{case}**", "",
                f"| latency | client | {unit} (median) | min-max | "
                + ("files/s" if unit == "MB/s" else "MB/s")
                + " | CPU s | peak RSS MiB | vs s3fs | of ceiling | runs |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for lat in sorted({r["lat"] for r in cr}):
            lr = [r for r in cr if r["lat"] == lat]
            by = collections.defaultdict(list)
            for r in lr:
                by[r["client"]].append(r)
            med = {c: statistics.median(metric(unit, r) for r in rs) for c, rs in by.items()}
            for client in sorted(by, key=lambda c: CLIENT_ORDER.index(c) if c in CLIENT_ORDER else 99):
                rs = by[client]
                vals = [metric(unit, r) for r in rs]
                other = [r["mb_s"] if unit != "MB/s" else r["files_s"] for r in rs]
                ceiling = "ceiling-nginx" if client.endswith("nginx") else "ceiling"
                # Ratios to s3fs only for clients that read the same server.
                vs = (f"{med[client] / med['s3fs']:.1f}x"
                      if med.get("s3fs") and client in ("shoal", "rclone") else "")
                of = (f"{100 * med[client] / med[ceiling]:.0f}%"
                      if med.get(ceiling) and not client.startswith("ceiling") else "")
                notes = collections.Counter(r["note"] for r in rs)
                odd = ", ".join(f"{n} {k}" for k, n in notes.items() if k != "ok")
                runs = f"{len(rs)} ({odd})" if odd else str(len(rs))
                out.append(f"| {lat} ms | {client} | {fmt(med[client])} | {fmt(min(vals))}-{fmt(max(vals))} "
                           f"| {fmt(statistics.median(other))} | {statistics.median(r['cpu'] for r in rs):.2f} "
                           f"| {statistics.median(r['rss'] for r in rs):.0f} | {vs} | {of} | {runs} |")
        out.append("")
    return out


def plot(scenario, rows, img_dir):
    title, unit, _ = SCENARIOS.get(scenario, (scenario, "files/s", ""))
    groups = list(dict.fromkeys((r["case"], r["lat"]) for r in rows))
    clients = [c for c in CLIENT_ORDER if any(r["client"] == c for r in rows)]
    data = os.path.join(img_dir, f"{scenario}.dat")
    with open(data, "w") as f:
        f.write("group " + " ".join(clients) + "\n")
        for case, lat in groups:
            cells = []
            for c in clients:
                vals = [metric(unit, r) for r in rows if (r["case"], r["lat"], r["client"]) == (case, lat, c)]
                cells.append(f"{statistics.median(vals):.2f}" if vals and statistics.median(vals) > 0 else "?")
            label = case if scenario == "writes" else f"{case}, {lat} ms"
            f.write('"' + label.replace('"', "'") + '" ' + " ".join(cells) + "\n")
    script = f"""set terminal pngcairo size 1000,460 font ",10"
set output "{os.path.join(img_dir, scenario + '.png')}"
set title "{title} ({unit}, median; log scale)"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [*:*]
set grid ytics
set ylabel "{unit}"
set key outside right top
set xtics nomirror rotate by -15 font ",9"
plot for [i=2:{len(clients) + 1}] "{data}" using i:xtic(1) title columnheader(i)
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.remove(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("out")
    ap.add_argument("--runs", default="3")
    ap.add_argument("--quick", default="0")
    ap.add_argument("--machine", default="")
    ap.add_argument("--command", default="scripts/bench")
    ap.add_argument("--splice", default="")
    a = ap.parse_args()
    rows = load(a.results)
    img_dir = os.path.join(a.out, "img")
    os.makedirs(img_dir, exist_ok=True)
    body = [BEGIN, "## The benchmark suite (`scripts/bench`)", "",
            f"Generated by `{a.command}` on {a.machine}. Every figure is the median of "
            f"{a.runs} cold run(s) (page cache dropped, fresh mount), with the min-max of the runs. "
            "Clients are interleaved within each run. *ceiling* is curl fetching every file with 64 "
            "requests in flight from the same server, in the case's order: what the server can give. *ceiling-nginx* and "
            "*shoal-nginx* read the same files from nginx on local disk (anonymous mode), to find "
            "shoal's own limit when the server is not the bottleneck. Latency is the first-byte delay "
            "`shoal-latency-proxy` adds in front of RGW, as a remote object store would. A run stops "
            "at the deadline (*partial*: its rates are over what it read). Run 1 of every client is "
            "checked byte for byte against the source; CPU s and peak RSS are the client process's.",
            ""]
    if a.quick == "1":
        body += ["*Quick mode: small datasets, for checking the harness; not the recorded figures.*", ""]
    for scenario in dict.fromkeys(r["scenario"] for r in rows):
        sr = [r for r in rows if r["scenario"] == scenario]
        body += section(scenario, sr, "img", a.command)
        plot(scenario, sr, img_dir)
    body.append(END)
    text = "\n".join(body) + "\n"
    if a.splice:
        with open(a.splice) as f:
            old = f.read()
        if BEGIN in old and END in old:
            new = old[:old.index(BEGIN)] + text.rstrip("\n") + old[old.index(END) + len(END):]
        else:
            new = old.rstrip("\n") + "\n\n" + text
        with open(a.splice, "w") as f:
            f.write(new)
    else:
        with open(os.path.join(a.out, "benchmarks.md"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
