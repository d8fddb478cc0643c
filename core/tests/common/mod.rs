//! Shared set-up: an in-process emulator on a free 127.0.0.1 port and a client pointed at it,
//! with short backoff so retry tests take milliseconds, not seconds.
#![allow(dead_code)]

use std::time::Duration;

use langdock::{ActionInput, Client, ClientBuilder, CreateIntegration};
use langdock_emulator::{Config, DEFAULT_API_KEY, Emulator, Fault, JournalEntry};

pub struct Harness {
    pub emulator: Emulator,
    pub client: Client,
}

/// A builder aimed at `emulator`, with millisecond backoff.
pub fn builder(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .api_key(DEFAULT_API_KEY)
        .base_url(emulator.base_url())
        .no_proxy()
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
}

pub async fn start() -> Harness {
    start_with(Config::default()).await
}

pub async fn start_with(config: Config) -> Harness {
    let emulator = Emulator::start(config).await.expect("emulator starts");
    let client = builder(&emulator).build().expect("client builds");
    Harness { emulator, client }
}

impl Harness {
    /// Scripts a fault, written as the control API's JSON.
    pub fn inject(&self, fault: serde_json::Value) {
        let fault: Fault = serde_json::from_value(fault).expect("valid fault");
        self.emulator.inject(fault);
    }

    /// The journal entries of one operation, in order.
    pub fn seen(&self, operation: &str) -> Vec<JournalEntry> {
        self.emulator
            .journal()
            .into_iter()
            .filter(|entry| entry.operation.map(|op| op.name()) == Some(operation))
            .collect()
    }

    /// Every request the emulator received.
    pub fn journal_len(&self) -> usize {
        self.emulator.journal().len()
    }

    /// A fresh custom integration, with the journal cleared afterwards.
    pub async fn integration(&self) -> String {
        let created = self.client.integrations().create(&CreateIntegration::new("Test")).await.expect("create");
        self.emulator.clear_journal();
        created.into_inner().id
    }

    /// A fresh integration with one action, with the journal cleared afterwards.
    pub async fn integration_with_action(&self) -> (String, String) {
        let integration = self.integration().await;
        let action = self
            .client
            .actions()
            .create(&integration, &ActionInput::new("Existing").code("return 1;"))
            .await
            .expect("create action");
        self.emulator.clear_journal();
        (integration, action.into_inner().id)
    }
}
