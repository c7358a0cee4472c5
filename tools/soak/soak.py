#!/usr/bin/env python3
"""The soak driver (run by scripts/soak, which starts RGW and exports its
settings): builds the dataset, puts shoal-fault-proxy in front of RGW,
mounts the dataset read-only and a checkpoint prefix for writing, both
through the proxy, and then for MINUTES runs side by side

    readers.py      8 readers, shuffled full passes, every file checked
    refresher.py    the dataset changed and the mount refreshed, every 60 s
    checkpoints.py  a 32 MiB checkpoint written and read back, every 20 s
    faults.py       faults on for 15 s of every 30 s
    sampler.py      RSS of both mounts, every 10 s

(versions.py says which bytes a read may return while the dataset
changes; periodic.py is the refresher's and checkpointer's loop)

while this thread watches for crashes and hangs. At the end it unmounts,
checks that no multipart upload was left behind, and writes the summary
(report.py) to OUT. Exit status 1 on any failure (tally.py says which).
"""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataset  # noqa: E402
import report  # noqa: E402
from checkpoints import PREFIX as CKPT_PREFIX, Checkpointer  # noqa: E402
from faults import Faults  # noqa: E402
from processes import Processes, mounted, rss_mib  # noqa: E402
from readers import Reader  # noqa: E402
from refresher import Refresher  # noqa: E402
from sampler import Sampler  # noqa: E402
from store import Store  # noqa: E402
from tally import Tally  # noqa: E402
from versions import Versions  # noqa: E402

STORE_FLAGS = ["--timeout-ms", "10000", "--connect-timeout-ms", "2000"]
WRITE_PART_MIB, WRITE_PARTS = 8, 4


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--work", required=True, help="scratch directory (mounts, spool, dataset)")
    p.add_argument("--out", required=True, help="results: rss.tsv, events.log, summary.md, rss.png")
    p.add_argument("--bin", required=True, help="directory with shoal and shoal-fault-proxy")
    p.add_argument("--readers", type=int, default=8)
    p.add_argument("--cache-mib", type=int, default=256)
    p.add_argument("--small-files", type=int, default=20000)
    p.add_argument("--large-files", type=int, default=24)
    p.add_argument("--refresh-every", type=float, default=60)
    p.add_argument("--checkpoint-every", type=float, default=20)
    p.add_argument("--checkpoint-mib", type=int, default=32)
    p.add_argument("--fault-period", type=float, default=30)
    p.add_argument("--fault-on", type=float, default=15)
    p.add_argument("--sample-every", type=float, default=10)
    p.add_argument("--hang-seconds", type=float, default=120)
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()


def watch(args, tally, mounts, readers, workers, deadline):
    """Until the deadline, or a crash or hang (which end the soak early)."""
    next_line = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(1)
        now = time.monotonic()
        for name, (mnt, proc) in mounts.items():
            if proc.poll() is not None or not mounted(mnt):
                tally.failure("crash", f"the {name} mount's process exited ({proc.poll()})")
                return
        for r in readers:
            if now - r.last_progress > args.hang_seconds:
                tally.failure("hang", f"{r.name}: no file finished for {now - r.last_progress:.0f} s, "
                                      f"reading {r.current}")
                return
        for w in workers:
            if w.busy_since is not None and now - w.busy_since > args.hang_seconds:
                tally.failure("hang", f"{w.name}: one round has taken {now - w.busy_since:.0f} s")
                return
        if now >= next_line:
            next_line += 60
            c = tally.counts
            print(f"  {(now - tally.started) / 60:4.1f} min: {c['files verified']:,} files, "
                  f"{c['bytes verified'] / 1e9:.2f} GB verified; {c['refreshes']} refreshes, "
                  f"{c['checkpoints verified']} checkpoints; {tally.error_total()} errors, "
                  f"{sum(tally.failures.values())} failures; RSS read "
                  f"{rss_mib(mounts['read'][1].pid):.0f} MiB, write {rss_mib(mounts['write'][1].pid):.0f} MiB",
                  flush=True)


def main():
    args = parse()
    os.makedirs(args.out, exist_ok=True)
    procs = Processes(args.bin, args.work)
    store = Store("soak")
    prep = time.monotonic()
    print(f"== soak: {args.minutes:g} min; dataset of {args.small_files:,} small and "
          f"{args.large_files} large files", flush=True)
    expected, manifest = dataset.build(procs, store, args.work, args.small_files, args.large_files, args.seed)
    data = {"files": len(expected), "bytes": sum(size for _, size in expected.values())}
    print(f"  dataset: {data['files']:,} files, {data['bytes'] / 1e6:.0f} MB, ready in "
          f"{time.monotonic() - prep:.0f} s", flush=True)

    procs.start_proxy(int(store.endpoint.rsplit(":", 1)[1]), args.seed)
    via_proxy = ["--endpoint", procs.proxy_url, *STORE_FLAGS]
    read_mnt, write_mnt = os.path.join(args.work, "mnt-read"), os.path.join(args.work, "mnt-write")
    mounts = {}
    try:
        mounts["read"] = (read_mnt, procs.mount(
            [manifest, "--cache-size", f"{args.cache_mib}M", *via_proxy], read_mnt, "read-mount.log"))
        mounts["write"] = (write_mnt, procs.mount(
            ["--write", f"s3://{store.bucket}/{CKPT_PREFIX}", "--spool", os.path.join(args.work, "spool"),
             "--part-size", f"{WRITE_PART_MIB}M", "--upload-parts", str(WRITE_PARTS), *via_proxy],
            write_mnt, "write-mount.log"))
        return run(args, procs, store, expected, data, mounts)
    finally:
        for mnt, proc in mounts.values():
            if proc.poll() is None:
                procs.unmount(mnt, proc, wait_s=30)
        procs.stop_proxy()


def run(args, procs, store, expected, data, mounts):
    tally = Tally(os.path.join(args.out, "events.log"), time.monotonic())
    stop = threading.Event()
    versions = Versions(expected)
    faults = Faults(procs, tally, stop, args.fault_period, args.fault_on)
    readers = [Reader(i, mounts["read"][0], versions, tally, stop, args.seed) for i in range(args.readers)]
    workers = [Refresher(procs, store, args.work, mounts["read"][0], versions, tally, stop,
                         args.refresh_every, args.seed),
               Checkpointer(mounts["write"][0], store, tally, stop, args.checkpoint_every,
                            args.checkpoint_mib << 20)]
    sampler = Sampler(procs, mounts, faults, tally, stop, args.sample_every, os.path.join(args.out, "rss.tsv"))
    for t in [faults, sampler, *readers, *workers]:
        t.start()
    watch(args, tally, mounts, readers, workers, tally.started + args.minutes * 60)
    stop.set()
    seconds = time.monotonic() - tally.started
    print(f"  stopping after {seconds / 60:.1f} min", flush=True)
    for t in [faults, sampler, *workers, *readers]:
        t.join(timeout=150)
        if t.is_alive():
            tally.failure("hang", f"{t.name} did not stop within 150 s")

    for name in ("write", "read"):
        mnt, proc = mounts[name]
        code = procs.unmount(mnt, proc)
        if code != 0:
            tally.failure("unclean-exit", f"the {name} mount's process ended with {code} after unmounting")
    left = store.pending_uploads(CKPT_PREFIX)
    if left:
        tally.error("multipart uploads left behind", ", ".join(left[:5]))

    mem = {"read mount": report.memory(sampler.samples, "read_rss_mib", args.cache_mib + report.OVERHEAD_MIB),
           "write mount": report.memory(sampler.samples, "write_rss_mib",
                                        WRITE_PART_MIB * (WRITE_PARTS + 1) + report.OVERHEAD_MIB)}
    report.judge_memory(mem, tally)
    report.write(args, tally, mem, seconds, data, sampler.samples, args.out)
    tally.close()
    return 1 if tally.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
