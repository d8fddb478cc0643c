//! `.langdock-state.json`: what apply last sent, as hashes, because the API never returns a
//! trigger's polling code or input fields, nor the OAuth client secret.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::failure::Failure;

/// The state file's name, next to the manifest.
pub const STATE_FILE: &str = ".langdock-state.json";

/// What apply last sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// The integration the hashes belong to.
    #[serde(default)]
    pub integration_id: Option<String>,
    /// The hash of the last auth update sent (it includes the OAuth client secret).
    #[serde(default)]
    pub auth: Option<String>,
    /// Per trigger name, the hash of the last body sent.
    #[serde(default)]
    pub triggers: BTreeMap<String, String>,
}

impl State {
    /// The state of `dir`, or `None` when it has no state file.
    pub fn load(dir: &Path) -> Result<Option<State>, Failure> {
        let path = path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                Failure::file(&path, format!("unreadable state: {e}"))
                    .hint("delete it; the next apply re-sends every trigger")
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Failure::file(&path, format!("cannot read it: {e}"))),
        }
    }

    /// Writes the state next to the manifest, atomically.
    pub fn save(&self, dir: &Path) -> Result<(), Failure> {
        let text =
            serde_json::to_vec_pretty(self).map_err(|e| Failure::local(format!("cannot encode the state: {e}")))?;
        write_atomically(&path(dir), &text)
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join(STATE_FILE)
}

/// The SHA-256 of a body as JSON, hex.
pub fn hash(body: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| Failure::local(format!("{}: cannot write it: {e}", path.display())))
}
