//! The shared state of a running emulator: the workspace, keys, limiter, faults and journal, behind short-lived
//! locks (never held across an await).

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use bytes::Bytes;
use uuid::Uuid;

use crate::config::{ApiKey, Config, Scope};
use crate::faults::FaultQueue;
use crate::journal::Journal;
use crate::operation::Operation;
use crate::persist;
use crate::ratelimit::RateLimiter;
use crate::reply::ApiError;
use crate::state::Store;
use crate::sync::{lock, read, write};

/// An uploaded icon (the latest per integration), kept in the state file when there is one.
#[derive(Debug, Clone)]
pub(crate) struct StoredIcon {
    pub ext: &'static str,
    pub content_type: &'static str,
    pub bytes: Bytes,
}

/// Everything a request may touch.
#[derive(Debug)]
pub(crate) struct App {
    pub seed: bool,
    pub max_body_bytes: usize,
    pub state_file: Option<PathBuf>,
    /// `http://host:port`, for icon URLs.
    pub base_url: String,
    pub started: Instant,
    pub store: Mutex<Store>,
    pub icons: Mutex<HashMap<Uuid, StoredIcon>>,
    pub keys: RwLock<HashMap<String, Vec<Scope>>>,
    /// The keys added (or re-scoped) at run time: what the state file keeps of the keys, since the others come
    /// from the configuration again at the next start.
    pub added_keys: Mutex<BTreeMap<String, Vec<Scope>>>,
    pub limiter: RateLimiter,
    pub faults: FaultQueue,
    pub journal: Journal,
    /// Serializes state-file writes so that the last write always holds the latest state.
    persist_lock: Mutex<()>,
}

impl App {
    /// Builds the state from `config`, loading the state file when there is one; keys added at run time before
    /// come back on top of the configured ones.
    pub fn new(config: Config, base_url: String) -> io::Result<App> {
        let loaded = match &config.state_file {
            Some(path) => persist::load(path)?,
            None => None,
        };
        let (store, icons, added_keys) = match loaded {
            Some(loaded) => (loaded.store, loaded.icons, loaded.keys.into_iter().map(|k| (k.key, k.scopes)).collect()),
            None => (Store::seeded(config.seed), HashMap::new(), BTreeMap::new()),
        };
        let mut keys: HashMap<String, Vec<Scope>> = config.keys.into_iter().map(|k| (k.key, k.scopes)).collect();
        keys.extend(added_keys.iter().map(|(key, scopes)| (key.clone(), scopes.clone())));
        Ok(App {
            seed: config.seed,
            max_body_bytes: config.max_body_bytes,
            state_file: config.state_file,
            base_url,
            started: Instant::now(),
            store: Mutex::new(store),
            icons: Mutex::new(icons),
            keys: RwLock::new(keys),
            added_keys: Mutex::new(added_keys),
            limiter: RateLimiter::new(config.rate_limit_per_minute),
            faults: FaultQueue::default(),
            journal: Journal::default(),
            persist_lock: Mutex::new(()),
        })
    }

    /// The workspace, locked.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// Adds or replaces a key (the caller writes the state file).
    pub fn add_key(&self, key: ApiKey) {
        write(&self.keys).insert(key.key.clone(), key.scopes.clone());
        lock(&self.added_keys).insert(key.key, key.scopes);
    }

    /// Checks the bearer token against the keys and the scopes `op` needs: 401 for a missing or unknown key,
    /// 403 for a key without the scope.
    pub fn authorize(&self, token: Option<&str>, op: Operation) -> Result<(), ApiError> {
        let Some(token) = token else {
            return Err(ApiError::new(
                http::StatusCode::UNAUTHORIZED,
                "missing API key: send Authorization: Bearer <key>",
            ));
        };
        let keys = read(&self.keys);
        let Some(scopes) = keys.get(token) else {
            return Err(ApiError::new(http::StatusCode::UNAUTHORIZED, "invalid API key"));
        };
        let accepted = crate::operation::accepted_scopes(op);
        if scopes.iter().any(|s| accepted.contains(s)) {
            Ok(())
        } else {
            let names: Vec<&str> = accepted.iter().map(|s| s.as_str()).collect();
            Err(ApiError::forbidden(format!("this API key lacks the scope for {op}: it needs {}", names.join(" or "))))
        }
    }

    /// Back to the seed: state, icons, faults and journal; the rate limit and keys stay, buckets refill.
    pub fn reset(&self) {
        *self.store() = Store::seeded(self.seed);
        lock(&self.icons).clear();
        self.faults.clear();
        self.journal.clear();
        self.limiter.refill();
    }

    /// Writes the state file, if there is one (blocking: call from a blocking context).
    pub fn persist(&self) -> io::Result<()> {
        let Some(path) = &self.state_file else {
            return Ok(());
        };
        let _writing = lock(&self.persist_lock);
        let bytes = self.snapshot()?;
        persist::write_atomic(path, &bytes)
    }

    /// Writes the state file, if there is one, on the blocking pool. Every acknowledged change goes through
    /// here before its answer is sent; the spawned write finishes even if the request is dropped meanwhile.
    pub async fn persist_async(self: &Arc<Self>) -> io::Result<()> {
        if self.state_file.is_none() {
            return Ok(());
        }
        let app = Arc::clone(self);
        tokio::task::spawn_blocking(move || app.persist()).await.map_err(io::Error::other)?
    }

    /// The state as the file holds it. Locks in the order store, icons, keys, as everywhere.
    pub fn snapshot(&self) -> io::Result<Vec<u8>> {
        let store = self.store();
        let icons = lock(&self.icons);
        persist::snapshot(&store, &icons, &lock(&self.added_keys))
    }

    /// Writes the state file and logs, rather than returns, a failure: the change is already made in memory.
    pub fn persist_logged(&self) {
        if let Err(e) = self.persist() {
            tracing::error!(error = %e, "could not write the state file");
        }
    }

    /// The URL under which an uploaded icon is served.
    pub fn icon_url(&self, integration: Uuid, ext: &str) -> String {
        format!("{}/_emulator/icons/{integration}.{ext}", self.base_url)
    }
}
