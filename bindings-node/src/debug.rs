//! A switch that makes the next native call panic, for the tests of panic handling
//! (`test/panics.test.cjs`). Compiled into debug builds only: release addons have no such function.

use napi_derive::napi;

/// Makes the next call panic at `site`: `construct` (building a client), `dispatch` (a call's synchronous
/// part), `call` (inside its future, on the runtime) or `convert` (while its answer is turned into JSON).
// Only napi's registration uses it, and unit-test builds have none.
#[cfg_attr(test, allow(dead_code))]
#[napi]
pub fn debug_panic_next(site: String) -> napi::Result<()> {
    if !["construct", "dispatch", "call", "convert"].contains(&site.as_str()) {
        return Err(napi::Error::from_reason(format!("unknown panic site {site:?}")));
    }
    langdock::binding::debug::panic_next(&site);
    Ok(())
}
