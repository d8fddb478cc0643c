//! `FileData` inputs (research section 5.1) built from local files, so the CLI's `--input doc=@report.pdf` and
//! the bindings build them one way.

use std::path::Path;
use std::time::SystemTime;

use base64::Engine as _;
use serde_json::{Value, json};

use crate::spec::{ErrorKind, RunError};

/// The platform's limit on all files of one action run (research section 2.2), checked per file here.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;

/// A `FileData` object for `data.input` from the file at `path`: `{ fileName, mimeType, size, base64,
/// lastModified }`, the MIME type from the file's extension (`application/octet-stream` when unknown).
///
/// Errors with `invalid_spec` when the file cannot be read or is larger than [`MAX_FILE_BYTES`], which the
/// platform refuses before the code runs.
pub fn file_input(path: &Path) -> Result<Value, RunError> {
    let invalid = |message: String| RunError::new(ErrorKind::InvalidSpec, message);
    let metadata =
        std::fs::metadata(path).map_err(|e| invalid(format!("cannot read the file {}: {e}", path.display())))?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(invalid(format!(
            "the file {} has {} bytes; the platform accepts at most 100 MB of files per run",
            path.display(),
            metadata.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| invalid(format!("cannot read the file {}: {e}", path.display())))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mime_type = mime_guess::from_path(path).first_raw().unwrap_or("application/octet-stream");
    let last_modified = metadata.modified().unwrap_or_else(|_| SystemTime::now());
    Ok(json!({
        "fileName": file_name,
        "mimeType": mime_type,
        "size": bytes.len(),
        "base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
        "lastModified": crate::crypto::iso8601(last_modified),
    }))
}
