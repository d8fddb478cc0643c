//! The enum values both sides spell, in the API's order.

/// Input field types an action accepts.
pub const ACTION_FIELD_TYPES: [&str; 10] =
    ["TEXT", "MULTI_LINE_TEXT", "NUMBER", "BOOLEAN", "SELECT", "PASSWORD", "VECTOR", "OBJECT", "FILE", "ID"];

/// Input field types a trigger accepts: the first seven of [`ACTION_FIELD_TYPES`].
pub const TRIGGER_FIELD_TYPES: [&str; 7] =
    ["TEXT", "MULTI_LINE_TEXT", "NUMBER", "BOOLEAN", "SELECT", "PASSWORD", "VECTOR"];

/// The type an input field gets when none is sent.
pub const DEFAULT_FIELD_TYPE: &str = "TEXT";

/// Auth field types.
pub const AUTH_FIELD_TYPES: [&str; 5] = ["TEXT", "MULTI_LINE_TEXT", "PASSWORD", "NUMBER", "EMBEDDING_MODEL"];

/// Auth types; `SERVICE_ACCOUNT` comes from an older documentation page and may be retired.
pub const AUTH_TYPES: [&str; 5] = ["NONE", "API_KEY", "OAUTH", "OAUTH_DCR", "SERVICE_ACCOUNT"];

/// The auth types that take an `oauthClient`.
pub const OAUTH_TYPES: [&str; 2] = ["OAUTH", "OAUTH_DCR"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_field_types_are_the_first_seven_action_field_types() {
        assert_eq!(TRIGGER_FIELD_TYPES[..], ACTION_FIELD_TYPES[..TRIGGER_FIELD_TYPES.len()]);
    }

    #[test]
    fn oauth_types_are_auth_types() {
        assert!(OAUTH_TYPES.iter().all(|t| AUTH_TYPES.contains(t)));
        assert!(ACTION_FIELD_TYPES.contains(&DEFAULT_FIELD_TYPE));
    }
}
