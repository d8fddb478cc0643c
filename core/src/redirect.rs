//! Which redirects the transport follows (SDK.md section 1), as a plain function testable without a network.
//!
//! Same-origin 307/308 are followed with their method and body; 301/302/303 only for a GET (a POST answered
//! 301/302/303 would otherwise turn into a GET that drops its body); at most [`MAX_HOPS`] in a row. A redirect
//! to another origin is never followed: the `Authorization` header carries the API key, and it must not go
//! anywhere the caller did not configure.

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode, Url};

/// The most redirects followed for one attempt.
pub(crate) const MAX_HOPS: u32 = 5;

/// What to do with a redirect answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Hop {
    /// Send the request again to `url` with `method` (its body too, unless the method became GET).
    Follow { url: Url, method: Method },
    /// Not followed: the answer stands, and this says why, for the error message.
    Refuse(String),
}

/// Whether `status` is a redirect this module decides about; other 3xx (300, 304...) are plain answers.
pub(crate) fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Decides about a redirect `status` to `method current`, pointing at `location`, after `hops` redirects
/// already followed for this attempt.
pub(crate) fn next_hop(
    status: StatusCode,
    method: &Method,
    current: &Url,
    location: Option<&HeaderValue>,
    hops: u32,
) -> Hop {
    let code = status.as_u16();
    let Some(target) = location.and_then(|value| value.to_str().ok()).and_then(|value| current.join(value).ok()) else {
        return Hop::Refuse(format!("the server redirected ({code}) without a usable Location header: not followed"));
    };
    if target.origin() != current.origin() {
        return Hop::Refuse(format!(
            "the server redirected ({code}) to {target}, another origin: not followed, and the API key was \
             not sent there (is the base URL right?)"
        ));
    }
    let keeps_method = matches!(code, 307 | 308);
    if !keeps_method && *method != Method::GET {
        return Hop::Refuse(format!(
            "the server redirected ({code}) to {target}: a {code} is followed for GET only, so this {method} \
             was not sent again"
        ));
    }
    if hops >= MAX_HOPS {
        return Hop::Refuse(format!(
            "the server redirected ({code}) to {target} after {hops} redirects already: not followed, \
             {MAX_HOPS} is the most this client follows"
        ));
    }
    Hop::Follow { url: target, method: method.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn hop(status: u16, method: Method, location: &str, hops: u32) -> Hop {
        let current = url("http://127.0.0.1:8080/integrations/v1/create");
        next_hop(
            StatusCode::from_u16(status).unwrap(),
            &method,
            &current,
            Some(&HeaderValue::from_str(location).unwrap()),
            hops,
        )
    }

    #[test]
    fn same_origin_307_and_308_keep_the_method() {
        for status in [307, 308] {
            assert_eq!(
                hop(status, Method::POST, "/integrations/v1/create?again", 0),
                Hop::Follow { url: url("http://127.0.0.1:8080/integrations/v1/create?again"), method: Method::POST }
            );
        }
        assert_eq!(
            hop(308, Method::PUT, "http://127.0.0.1:8080/elsewhere", 4),
            Hop::Follow { url: url("http://127.0.0.1:8080/elsewhere"), method: Method::PUT }
        );
    }

    #[test]
    fn moved_found_and_see_other_are_followed_for_get_only() {
        for status in [301, 302, 303] {
            assert!(matches!(hop(status, Method::GET, "/x", 0), Hop::Follow { method: Method::GET, .. }));
            let Hop::Refuse(why) = hop(status, Method::POST, "/x", 0) else { panic!("{status} POST was followed") };
            assert!(why.contains("GET only") && why.contains("http://127.0.0.1:8080/x"), "{why}");
        }
    }

    #[test]
    fn another_origin_is_never_followed_and_the_message_says_the_key_stayed() {
        for target in
            ["http://localhost:8080/x", "http://127.0.0.1:8081/x", "https://127.0.0.1:8080/x", "https://evil.example/x"]
        {
            let Hop::Refuse(why) = hop(307, Method::GET, target, 0) else { panic!("{target} was followed") };
            assert!(why.contains(target) && why.contains("API key was not sent"), "{why}");
        }
    }

    #[test]
    fn the_sixth_redirect_in_a_row_is_refused() {
        assert!(matches!(hop(307, Method::GET, "/x", MAX_HOPS - 1), Hop::Follow { .. }));
        let Hop::Refuse(why) = hop(307, Method::GET, "/x", MAX_HOPS) else { panic!("followed a sixth time") };
        assert!(why.contains("5 redirects"), "{why}");
    }

    #[test]
    fn a_redirect_without_location_is_refused() {
        let current = url("http://127.0.0.1:8080/a");
        let Hop::Refuse(why) = next_hop(StatusCode::TEMPORARY_REDIRECT, &Method::GET, &current, None, 0) else {
            panic!("followed nothing")
        };
        assert!(why.contains("Location"), "{why}");
        assert!(is_redirect(StatusCode::PERMANENT_REDIRECT) && !is_redirect(StatusCode::NOT_MODIFIED));
    }
}
