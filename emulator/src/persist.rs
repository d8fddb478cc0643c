//! The state file: JSON holding the integrations (secrets, polling code and trigger input fields included), the
//! uploaded icons (base64) and the API keys added at run time. It is written to a temp file in the same
//! directory, fsynced, renamed over the target and the directory fsynced, so that neither a reader nor a crash
//! (even of the machine) ever finds half a file, and a write that returned is on disk.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::Scope;
use crate::routes::sniff_icon;
use crate::state::StoredIcon;
use crate::state::{Integration, Store};

/// Format version written into the file; bumped when the layout changes incompatibly. Icons and keys were
/// added compatibly (absent means none).
const VERSION: u32 = 1;

/// A key added at run time, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct StoredKey {
    pub key: String,
    pub scopes: Vec<Scope>,
}

/// An uploaded icon, as stored: its format is recognised again from the bytes when loaded.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileIcon {
    integration_id: Uuid,
    base64: String,
}

#[derive(Deserialize)]
struct StateFile {
    version: u32,
    integrations: Vec<Integration>,
    #[serde(default)]
    icons: Vec<FileIcon>,
    #[serde(default)]
    keys: Vec<StoredKey>,
}

/// What a state file holds.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub store: Store,
    pub icons: HashMap<Uuid, StoredIcon>,
    pub keys: Vec<StoredKey>,
}

/// Serializes the state; the caller holds the locks, so the snapshot is consistent.
pub(crate) fn snapshot(
    store: &Store,
    icons: &HashMap<Uuid, StoredIcon>,
    keys: &BTreeMap<String, Vec<Scope>>,
) -> io::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct StateRef<'a> {
        version: u32,
        integrations: &'a [Integration],
        icons: Vec<FileIcon>,
        keys: Vec<StoredKey>,
    }
    // Sorted, so that the same state always gives the same file.
    let mut icons: Vec<FileIcon> =
        icons.iter().map(|(id, icon)| FileIcon { integration_id: *id, base64: BASE64.encode(&icon.bytes) }).collect();
    icons.sort_by_key(|icon| icon.integration_id);
    let keys = keys.iter().map(|(key, scopes)| StoredKey { key: key.clone(), scopes: scopes.clone() }).collect();
    serde_json::to_vec_pretty(&StateRef { version: VERSION, integrations: store.all(), icons, keys })
        .map_err(io::Error::other)
}

/// Loads the state from `path`; `Ok(None)` when the file does not exist or is empty (a fresh start). Temp files
/// left by a crash in the middle of a write are removed: the target itself is always complete.
pub(crate) fn load(path: &Path) -> io::Result<Option<Loaded>> {
    remove_stale_temp_files(path);
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let invalid = |message: String| {
        io::Error::new(io::ErrorKind::InvalidData, format!("state file {} {message}", path.display()))
    };
    let file: StateFile =
        serde_json::from_slice(&bytes).map_err(|e| invalid(format!("is not an emulator state: {e}")))?;
    if file.version != VERSION {
        return Err(invalid(format!("has version {}, this emulator reads version {VERSION}", file.version)));
    }
    let mut icons = HashMap::with_capacity(file.icons.len());
    for icon in file.icons {
        let id = icon.integration_id;
        let bytes = BASE64.decode(icon.base64.as_bytes()).map_err(|e| invalid(format!("icon of {id}: {e}")))?;
        let (ext, content_type) =
            sniff_icon(&bytes).ok_or_else(|| invalid(format!("icon of {id}: not a PNG, JPEG or WebP image")))?;
        icons.insert(id, StoredIcon { ext, content_type, bytes: Bytes::from(bytes) });
    }
    Ok(Some(Loaded { store: Store::from_integrations(file.integrations), icons, keys: file.keys }))
}

/// The prefix of the temp files written next to `path`.
fn temp_prefix(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    format!(".{name}.tmp-")
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn remove_stale_temp_files(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = fs::read_dir(directory_of(path)) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        if entry.file_name().to_str().is_some_and(|name| name.starts_with(&prefix)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` atomically and durably: temp file next to it, fsync, rename, fsync the directory
/// (which makes the rename itself survive a power cut).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = directory_of(path);
    let temp =
        dir.join(format!("{}{}-{}", temp_prefix(path), std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let written = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        // Best effort: do not leave temp files behind when the write or the rename failed.
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    sync_directory(dir)
}

#[cfg(unix)]
fn sync_directory(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_directory(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; its rename is as durable as it gets.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("langdock-persist-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_write_replaces_the_file_and_leaves_no_temp_file() {
        let dir = temp_dir("write");
        let path = dir.join("state.json");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "only the state file is left");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn loading_removes_temp_files_a_crash_left_and_keeps_the_state() {
        let dir = temp_dir("stale");
        let path = dir.join("s.json");
        let snapshot = snapshot(&Store::default(), &HashMap::new(), &BTreeMap::new()).unwrap();
        write_atomic(&path, &snapshot).unwrap();
        fs::write(dir.join(".s.json.tmp-123-4"), b"{ half").unwrap();
        fs::write(dir.join("other.json"), b"kept").unwrap();
        let loaded = load(&path).unwrap().expect("state");
        assert!(loaded.store.all().is_empty() && loaded.icons.is_empty() && loaded.keys.is_empty());
        let mut names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["other.json", "s.json"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn icons_and_keys_round_trip_and_a_bad_icon_is_refused() {
        let dir = temp_dir("icons");
        let path = dir.join("s.json");
        let id = Uuid::new_v4();
        let png = Bytes::from_static(b"\x89PNG\r\n\x1a\nrest");
        let icons = HashMap::from([(id, StoredIcon { ext: "png", content_type: "image/png", bytes: png.clone() })]);
        let keys = BTreeMap::from([("k".to_owned(), vec![Scope::AssistantApi])]);
        write_atomic(&path, &snapshot(&Store::default(), &icons, &keys).unwrap()).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.icons[&id].bytes, png);
        assert_eq!(loaded.icons[&id].content_type, "image/png");
        assert_eq!(loaded.keys, vec![StoredKey { key: "k".into(), scopes: vec![Scope::AssistantApi] }]);

        let text = fs::read_to_string(&path).unwrap().replace(&BASE64.encode(&png), &BASE64.encode(b"not an image"));
        fs::write(&path, text).unwrap();
        let err = load(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("not a PNG"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }
}
