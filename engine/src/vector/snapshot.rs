//! The vector index on disk: a snapshot directory written whole, then swapped in.
//!
//! `<engine dir>/vectors/current/` holds `manifest.json` (format, applied sequence, dimension,
//! graph parameters, and each file's size and checksum), the graph (`graph.hnsw.graph` and
//! `graph.hnsw.data`, hnsw_rs's format) and `slots.bin` (per slot: product id, embedding key,
//! live flag). A snapshot is written into `next/`, manifest last, then `current/` becomes
//! `previous/` and `next/` becomes `current/`. Opening reads `current/`, else `previous/` (a
//! crash between the two renames); a snapshot whose files do not match their manifest is
//! ignored. Whatever is read is then reconciled with the lexical index (see `vector`), so a
//! missing or stale snapshot costs time, never correctness.

use super::graph::{AnnGraph, GraphParams};
use crate::doc::ProductId;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Version of the snapshot layout; another version is ignored (and rebuilt).
const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const SLOTS: &str = "slots.bin";
const GRAPH_BASENAME: &str = "graph";
/// Bytes per slot in `slots.bin`.
const SLOT_BYTES: usize = 17;

/// One slot of the vector arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) product: ProductId,
    /// Content key of the vector (see `Embedding::key`).
    pub(crate) key: u64,
    /// False once replaced or deleted (a tombstone) or while being inserted.
    pub(crate) live: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    seq: u64,
    dimension: usize,
    max_connections: usize,
    ef_construction: usize,
    slots: usize,
    graph_basename: Option<String>,
    files: Vec<FileCheck>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct FileCheck {
    name: String,
    bytes: u64,
    checksum: u64,
}

/// What a snapshot holds.
pub(crate) struct Snapshot {
    pub(crate) seq: u64,
    pub(crate) dimension: usize,
    pub(crate) slots: Vec<Slot>,
    /// The vectors, slot after slot.
    pub(crate) arena: Vec<f32>,
    /// `None` when there are no slots.
    pub(crate) graph: Option<AnnGraph>,
}

/// What to write.
pub(crate) struct SnapshotRef<'a> {
    pub(crate) seq: u64,
    pub(crate) dimension: usize,
    pub(crate) slots: &'a [Slot],
    pub(crate) graph: &'a AnnGraph,
}

fn io_error(action: &str, path: &Path, error: std::io::Error) -> String {
    format!("cannot {action} {}: {error}", path.display())
}

/// A 64-bit checksum of a file's bytes (8 bytes at a time; not cryptographic).
fn checksum_file(path: &Path) -> Result<(u64, u64), String> {
    let mut file = fs::File::open(path).map_err(|e| io_error("open", path, e))?;
    let mut buffer = vec![0u8; 1 << 20];
    let mut hash = super::Hash64::default();
    let mut total = 0u64;
    loop {
        let read = file
            .read(&mut buffer)
            .map_err(|e| io_error("read", path, e))?;
        if read == 0 {
            break;
        }
        hash.write(&buffer[..read]);
        total += read as u64;
    }
    Ok((total, hash.finish()))
}

fn encode_slots(slots: &[Slot]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(slots.len() * SLOT_BYTES);
    for slot in slots {
        bytes.extend_from_slice(&slot.product.0.to_le_bytes());
        bytes.extend_from_slice(&slot.key.to_le_bytes());
        bytes.push(u8::from(slot.live));
    }
    bytes
}

fn decode_slots(bytes: &[u8]) -> Option<Vec<Slot>> {
    if !bytes.len().is_multiple_of(SLOT_BYTES) {
        return None;
    }
    bytes
        .chunks_exact(SLOT_BYTES)
        .map(|chunk| {
            let product = u64::from_le_bytes(chunk[0..8].try_into().ok()?);
            let key = u64::from_le_bytes(chunk[8..16].try_into().ok()?);
            Some(Slot {
                product: ProductId(product),
                key,
                live: chunk[16] == 1,
            })
        })
        .collect()
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = fs::File::create(path).map_err(|e| io_error("create", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error("write", path, e))
}

fn sync_file(path: &Path) -> Result<(), String> {
    fs::File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(|e| io_error("sync", path, e))
}

fn remove_dir_if_present(path: &Path) -> Result<(), String> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(io_error("remove", path, error)),
    }
}

/// Writes a snapshot into `root` (the `vectors` directory), replacing the current one.
pub(crate) fn write(root: &Path, snapshot: &SnapshotRef<'_>) -> Result<(), String> {
    fs::create_dir_all(root).map_err(|e| io_error("create", root, e))?;
    let next = root.join("next");
    remove_dir_if_present(&next)?;
    fs::create_dir_all(&next).map_err(|e| io_error("create", &next, e))?;
    let mut names = vec![SLOTS.to_string()];
    write_file(&next.join(SLOTS), &encode_slots(snapshot.slots))?;
    let graph_basename = if snapshot.slots.is_empty() {
        None
    } else {
        let basename = snapshot.graph.dump(&next, GRAPH_BASENAME)?;
        for suffix in [".hnsw.graph", ".hnsw.data"] {
            let name = format!("{basename}{suffix}");
            sync_file(&next.join(&name))?;
            names.push(name);
        }
        Some(basename)
    };
    let files = names
        .into_iter()
        .map(|name| {
            let (bytes, checksum) = checksum_file(&next.join(&name))?;
            Ok(FileCheck {
                name,
                bytes,
                checksum,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let params = snapshot.graph.params();
    let manifest = Manifest {
        format: FORMAT,
        seq: snapshot.seq,
        dimension: snapshot.dimension,
        max_connections: params.max_connections,
        ef_construction: params.ef_construction,
        slots: snapshot.slots.len(),
        graph_basename,
        files,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| format!("cannot encode the manifest: {e}"))?;
    write_file(&next.join(MANIFEST), &json)?;
    let current = root.join("current");
    let previous = root.join("previous");
    remove_dir_if_present(&previous)?;
    if current.exists() {
        fs::rename(&current, &previous).map_err(|e| io_error("rename", &current, e))?;
    }
    fs::rename(&next, &current).map_err(|e| io_error("rename", &next, e))?;
    remove_dir_if_present(&previous)?;
    if let Ok(dir) = fs::File::open(root) {
        // Persists the renames where the platform allows syncing a directory.
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Reads the newest valid snapshot under `root`. `Ok(None)` when there is none; `Err` says
/// why the one found is unusable.
pub(crate) fn read(root: &Path, params: GraphParams) -> Result<Option<Snapshot>, String> {
    let candidates: Vec<PathBuf> = ["current", "previous"]
        .iter()
        .map(|name| root.join(name))
        .filter(|dir| dir.join(MANIFEST).is_file())
        .collect();
    let mut last_error = None;
    for dir in candidates {
        match read_dir(&dir, params) {
            Ok(snapshot) => return Ok(Some(snapshot)),
            Err(error) => {
                tracing::warn!(dir = %dir.display(), %error, "unusable vector snapshot: {error}");
                last_error = Some(error);
            }
        }
    }
    match last_error {
        Some(error) => Err(error),
        None => Ok(None),
    }
}

fn read_dir(dir: &Path, params: GraphParams) -> Result<Snapshot, String> {
    let manifest_path = dir.join(MANIFEST);
    let json = fs::read(&manifest_path).map_err(|e| io_error("read", &manifest_path, e))?;
    let manifest: Manifest =
        serde_json::from_slice(&json).map_err(|e| format!("malformed manifest: {e}"))?;
    if manifest.format != FORMAT {
        return Err(format!(
            "snapshot format {} is not {FORMAT}",
            manifest.format
        ));
    }
    if manifest.max_connections != params.max_connections
        || manifest.ef_construction != params.ef_construction
    {
        return Err("snapshot was built with other graph parameters".to_string());
    }
    for file in &manifest.files {
        let (bytes, checksum) = checksum_file(&dir.join(&file.name))?;
        if bytes != file.bytes || checksum != file.checksum {
            return Err(format!("{} does not match its checksum", file.name));
        }
    }
    let slots_path = dir.join(SLOTS);
    let slot_bytes = fs::read(&slots_path).map_err(|e| io_error("read", &slots_path, e))?;
    let slots = decode_slots(&slot_bytes).ok_or("malformed slots file")?;
    if slots.len() != manifest.slots {
        return Err("slot count does not match the manifest".to_string());
    }
    let dimension = manifest.dimension;
    let Some(basename) = &manifest.graph_basename else {
        if !slots.is_empty() {
            return Err("slots without a graph".to_string());
        }
        return Ok(Snapshot {
            seq: manifest.seq,
            dimension,
            slots,
            arena: Vec::new(),
            graph: None,
        });
    };
    let graph = AnnGraph::load(dir, basename, params)?;
    if graph.len() != slots.len() {
        return Err(format!(
            "graph has {} vectors for {} slots",
            graph.len(),
            slots.len()
        ));
    }
    let mut arena = vec![0f32; slots.len() * dimension];
    let mut filled = vec![false; slots.len()];
    let mut malformed = false;
    graph.for_each_vector(|slot, vector| {
        let start = slot as usize * dimension;
        match arena.get_mut(start..start + dimension) {
            Some(target) if vector.len() == dimension => {
                target.copy_from_slice(vector);
                filled[slot as usize] = true;
            }
            _ => malformed = true,
        }
    });
    if malformed || filled.iter().any(|filled| !filled) {
        return Err("graph vectors do not match the slots".to_string());
    }
    Ok(Snapshot {
        seq: manifest.seq,
        dimension,
        slots,
        arena,
        graph: Some(graph),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip() {
        let slots = vec![
            Slot {
                product: ProductId(7),
                key: 42,
                live: true,
            },
            Slot {
                product: ProductId(u64::MAX),
                key: 1,
                live: false,
            },
        ];
        assert_eq!(decode_slots(&encode_slots(&slots)), Some(slots));
        assert_eq!(decode_slots(&[0u8; 5]), None);
    }

    #[test]
    fn a_corrupted_file_is_refused_and_the_previous_snapshot_is_not_needed() {
        let root = tempfile::tempdir().unwrap();
        let params = GraphParams::default();
        let arena: Vec<f32> = (0..20)
            .flat_map(|i| {
                let angle = i as f32 * 0.1;
                [angle.cos(), angle.sin()]
            })
            .collect();
        let graph = AnnGraph::build(params, 2, &arena);
        let slots: Vec<Slot> = (0..20)
            .map(|i| Slot {
                product: ProductId(i),
                key: i + 1,
                live: true,
            })
            .collect();
        let snapshot = SnapshotRef {
            seq: 9,
            dimension: 2,
            slots: &slots,
            graph: &graph,
        };
        write(root.path(), &snapshot).unwrap();
        write(root.path(), &snapshot).unwrap();
        let read_back = read(root.path(), params).unwrap().unwrap();
        assert_eq!(read_back.seq, 9);
        assert_eq!(read_back.slots, slots);
        assert_eq!(read_back.arena, arena);
        let data = root.path().join("current").join("graph.hnsw.data");
        let mut bytes = fs::read(&data).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xFF;
        fs::write(&data, bytes).unwrap();
        assert!(read(root.path(), params).is_err());
        let other = GraphParams {
            max_connections: 8,
            ..params
        };
        assert!(read(root.path(), other).is_err());
        assert!(read(&root.path().join("absent"), params).unwrap().is_none());
    }
}
