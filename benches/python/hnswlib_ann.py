"""hnswlib on the same vectors as `cargo run --release -p benches --bin ann`.

Reads raw little-endian f32 files written by the Rust harness (base vectors, queries) and the
exact top-k ids it computed, builds an hnswlib index (inner product on unit vectors, the same
M and ef_construction), then for each ef measures recall@k and single-threaded queries per
second (all queries in one call on one thread). Prints one JSON object on stdout.
"""

import argparse
import json
import time

import hnswlib
import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="raw f32 base vectors")
    parser.add_argument("--queries", required=True, help="raw f32 query vectors")
    parser.add_argument("--truth", required=True, help="raw u32 exact top-k ids per query")
    parser.add_argument("--dim", type=int, required=True)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--ef", default="16,32,64,128,256")
    parser.add_argument("--build-threads", type=int, default=2)
    args = parser.parse_args()

    base = np.fromfile(args.base, dtype="<f4").reshape(-1, args.dim)
    queries = np.fromfile(args.queries, dtype="<f4").reshape(-1, args.dim)
    truth = np.fromfile(args.truth, dtype="<u4").reshape(len(queries), args.k)

    index = hnswlib.Index(space="ip", dim=args.dim)
    index.init_index(max_elements=len(base), ef_construction=args.ef_construction, M=args.m, random_seed=100)
    index.set_num_threads(args.build_threads)
    started = time.perf_counter()
    index.add_items(base, np.arange(len(base)))
    build_seconds = time.perf_counter() - started

    index.set_num_threads(1)
    results = []
    for ef in [int(value) for value in args.ef.split(",")]:
        index.set_ef(max(ef, args.k))
        # All queries in one call on one thread: hnswlib's C++ speed without Python's per-call
        # overhead (the stricter comparison for the Rust side, which loops per query).
        started = time.perf_counter()
        found, _ = index.knn_query(queries, k=args.k, num_threads=1)
        seconds = time.perf_counter() - started
        hits = sum(len(set(found[row].tolist()) & set(truth[row].tolist())) for row in range(len(queries)))
        results.append(
            {"ef": ef, "recall": hits / (len(queries) * args.k), "qps": len(queries) / seconds}
        )
    print(json.dumps({"build_seconds": build_seconds, "results": results}))


if __name__ == "__main__":
    main()
