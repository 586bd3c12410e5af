"""BM25 from bm25s on the same products and queries as `cargo run --release -p benches --bin relevance`.

Reads the products (`product_uid`, `product_title`) and the queries (`query_id`, `query`) as CSV,
indexes the titles with bm25s (English Snowball stemmer from PyStemmer, English stop words,
Lucene's BM25 variant with the given k1 and b), then retrieves the top k of every query one at a
time on one thread, timing each call (tokenisation included). Prints one JSON object on stdout:
the ranked product ids per query id (only products with a positive score), the per-query
latencies in milliseconds and the index build time. The Rust harness computes the metrics, so
every system is scored by the same code.
"""

import argparse
import csv
import json
import time

import bm25s
import numpy as np
import Stemmer
from bm25s.tokenization import Tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--k1", type=float, default=1.2)
    parser.add_argument("--b", type=float, default=0.75)
    args = parser.parse_args()

    with open(args.products, newline="", encoding="utf-8") as file:
        products = [(int(row["product_uid"]), row["product_title"]) for row in csv.DictReader(file)]
    with open(args.queries, newline="", encoding="utf-8") as file:
        queries = [(row["query_id"], row["query"]) for row in csv.DictReader(file)]

    stemmer = Stemmer.Stemmer("english")
    tokenizer = Tokenizer(stemmer=stemmer, stopwords="en", lower=True)
    started = time.perf_counter()
    corpus_tokens = tokenizer.tokenize([title for _, title in products], return_as="tuple", show_progress=False)
    retriever = bm25s.BM25(method="lucene", k1=args.k1, b=args.b)
    retriever.index(corpus_tokens, show_progress=False)
    index_seconds = time.perf_counter() - started
    uids = np.array([uid for uid, _ in products])
    k = min(args.k, len(products))

    runs = {}
    latencies_ms = []
    for query_id, text in queries:
        started = time.perf_counter()
        ids = tokenizer.tokenize([text], update_vocab=False, return_as="ids", show_progress=False)
        ids = [[token for token in row if token != tokenizer.word_to_id.get("", -1)] for row in ids]
        if ids[0]:
            documents, scores = retriever.retrieve(ids, k=k, show_progress=False, n_threads=1)
            ranked = [int(uids[doc]) for doc, score in zip(documents[0], scores[0]) if score > 0]
        else:
            ranked = []
        latencies_ms.append((time.perf_counter() - started) * 1000.0)
        runs[query_id] = ranked

    json.dump(
        {
            "system": f"bm25s {bm25s.__version__} (lucene, k1={args.k1}, b={args.b}, Snowball English, en stop words)",
            "index_seconds": index_seconds,
            "latencies_ms": latencies_ms,
            "runs": runs,
        },
        fp=__import__("sys").stdout,
    )


if __name__ == "__main__":
    main()
