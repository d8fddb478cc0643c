//! The two Langdock-built integrations every seeded emulator starts with. Their IDs are fixed so that tests can
//! name them; any write to them is answered 403.

use uuid::Uuid;

use crate::state::{Action, InputField, Integration, Store};

/// The starting state: the two Langdock-built integrations, or nothing.
pub(crate) fn starting_store(seed: bool) -> Store {
    if seed { Store::from_integrations(integrations()) } else { Store::default() }
}

/// IDs of the seeded Langdock-built integrations, in list order.
pub const SEEDED_INTEGRATION_IDS: [&str; 2] =
    ["4c0a7e51-1d5b-4b52-9f0e-5a1d00000001", "4c0a7e51-1d5b-4b52-9f0e-5a1d00000002"];

const CREATED_AT: &str = "2025-01-01T00:00:00.000Z";

fn id(text: &str) -> Uuid {
    // The constants above and below are valid UUIDs; nil is only a theoretical fallback.
    Uuid::try_parse(text).unwrap_or_default()
}

fn text_field(slug: &str, label: &str, required: bool) -> InputField {
    InputField {
        slug: slug.to_owned(),
        label: label.to_owned(),
        field_type: "TEXT".to_owned(),
        description: None,
        placeholder: None,
        required,
        options: None,
        allow_multi_select: None,
        context_action_id: None,
    }
}

fn action(id_text: &str, name: &str, slug: &str, description: &str, fields: Vec<InputField>) -> Action {
    Action {
        id: id(id_text),
        name: name.to_owned(),
        slug: slug.to_owned(),
        description: description.to_owned(),
        code: Some(format!("// built by Langdock: {slug}\nreturn {{}};")),
        requires_confirmation: false,
        input_fields: fields,
    }
}

fn langdock_built(id_text: &str, name: &str, description: &str, auth_type: &str, actions: Vec<Action>) -> Integration {
    Integration {
        id: id(id_text),
        name: name.to_owned(),
        description: description.to_owned(),
        created_at: CREATED_AT.to_owned(),
        build_by_langdock: true,
        auth_type: auth_type.to_owned(),
        auth_test_code: None,
        auth_fields: Vec::new(),
        oauth_client: None,
        actions: actions.into(),
        triggers: Vec::new(),
        icon: None,
        color: None,
    }
}

/// The seeded integrations, in list order.
pub(crate) fn integrations() -> Vec<Integration> {
    vec![
        langdock_built(
            SEEDED_INTEGRATION_IDS[0],
            "Web Search",
            "Search the web and read pages (built by Langdock)",
            "NONE",
            vec![action(
                "4c0a7e51-1d5b-4b52-9f0e-5a1d00000101",
                "Search the web",
                "search_the_web",
                "Runs a web search and returns the top results",
                vec![text_field("query", "Query", true)],
            )],
        ),
        langdock_built(
            SEEDED_INTEGRATION_IDS[1],
            "Mailbox",
            "Read and send e-mail (built by Langdock)",
            "OAUTH",
            vec![
                action(
                    "4c0a7e51-1d5b-4b52-9f0e-5a1d00000201",
                    "Send e-mail",
                    "send_e_mail",
                    "Sends an e-mail from the connected mailbox",
                    vec![text_field("to", "To", true), text_field("subject", "Subject", false)],
                ),
                action(
                    "4c0a7e51-1d5b-4b52-9f0e-5a1d00000202",
                    "List e-mails",
                    "list_e_mails",
                    "Lists the latest e-mails of the inbox",
                    Vec::new(),
                ),
            ],
        ),
    ]
}

/// Most integrations `POST /_emulator/seed` makes at once: plenty for a scaling bench, bounded so that one request
/// cannot exhaust memory.
pub(crate) const MAX_GENERATED: usize = 100_000;

/// `count` plain custom integrations for benches that need a large workspace fast: named `seed-00000`, ... (list
/// order), auth type NONE, no actions, and a description of exactly `description_length` ASCII characters (the
/// name repeated and cut, so descriptions differ).
pub(crate) fn generated(count: usize, description_length: usize) -> Vec<Integration> {
    let created_at = crate::time::now_iso();
    (0..count)
        .map(|n| {
            let name = format!("seed-{n:05}");
            let description: String = format!("{name} ").chars().cycle().take(description_length).collect();
            Integration::new_custom(name, description, created_at.clone())
        })
        .collect()
}
