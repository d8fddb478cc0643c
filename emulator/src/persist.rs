//! The state file: JSON written to a temp file in the same directory and renamed over the target, so a reader
//! (or a crash) never sees half a file. Keys and icon bytes are not persisted; everything else is, secrets,
//! polling code and trigger input fields included.

use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::state::{Integration, Store};

/// Format version written into the file; bumped when the layout changes incompatibly.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    integrations: Vec<Integration>,
}

/// Serializes the store (under the caller's lock, so the snapshot is consistent).
pub(crate) fn snapshot(store: &Store) -> io::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct StateRef<'a> {
        version: u32,
        integrations: &'a [Integration],
    }
    serde_json::to_vec_pretty(&StateRef { version: VERSION, integrations: store.all() }).map_err(io::Error::other)
}

/// Loads the store from `path`; `Ok(None)` when the file does not exist or is empty (a fresh start).
pub(crate) fn load(path: &Path) -> io::Result<Option<Store>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let file: StateFile = serde_json::from_slice(&bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("state file {} is not an emulator state: {e}", path.display()),
        )
    })?;
    if file.version != VERSION {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "state file {} has version {}, this emulator reads version {VERSION}",
                path.display(),
                file.version
            ),
        ));
    }
    Ok(Some(Store::from_integrations(file.integrations)))
}

/// Writes `bytes` to `path` atomically: temp file next to it, then rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let temp = dir.join(format!(".{name}.tmp-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        // Best effort: do not leave temp files behind when the rename failed.
        let _ = fs::remove_file(&temp);
    }
    result
}
