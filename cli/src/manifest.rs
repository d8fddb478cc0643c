//! Integrations as code: the directory layout, `integration.yaml`, and export.
//!
//! ```text
//! <dir>/integration.yaml        name, description, auth, actions and triggers with their input fields
//! <dir>/actions/<slug>.js       each action's code
//! <dir>/triggers/<slug>.js      each trigger's polling code (the API never returns it: export cannot fill it)
//! <dir>/auth/test.js            the auth test code, when there is one
//! <dir>/.langdock-state.json    what apply last sent (hashes), kept by apply
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use langdock::{
    ActionInput, AuthField, AuthType, InputField, Integration, OAuthClient, TriggerInput, UpdateAuth, Validate,
    Violation,
};
use serde::{Deserialize, Serialize};

use crate::bodies;
use crate::failure::Failure;

/// The manifest's file name.
pub const MANIFEST: &str = "integration.yaml";

/// `integration.yaml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Manifest {
    /// The integration's id; absent until apply creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name.
    pub name: String,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How users authenticate.
    #[serde(default)]
    pub auth: AuthSpec,
    /// The actions, in order.
    #[serde(default)]
    pub actions: Vec<ActionSpec>,
    /// The triggers.
    #[serde(default)]
    pub triggers: Vec<TriggerSpec>,
}

/// The `auth` section.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthSpec {
    /// NONE, API_KEY, OAUTH or OAUTH_DCR.
    #[serde(rename = "type", default)]
    pub auth_type: AuthType,
    /// The values users enter when connecting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<AuthField>,
    /// A file with the JavaScript that tests a connection, relative to the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_code_file: Option<String>,
    /// The OAuth client, for OAUTH and OAUTH_DCR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuthSpec>,
}

/// The OAuth client, without its secret: the secret is read from the environment variable named here.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")] // serde cannot deny unknown fields beside a flattened struct
pub struct OAuthSpec {
    /// The environment variable that holds the client secret (never the secret itself).
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "client_secret_env")]
    pub client_secret_env: Option<String>,
    /// Every other property of the OAuth client (clientId, authUrl, tokenUrl, scopes, label, codes).
    #[serde(flatten)]
    pub client: OAuthClient,
}

impl OAuthSpec {
    /// The OAuth client to send: the secret read from the variable `clientSecretEnv` names, so that the
    /// manifest-only key itself is never sent. The error says what is wrong, naming the variable.
    pub fn resolve(&self) -> Result<OAuthClient, String> {
        let mut client = self.client.clone();
        if let Some(variable) = &self.client_secret_env {
            if client.client_secret.is_some() {
                return Err(format!("give clientSecret or clientSecretEnv ({variable}), not both"));
            }
            match std::env::var(variable) {
                Ok(secret) if !secret.is_empty() => client.client_secret = Some(secret),
                _ => return Err(format!("the environment variable {variable} is not set")),
            }
        }
        Ok(client)
    }
}

/// The body of `integrations auth --file`: an auth update whose OAuth client may name its secret's
/// variable with `clientSecretEnv`, as the manifest's does.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthBody {
    /// The OAuth client, before its secret is read from the environment.
    #[serde(default, alias = "oauth_client")]
    oauth_client: Option<OAuthSpec>,
    /// Everything else of the update.
    #[serde(flatten)]
    update: UpdateAuth,
}

impl AuthBody {
    /// The update to send, its OAuth client's secret read from the environment; a variable that is not
    /// set is a usage error naming it (read from `path`), and nothing is sent.
    pub fn resolve(self, path: &Path) -> Result<UpdateAuth, Failure> {
        let mut update = self.update;
        if let Some(oauth) = self.oauth_client {
            let client = oauth.resolve().map_err(|problem| {
                let variable = oauth.client_secret_env.as_deref().unwrap_or_default();
                Failure::file(
                    path,
                    format!("invalid request body (nothing was sent): oauthClient.clientSecretEnv: {problem}"),
                )
                .hint(format!("set {variable} to the OAuth client secret, or give clientSecret in the file"))
            })?;
            update.oauth_client = Some(client);
        }
        Ok(update)
    }
}

/// One action.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionSpec {
    /// The name: unique in the integration, it identifies the action.
    pub name: String,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The file with the code, relative to the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Whether users confirm before it runs (the service's default: true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_confirmation: Option<bool>,
    /// The inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_fields: Vec<InputField>,
}

/// One trigger.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TriggerSpec {
    /// The name: unique in the integration, it identifies the trigger.
    pub name: String,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The file with the polling code, relative to the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_fields: Vec<InputField>,
}

/// A loaded, checked directory: the manifest and the request bodies it stands for.
#[derive(Debug)]
pub struct Local {
    /// The directory.
    pub dir: PathBuf,
    /// The manifest as written.
    pub manifest: Manifest,
    /// The auth update it asks for, secret included.
    pub auth: UpdateAuth,
    /// The action bodies, in manifest order.
    pub actions: Vec<ActionInput>,
    /// The trigger bodies, in manifest order.
    pub triggers: Vec<TriggerInput>,
}

/// Reads `<dir>/integration.yaml` and the files it names, and checks everything before anything is
/// sent: unknown keys, missing files, duplicate names, missing secrets, and every API limit.
pub fn load(dir: &Path) -> Result<Local, Failure> {
    let path = dir.join(MANIFEST);
    let manifest: Manifest = bodies::parse(&path, &bodies::read_text(&path)?)?;
    let mut problems: Vec<Violation> = Vec::new();
    // `field` is where the file is named, e.g. `actions[0].file`.
    let read = |relative: &Option<String>, problems: &mut Vec<Violation>, field: &str| -> Option<String> {
        let relative = relative.as_ref()?;
        match std::fs::read_to_string(dir.join(relative)) {
            Ok(text) => Some(text),
            Err(e) => {
                problems.push(problem(field, format!("cannot read {relative}: {e}")));
                None
            }
        }
    };

    let mut oauth_client = None;
    if let Some(oauth) = &manifest.auth.oauth {
        if oauth.client.client_secret.is_some() {
            problems.push(problem(
                "auth.oauth.clientSecret",
                "secrets never go in the manifest; name a variable with clientSecretEnv",
            ));
        }
        match oauth.resolve() {
            Ok(client) => oauth_client = Some(client),
            Err(problem) => {
                problems.push(self::problem("auth.oauth.clientSecretEnv", problem));
                oauth_client = Some(oauth.client.clone());
            }
        }
    }
    let auth = UpdateAuth {
        auth_type: manifest.auth.auth_type.clone(),
        auth_fields: Some(manifest.auth.fields.clone()),
        // Without a test code file the workspace should have none: send it empty, not absent (kept).
        auth_test_code: Some(
            read(&manifest.auth.test_code_file, &mut problems, "auth.testCodeFile").unwrap_or_default(),
        ),
        oauth_client,
        ..UpdateAuth::default()
    };
    collect(&mut problems, "auth", auth.violations());

    let mut names = HashSet::new();
    let mut actions = Vec::new();
    for (index, spec) in manifest.actions.iter().enumerate() {
        let at = format!("actions[{index}]");
        if !names.insert(spec.name.as_str()) {
            problems.push(problem(&format!("{at}.name"), format!("{:?} is used by an earlier action", spec.name)));
        }
        let body = ActionInput {
            name: spec.name.clone(),
            description: spec.description.clone(),
            code: read(&spec.file, &mut problems, &format!("{at}.file")),
            input_fields: Some(spec.input_fields.clone()),
            requires_confirmation: spec.requires_confirmation,
            ..ActionInput::default()
        };
        collect(&mut problems, &at, body.violations());
        actions.push(body);
    }
    let mut names = HashSet::new();
    let mut triggers = Vec::new();
    for (index, spec) in manifest.triggers.iter().enumerate() {
        let at = format!("triggers[{index}]");
        if !names.insert(spec.name.as_str()) {
            problems.push(problem(&format!("{at}.name"), format!("{:?} is used by an earlier trigger", spec.name)));
        }
        let body = TriggerInput {
            name: spec.name.clone(),
            description: spec.description.clone(),
            polling_code: read(&spec.file, &mut problems, &format!("{at}.file")),
            input_fields: Some(spec.input_fields.clone()),
            ..TriggerInput::default()
        };
        collect(&mut problems, &at, body.violations());
        triggers.push(body);
    }
    let integration = langdock::CreateIntegration {
        name: manifest.name.clone(),
        description: manifest.description.clone(),
        ..Default::default()
    };
    collect(&mut problems, "", integration.violations());
    if let Some(id) = &manifest.id
        && uuid_like(id).is_none()
    {
        problems.push(problem("id", format!("must be a UUID, got {id:?}")));
    }

    if !problems.is_empty() {
        let mut failure =
            Failure::file(&path, format!("invalid manifest ({} problems, nothing was sent)", problems.len()));
        for problem in problems {
            failure = failure.violation(problem);
        }
        return Err(failure.hint("fix the fields listed above"));
    }
    Ok(Local { dir: dir.to_path_buf(), manifest, auth, actions, triggers })
}

/// Parses every code file of the directory, so that plan and apply refuse code the platform could not run;
/// the error names each file, line and column (nothing was sent).
pub fn check_syntax(local: &Local) -> Result<(), Failure> {
    let mut files: Vec<(&Option<String>, Option<&String>)> =
        vec![(&local.manifest.auth.test_code_file, local.auth.auth_test_code.as_ref())];
    files
        .extend(local.manifest.actions.iter().zip(&local.actions).map(|(spec, body)| (&spec.file, body.code.as_ref())));
    files.extend(
        local
            .manifest
            .triggers
            .iter()
            .zip(&local.triggers)
            .map(|(spec, body)| (&spec.file, body.polling_code.as_ref())),
    );
    let mut problems = Vec::new();
    for (file, code) in files {
        let (Some(file), Some(code)) = (file, code) else { continue };
        let name = local.dir.join(file).display().to_string();
        if let Err(error) = langdock_sandbox::check_syntax(code, &name) {
            problems.push(error.to_string());
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let mut failure = Failure::usage(format!("{} code file(s) do not parse (nothing was sent)", problems.len()));
    for problem in problems {
        failure = failure.detail(problem);
    }
    Err(failure.hint("fix the code at the places above; `langdock run` runs it locally"))
}

fn uuid_like(id: &str) -> Option<()> {
    (id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')).then_some(())
}

fn problem(path: &str, message: impl Into<String>) -> Violation {
    Violation { path: path.to_owned(), message: message.into() }
}

fn collect(problems: &mut Vec<Violation>, at: &str, violations: Vec<Violation>) {
    for violation in violations {
        let path = match (at.is_empty(), violation.path.is_empty()) {
            (true, _) => violation.path,
            (false, true) => at.to_owned(),
            (false, false) => format!("{at}.{}", violation.path),
        };
        problems.push(Violation { path, message: violation.message });
    }
}

/// What export wrote, for the output.
#[derive(Debug, Serialize)]
pub struct Exported {
    /// The files written, relative to the directory.
    pub files: Vec<String>,
    /// What the export could not include.
    pub notes: Vec<String>,
}

/// Writes `integration` to `dir`: the manifest and one file per piece of code.
pub fn export(integration: &Integration, dir: &Path) -> Result<Exported, Failure> {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let mut write = |relative: String, text: &str| -> Result<String, Failure> {
        let path = dir.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure::local(format!("{}: cannot create it: {e}", parent.display())))?;
        }
        std::fs::write(&path, text).map_err(|e| Failure::local(format!("{}: cannot write it: {e}", path.display())))?;
        files.push(relative.clone());
        Ok(relative)
    };

    let test_code_file = match integration.auth_test_code.as_deref().filter(|code| !code.is_empty()) {
        Some(code) => Some(write("auth/test.js".into(), code)?),
        None => None,
    };
    let oauth = integration.oauth_client.as_ref().map(|client| {
        let variable = format!("{}_CLIENT_SECRET", env_name(&integration.name));
        notes.push(format!("the OAuth client secret is never returned: set {variable} before apply"));
        OAuthSpec {
            client_secret_env: Some(variable),
            client: OAuthClient { client_secret: None, extra: Default::default(), ..client.clone() },
        }
    });
    let mut actions = Vec::new();
    for action in &integration.actions {
        let file = match action.code.as_deref() {
            Some(code) => Some(write(format!("actions/{}.js", file_stem(action.slug.as_deref(), &action.name)), code)?),
            None => None,
        };
        actions.push(ActionSpec {
            name: action.name.clone(),
            description: action.description.clone().filter(|d| !d.is_empty()),
            file,
            requires_confirmation: action.requires_confirmation,
            input_fields: action.input_fields.iter().map(portable_field).collect(),
        });
    }
    // A starter test per action, next to the code; tests written by hand are never overwritten.
    let auth_fields: Vec<crate::inputs::Field> = integration
        .auth_fields
        .iter()
        .map(|f| crate::inputs::Field {
            key: f.slug.clone(),
            label: f.label.clone(),
            kind: crate::inputs::FieldKind::Text,
        })
        .collect();
    for action in &actions {
        let relative =
            format!("{}/{}.yaml", crate::testcases::TESTS_DIR, file_stem(None, &crate::inputs::slug(&action.name)));
        if dir.join(&relative).exists() {
            notes.push(format!("{relative} exists: kept as it is"));
            continue;
        }
        let fields: Vec<crate::inputs::Field> = action.input_fields.iter().map(crate::target::input_field).collect();
        write(relative, &crate::testcases::starter(&integration.name, &action.name, &fields, &auth_fields))?;
    }
    let triggers: Vec<TriggerSpec> = integration
        .triggers
        .iter()
        .map(|trigger| TriggerSpec {
            name: trigger.name.clone(),
            description: trigger.description.clone().filter(|d| !d.is_empty()),
            file: None,
            input_fields: Vec::new(),
        })
        .collect();
    if !triggers.is_empty() {
        notes.push(
            "the API returns neither polling code nor input fields of triggers: add them to the manifest \
             (file: triggers/<name>.js) before apply"
                .into(),
        );
    }
    let manifest = Manifest {
        id: Some(integration.id.clone()),
        name: integration.name.clone(),
        description: integration.description.clone().filter(|d| !d.is_empty()),
        auth: AuthSpec {
            auth_type: integration.auth_type.clone(),
            fields: integration
                .auth_fields
                .iter()
                .map(|f| AuthField { id: None, extra: Default::default(), ..f.clone() })
                .collect(),
            test_code_file,
            oauth,
        },
        actions,
        triggers,
    };
    let yaml =
        serde_norway::to_string(&manifest).map_err(|e| Failure::local(format!("cannot write the manifest: {e}")))?;
    write(MANIFEST.into(), &yaml)?;
    Ok(Exported { files, notes })
}

/// An input field as the manifest keeps it: what the server made (slug, order) is left out.
fn portable_field(field: &InputField) -> InputField {
    InputField { slug: None, order: None, extra: Default::default(), ..field.clone() }
}

fn file_stem(slug: Option<&str>, name: &str) -> String {
    let source = slug.filter(|s| !s.is_empty()).unwrap_or(name);
    let stem: String =
        source.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    if stem.is_empty() { "code".into() } else { stem }
}

fn env_name(name: &str) -> String {
    let upper: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    upper.trim_matches('_').to_owned()
}

/// Records the id of an integration apply created, at the top of the manifest (the rest of the
/// file, comments included, stays as it was).
pub fn record_id(dir: &Path, id: &str) -> Result<(), Failure> {
    let path = dir.join(MANIFEST);
    let text = bodies::read_text(&path)?;
    let updated = format!("id: {id}\n{text}");
    crate::state::write_atomically(&path, updated.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth_body(yaml: &str) -> Result<UpdateAuth, Failure> {
        let path = Path::new("auth.yaml");
        bodies::parse::<AuthBody>(path, yaml)?.resolve(path)
    }

    #[test]
    fn an_auth_body_without_client_secret_env_is_sent_as_written() {
        let body = auth_body("authType: OAUTH\noauthClient:\n  clientId: abc\n  clientSecret: s3cret\n").unwrap();
        let client = body.oauth_client.unwrap();
        assert_eq!((client.client_id.as_deref(), client.client_secret.as_deref()), (Some("abc"), Some("s3cret")));
        assert!(client.extra.is_empty());
    }

    #[test]
    fn an_auth_body_with_both_a_secret_and_its_variable_is_refused() {
        let yaml = "authType: OAUTH\noauthClient:\n  clientSecret: s3cret\n  clientSecretEnv: PATH\n";
        let failure = auth_body(yaml).unwrap_err();
        assert!(failure.to_string().contains("not both"), "{failure}");
    }
}
