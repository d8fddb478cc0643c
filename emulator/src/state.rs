//! The emulated workspace: integrations with their auth, actions and triggers. Plain data, serializable as is
//! (this is also the persisted form, secrets included); what the API shows of it lives in `views`.

use std::collections::{HashMap, HashSet};
use std::ops::Deref;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An uploaded icon (the latest per integration), kept in the state file when there is one.
#[derive(Debug, Clone)]
pub(crate) struct StoredIcon {
    pub ext: &'static str,
    pub content_type: &'static str,
    pub bytes: Bytes,
}

/// An integration, Langdock-built or custom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Integration {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub build_by_langdock: bool,
    pub auth_type: String,
    pub auth_test_code: Option<String>,
    pub auth_fields: Vec<AuthField>,
    pub oauth_client: Option<OAuthClient>,
    pub actions: Actions,
    pub triggers: Vec<Trigger>,
    #[serde(default)]
    pub icon: Option<Icon>,
    #[serde(default)]
    pub color: Option<String>,
}

impl Integration {
    /// A fresh custom integration: auth type NONE, nothing else.
    pub fn new_custom(name: String, description: String, created_at: String) -> Integration {
        Integration {
            id: Uuid::new_v4(),
            name,
            description,
            created_at,
            build_by_langdock: false,
            auth_type: "NONE".to_owned(),
            auth_test_code: None,
            auth_fields: Vec::new(),
            oauth_client: None,
            actions: Actions::default(),
            triggers: Vec::new(),
            icon: None,
            color: None,
        }
    }
}

/// Where an integration's icon comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(crate) enum Icon {
    /// Set by `PATCH` with `iconUrl`: shown as given.
    Url { url: String },
    /// Uploaded with `PUT …/icon`: served by the emulator (bytes kept in memory only).
    Uploaded { ext: String },
}

/// A credential field users fill in when they connect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthField {
    pub id: Uuid,
    pub slug: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub description: String,
    pub placeholder: Option<String>,
    pub required: bool,
}

/// OAuth client settings; `client_secret` is write-only on the API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OAuthClient {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub auth_url: Option<String>,
    pub token_url: Option<String>,
    pub scopes: Option<String>,
    pub label: Option<String>,
    pub authorization_code: Option<String>,
    pub access_token_code: Option<String>,
    pub refresh_token_code: Option<String>,
}

/// An action of an integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Action {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub code: Option<String>,
    pub requires_confirmation: bool,
    pub input_fields: Vec<InputField>,
}

/// An integration's actions in their order, with their names and slugs indexed: create and update check a name
/// against every other action, which would make a bulk job of thousands of creates on one integration
/// quadratic (at 20,000 actions a create cost the emulator 120 µs, against 40 µs on a fresh integration).
/// Reads go through `Deref` to the list; changes go through the methods below, which keep the index.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "Vec<Action>", into = "Vec<Action>")]
pub(crate) struct Actions {
    list: Vec<Action>,
    /// Each action's name, with the id of the action that has it.
    names: HashMap<String, Uuid>,
    slugs: HashSet<String>,
}

impl Actions {
    /// Whether an action other than `except` has this name.
    pub fn name_taken(&self, name: &str, except: Option<Uuid>) -> bool {
        self.names.get(name).is_some_and(|&owner| Some(owner) != except)
    }

    /// Whether an action has this slug.
    pub fn slug_taken(&self, slug: &str) -> bool {
        self.slugs.contains(slug)
    }

    /// Appends `action`.
    pub fn push(&mut self, action: Action) {
        self.names.insert(action.name.clone(), action.id);
        self.slugs.insert(action.slug.clone());
        self.list.push(action);
    }

    /// Removes the action at `position` (later ones move up).
    pub fn remove(&mut self, position: usize) -> Action {
        let action = self.list.remove(position);
        forget_name(&mut self.names, &action);
        self.slugs.remove(&action.slug);
        action
    }

    /// Renames the action at `position`, if there is one.
    pub fn rename(&mut self, position: usize, name: String) {
        let Some(action) = self.list.get_mut(position) else { return };
        forget_name(&mut self.names, action);
        self.names.insert(name.clone(), action.id);
        action.name = name;
    }

    /// The action at `position`, for changing anything but its name (see [`Actions::rename`]) and slug.
    pub fn get_mut(&mut self, position: usize) -> Option<&mut Action> {
        self.list.get_mut(position)
    }
}

/// Drops `action`'s name from the index, unless another action holds it (a persisted state with a duplicate).
fn forget_name(names: &mut HashMap<String, Uuid>, action: &Action) {
    if names.get(&action.name) == Some(&action.id) {
        names.remove(&action.name);
    }
}

impl Deref for Actions {
    type Target = [Action];

    fn deref(&self) -> &[Action] {
        &self.list
    }
}

impl PartialEq for Actions {
    fn eq(&self, other: &Actions) -> bool {
        self.list == other.list
    }
}

impl From<Vec<Action>> for Actions {
    fn from(list: Vec<Action>) -> Actions {
        let mut actions = Actions::default();
        for action in list {
            actions.push(action);
        }
        actions
    }
}

impl From<Actions> for Vec<Action> {
    fn from(actions: Actions) -> Vec<Action> {
        actions.list
    }
}

/// A polling trigger; `polling_code` and `input_fields` are stored although GET never shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Trigger {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub polling_code: Option<String>,
    pub input_fields: Vec<InputField>,
}

/// An input field of an action or trigger; `order` is its position in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InputField {
    pub slug: String,
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: String,
    pub description: Option<String>,
    pub placeholder: Option<String>,
    pub required: bool,
    pub options: Option<Vec<SelectOption>>,
    pub allow_multi_select: Option<bool>,
    pub context_action_id: Option<Uuid>,
}

/// One choice of a SELECT field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SelectOption {
    pub label: String,
    pub value: String,
}

/// All integrations, seeded first and then in creation order, with an index by ID. Integrations are never
/// deleted (the API has no such endpoint), so positions stay valid.
#[derive(Debug, Clone, Default)]
pub(crate) struct Store {
    integrations: Vec<Integration>,
    index: HashMap<Uuid, usize>,
}

impl Store {
    /// A store holding `integrations` in the given order.
    pub fn from_integrations(integrations: Vec<Integration>) -> Store {
        let index = integrations.iter().enumerate().map(|(i, integration)| (integration.id, i)).collect();
        Store { integrations, index }
    }

    /// Every integration in list order.
    pub fn all(&self) -> &[Integration] {
        &self.integrations
    }

    /// The integration with this ID.
    pub fn get(&self, id: Uuid) -> Option<&Integration> {
        self.index.get(&id).and_then(|&i| self.integrations.get(i))
    }

    /// The integration with this ID, for changing.
    pub fn get_mut(&mut self, id: Uuid) -> Option<&mut Integration> {
        self.index.get(&id).copied().and_then(move |i| self.integrations.get_mut(i))
    }

    /// Appends a new integration.
    pub fn insert(&mut self, integration: Integration) {
        self.index.insert(integration.id, self.integrations.len());
        self.integrations.push(integration);
    }
}

/// Makes a slug as API.md section 2 decides: lower-case ASCII letters and digits, every run of other characters
/// becomes one `_`, trimmed of `_`; a slug `is_taken` gets `_2`, `_3`, … A name with no letter or digit
/// falls back to `fallback` so that code can still address it.
pub(crate) fn make_slug(name: &str, fallback: &str, is_taken: impl Fn(&str) -> bool) -> String {
    let mut base = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            base.push(c.to_ascii_lowercase());
        } else if !base.ends_with('_') {
            base.push('_');
        }
    }
    let trimmed = base.trim_matches('_');
    let base = if trimmed.is_empty() { fallback } else { trimmed };
    if !is_taken(base) {
        return base.to_owned();
    }
    (2u64..).map(|n| format!("{base}_{n}")).find(|candidate| !is_taken(candidate)).unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_lowercases_and_collapses_runs_of_other_characters() {
        let none = |_: &str| false;
        assert_eq!(make_slug("Send  E-Mail!", "x", none), "send_e_mail");
        assert_eq!(make_slug("  __Hello__ ", "x", none), "hello");
        assert_eq!(make_slug("Größe 2", "x", none), "gr_e_2");
        assert_eq!(make_slug("!!!", "action", none), "action");
    }

    fn action(name: &str, slug: &str) -> Action {
        Action {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            slug: slug.to_owned(),
            description: String::new(),
            code: None,
            requires_confirmation: true,
            input_fields: Vec::new(),
        }
    }

    #[test]
    fn the_actions_index_follows_every_change() {
        let mut actions = Actions::from(vec![action("Send", "send"), action("Read", "read")]);
        let send = actions[0].id;
        assert!(actions.name_taken("Send", None) && actions.slug_taken("send"));
        assert!(!actions.name_taken("Send", Some(send)), "an action's own name is no clash");
        actions.rename(0, "Post".to_owned());
        assert!(!actions.name_taken("Send", None) && actions.name_taken("Post", None));
        assert!(actions.slug_taken("send"), "a rename keeps the slug");
        actions.push(action("Send", "send_2"));
        let removed = actions.remove(0);
        assert_eq!(removed.name, "Post");
        assert!(!actions.name_taken("Post", None) && !actions.slug_taken("send"));
        assert!(actions.name_taken("Send", None) && actions.slug_taken("send_2"));
        let names: Vec<&str> = actions.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Read", "Send"]);
        // The persisted form is the list; loading it rebuilds the index.
        let loaded: Actions = serde_json::from_value(serde_json::to_value(&actions).unwrap()).unwrap();
        assert_eq!(loaded, actions);
        assert!(loaded.name_taken("Read", None) && loaded.slug_taken("send_2"));
    }

    #[test]
    fn slug_clash_gets_a_counter() {
        let taken = ["send", "send_2"];
        assert_eq!(make_slug("Send", "x", |slug| taken.contains(&slug)), "send_3");
        assert_eq!(make_slug("send!", "x", |slug| slug == "other"), "send");
    }
}
