//! `NativeEmulator`: the emulator crate running in-process on its own runtime, for `langdock/testing`.

use langdock_emulator::{ApiKey, BlockingEmulator, Config, DEFAULT_API_KEY, Fault};
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::Rejection;
use crate::logging;

/// How the emulator starts.
#[napi(object)]
#[derive(Default)]
pub struct EmulatorOptions {
    /// Accepted keys, `KEY` (every scope) or `KEY:SCOPE1,SCOPE2`; default one key with every scope.
    pub keys: Option<Vec<String>>,
    /// Requests per minute and key; none by default.
    pub rate_limit: Option<u32>,
    /// Seed two Langdock-built integrations (default true).
    pub seed: Option<bool>,
    /// Keep the state in this JSON file across restarts.
    pub state_file: Option<String>,
    /// The port on 127.0.0.1 (default 0: a free one).
    pub port: Option<u16>,
    /// Serve HTTPS with a CA generated for this run (default false); see `caPem`.
    pub tls: Option<bool>,
}

/// The native emulator. Use `Emulator` from `langdock/testing` instead.
#[napi]
pub struct NativeEmulator {
    inner: Option<BlockingEmulator>,
    api_key: String,
    ca_pem: Option<String>,
}

#[napi]
impl NativeEmulator {
    /// Starts the emulator and returns once it listens.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: Option<EmulatorOptions>) -> napi::Result<Self> {
        logging::install();
        let options = options.unwrap_or_default();
        let mut config = Config::default();
        if let Some(keys) = options.keys.filter(|keys| !keys.is_empty()) {
            let parsed: Result<Vec<ApiKey>, String> = keys.iter().map(|key| key.parse()).collect();
            config.keys = parsed.map_err(|e| Rejection::invalid_argument(format!("keys: {e}")).into_napi(&env))?;
        }
        config.rate_limit_per_minute = options.rate_limit;
        config.seed = options.seed.unwrap_or(config.seed);
        config.state_file = options.state_file.map(Into::into);
        config.tls = options.tls.unwrap_or(config.tls);
        let api_key = config.keys.first().map_or_else(|| DEFAULT_API_KEY.to_owned(), |key| key.key.clone());
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], options.port.unwrap_or(0)));
        let inner = langdock_emulator::run_blocking(config, addr).map_err(|e| {
            Rejection::invalid_argument(format!("cannot start the emulator on {addr}: {e}")).into_napi(&env)
        })?;
        let ca_pem = inner.ca_pem();
        Ok(NativeEmulator { inner: Some(inner), api_key, ca_pem })
    }

    /// `http://127.0.0.1:PORT`.
    #[napi(getter, catch_unwind)]
    pub fn base_url(&self, env: Env) -> napi::Result<String> {
        Ok(self.running(&env)?.base_url())
    }

    /// The first accepted key.
    #[napi(getter, catch_unwind)]
    pub fn api_key(&self) -> String {
        self.api_key.clone()
    }

    /// With `tls`, the PEM of this run's CA; else null.
    #[napi(getter, catch_unwind)]
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// Queues a fault (the JSON of `POST /_emulator/faults`).
    #[napi(catch_unwind)]
    pub fn inject(&self, env: Env, fault: Value) -> napi::Result<()> {
        let fault: Fault = serde_json::from_value(fault)
            .map_err(|e| Rejection::invalid_argument(format!("fault: {e}")).into_napi(&env))?;
        fault.check().map_err(|e| Rejection::invalid_argument(format!("fault: {e}")).into_napi(&env))?;
        self.running(&env)?.inject(fault);
        Ok(())
    }

    /// The pending faults.
    #[napi(ts_return_type = "Array<Record<string, unknown>>", catch_unwind)]
    pub fn faults(&self, env: Env) -> napi::Result<Value> {
        Ok(serde_json::to_value(self.running(&env)?.faults())?)
    }

    /// Removes every pending fault.
    #[napi(catch_unwind)]
    pub fn clear_faults(&self, env: Env) -> napi::Result<()> {
        self.running(&env)?.clear_faults();
        Ok(())
    }

    /// The requests received, oldest first.
    #[napi(ts_return_type = "Array<Record<string, unknown>>", catch_unwind)]
    pub fn journal(&self, env: Env) -> napi::Result<Value> {
        Ok(serde_json::to_value(self.running(&env)?.journal())?)
    }

    /// Empties the journal.
    #[napi(catch_unwind)]
    pub fn clear_journal(&self, env: Env) -> napi::Result<()> {
        self.running(&env)?.clear_journal();
        Ok(())
    }

    /// Back to the seed; faults and journal cleared.
    #[napi(catch_unwind)]
    pub fn reset(&self, env: Env) -> napi::Result<()> {
        self.running(&env)?.reset();
        Ok(())
    }

    /// Sets (or, with null, removes) the per-key rate limit per minute.
    #[napi(catch_unwind)]
    pub fn set_rate_limit(&self, env: Env, per_minute: Option<u32>) -> napi::Result<()> {
        self.running(&env)?.set_rate_limit(per_minute);
        Ok(())
    }

    /// Adds a key (`KEY` or `KEY:SCOPE1,SCOPE2`), or changes its scopes.
    #[napi(catch_unwind)]
    pub fn add_key(&self, env: Env, key: String) -> napi::Result<()> {
        let key: ApiKey = key.parse().map_err(|e: String| Rejection::invalid_argument(e).into_napi(&env))?;
        self.running(&env)?.add_key(key);
        Ok(())
    }

    /// Stops the emulator; later calls on it throw. Stopping twice is harmless.
    #[napi(catch_unwind)]
    pub fn stop(&mut self) {
        if let Some(inner) = self.inner.take() {
            inner.stop();
        }
    }

    /// Whether it still runs.
    #[napi(getter, catch_unwind)]
    pub fn running_now(&self) -> bool {
        self.inner.is_some()
    }
}

impl NativeEmulator {
    fn running(&self, env: &Env) -> napi::Result<&BlockingEmulator> {
        self.inner
            .as_ref()
            .ok_or_else(|| Rejection::invalid_argument("the emulator was stopped".to_owned()).into_napi(env))
    }
}
