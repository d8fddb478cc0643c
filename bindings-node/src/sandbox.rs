//! `runSandbox`: the local runner of integration code behind `langdock/sandbox`. The spec goes in and the
//! outcome comes out as the engine's JSON text, so nothing the engine decides (defaults, limits, checks) is
//! repeated here; `lib/sandbox.js` builds the spec from `runCode`'s options and shapes the outcome.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use napi_derive::napi;

/// Runs integration code in the local sandbox on napi's runtime, so the event loop is not blocked:
/// `specJson` is a run spec as JSON, the Promise resolves to the outcome as JSON. Use `runCode` from
/// `langdock/sandbox` instead.
#[napi(catch_unwind)]
pub async fn run_sandbox(spec_json: String) -> napi::Result<String> {
    let spec: langdock_sandbox::RunSpec = serde_json::from_str(&spec_json)
        .map_err(|e| napi::Error::new(napi::Status::InvalidArg, format!("invalid sandbox run spec: {e}")))?;
    // A panic in the engine rejects the Promise instead of ending the process.
    let outcome = AssertUnwindSafe(langdock_sandbox::run(spec))
        .catch_unwind()
        .await
        .map_err(|_| napi::Error::from_reason("the sandbox failed unexpectedly (a bug: please report it)"))?;
    serde_json::to_string(&outcome).map_err(|e| napi::Error::from_reason(format!("cannot encode the outcome: {e}")))
}
