//! The Rust soak: many calls over every endpoint, many in flight, against an emulator that faults a
//! share of all requests with every kind of failure. Nothing may be lost or created twice.
//!
//! `langdock-emulator -- target/x86_64-unknown-linux-gnu/debug/examples/soak --calls 10000 --concurrency 32 --chaos 0.3`
//! (`make soak` runs it with the Python and Node soaks). The emulator runs in its own process, so that
//! the memory figures are the client's alone; the soak drives it through its control API.
//!
//! With `--restarts N` it is the crash-restart soak instead, run under `crash_supervisor` (which see):
//! creates, updates, deletes and reads while the emulator is killed with SIGKILL and restarted on the
//! same `--state` N times, then every write the client saw acknowledged is read back from the final state.
//! Prints one table row; exits 1 when a call or an acknowledged write was lost or a create duplicated.
//!
//! Which operations, in what proportion, and with what faults is data: `tests/soak/mix.json`, which the Python
//! and Node soaks read too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use langdock::{
    ActionInput, AuthField, AuthFieldType, AuthType, Client, CreateIntegration, Error, InputField, InputFieldType,
    Operation, TriggerInput, UpdateAuth, UpdateIntegration,
};
use serde::Deserialize;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
/// A call that has not answered after this long counts as lost (the client's own deadline is 180 s).
const WATCHDOG: Duration = Duration::from_secs(200);

#[derive(Default)]
struct Tally {
    calls: u64,
    ok: u64,
    typed_errors: u64,
    lost: u64,
    retries: u64,
    errors_by_class: HashMap<&'static str, u64>,
}

/// Items created during the chaos run, for the updates and deletes that follow: (integration id, item id,
/// name), one list per kind.
#[derive(Default)]
struct Pool {
    actions: Vec<(String, String, String)>,
    triggers: Vec<(String, String, String)>,
}

impl Pool {
    fn of(&mut self, kind: Kind) -> &mut Vec<(String, String, String)> {
        match kind {
            Kind::Action => &mut self.actions,
            Kind::Trigger => &mut self.triggers,
        }
    }
}

/// What a mix entry does to an item: an operation's wire name is `<verb>_<resource>`.
#[derive(Clone, Copy, PartialEq)]
enum Verb {
    Create,
    Update,
    Delete,
}

/// The kinds of item an integration holds, each with its own pool.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Action,
    Trigger,
}

/// The verb and kind of an operation on an action or a trigger, read from its wire name (e.g. `delete_action`);
/// `None` for the operations on an integration itself.
fn item_operation(op: Operation) -> Option<(Verb, Kind)> {
    let (verb, resource) = op.name().split_once('_')?;
    let kind = match resource {
        "action" => Kind::Action,
        "trigger" => Kind::Trigger,
        _ => return None,
    };
    let verb = match verb {
        "create" => Verb::Create,
        "update" => Verb::Update,
        "delete" => Verb::Delete,
        _ => return None,
    };
    Some((verb, kind))
}

impl Kind {
    /// The word in logs and item names, e.g. `trigger`.
    fn word(self) -> &'static str {
        match self {
            Kind::Action => "action",
            Kind::Trigger => "trigger",
        }
    }

    /// Creates an item (`id` none) or replaces item `id`; `detail` is what the crash run reads back (an action's
    /// code, a trigger's description, so code-shaped). Returns the item's id and the attempts.
    async fn write(
        self,
        client: &Client,
        integration: &str,
        id: Option<&str>,
        name: &str,
        detail: &str,
    ) -> Result<(String, u32), Error> {
        Ok(match self {
            Kind::Action => {
                let mut input = ActionInput::new(name).code(detail);
                let action = match id {
                    Some(id) => client.actions().update(integration, id, &input).await?,
                    None => {
                        input = input.input_fields([InputField::new("City", InputFieldType::Text)]);
                        client.actions().create(integration, &input).await?
                    }
                };
                (action.id.clone(), action.attempts())
            }
            Kind::Trigger => {
                let polling = if id.is_some() { "return [1];" } else { "return [];" };
                let input = TriggerInput::new(name).description(detail).polling_code(polling);
                let trigger = match id {
                    Some(id) => client.triggers().update(integration, id, &input).await?,
                    None => client.triggers().create(integration, &input).await?,
                };
                (trigger.id.clone(), trigger.attempts())
            }
        })
    }

    /// Deletes item `id`; returns the attempts.
    async fn delete(self, client: &Client, integration: &str, id: &str) -> Result<u32, Error> {
        Ok(match self {
            Kind::Action => client.actions().delete(integration, id).await?.attempts(),
            Kind::Trigger => client.triggers().delete(integration, id).await?.attempts(),
        })
    }
}

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// The workload, `tests/soak/mix.json`: the one description the three languages' soak runners read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SoakFile {
    #[allow(dead_code, reason = "documentation inside the data")]
    description: String,
    calls: u64,
    concurrency: usize,
    base_integrations: usize,
    chaos: Run,
    crash: Run,
}

/// One run's mix, and for the chaos run the faults the emulator injects.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Run {
    #[allow(dead_code, reason = "documentation inside the data")]
    description: String,
    #[serde(default)]
    faults: Option<serde_json::Map<String, serde_json::Value>>,
    mix: Vec<Entry>,
}

/// One operation of a mix, `weight` times per cycle.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Entry {
    op: Operation,
    weight: usize,
    /// What an update or delete calls instead when no item is free.
    #[serde(default)]
    when_none_free: Option<Operation>,
    /// `newest`: the newest integration the run created instead of a base one.
    #[serde(default)]
    of: Option<String>,
}

impl SoakFile {
    fn load() -> SoakFile {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/soak/mix.json");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
}

impl Run {
    /// The mix as a cycle of entry indices: each entry `weight` times, in order; call n runs the entry at
    /// `cycle[n % cycle.len()]`.
    fn cycle(&self) -> Vec<usize> {
        self.mix.iter().enumerate().flat_map(|(index, entry)| std::iter::repeat_n(index, entry.weight)).collect()
    }
}

/// The read an update or delete makes instead when no item is free: a list, or a get of `integration`.
async fn instead(client: &Client, entry: &Entry, integration: &str) -> Result<u32, Error> {
    Ok(match entry.when_none_free {
        Some(Operation::GetIntegration) => client.integrations().get(integration).await?.attempts(),
        _ => client.integrations().list().await?.attempts(),
    })
}

/// Call `n` of the chaos run, `entry` of its mix; returns its attempts.
async fn one_call(
    client: &Client,
    n: u64,
    entry: &Entry,
    integrations: &[String],
    pool: &Mutex<Pool>,
) -> Result<u32, Error> {
    let integration = &integrations[n as usize % integrations.len()];
    if let Some((verb, kind)) = item_operation(entry.op) {
        return item_call(client, n, entry, (verb, kind), integration, pool).await;
    }
    Ok(match entry.op {
        Operation::ListIntegrations => client.integrations().list().await?.attempts(),
        Operation::CreateIntegration => {
            client.integrations().create(&CreateIntegration::new(format!("soak-int-{n}"))).await?.attempts()
        }
        Operation::GetIntegration => client.integrations().get(integration).await?.attempts(),
        Operation::UpdateIntegration => {
            let update = UpdateIntegration { description: Some(format!("pass {n}")), ..Default::default() };
            client.integrations().update(integration, &update).await?.attempts()
        }
        Operation::UpdateAuth => {
            let auth = UpdateAuth {
                auth_type: AuthType::ApiKey,
                auth_fields: Some(vec![AuthField::new("apiKey", "API key", AuthFieldType::Password)]),
                ..Default::default()
            };
            client.integrations().update_auth(integration, &auth).await?.attempts()
        }
        Operation::GetIcon => client.integrations().icon(integration).await?.attempts(),
        Operation::PutIcon => client.integrations().set_icon(integration, PNG.to_vec()).await?.attempts(),
        other => panic!("tests/soak/mix.json: the chaos run does not call {other}"),
    })
}

/// A chaos call to an action or a trigger: a create adds to the kind's pool; an update or delete takes an item
/// from it (and an update returns it), or makes the entry's read instead when none is free.
async fn item_call(
    client: &Client,
    n: u64,
    entry: &Entry,
    (verb, kind): (Verb, Kind),
    integration: &str,
    pool: &Mutex<Pool>,
) -> Result<u32, Error> {
    let word = kind.word();
    if verb == Verb::Create {
        let name = format!("soak-{word}-{n}");
        let (id, attempts) = kind.write(client, integration, None, &name, "return 1;").await?;
        pool.lock().unwrap().of(kind).push((integration.to_owned(), id, name));
        return Ok(attempts);
    }
    let Some((integration, id, name)) = pool.lock().unwrap().of(kind).pop() else {
        return instead(client, entry, integration).await;
    };
    if verb == Verb::Delete {
        return kind.delete(client, &integration, &id).await;
    }
    let (_, attempts) = kind.write(client, &integration, Some(&id), &name, "return 2;").await?;
    pool.lock().unwrap().of(kind).push((integration, id, name));
    Ok(attempts)
}

/// Creates that exist more than once: integrations, actions and triggers with the same soak name.
async fn duplicated_creates(client: &Client) -> Result<u64, Error> {
    let mut names: HashMap<String, u64> = HashMap::new();
    for summary in client.integrations().list().await?.iter() {
        *names.entry(summary.name.clone()).or_default() += u64::from(summary.name.starts_with("soak-int-"));
        let integration = client.integrations().get(&summary.id).await?;
        for name in integration.actions.iter().map(|a| &a.name).chain(integration.triggers.iter().map(|t| &t.name)) {
            *names.entry(format!("{}/{name}", summary.id)).or_default() += 1;
        }
    }
    Ok(names.values().filter(|&&count| count > 1).map(|count| count - 1).sum())
}

/// What the client was told about one item, checked against the final state.
#[derive(Clone, Debug, PartialEq)]
enum Known {
    /// An acknowledged create or update: the item is there with this name and detail (an integration's
    /// or trigger's description, an action's code).
    Present { name: String, detail: String },
    /// An acknowledged delete: the item is gone.
    Gone,
    /// A write that ended in an error: applied or not, both are right, so it is not checked.
    Unsure,
}

/// How an integration create (names unique per run, so that a duplicate is countable) ended.
#[derive(Clone, Copy, Debug, PartialEq)]
enum CreateOutcome {
    /// Acknowledged: exactly one integration of that name.
    Acknowledged,
    /// An error with `maybe_created`: at most one.
    Ambiguous,
    /// An error that says nothing was created: none.
    Refused,
}

/// The crash-restart run's record of acknowledged writes, and the items free for the next update or delete
/// (each taken by one call at a time, so that the last acknowledged write to an item is its final state).
#[derive(Default)]
struct Ledger {
    base: Vec<String>,
    creates: HashMap<String, CreateOutcome>,
    integrations: HashMap<String, Known>,
    /// Actions and triggers by (integration id, item id).
    actions: HashMap<(String, String), Known>,
    triggers: HashMap<(String, String), Known>,
    free_integrations: Vec<String>,
    free_actions: Vec<(String, String)>,
    free_triggers: Vec<(String, String)>,
}

impl Ledger {
    /// The record and the free list of one kind of item.
    #[allow(clippy::type_complexity, reason = "two views of the same (integration id, item id) keys")]
    fn of(&mut self, kind: Kind) -> (&mut HashMap<(String, String), Known>, &mut Vec<(String, String)>) {
        match kind {
            Kind::Action => (&mut self.actions, &mut self.free_actions),
            Kind::Trigger => (&mut self.triggers, &mut self.free_triggers),
        }
    }

    /// Records the outcome of a write to an item taken from a free list; returns the item to the list when
    /// the write was acknowledged and left it in place.
    fn settle<K: Clone + Eq + std::hash::Hash>(
        known: &mut HashMap<K, Known>,
        free: &mut Vec<K>,
        key: K,
        outcome: Option<Known>,
    ) {
        let state = outcome.unwrap_or(Known::Unsure);
        if matches!(state, Known::Present { .. }) {
            free.push(key.clone());
        }
        known.insert(key, state);
    }
}

/// Call `n` of the crash-restart run, `entry` of its mix; returns its attempts.
async fn crash_call(client: &Client, n: u64, entry: &Entry, ledger: &Mutex<Ledger>) -> Result<u32, Error> {
    let base = {
        let ledger = ledger.lock().unwrap();
        ledger.base[n as usize % ledger.base.len()].clone()
    };
    if let Some((verb, kind)) = item_operation(entry.op) {
        return crash_item_call(client, n, entry, (verb, kind), base, ledger).await;
    }
    Ok(match entry.op {
        Operation::ListIntegrations => client.integrations().list().await?.attempts(),
        Operation::CreateIntegration => {
            let (name, description) = (format!("crash-int-{n}"), format!("created {n}"));
            let result = client.integrations().create(&CreateIntegration::new(&name).description(&description)).await;
            let mut ledger = ledger.lock().unwrap();
            let created = match &result {
                Ok(_) => CreateOutcome::Acknowledged,
                Err(e) if e.maybe_created() => CreateOutcome::Ambiguous,
                Err(_) => CreateOutcome::Refused,
            };
            ledger.creates.insert(name.clone(), created);
            let created = result?;
            ledger.integrations.insert(created.id.clone(), Known::Present { name, detail: description });
            ledger.free_integrations.push(created.id.clone());
            created.attempts()
        }
        Operation::GetIntegration if entry.of.as_deref() == Some("newest") => {
            let created = ledger.lock().unwrap().free_integrations.last().cloned();
            client.integrations().get(created.as_deref().unwrap_or(&base)).await?.attempts()
        }
        Operation::GetIntegration => client.integrations().get(&base).await?.attempts(),
        Operation::UpdateIntegration => {
            let Some(id) = ledger.lock().unwrap().free_integrations.pop() else {
                return instead(client, entry, &base).await;
            };
            let detail = format!("pass {n}");
            let update = UpdateIntegration { description: Some(detail.clone()), ..Default::default() };
            let result = client.integrations().update(&id, &update).await;
            let mut ledger = ledger.lock().unwrap();
            let known = result.as_ref().ok().map(|r| Known::Present { name: r.name.clone(), detail });
            let Ledger { integrations, free_integrations, .. } = &mut *ledger;
            Ledger::settle(integrations, free_integrations, id, known);
            result?.attempts()
        }
        other => panic!("tests/soak/mix.json: the crash-restart run does not call {other}"),
    })
}

/// A crash-restart call to an action or a trigger, recorded in the ledger: a create makes a free item; an
/// update or delete takes one (or makes the entry's read instead when none is free).
async fn crash_item_call(
    client: &Client,
    n: u64,
    entry: &Entry,
    (verb, kind): (Verb, Kind),
    base: String,
    ledger: &Mutex<Ledger>,
) -> Result<u32, Error> {
    let name = format!("crash-{}-{n}", kind.word());
    if verb == Verb::Create {
        let detail = format!("return {n};");
        let (id, attempts) = kind.write(client, &base, None, &name, &detail).await?;
        let mut ledger = ledger.lock().unwrap();
        let (known, free) = ledger.of(kind);
        let key = (base, id);
        known.insert(key.clone(), Known::Present { name, detail });
        free.push(key);
        return Ok(attempts);
    }
    let Some(key) = ledger.lock().unwrap().of(kind).1.pop() else {
        return instead(client, entry, &base).await;
    };
    let result = if verb == Verb::Update {
        let detail = format!("return {n};");
        let result = kind.write(client, &key.0, Some(&key.1), &name, &detail).await;
        result.map(|(_, attempts)| (attempts, Known::Present { name, detail }))
    } else {
        kind.delete(client, &key.0, &key.1).await.map(|attempts| (attempts, Known::Gone))
    };
    let mut ledger = ledger.lock().unwrap();
    let (known, free) = ledger.of(kind);
    Ledger::settle(known, free, key, result.as_ref().ok().map(|(_, known)| known.clone()));
    Ok(result?.0)
}

/// What the final check found: acknowledged writes missing from the final state, creates that exist more
/// than once, and creates reported as failed that exist all the same.
#[derive(Debug, Default)]
struct Verdict {
    lost_writes: u64,
    duplicates: u64,
    misreported: u64,
    /// What was checked, for the log: a soak that checked nothing proves nothing.
    checked: String,
    details: Vec<String>,
}

/// Reads the final state back through the API and checks every entry of the ledger against it.
async fn check_ledger(client: &Client, ledger: &Ledger) -> Result<Verdict, Error> {
    let mut verdict = Verdict::default();
    let summaries = client.integrations().list().await?.into_inner();
    let mut by_name: HashMap<&str, u64> = HashMap::new();
    for summary in &summaries {
        *by_name.entry(summary.name.as_str()).or_default() += 1;
    }
    for (name, created) in &ledger.creates {
        let seen = by_name.get(name.as_str()).copied().unwrap_or(0);
        verdict.duplicates += seen.saturating_sub(1);
        // An acknowledged create is checked by its id below, with the updates that followed it.
        if *created == CreateOutcome::Refused && seen > 0 {
            verdict.misreported += 1;
            verdict.details.push(format!("integration {name} exists although its create failed as not created"));
        }
    }
    let mut lost = |what: String| {
        verdict.lost_writes += 1;
        verdict.details.push(what);
    };
    for (id, known) in &ledger.integrations {
        let found = summaries.iter().find(|s| &s.id == id);
        if let Known::Present { name, detail } = known
            && found.is_none_or(|s| (&s.name, s.description.as_ref()) != (name, Some(detail)))
        {
            lost(format!("integration {id}: expected {name:?} / {detail:?}, found {found:?}"));
        }
    }
    let mut items: HashMap<(String, String), (String, String)> = HashMap::new();
    let mut triggers: HashMap<(String, String), (String, String)> = HashMap::new();
    let mut names: HashMap<String, u64> = HashMap::new();
    for id in &ledger.base {
        // A base integration that is gone is already counted above; its items are counted below.
        if !summaries.iter().any(|s| &s.id == id) {
            continue;
        }
        let integration = client.integrations().get(id).await?.into_inner();
        for action in &integration.actions {
            *names.entry(format!("{id}/{}", action.name)).or_default() += 1;
            let code = action.code.clone().unwrap_or_default();
            items.insert((id.clone(), action.id.clone()), (action.name.clone(), code));
        }
        for trigger in &integration.triggers {
            *names.entry(format!("{id}/{}", trigger.name)).or_default() += 1;
            let description = trigger.description.clone().unwrap_or_default();
            triggers.insert((id.clone(), trigger.id.clone()), (trigger.name.clone(), description));
        }
    }
    for (kind, known, found) in [("action", &ledger.actions, &items), ("trigger", &ledger.triggers, &triggers)] {
        for (key, expected) in known {
            let actual = found.get(key);
            let ok = match expected {
                Known::Present { name, detail } => actual == Some(&(name.clone(), detail.clone())),
                Known::Gone => actual.is_none(),
                Known::Unsure => true,
            };
            if !ok {
                lost(format!("{kind} {}/{}: expected {expected:?}, found {actual:?}", key.0, key.1));
            }
        }
    }
    verdict.duplicates += names.values().map(|count| count.saturating_sub(1)).sum::<u64>();
    let count = |known: Vec<&Known>| {
        let present = known.iter().filter(|k| matches!(k, Known::Present { .. })).count();
        let gone = known.iter().filter(|k| matches!(k, Known::Gone)).count();
        format!("{present} there, {gone} gone, {} unsure", known.len() - present - gone)
    };
    let ambiguous: Vec<&String> =
        ledger.creates.iter().filter(|(_, c)| **c == CreateOutcome::Ambiguous).map(|(name, _)| name).collect();
    verdict.checked = format!(
        "integrations {}; actions {}; triggers {}; ambiguous integration creates {} ({} of them exist)",
        count(ledger.integrations.values().collect()),
        count(ledger.actions.values().collect()),
        count(ledger.triggers.values().collect()),
        ambiguous.len(),
        ambiguous.iter().filter(|name| by_name.contains_key(name.as_str())).count(),
    );
    Ok(verdict)
}

/// Asks the crash supervisor (at `LANGDOCK_SOAK_SUPERVISOR`) to kill and restart the emulator; returns once
/// the new one listens.
async fn restart_emulator(socket: &str) -> Result<(), String> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let mut stream = tokio::net::UnixStream::connect(socket).await.map_err(|e| format!("{socket}: {e}"))?;
    stream.write_all(b"restart\n").await.map_err(|e| e.to_string())?;
    let mut answer = String::new();
    tokio::io::BufReader::new(stream).read_line(&mut answer).await.map_err(|e| e.to_string())?;
    if answer.starts_with("restarted") { Ok(()) } else { Err(format!("the supervisor answered {answer:?}")) }
}

/// The two runs: the chaos mix against one emulator, or the crash-restart mix with its ledger.
enum Workload {
    Chaos { integrations: Vec<String>, pool: Mutex<Pool> },
    Crash { ledger: Box<Mutex<Ledger>> },
}

impl Workload {
    async fn call(&self, client: &Client, n: u64, entry: &Entry) -> Result<u32, Error> {
        match self {
            Workload::Chaos { integrations, pool } => one_call(client, n, entry, integrations, pool).await,
            Workload::Crash { ledger } => crash_call(client, n, entry, ledger).await,
        }
    }
}

#[tokio::main]
async fn main() {
    let soak = Arc::new(SoakFile::load());
    let calls = arg("--calls", soak.calls as f64) as u64;
    let concurrency = arg("--concurrency", soak.concurrency as f64) as usize;
    let restarts = arg("--restarts", 0.0) as u64;
    let base_url = std::env::var("LANGDOCK_BASE_URL").expect("LANGDOCK_BASE_URL: run it under langdock-emulator --");
    let supervisor = (restarts > 0).then(|| {
        std::env::var("LANGDOCK_SOAK_SUPERVISOR")
            .expect("LANGDOCK_SOAK_SUPERVISOR: run --restarts under crash_supervisor")
    });
    let control = |path: &str, body: serde_json::Value| {
        let url = format!("{}/_emulator/{path}", base_url.trim_end_matches('/'));
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("control API")
                .error_for_status()
                .expect("control API")
        }
    };
    let client = if supervisor.is_some() {
        // Retries enough to ride over a restart (connect refused is provably not applied, so even creates
        // retry it); a call the window is too long for still ends as a typed error.
        Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .deadline(Duration::from_secs(60))
            .max_retries(12)
            .backoff(Duration::from_millis(50), Duration::from_secs(1))
            .build()
            .expect("client")
    } else {
        control("reset", serde_json::json!({})).await;
        Client::builder() // LANGDOCK_API_KEY and LANGDOCK_BASE_URL
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .backoff(Duration::from_millis(5), Duration::from_millis(100))
            .adaptive_pacing(arg("--pacing", 1.0) > 0.0)
            .build()
            .expect("client")
    };
    let mut integrations = Vec::new();
    let prefix = if supervisor.is_some() { "crash-base" } else { "soak-base" };
    for n in 0..soak.base_integrations {
        let create = CreateIntegration::new(format!("{prefix}-{n}")).description("base");
        integrations.push(client.integrations().create(&create).await.unwrap().into_inner().id);
    }
    let workload = Arc::new(if supervisor.is_some() {
        // Faults live in the emulator's memory and die with it: the crash run's faults are the restarts.
        let mut ledger =
            Ledger { base: integrations.clone(), free_integrations: integrations.clone(), ..Default::default() };
        for (n, id) in integrations.iter().enumerate() {
            let known = Known::Present { name: format!("{prefix}-{n}"), detail: "base".into() };
            ledger.integrations.insert(id.clone(), known);
        }
        Workload::Crash { ledger: Box::new(Mutex::new(ledger)) }
    } else {
        // One client, as a real script has: its retry budget and pacing are part of what is measured,
        // and a call the budget stops ends as a typed error, never as a lost one.
        let mut faults = soak.chaos.faults.clone().unwrap_or_default();
        if let Some(rate) = std::env::args().any(|a| a == "--chaos").then(|| arg("--chaos", 0.0)) {
            faults.insert("rate".into(), rate.into());
        }
        control("chaos", serde_json::Value::Object(faults)).await;
        Workload::Chaos { integrations, pool: Mutex::new(Pool::default()) }
    });
    let cycle = Arc::new(if supervisor.is_some() { soak.crash.cycle() } else { soak.chaos.cycle() });
    // The restarts fall at even shares of the calls, so that all of them happen while calls are in flight.
    let restart_at: Arc<Vec<u64>> = Arc::new((1..=restarts).map(|k| k * calls / (restarts + 1)).collect());
    let restarted = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let restart_failures = Arc::new(Mutex::new(Vec::<String>::new()));
    // Memory is read once the run is warm (a tenth of the calls made: pools, buffers and the in-process
    // emulator's journal are allocated) and at the end; growth between the two would be a leak.
    let rss_start = Arc::new(std::sync::OnceLock::new());
    let started = Instant::now();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, workload, tally, next, rss_start, soak, cycle) = (
                client.clone(),
                workload.clone(),
                tally.clone(),
                next.clone(),
                rss_start.clone(),
                soak.clone(),
                cycle.clone(),
            );
            let (supervisor, restart_at, restarted, restart_failures) =
                (supervisor.clone(), restart_at.clone(), restarted.clone(), restart_failures.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= calls {
                        break;
                    }
                    if n == calls / 10 {
                        rss_start.get_or_init(rss_mb);
                    }
                    if let Some(socket) = &supervisor
                        && restart_at.contains(&n)
                    {
                        match restart_emulator(socket).await {
                            Ok(()) => drop(restarted.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
                            Err(why) => restart_failures.lock().unwrap().push(why),
                        }
                    }
                    // Its own task, so that a panic is caught and counted instead of ending the soak.
                    let (client, workload, soak) = (client.clone(), workload.clone(), soak.clone());
                    let index = cycle[n as usize % cycle.len()];
                    let outcome = tokio::spawn(async move {
                        let run = if matches!(*workload, Workload::Chaos { .. }) { &soak.chaos } else { &soak.crash };
                        tokio::time::timeout(WATCHDOG, workload.call(&client, n, &run.mix[index])).await
                    })
                    .await;
                    let mut tally = tally.lock().unwrap();
                    tally.calls += 1;
                    match outcome {
                        Ok(Ok(Ok(attempts))) => {
                            tally.ok += 1;
                            tally.retries += u64::from(attempts.saturating_sub(1));
                        }
                        Ok(Ok(Err(error))) => {
                            tally.typed_errors += 1;
                            tally.retries += u64::from(error.attempts().saturating_sub(1));
                            *tally.errors_by_class.entry(error.kind().class_name()).or_default() += 1;
                        }
                        Ok(Err(_)) | Err(_) => tally.lost += 1, // no answer in time, or a panic
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    let elapsed = started.elapsed();
    let rss_end = rss_mb();
    let (label, lost_writes, duplicates, misreported) = match &*workload {
        Workload::Chaos { .. } => {
            control("chaos", serde_json::json!({"rate": 0.0})).await;
            let checker = Client::builder().no_proxy().build().unwrap();
            ("rust".to_string(), None, duplicated_creates(&checker).await.expect("the final check"), 0)
        }
        Workload::Crash { ledger } => {
            // Every restart was answered before this point: this reads the state the last emulator loaded.
            let ledger = std::mem::take(&mut *ledger.lock().unwrap());
            let verdict = check_ledger(&client, &ledger).await.expect("the final check");
            eprintln!("rust (crash-restart) checked: {}", verdict.checked);
            for detail in verdict.details.iter().take(20) {
                eprintln!("rust (crash-restart): {detail}");
            }
            if verdict.details.len() > 20 {
                eprintln!("rust (crash-restart): and {} more", verdict.details.len() - 20);
            }
            ("rust (crash-restart)".to_string(), Some(verdict.lost_writes), verdict.duplicates, verdict.misreported)
        }
    };
    let restarted = restarted.load(std::sync::atomic::Ordering::Relaxed);
    let tally = tally.lock().unwrap();
    let mut classes: Vec<String> = tally.errors_by_class.iter().map(|(class, n)| format!("{class} {n}")).collect();
    classes.sort();
    println!(
        "| {label} | {} | {restarted} | {} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.1} |",
        tally.calls,
        tally.ok,
        tally.typed_errors,
        tally.lost,
        lost_writes.map_or("-".to_string(), |n| n.to_string()),
        duplicates,
        tally.retries,
        rss_start.get().copied().unwrap_or(0.0),
        rss_end,
        elapsed.as_secs_f64()
    );
    eprintln!("{label} typed errors: {}", classes.join(", "));
    let restart_failures = restart_failures.lock().unwrap();
    for why in restart_failures.iter() {
        eprintln!("{label}: a restart failed: {why}");
    }
    if tally.lost > 0
        || duplicates > 0
        || tally.calls != calls
        || lost_writes.unwrap_or(0) > 0
        || misreported > 0
        || restarted != restarts
        || !restart_failures.is_empty()
    {
        std::process::exit(1);
    }
}
