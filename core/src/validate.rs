//! Client-side validation of every documented limit, before anything is sent.
//!
//! Each request collects all its violations into one [`Error`] of kind `Validation`; lengths count
//! UTF-16 code units, as the server's JavaScript `string.length` does (an emoji counts 2).

use crate::error::{Error, Result, Violation};
use crate::models::{
    ActionInput, CreateIntegration, InputField, OAuthClient, TriggerInput, UpdateAuth, UpdateIntegration,
};

/// The documented limits, in UTF-16 code units (bytes for the icon): the same constants the emulator checks.
pub use langdock_wire::limits;
/// The length JavaScript's `string.length` reports: UTF-16 code units.
pub use langdock_wire::limits::utf16_len;
use langdock_wire::values;

/// Validates a request body. Implemented by every request model.
pub trait Validate {
    /// Every violation of the documented limits, empty when the request is valid.
    fn violations(&self) -> Vec<Violation>;

    /// `Ok` when valid, else one `Validation` error that lists every violation.
    fn validate(&self) -> Result<()> {
        let violations = self.violations();
        if violations.is_empty() { Ok(()) } else { Err(Error::validation(violations)) }
    }
}

/// Collects violations with their paths.
#[derive(Default)]
pub(crate) struct Checker {
    violations: Vec<Violation>,
}

impl Checker {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.violations.push(Violation { path: path.into(), message: message.into() });
    }

    fn max_len(&mut self, path: impl Into<String>, value: Option<&str>, max: usize) {
        if let Some(value) = value {
            let len = utf16_len(value);
            if len > max {
                self.push(path, format!("must be at most {max} characters (UTF-16 code units), got {len}"));
            }
        }
    }

    fn required(&mut self, path: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(path, "is required and must not be blank");
        } else {
            self.max_len(path, Some(value), max);
        }
    }

    fn one_of(&mut self, path: impl Into<String>, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.push(path, format!("must be one of {}, got {value:?}", allowed.join(", ")));
        }
    }

    fn no_control_chars(&mut self, path: &str, value: &str) {
        if value.chars().any(char::is_control) {
            self.push(path, "must not contain control characters (line breaks, tabs, ...)");
        }
    }

    pub(crate) fn uuid(&mut self, path: &str, value: &str) {
        if !is_canonical_uuid(value) {
            self.push(
                path,
                format!(
                    "must be a UUID in canonical form (8-4-4-4-12 hex digits, with hyphens, no braces), got {value:?}"
                ),
            );
        }
    }

    /// An absolute http(s) URL without whitespace; internationalised hosts are fine.
    fn http_url(&mut self, path: &str, value: &str) {
        let absolute_http = reqwest::Url::parse(value)
            .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
        // The URL parser would quietly percent-encode a space; the service refuses it.
        let clean = !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !(absolute_http && clean) {
            self.push(path, format!("must be an absolute http(s) URL without spaces, got {value:?}"));
        }
    }

    fn input_fields(&mut self, path: &str, fields: &[InputField], allowed: &[&str], for_triggers: bool) {
        for (index, field) in fields.iter().enumerate() {
            let at = format!("{path}[{index}]");
            self.required(&format!("{at}.label"), &field.label, limits::FIELD_LABEL);
            self.max_len(format!("{at}.description"), field.description.as_deref(), limits::FIELD_DESCRIPTION);
            self.max_len(format!("{at}.placeholder"), field.placeholder.as_deref(), limits::FIELD_PLACEHOLDER);
            self.one_of(format!("{at}.type"), field.field_type.as_str(), allowed);
            match (&field.context_action_id, for_triggers) {
                (Some(_), true) => self.push(format!("{at}.contextActionId"), "is only allowed on action input fields"),
                (Some(id), false) => self.uuid(&format!("{at}.contextActionId"), id),
                (None, _) => {}
            }
            for (option_index, option) in field.options.iter().flatten().enumerate() {
                if option.label.is_empty() {
                    self.push(format!("{at}.options[{option_index}].label"), "is required");
                }
            }
        }
    }

    fn oauth_client(&mut self, client: &OAuthClient) {
        for (name, code) in [
            ("authorizationCode", &client.authorization_code),
            ("accessTokenCode", &client.access_token_code),
            ("refreshTokenCode", &client.refresh_token_code),
        ] {
            self.max_len(format!("oauthClient.{name}"), code.as_deref(), limits::OAUTH_CODE);
        }
        for (name, url) in [("authUrl", &client.auth_url), ("tokenUrl", &client.token_url)] {
            if let Some(url) = url
                && reqwest::Url::parse(url).is_err()
            {
                self.push(format!("oauthClient.{name}"), format!("must be an absolute URL, got {url:?}"));
            }
        }
    }

    pub(crate) fn finish(self) -> Vec<Violation> {
        self.violations
    }
}

/// Checks path ids before anything is sent: a malformed id is a bug the server would answer with 400.
pub(crate) fn ids(ids: &[(&str, &str)]) -> Result<()> {
    let mut checker = Checker::default();
    for (path, value) in ids {
        checker.uuid(path, value);
    }
    let violations = checker.finish();
    if violations.is_empty() { Ok(()) } else { Err(Error::validation(violations)) }
}

/// Whether `value` is a UUID in the canonical hyphenated form the API takes (8-4-4-4-12 hex digits, either
/// case): the service answers 400 to the forms `uuid` also parses (no hyphens, braces, `urn:uuid:`).
pub fn is_canonical_uuid(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => *byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
}

/// Checks an icon file: PNG, JPEG or WebP by content, at most 20 MB. Returns its MIME type.
pub(crate) fn icon(bytes: &[u8]) -> Result<&'static str> {
    let mut checker = Checker::default();
    let mime = image_mime(bytes);
    if mime.is_none() {
        checker.push("icon", "must be a PNG, JPEG or WebP image (checked by its content)");
    }
    if bytes.len() > limits::ICON_BYTES {
        checker.push("icon", format!("must be at most {} bytes (20 MB), got {}", limits::ICON_BYTES, bytes.len()));
    }
    let violations = checker.finish();
    match mime {
        Some(mime) if violations.is_empty() => Ok(mime),
        _ => Err(Error::validation(violations)),
    }
}

/// The MIME type of a PNG, JPEG or WebP image, recognised by its magic bytes.
pub fn image_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn is_hex_color(color: &str) -> bool {
    let digits = color.strip_prefix('#').unwrap_or("");
    matches!(digits.len(), 3 | 6) && digits.chars().all(|c| c.is_ascii_hexdigit())
}

impl Validate for CreateIntegration {
    fn violations(&self) -> Vec<Violation> {
        let mut checker = Checker::default();
        checker.required("name", &self.name, limits::INTEGRATION_NAME);
        checker.no_control_chars("name", &self.name);
        checker.max_len("description", self.description.as_deref(), limits::INTEGRATION_DESCRIPTION);
        checker.finish()
    }
}

impl Validate for UpdateIntegration {
    fn violations(&self) -> Vec<Violation> {
        let mut checker = Checker::default();
        if self.name.is_none()
            && self.description.is_none()
            && self.icon_url.is_none()
            && self.color.is_none()
            && self.extra.is_empty()
        {
            checker.push("", "an update needs at least one of name, description, iconUrl, color");
        }
        if let Some(name) = &self.name {
            checker.required("name", name, limits::INTEGRATION_NAME);
            checker.no_control_chars("name", name);
        }
        checker.max_len("description", self.description.as_deref(), limits::INTEGRATION_DESCRIPTION);
        if let Some(color) = &self.color
            && !is_hex_color(color)
        {
            checker.push("color", format!("must be a hex color like #1A73E8, got {color:?}"));
        }
        if let Some(url) = &self.icon_url {
            checker.http_url("iconUrl", url);
        }
        checker.finish()
    }
}

impl Validate for UpdateAuth {
    fn violations(&self) -> Vec<Violation> {
        let mut checker = Checker::default();
        checker.one_of("authType", self.auth_type.as_str(), &values::AUTH_TYPES);
        let mut slugs = std::collections::HashSet::new();
        for (index, field) in self.auth_fields.iter().flatten().enumerate() {
            let at = format!("authFields[{index}]");
            checker.required(&format!("{at}.slug"), &field.slug, limits::AUTH_FIELD_SLUG);
            checker.required(&format!("{at}.label"), &field.label, limits::AUTH_FIELD_LABEL);
            checker.max_len(format!("{at}.description"), field.description.as_deref(), limits::AUTH_FIELD_DESCRIPTION);
            checker.max_len(format!("{at}.placeholder"), field.placeholder.as_deref(), limits::AUTH_FIELD_PLACEHOLDER);
            checker.one_of(format!("{at}.type"), field.field_type.as_str(), &values::AUTH_FIELD_TYPES);
            if !slugs.insert(field.slug.as_str()) {
                checker.push(format!("{at}.slug"), format!("{:?} is used by an earlier auth field", field.slug));
            }
        }
        checker.max_len("authTestCode", self.auth_test_code.as_deref(), limits::AUTH_TEST_CODE);
        if let Some(client) = &self.oauth_client {
            if !self.auth_type.is_oauth() {
                checker.push(
                    "oauthClient",
                    format!("is only allowed with authType OAUTH or OAUTH_DCR, not {}", self.auth_type),
                );
            }
            checker.oauth_client(client);
        }
        checker.finish()
    }
}

impl Validate for ActionInput {
    fn violations(&self) -> Vec<Violation> {
        let mut checker = Checker::default();
        checker.required("name", &self.name, limits::ACTION_NAME);
        checker.max_len("description", self.description.as_deref(), limits::ACTION_DESCRIPTION);
        checker.max_len("code", self.code.as_deref(), limits::ACTION_CODE);
        if let Some(fields) = &self.input_fields {
            checker.input_fields("inputFields", fields, &values::ACTION_FIELD_TYPES, false);
        }
        checker.finish()
    }
}

impl Validate for TriggerInput {
    fn violations(&self) -> Vec<Violation> {
        let mut checker = Checker::default();
        checker.required("name", &self.name, limits::TRIGGER_NAME);
        checker.max_len("description", self.description.as_deref(), limits::TRIGGER_DESCRIPTION);
        checker.max_len("pollingCode", self.polling_code.as_deref(), limits::POLLING_CODE);
        if let Some(fields) = &self.input_fields {
            checker.input_fields("inputFields", fields, &values::TRIGGER_FIELD_TYPES, true);
        }
        checker.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{AuthField, AuthFieldType, AuthType, InputFieldType, SelectOption};

    fn paths(violations: &[Violation]) -> Vec<&str> {
        violations.iter().map(|v| v.path.as_str()).collect()
    }

    #[test]
    fn lengths_count_utf16_code_units() {
        assert_eq!(utf16_len("abc"), 3);
        assert_eq!(utf16_len("é"), 1);
        assert_eq!(utf16_len("e\u{301}"), 2, "a combining mark is its own code unit");
        assert_eq!(utf16_len("😀"), 2, "an emoji outside the BMP is a surrogate pair");
        assert_eq!(utf16_len("👩‍👩‍👧"), 8);
    }

    #[test]
    fn integration_name_limit_is_forty_utf16_units() {
        assert!(CreateIntegration::new("a".repeat(40)).validate().is_ok());
        assert_eq!(paths(&CreateIntegration::new("a".repeat(41)).violations()), ["name"]);
        // 20 emoji are 40 code units: allowed; one more letter is not.
        assert!(CreateIntegration::new("😀".repeat(20)).validate().is_ok());
        assert_eq!(paths(&CreateIntegration::new(format!("{}a", "😀".repeat(20))).violations()), ["name"]);
    }

    #[test]
    fn integration_name_must_not_be_blank_or_hold_control_characters() {
        assert_eq!(paths(&CreateIntegration::new("").violations()), ["name"]);
        assert_eq!(paths(&CreateIntegration::new("   ").violations()), ["name"]);
        assert_eq!(paths(&CreateIntegration::new("a\nb").violations()), ["name"]);
    }

    #[test]
    fn every_violation_is_reported_at_once() {
        let input = CreateIntegration::new("x".repeat(41)).description("d".repeat(91));
        let error = input.validate().unwrap_err();
        assert_eq!(paths(error.violations()), ["name", "description"]);
    }

    #[test]
    fn update_needs_a_field_and_a_valid_color_and_url() {
        assert_eq!(paths(&UpdateIntegration::default().violations()), [""]);
        let update = UpdateIntegration {
            color: Some("blue".into()),
            icon_url: Some("ftp://x".into()),
            ..UpdateIntegration::default()
        };
        assert_eq!(paths(&update.violations()), ["color", "iconUrl"]);
        for good in ["#1A73E8", "#abc"] {
            let update = UpdateIntegration { color: Some(good.into()), ..UpdateIntegration::default() };
            assert!(update.validate().is_ok(), "{good}");
        }
    }

    #[test]
    fn action_limits_cover_name_description_code_and_fields() {
        let mut field = InputField::new("l".repeat(101), InputFieldType::Select);
        field.description = Some("d".repeat(501));
        field.placeholder = Some("p".repeat(201));
        field.context_action_id = Some("not-a-uuid".into());
        field.options = Some(vec![SelectOption::new("", "v")]);
        let input = ActionInput::new("n".repeat(101))
            .description("d".repeat(1001))
            .code("c".repeat(40_001))
            .input_fields([field]);
        assert_eq!(
            paths(&input.violations()),
            [
                "name",
                "description",
                "code",
                "inputFields[0].label",
                "inputFields[0].description",
                "inputFields[0].placeholder",
                "inputFields[0].contextActionId",
                "inputFields[0].options[0].label",
            ]
        );
        let at_limits = ActionInput::new("n".repeat(100)).description("d".repeat(1000)).code("c".repeat(40_000));
        assert!(at_limits.validate().is_ok());
    }

    #[test]
    fn triggers_accept_only_the_first_seven_field_types() {
        for allowed in InputFieldType::TRIGGER_TYPES {
            let input = TriggerInput::new("t").input_fields([InputField::new("f", allowed.clone())]);
            assert!(input.validate().is_ok(), "{allowed}");
        }
        for refused in [InputFieldType::Object, InputFieldType::File, InputFieldType::Id] {
            let input = TriggerInput::new("t").input_fields([InputField::new("f", refused)]);
            assert_eq!(paths(&input.violations()), ["inputFields[0].type"]);
        }
        let mut with_context = InputField::new("f", InputFieldType::Text);
        with_context.context_action_id = Some(uuid::Uuid::new_v4().to_string());
        let input = TriggerInput::new("t").input_fields([with_context]);
        assert_eq!(paths(&input.violations()), ["inputFields[0].contextActionId"]);
    }

    #[test]
    fn trigger_limits() {
        let input = TriggerInput::new("n".repeat(101)).description("d".repeat(91)).polling_code("c".repeat(1001));
        assert_eq!(paths(&input.violations()), ["name", "description", "pollingCode"]);
    }

    #[test]
    fn unknown_field_types_are_refused_while_validation_is_on() {
        let input = ActionInput::new("a").input_fields([InputField::new("f", InputFieldType::from("COLOR"))]);
        assert_eq!(paths(&input.violations()), ["inputFields[0].type"]);
    }

    #[test]
    fn auth_rules() {
        let update = UpdateAuth {
            auth_type: AuthType::ApiKey,
            auth_fields: Some(vec![
                AuthField::new("key", "Key", AuthFieldType::Password),
                AuthField::new("key", "Again", AuthFieldType::Text),
                AuthField::new("", "", AuthFieldType::from("COLOR")),
            ]),
            auth_test_code: Some("x".repeat(1001)),
            oauth_client: Some(OAuthClient { access_token_code: Some("y".repeat(1001)), ..OAuthClient::default() }),
            ..UpdateAuth::default()
        };
        assert_eq!(
            paths(&update.violations()),
            [
                "authFields[1].slug",
                "authFields[2].slug",
                "authFields[2].label",
                "authFields[2].type",
                "authTestCode",
                "oauthClient",
                "oauthClient.accessTokenCode",
            ]
        );
        let oauth = UpdateAuth {
            auth_type: AuthType::OAuth,
            oauth_client: Some(OAuthClient { client_id: Some("id".into()), ..OAuthClient::default() }),
            ..UpdateAuth::default()
        };
        assert!(oauth.validate().is_ok());
        assert_eq!(paths(&UpdateAuth::new(AuthType::from("MAGIC")).violations()), ["authType"]);
    }

    #[test]
    fn ids_must_be_uuids() {
        assert!(ids(&[("integrationId", "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11")]).is_ok());
        let error = ids(&[("integrationId", "42"), ("actionId", "")]).unwrap_err();
        assert_eq!(paths(error.violations()), ["integrationId", "actionId"]);
    }

    #[test]
    fn only_the_canonical_hyphenated_uuid_form_is_accepted() {
        for good in ["0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11", "0B6F1C9E-8A53-4C47-9A4E-6C2F0E3F6A11"] {
            assert!(is_canonical_uuid(good), "{good}");
        }
        for bad in [
            "0b6f1c9e8a534c479a4e6c2f0e3f6a11",
            "{0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11}",
            "urn:uuid:0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11",
            "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a1g",
            "0b6f1c9e-8a534-c47-9a4e-6c2f0e3f6a11",
            " 0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a1",
            "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11\n",
            "0b6f1c9e\u{2011}8a53-4c47-9a4e-6c2f0e3f6a1",
        ] {
            assert!(!is_canonical_uuid(bad), "{bad}");
        }
    }

    #[test]
    fn an_icon_url_is_an_absolute_http_url_without_spaces() {
        let violations = |url: &str| {
            let update = UpdateIntegration { icon_url: Some(url.into()), ..UpdateIntegration::default() };
            paths(&update.violations()).len()
        };
        for good in ["https://cdn.example.com/icon.png", "http://127.0.0.1:8080/i.png", "https://bücher.de/ikone.png"]
        {
            assert_eq!(violations(good), 0, "{good}");
        }
        for bad in [
            "https://cdn.example.com/my icon.png",
            " https://cdn.example.com/icon.png",
            "https://cdn.example.com/icon.png\n",
            "/relative/icon.png",
            "cdn.example.com/icon.png",
            "ftp://cdn.example.com/icon.png",
            "data:image/png;base64,AAAA",
            "",
        ] {
            assert_eq!(violations(bad), 1, "{bad:?}");
        }
    }

    #[test]
    fn icons_are_recognised_by_content() {
        assert_eq!(icon(b"\x89PNG\r\n\x1a\nrest").unwrap(), "image/png");
        assert_eq!(icon(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), "image/jpeg");
        assert_eq!(icon(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), "image/webp");
        assert_eq!(icon(b"GIF89a").unwrap_err().violations().len(), 1);
        let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
        huge.resize(limits::ICON_BYTES + 1, 0);
        assert!(icon(&huge).is_err());
    }

    #[test]
    fn model_enums_know_exactly_the_values_of_the_wire_vocabulary() {
        let names = |known: &[&str]| known.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            InputFieldType::KNOWN.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            names(&values::ACTION_FIELD_TYPES)
        );
        assert_eq!(
            InputFieldType::TRIGGER_TYPES.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            names(&values::TRIGGER_FIELD_TYPES)
        );
        assert_eq!(
            AuthFieldType::KNOWN.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            names(&values::AUTH_FIELD_TYPES)
        );
        assert_eq!(AuthType::KNOWN.iter().map(|t| t.to_string()).collect::<Vec<_>>(), names(&values::AUTH_TYPES));
        let oauth: Vec<String> = AuthType::KNOWN.iter().filter(|t| t.is_oauth()).map(|t| t.to_string()).collect();
        assert_eq!(oauth, names(&values::OAUTH_TYPES));
    }
}
