//! The Python reference runtimes the comparison harness measures bolajon against, in a venv
//! under `~/.cache/bolajon/venv` that is created and filled from PyPI on first use.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Command;

/// Returns the venv's interpreter after making sure `requirements` (pip specifiers such as
/// `hnswlib==0.8.0`) are installed; `probe` is Python code that imports them.
pub fn venv_python(requirements: &[&str], probe: &str) -> Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    let venv = PathBuf::from(home).join(".cache/bolajon/venv");
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", probe])
        .output()
        .is_ok_and(|out| out.status.success());
    if ready {
        return Ok(python);
    }
    if !python.exists() {
        eprintln!("creating the reference venv {}", venv.display());
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("running python3 -m venv")?;
        if !status.success() {
            bail!("python3 -m venv {} failed", venv.display());
        }
    }
    eprintln!(
        "installing {} into {}",
        requirements.join(" "),
        venv.display()
    );
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(requirements)
        .status()
        .context("running pip")?;
    if !status.success() {
        bail!("pip install {} failed", requirements.join(" "));
    }
    Ok(python)
}

/// Runs `python script args…` and parses its standard output as JSON.
pub fn run_json<T: serde::de::DeserializeOwned>(
    python: &std::path::Path,
    script: &std::path::Path,
    args: &[&std::ffi::OsStr],
) -> Result<T> {
    let output = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    serde_json::from_slice(&output.stdout)
        .with_context(|| format!("parsing the output of {}", script.display()))
}
