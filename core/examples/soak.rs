//! The Rust soak: many calls over every endpoint, many in flight, against an emulator that faults a
//! share of all requests with every kind of failure. Nothing may be lost or created twice.
//!
//! `langdock-emulator -- target/x86_64-unknown-linux-gnu/debug/examples/soak --calls 10000 --concurrency 32 --chaos 0.3`
//! (`make soak` runs it with the Python and Node soaks). The emulator runs in its own process, so
//! that the memory figures are the client's alone; the soak drives it through its control API.
//! Prints one table row; exits 1 when a call was lost or a create duplicated.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use langdock::{
    ActionInput, AuthField, AuthFieldType, AuthType, Client, CreateIntegration, Error, InputField, InputFieldType,
    TriggerInput, UpdateAuth, UpdateIntegration,
};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const INTEGRATIONS: usize = 8;
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

/// Items created during the run, for the updates and deletes that follow.
#[derive(Default)]
struct Pool {
    actions: Vec<(String, String)>,
    triggers: Vec<(String, String, String)>,
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

async fn one_call(client: &Client, n: u64, integrations: &[String], pool: &Mutex<Pool>) -> Result<u32, Error> {
    let integration = &integrations[n as usize % integrations.len()];
    let take_action = || pool.lock().unwrap().actions.pop();
    let take_trigger = || pool.lock().unwrap().triggers.pop();
    Ok(match n % 13 {
        0 => client.integrations().list().await?.attempts(),
        1 => client.integrations().create(&CreateIntegration::new(format!("soak-int-{n}"))).await?.attempts(),
        2 => client.integrations().get(integration).await?.attempts(),
        3 => {
            let update = UpdateIntegration { description: Some(format!("pass {n}")), ..Default::default() };
            client.integrations().update(integration, &update).await?.attempts()
        }
        4 => {
            let auth = UpdateAuth {
                auth_type: AuthType::ApiKey,
                auth_fields: Some(vec![AuthField::new("apiKey", "API key", AuthFieldType::Password)]),
                ..Default::default()
            };
            client.integrations().update_auth(integration, &auth).await?.attempts()
        }
        5 => client.integrations().icon(integration).await?.attempts(),
        6 => client.integrations().set_icon(integration, PNG.to_vec()).await?.attempts(),
        7 | 8 => {
            let input = ActionInput::new(format!("soak-action-{n}"))
                .code("return 1;")
                .input_fields([InputField::new("City", InputFieldType::Text)]);
            let action = client.actions().create(integration, &input).await?;
            pool.lock().unwrap().actions.push((integration.clone(), action.id.clone()));
            action.attempts()
        }
        9 => match take_action() {
            Some((integration, id)) => {
                let input = ActionInput::new(format!("soak-action-{n}-renamed")).code("return 2;");
                let attempts = client.actions().update(&integration, &id, &input).await?.attempts();
                pool.lock().unwrap().actions.push((integration, id));
                attempts
            }
            None => client.integrations().get(integration).await?.attempts(),
        },
        10 => match take_action() {
            Some((integration, id)) => client.actions().delete(&integration, &id).await?.attempts(),
            None => client.integrations().list().await?.attempts(),
        },
        11 => {
            let name = format!("soak-trigger-{n}");
            let trigger =
                client.triggers().create(integration, &TriggerInput::new(&name).polling_code("return [];")).await?;
            pool.lock().unwrap().triggers.push((integration.clone(), trigger.id.clone(), name));
            trigger.attempts()
        }
        _ => match take_trigger() {
            Some((integration, id, name)) if n.is_multiple_of(2) => {
                let input = TriggerInput::new(&name).polling_code("return [1];");
                let attempts = client.triggers().update(&integration, &id, &input).await?.attempts();
                pool.lock().unwrap().triggers.push((integration, id, name));
                attempts
            }
            Some((integration, id, _)) => client.triggers().delete(&integration, &id).await?.attempts(),
            None => client.integrations().list().await?.attempts(),
        },
    })
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

#[tokio::main]
async fn main() {
    let calls = arg("--calls", 10_000.0) as u64;
    let concurrency = arg("--concurrency", 32.0) as usize;
    let rate = arg("--chaos", 0.3);
    let base_url = std::env::var("LANGDOCK_BASE_URL").expect("LANGDOCK_BASE_URL: run it under langdock-emulator --");
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
    control("reset", serde_json::json!({})).await;
    let client = Client::builder() // LANGDOCK_API_KEY and LANGDOCK_BASE_URL
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .backoff(Duration::from_millis(5), Duration::from_millis(100))
        .adaptive_pacing(arg("--pacing", 1.0) > 0.0)
        .build()
        .expect("client");
    let mut integrations = Vec::new();
    for n in 0..INTEGRATIONS {
        integrations.push(
            client
                .integrations()
                .create(&CreateIntegration::new(format!("soak-base-{n}")))
                .await
                .unwrap()
                .into_inner()
                .id,
        );
    }
    // One client, as a real script has: its retry budget and pacing are part of what is measured,
    // and a call the budget stops ends as a typed error, never as a lost one.
    control("chaos", serde_json::json!({"rate": rate, "seed": 42, "latencyMs": 50})).await;
    // Memory is read once the run is warm (a tenth of the calls made: pools, buffers and the in-process
    // emulator's journal are allocated) and at the end; growth between the two would be a leak.
    let rss_start = Arc::new(std::sync::OnceLock::new());
    let started = Instant::now();
    let integrations = Arc::new(integrations);
    let pool = Arc::new(Mutex::new(Pool::default()));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, integrations, pool, tally, next, rss_start) =
                (client.clone(), integrations.clone(), pool.clone(), tally.clone(), next.clone(), rss_start.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= calls {
                        break;
                    }
                    if n == calls / 10 {
                        rss_start.get_or_init(rss_mb);
                    }
                    // Its own task, so that a panic is caught and counted instead of ending the soak.
                    let (client, integrations, pool) = (client.clone(), integrations.clone(), pool.clone());
                    let outcome = tokio::spawn(async move {
                        tokio::time::timeout(WATCHDOG, one_call(&client, n, &integrations, &pool)).await
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
    control("chaos", serde_json::json!({"rate": 0.0})).await;
    let checker = Client::builder().no_proxy().build().unwrap();
    let duplicates = duplicated_creates(&checker).await.expect("the final check");
    let tally = tally.lock().unwrap();
    let mut classes: Vec<String> = tally.errors_by_class.iter().map(|(class, n)| format!("{class} {n}")).collect();
    classes.sort();
    println!(
        "| rust | {} | {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.1} |",
        tally.calls,
        tally.ok,
        tally.typed_errors,
        tally.lost,
        duplicates,
        tally.retries,
        rss_start.get().copied().unwrap_or(0.0),
        rss_end,
        elapsed.as_secs_f64()
    );
    eprintln!("rust typed errors: {}", classes.join(", "));
    if tally.lost > 0 || duplicates > 0 || tally.calls != calls {
        std::process::exit(1);
    }
}
