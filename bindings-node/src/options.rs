//! Options from JavaScript, handed to the core as data: the client's settings (`new Langdock(options)`) and the
//! per-call options. The core decides their defaults and refuses bad values (`ConfigurationError`).

use napi::Env;
use napi::bindgen_prelude::{Unknown, ValueType};
use napi_derive::napi;

use crate::errors::Rejection;

/// The per-call options (the `signal` stays in JavaScript and reaches the native side as a cancel).
#[napi(object)]
#[derive(Default)]
pub struct CallOptions {
    /// Milliseconds one attempt of this call may take.
    pub timeout: Option<f64>,
    /// Milliseconds this whole call may take.
    pub deadline: Option<f64>,
    /// Retries after the first attempt, for this call.
    pub max_retries: Option<f64>,
}

/// The core's settings from the JavaScript options object, read by serde as the Python dict is (a wrong key or
/// type is a `ConfigurationError`); the core then decides everything with the Node face (durations in ms).
pub(crate) fn builder(env: &Env, options: Option<Unknown<'_>>) -> Result<langdock::ClientBuilder, Rejection> {
    let input = match options {
        Some(options) if !matches!(options.get_type(), Ok(ValueType::Undefined | ValueType::Null)) => {
            let data = env
                .from_js_value::<langdock::SettingsData, _>(options)
                .map_err(|e| Rejection::configuration(format!("invalid client settings: {}", e.reason)))?;
            langdock::SettingsInput::from_json(data.0).map_err(|e| Rejection::from(&e))?
        }
        _ => langdock::SettingsInput::default(),
    };
    Ok(langdock::ClientBuilder::from_input(input, langdock::Face::Node))
}

/// The core's per-call options, from the JavaScript ones.
pub(crate) fn request_options(options: Option<CallOptions>) -> Result<langdock::RequestOptions, Rejection> {
    let options = options.unwrap_or_default();
    let mut request = langdock::RequestOptions::new();
    let fail = |e: langdock::Error| Rejection::from(&e);
    request.timeout = langdock::binding::duration("timeout", options.timeout, langdock::Face::Node).map_err(fail)?;
    request.deadline = langdock::binding::duration("deadline", options.deadline, langdock::Face::Node).map_err(fail)?;
    request.max_retries = langdock::binding::max_retries(options.max_retries).map_err(fail)?;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_call_milliseconds_and_counts_are_checked_by_the_core() {
        let options = CallOptions { timeout: Some(1500.0), deadline: None, max_retries: Some(3.0) };
        let request = request_options(Some(options)).unwrap();
        assert_eq!(request.timeout, Some(std::time::Duration::from_millis(1500)));
        assert_eq!(request.max_retries, Some(3));
        let negative = CallOptions { timeout: Some(-1.0), ..Default::default() };
        assert_eq!(request_options(Some(negative)).unwrap_err().kind, "ConfigurationError");
        let fraction = CallOptions { max_retries: Some(1.5), ..Default::default() };
        assert!(request_options(Some(fraction)).unwrap_err().message.contains("max_retries"));
    }
}
