"""The soak's dataset: many small files with log-normal sizes plus a few
multi-MiB ones, made by `shoal generate` (deterministic), uploaded straight
to RGW under ds/ with curl, indexed by `shoal index`, and checksummed from
the local copy, which is what every read through the mount must match.

    small/class-NNN/sample-NNNNNNN.bin   -> ds/class-NNN/...
    large/class-000/sample-NNNNNNN.bin   -> ds/large/class-000/...
"""
import concurrent.futures
import os

from store import file_digest

PREFIX = "ds/"


def _tree(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files)


def build(procs, store, work, small_files, large_files, seed):
    """Returns ({key: (digest, size)}, manifest path); keys are relative to ds/."""
    src = os.path.join(work, "src")
    parts = [("small", "", ["--files", str(small_files), "--dirs", "20", "--median-size", "4096",
                            "--sigma", "0.7", "--min-size", "256", "--max-size", "262144"]),
             ("large", "large/", ["--files", str(large_files), "--dirs", "1",
                                  "--min-size", str(2 << 20), "--max-size", str(12 << 20)])]
    store.create_bucket()
    expected = {}
    for name, sub, options in parts:
        local = os.path.join(src, name)
        done = procs.run("generate", local, *options, "--seed", str(seed))
        if done.returncode != 0:
            raise RuntimeError(f"shoal generate: {done.stderr}")
        rels = _tree(local)
        store.put_tree(local, rels, PREFIX + sub, os.path.join(work, f"upload-{name}.cfg"))
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            sums = pool.map(file_digest, (os.path.join(local, r) for r in rels))
            expected.update({sub + r: s for r, s in zip(rels, sums)})
    manifest = index(procs, store, work, 0)
    return expected, manifest


def index(procs, store, work, generation):
    """`shoal index` of ds/ straight from RGW (the endpoint every manifest
    records; the mount reaches it through the proxy with --endpoint)."""
    path = os.path.join(work, f"ds-{generation}.shoal")
    done = procs.run("index", f"s3://{store.bucket}/{PREFIX.rstrip('/')}", "-o", path,
                     "--endpoint", store.endpoint, "--quiet")
    if done.returncode != 0:
        raise RuntimeError(f"shoal index: {done.stderr.strip()}")
    return path
