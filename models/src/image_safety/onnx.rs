//! ONNX Runtime: the process-wide environment loaded from the pinned library in the model cache,
//! and small pools of sessions.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use ort::environment::Environment;
use ort::session::Session;
use ort::value::TensorRef;

use super::SessionOptions;
use crate::fetch::read_verified;
use crate::manifest::{ONNXRUNTIME, ONNXRUNTIME_LIBRARY_FILE};
use crate::{Error, Result};

/// ONNX Runtime allows one environment per process, and a library once loaded stays loaded.
static ENVIRONMENT: Mutex<Option<Environment>> = Mutex::new(None);

/// Returns the process's ONNX Runtime environment, loading `libonnxruntime.so.1.31.1` from
/// `cache_dir` (sha256-checked) on first use. Later calls reuse it, whatever their
/// `cache_dir`.
pub(crate) fn environment(cache_dir: &Path) -> Result<Environment> {
    let mut slot = ENVIRONMENT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(environment) = slot.as_ref() {
        return Ok(environment.clone());
    }
    let (path, _) = read_verified(&ONNXRUNTIME, ONNXRUNTIME_LIBRARY_FILE, cache_dir)?;
    let environment = ort::init_from(&path)
        .map_err(|error| Error::OnnxRuntime {
            action: "load its library",
            message: error.to_string(),
        })?
        .with_name("bolajon")
        .with_telemetry(false)
        .build()
        .map_err(|error| Error::OnnxRuntime {
            action: "create its environment",
            message: error.to_string(),
        })?;
    *slot = Some(environment.clone());
    Ok(environment)
}

/// Sessions of one model, created once and reused; a call takes a free one, or waits.
pub(crate) struct SessionPool {
    sessions: Vec<Mutex<Session>>,
    next: AtomicUsize,
    input: &'static str,
    output: &'static str,
}

impl SessionPool {
    /// Creates `options.sessions` sessions of the ONNX graph `model`, each with
    /// `options.intra_threads` threads, reading `input` and writing `output`.
    pub(crate) fn new(
        environment: &Environment,
        model: &[u8],
        options: SessionOptions,
        input: &'static str,
        output: &'static str,
    ) -> Result<Self> {
        let runtime_error = |action: &'static str| {
            move |error: ort::Error<ort::session::builder::SessionBuilder>| Error::OnnxRuntime {
                action,
                message: error.to_string(),
            }
        };
        let mut sessions = Vec::with_capacity(options.sessions.max(1));
        for _ in 0..options.sessions.max(1) {
            let session = Session::builder(environment)
                .map_err(|error| Error::OnnxRuntime {
                    action: "create a session builder",
                    message: error.to_string(),
                })?
                .with_intra_threads(options.intra_threads.max(1))
                .map_err(runtime_error("set the intra-op threads"))?
                .with_inter_threads(1)
                .map_err(runtime_error("set the inter-op threads"))?
                .commit_from_memory(model)
                .map_err(|error| Error::OnnxRuntime {
                    action: "load the model",
                    message: error.to_string(),
                })?;
            let names = |outlets: &[ort::value::Outlet]| -> Vec<String> {
                outlets.iter().map(|o| o.name().to_owned()).collect()
            };
            if !names(session.inputs()).iter().any(|name| name == input)
                || !names(session.outputs()).iter().any(|name| name == output)
            {
                return Err(Error::MalformedModel {
                    file: "onnx graph".to_owned(),
                    reason: format!(
                        "expected input {input} and output {output}, found inputs {:?} and outputs {:?}",
                        names(session.inputs()),
                        names(session.outputs())
                    ),
                });
            }
            sessions.push(Mutex::new(session));
        }
        Ok(Self {
            sessions,
            next: AtomicUsize::new(0),
            input,
            output,
        })
    }

    /// Runs the graph on one f32 tensor of `shape` and returns its output's values.
    pub(crate) fn run(&self, shape: [usize; 4], values: &[f32]) -> Result<Vec<f32>> {
        let run_error = |error: ort::Error| Error::OnnxRuntime {
            action: "run",
            message: error.to_string(),
        };
        let tensor = TensorRef::from_array_view((shape, values)).map_err(run_error)?;
        let mut session = self.acquire();
        let outputs = session
            .run(ort::inputs![self.input => tensor])
            .map_err(run_error)?;
        let (_, probabilities) = outputs[self.output]
            .try_extract_tensor::<f32>()
            .map_err(run_error)?;
        Ok(probabilities.to_vec())
    }

    /// Returns a free session, or waits for the next one in turn.
    fn acquire(&self) -> MutexGuard<'_, Session> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.sessions.len();
        for offset in 0..count {
            if let Ok(session) = self.sessions[(start + offset) % count].try_lock() {
                return session;
            }
        }
        self.sessions[start % count]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
