//! # langdock
//!
//! A client for the [Langdock Integrations API](https://docs.langdock.com/en/developer/integrations-api):
//! create and manage custom integrations, their auth setup, the JavaScript actions agents run and
//! the polling triggers that start workflows.
//!
//! One Rust core serves the Rust, Python and Node surfaces, so all three behave the same:
//! - **safe retries**: connection failures, timeouts, 408/429/5xx retry with jittered backoff and
//!   `Retry-After`; creates are never duplicated (see [`Error::maybe_created`]); a whole-call
//!   deadline bounds every call; a client-wide retry budget and adaptive pacing on 429 keep a busy
//!   client from hammering a struggling service;
//! - **typed errors** ([`ErrorKind`]) that say what happened and what to do;
//! - **client-side validation** of every documented limit, counting UTF-16 code units as the
//!   server does, all violations in one error, nothing sent;
//! - **forward-compatible models**: unknown fields are kept, unknown enum values stay readable.
//!
//! ```no_run
//! use langdock::{ActionInput, Client, CreateIntegration, InputField, InputFieldType};
//!
//! # async fn run() -> langdock::Result<()> {
//! let client = Client::builder().api_key("sk-ld-...").build()?; // or Client::from_env()
//! let integration = client
//!     .integrations()
//!     .create(&CreateIntegration::new("Weather").description("Forecasts for agents"))
//!     .await?;
//! let action = client
//!     .actions()
//!     .create(
//!         &integration.id,
//!         &ActionInput::new("Get forecast")
//!             .code("return ld.request({ url: `https://wttr.in/${data.input.city}` });")
//!             .input_fields([InputField::new("City", InputFieldType::Text).required()]),
//!     )
//!     .await?;
//! println!("created {} ({} attempt(s))", action.slug.as_deref().unwrap_or("?"), action.attempts());
//! # Ok(()) }
//! ```
//!
//! Logging goes through [`tracing`]: one `debug` event per attempt and answer, `info` for each
//! retry wait, `warn` when the retry budget runs dry. No event carries the API key.

#![warn(missing_docs)]

mod api_key;
pub mod binding;
mod client;
mod error;
mod error_shaping;
pub mod http_client;
pub mod models;
mod operation;
pub mod pacing;
mod process;
#[cfg(test)]
mod properties;
mod redirect;
mod resources;
mod response;
pub mod retry;
mod settings;
mod transport;
pub mod validate;

pub use client::{
    ApiKey, Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_TIMEOUT,
    RequestOptions, VERSION, deployment_base_url, env,
};
pub use error::{Error, ErrorKind, Result, Violation};
pub use models::*;
pub use operation::{
    Arguments, Field, FieldKind, Operation, OperationSpec, Payload, REQUEST_FIELDS, WriteSafety, camel_case,
    request_fields,
};
pub use resources::{Actions, Integrations, Triggers};
pub use response::Response;
pub use settings::{
    API_KEYS_PAGE, BackoffInput, Face, MAX_RETRIES_LIMIT, Number, SECRET_FIELDS, SettingDoc, SettingKind, Settings,
    SettingsData, SettingsInput, default_backoff_seconds, is_secret_field, setting_docs,
};
pub use validate::Validate;
