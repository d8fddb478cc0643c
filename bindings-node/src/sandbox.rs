//! `runSandbox`: the local runner of integration code behind `langdock/sandbox`. The spec goes in and the
//! outcome comes out as the engine's JSON text (`langdock_sandbox::run_json`), so nothing the engine decides
//! (defaults, limits, checks, spec errors) is repeated here; `lib/sandbox.js` builds the spec from `runCode`'s
//! options and shapes the outcome.

use napi_derive::napi;

/// Runs integration code in the local sandbox, off the event loop (the engine runs it on a thread of its own):
/// `specJson` is a run spec as JSON, the Promise resolves to the outcome as JSON; the engine turns a bad spec
/// or a panic of its own into a failed outcome. Use `runCode` from `langdock/sandbox` instead.
#[napi(catch_unwind)]
// napi-derive leaves an async function's registration out of `cargo test` builds.
#[cfg_attr(test, allow(dead_code))]
pub async fn run_sandbox(spec_json: String) -> String {
    langdock_sandbox::run_json(spec_json).await
}
