//! The Rust bench: `langdock` against a raw `reqwest` loop decoding into the same models (the floor of
//! what any client on this stack can do). See tests/bench/README.md; `make bench` runs it under an
//! emulator and appends one JSON line per measurement to `$BENCH_OUT`.
//!
//! The parent sets up the emulator and runs every measurement in a child process of its own (the same
//! binary with `--child`), so that each peak-memory figure is that client's alone.
//!
//! Environment: `BENCH_OUT` (the JSON lines file), `BENCH_ONLY` (comma-separated workloads, e.g. `bulk` or
//! `scaling,get`), `BENCH_REPEATS` (default 3).
//!
//! The Python and Node benches run `bench --child langdock <get|list|create> concurrent - <id>` themselves, as
//! their `rust-core` client (the binding tax, measured side by side); they set `BENCH_CONCURRENT_SECONDS` to
//! their own window, so that the child measures as their clients do. The Python bench also runs
//! `bench --child langdock <get|list|create> threads - <id>`: the same calls made by 64 threads that each block on
//! one call at a time, as its blocking client's callers do (`rust-core-threads`).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use langdock::{ActionInput, Client, CreateIntegration, Integration, IntegrationSummary};
use serde::Deserialize;
use serde_json::{Value, json};

const IN_FLIGHT: usize = 64;
/// How long a concurrent measurement's warm-up waits after its first call before it opens 64 connections: past a new
/// client's start window (0.6 s after its first send, core/src/pacing.rs), so that the measurement sees the client's
/// steady state, and 64 open connections.
const WARM_UP: Duration = Duration::from_millis(700);
/// After the warm-up, how long a concurrent measurement keeps 64 calls in flight before its window opens: V8 and
/// CPython run their first thousands of calls slower (before the JIT, with 64 threads still waking), and the peers'
/// figures as much as langdock's should be of the steady state. The same in the three benches.
const SETTLE: Duration = Duration::from_millis(300);
/// A concurrent measurement's window: the calls that end inside it count (the Python and Node benches pass their
/// own, the same, as `BENCH_CONCURRENT_SECONDS`).
const WINDOW: Duration = Duration::from_secs(1);
/// Sizes of the `scaling` workload: integrations in the workspace `list` reads.
const SCALING_SIZES: [usize; 3] = [100, 1_000, 10_000];
/// Runs of the bulk job by langdock (its goal is judged over 3); the peers run once, as they fail the same way
/// every time.
const BULK_LANGDOCK_RUNS: usize = 3;

/// Warm-up and measured calls of one `scaling` measurement with `items` integrations: fewer as the answer grows
/// (at 10,000 a call takes tens of milliseconds; 30 of them make a steady median).
fn scaling_calls(items: usize) -> (usize, usize) {
    match items {
        0..=100 => (20, 200),
        101..=1_000 => (5, 60),
        _ => (3, 30),
    }
}

fn base_url() -> String {
    std::env::var("LANGDOCK_BASE_URL").expect("run under langdock-emulator --").trim_end_matches('/').to_owned()
}

fn api_key() -> String {
    std::env::var("LANGDOCK_API_KEY").unwrap_or_else(|_| "sk-ld-emulator-local".into())
}

async fn control(path: &str, body: Value) -> Value {
    let answer =
        reqwest::Client::new().post(format!("{}/_emulator/{path}", base_url())).json(&body).send().await.unwrap();
    answer.json().await.unwrap_or(Value::Null)
}

/// The data every workload reads, made through langdock (set-up is not measured): the integration `get` reads,
/// and the 99 others, where the `create` measurements go (one each).
async fn set_up() -> (String, Vec<String>, usize) {
    control("reset", json!({})).await;
    let client = Client::from_env().unwrap();
    let mut ids = Vec::new();
    for n in 0..100 {
        let id = client
            .integrations()
            .create(&CreateIntegration::new(format!("bench-{n:03}")))
            .await
            .unwrap()
            .into_inner()
            .id;
        for a in 0..3 {
            let action =
                ActionInput::new(format!("Action {a}")).description("An action of the bench").code("x".repeat(150));
            client.actions().create(&id, &action).await.unwrap();
        }
        ids.push(id);
    }
    let first = ids.remove(0);
    for a in 3..7 {
        client.actions().create(&first, &ActionInput::new(format!("Action {a}")).code("y".repeat(400))).await.unwrap();
    }
    let detail = client.integrations().get(&first).await.unwrap();
    (first, ids, serde_json::to_vec(&*detail).unwrap().len())
}

#[derive(Deserialize)]
struct IntegrationEnvelope {
    #[allow(dead_code)]
    integration: Integration,
}

#[derive(Deserialize)]
struct ListEnvelope {
    #[allow(dead_code)]
    integrations: Vec<IntegrationSummary>,
}

#[derive(Deserialize)]
struct ActionEnvelope {
    #[allow(dead_code)]
    action: langdock::Action,
}

/// The raw peer: one reqwest client, the same headers, typed decoding, and (for the `retry` and `bulk`
/// workloads) the retry loop users write by hand.
struct Raw {
    http: reqwest::Client,
    base: String,
    auth: String,
}

impl Raw {
    fn new() -> Raw {
        Raw {
            http: reqwest::Client::new(),
            base: format!("{}/integrations/v1", base_url()),
            auth: format!("Bearer {}", api_key()),
        }
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T, u16> {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).header("authorization", &self.auth);
        if let Some(body) = body {
            request = request.json(body);
        }
        let answer = request.send().await.map_err(|_| 0u16)?;
        let status = answer.status().as_u16();
        if !answer.status().is_success() {
            let retry_after =
                answer.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<f64>().ok());
            RETRY_AFTER.with(|cell| cell.set(retry_after));
            return Err(status);
        }
        answer.json::<T>().await.map_err(|_| status)
    }

    /// Retries 408/429/5xx with exponential backoff, honouring Retry-After (seconds) up to a cap.
    async fn with_retries<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        policy: (u32, Duration, Duration),
    ) -> Result<T, u16> {
        let (retries, initial, max) = policy;
        let mut attempt = 0;
        loop {
            match self.send::<T>(method.clone(), path, body).await {
                Ok(value) => return Ok(value),
                Err(status) if attempt < retries && matches!(status, 0 | 408 | 429 | 500..=599) => {
                    let backoff = (initial * 2u32.pow(attempt)).min(max).mul_f64(1.0 - 0.25 * fastrand::f64());
                    let wait = RETRY_AFTER
                        .with(|cell| cell.take())
                        .filter(|s| *s <= 60.0)
                        .map(Duration::from_secs_f64)
                        .unwrap_or(backoff);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(status) => return Err(status),
            }
        }
    }
}

thread_local! {
    static RETRY_AFTER: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One measured call of `workload` by `client`; `n` makes names unique.
async fn call(client: &str, workload: &str, n: u64, first: &str, langdock: &Client, raw: &Raw) -> bool {
    // Names are unique per process too: sequential, concurrent and repeated runs share the integration.
    let create_body = || ActionInput::new(format!("bench-{client}-{}-{n}", std::process::id())).code("z".repeat(5000));
    let retry_policy = (5, Duration::from_millis(10), Duration::from_millis(100));
    match (client, workload) {
        ("langdock", "get" | "retry") => langdock.integrations().get(first).await.is_ok(),
        ("langdock", "list") => langdock.integrations().list().await.is_ok(),
        ("langdock", "create") => langdock.actions().create(first, &create_body()).await.is_ok(),
        ("reqwest", "get") => {
            raw.send::<IntegrationEnvelope>(reqwest::Method::GET, &format!("/{first}"), None).await.is_ok()
        }
        ("reqwest", "retry") => raw
            .with_retries::<IntegrationEnvelope>(reqwest::Method::GET, &format!("/{first}"), None, retry_policy)
            .await
            .is_ok(),
        ("reqwest", "list") => raw.send::<ListEnvelope>(reqwest::Method::GET, "/get", None).await.is_ok(),
        ("reqwest", "create") => {
            let body = serde_json::to_value(create_body()).unwrap();
            raw.send::<ActionEnvelope>(reqwest::Method::POST, &format!("/{first}/actions/create"), Some(&body))
                .await
                .is_ok()
        }
        other => panic!("unknown measurement {other:?}"),
    }
}

/// One `scaling` call: the whole list, touched as a user would (its length, the first and last name), so that
/// neither side can leave work undone. The peer is the raw floor: reqwest and `serde_json::Value`.
async fn scaling_call(client: &str, langdock: &Client, raw: &Raw, items: usize) -> bool {
    let touched = if client == "langdock" {
        match langdock.integrations().list().await {
            Ok(list) => {
                let list: &[IntegrationSummary] = &list;
                list.first().zip(list.last()).map(|(a, b)| (list.len(), a.name.len() + b.name.len()))
            }
            Err(_) => None,
        }
    } else {
        let answer = raw.http.get(format!("{}/get", raw.base)).header("authorization", &raw.auth).send().await;
        match answer {
            Ok(answer) if answer.status().is_success() => match answer.bytes().await {
                Ok(bytes) => serde_json::from_slice::<Value>(&bytes).ok().and_then(|value| {
                    let list = value["integrations"].as_array()?;
                    let name = |v: &Value| v["name"].as_str().map(str::len);
                    Some((list.len(), name(list.first()?)? + name(list.last()?)?))
                }),
                Err(_) => None,
            },
            _ => None,
        }
    };
    // `seed-NNNNN` names: 10 characters each.
    touched == Some((items, 20))
}

/// Runs one measurement in this (child) process and prints its JSON line.
async fn child(client: &str, workload: &str, mode: &str, policy: &str, first: &str) {
    let retry = workload == "retry";
    let builder = Client::builder().no_proxy();
    let langdock = if retry {
        builder.max_retries(5).backoff(Duration::from_millis(10), Duration::from_millis(100)).build().unwrap()
    } else if policy == "stainless" {
        builder.max_retries(2).adaptive_pacing(false).build().unwrap()
    } else {
        builder.build().unwrap()
    };
    let raw = Arc::new(Raw::new());
    let langdock = Arc::new(langdock);
    let first = Arc::new(first.to_owned());
    let mut row = json!({"language": "rust", "client": client, "workload": workload, "mode": mode, "policy": null,
        "failed": 0, "ideal_fraction": null, "status_429": null, "import_ms": null});
    if workload == "scaling" {
        let items: usize = first.parse().expect("the size of a scaling measurement");
        let (warm_up, calls) = scaling_calls(items);
        for _ in 0..warm_up {
            scaling_call(client, &langdock, &raw, items).await;
        }
        let mut latencies = Vec::new();
        let mut failed = 0u64;
        let started = Instant::now();
        for _ in 0..calls {
            let at = Instant::now();
            failed += u64::from(!scaling_call(client, &langdock, &raw, items).await);
            latencies.push(at.elapsed().as_secs_f64() * 1000.0);
        }
        let seconds = started.elapsed().as_secs_f64();
        latencies.sort_by(f64::total_cmp);
        row["items"] = json!(items);
        row["calls"] = json!(calls);
        row["seconds"] = json!(seconds);
        row["rps"] = json!(calls as f64 / seconds);
        row["p50_ms"] = json!(percentile(&latencies, 0.5));
        row["p99_ms"] = json!(percentile(&latencies, 0.99));
        row["failed"] = json!(failed);
    } else if workload == "bulk" {
        row["policy"] = json!(policy);
        let started = Instant::now();
        let next = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let tasks: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                let (next, failed, raw, langdock, first, client, policy) = (
                    next.clone(),
                    failed.clone(),
                    raw.clone(),
                    langdock.clone(),
                    first.clone(),
                    client.to_owned(),
                    policy.to_owned(),
                );
                tokio::spawn(async move {
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= 1000 {
                            break;
                        }
                        let name = format!("bulk-{client}-{policy}-{n}");
                        let ok = if client == "langdock" {
                            langdock.actions().create(&first, &ActionInput::new(name).code("return 1;")).await.is_ok()
                        } else {
                            let body = json!({"name": name, "code": "return 1;"});
                            let policy = if policy == "stainless" {
                                (2, Duration::from_millis(500), Duration::from_secs(8))
                            } else {
                                (5, Duration::from_millis(500), Duration::from_secs(8))
                            };
                            raw.with_retries::<ActionEnvelope>(
                                reqwest::Method::POST,
                                &format!("/{first}/actions/create"),
                                Some(&body),
                                policy,
                            )
                            .await
                            .is_ok()
                        };
                        if !ok {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let seconds = started.elapsed().as_secs_f64();
        row["seconds"] = json!(seconds);
        row["calls"] = json!(1000);
        row["rps"] = json!(1000.0 / seconds);
        row["ideal_fraction"] = json!(20.0 / seconds);
        row["failed"] = json!(failed.load(Ordering::Relaxed));
    } else if mode == "sequential" {
        for n in 0..30 {
            call(client, workload, 1_000_000 + n, &first, &langdock, &raw).await;
        }
        let mut latencies = Vec::new();
        let mut failed = 0;
        let started = Instant::now();
        for n in 0..300 {
            let at = Instant::now();
            failed += u64::from(!call(client, workload, n, &first, &langdock, &raw).await);
            latencies.push(at.elapsed().as_secs_f64() * 1000.0);
        }
        let seconds = started.elapsed().as_secs_f64();
        latencies.sort_by(f64::total_cmp);
        row["calls"] = json!(300);
        row["seconds"] = json!(seconds);
        row["rps"] = json!(300.0 / seconds);
        row["p50_ms"] = json!(percentile(&latencies, 0.5));
        row["p99_ms"] = json!(percentile(&latencies, 0.99));
        row["failed"] = json!(failed);
    } else {
        // The window measured: the caller's (the Python and Node benches pass theirs, so that the Rust core's
        // figure is taken as their clients' are), or the default.
        let window = std::env::var("BENCH_CONCURRENT_SECONDS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .map_or(WINDOW, Duration::from_secs_f64);
        // Warm-up (as the Python and Node benches do): one call, which starts a langdock client's start window;
        // the rest of WARM_UP; then 64 calls at once, so that 64 connections are open. Inside the start window
        // the 64 would share a handful of connections, and the measurement would open the rest.
        let warm_up_started = Instant::now();
        call(client, workload, 3_000_000, &first, &langdock, &raw).await;
        tokio::time::sleep(WARM_UP.saturating_sub(warm_up_started.elapsed())).await;
        let warm_up: Vec<_> = (0..IN_FLIGHT as u64)
            .map(|n| {
                let (raw, langdock, first, client, workload) =
                    (raw.clone(), langdock.clone(), first.clone(), client.to_owned(), workload.to_owned());
                tokio::spawn(async move { call(&client, &workload, 2_000_000 + n, &first, &langdock, &raw).await })
            })
            .collect();
        for task in warm_up {
            task.await.unwrap();
        }
        // Then 64 in flight throughout: SETTLE unmeasured, and the window, in which the calls that end count.
        let counted = Arc::new(Window::new(Instant::now() + SETTLE, window));
        let calls = Arc::new(Calls {
            client: client.to_owned(),
            workload: workload.to_owned(),
            first: first.clone(),
            langdock: langdock.clone(),
            raw: raw.clone(),
        });
        if mode == "threads" {
            // 64 threads, each blocking on one call at a time as Python's blocking client waits (the call polled on
            // the calling thread, the connections' tasks on the runtime's two workers): the Rust core's own cost of
            // that way of calling, without Python.
            let runtime = tokio::runtime::Handle::current();
            let threads: Vec<_> = (0..IN_FLIGHT)
                .map(|_| {
                    let (counted, calls, runtime) = (counted.clone(), calls.clone(), runtime.clone());
                    std::thread::spawn(move || {
                        while let Some((n, at)) = counted.next_call() {
                            let ok = runtime.block_on(calls.make(n));
                            counted.record(at, ok);
                        }
                    })
                })
                .collect();
            tokio::task::spawn_blocking(move || threads.into_iter().for_each(|t| t.join().unwrap())).await.unwrap();
        } else {
            let tasks: Vec<_> = (0..IN_FLIGHT)
                .map(|_| {
                    let (counted, calls) = (counted.clone(), calls.clone());
                    tokio::spawn(async move {
                        while let Some((n, at)) = counted.next_call() {
                            let ok = calls.make(n).await;
                            counted.record(at, ok);
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        }
        let seconds = window.as_secs_f64();
        let mut latencies = counted.latencies.lock().unwrap().clone();
        latencies.sort_by(f64::total_cmp);
        let calls = latencies.len();
        row["calls"] = json!(calls);
        row["seconds"] = json!(seconds);
        row["rps"] = json!(calls as f64 / seconds);
        row["p50_ms"] = json!(percentile(&latencies, 0.5));
        row["p99_ms"] = json!(percentile(&latencies, 0.99));
        row["failed"] = json!(counted.failed.load(Ordering::Relaxed));
    }
    row["peak_rss_mb"] = json!(peak_rss_mb());
    println!("{row}");
}

/// What every worker of a concurrent measurement calls: one client's workload.
struct Calls {
    client: String,
    workload: String,
    first: Arc<String>,
    langdock: Arc<Client>,
    raw: Arc<Raw>,
}

impl Calls {
    /// Makes call number `n`; whether it succeeded.
    async fn make(&self, n: u64) -> bool {
        call(&self.client, &self.workload, n, &self.first, &self.langdock, &self.raw).await
    }
}

/// The calls of a concurrent measurement: each worker's next call, and the latencies and failures of the calls
/// that end inside the window (SETTLE after the warm-up).
struct Window {
    opens: Instant,
    closes: Instant,
    next: AtomicU64,
    latencies: std::sync::Mutex<Vec<f64>>,
    failed: AtomicU64,
}

impl Window {
    fn new(opens: Instant, length: Duration) -> Window {
        Window {
            opens,
            closes: opens + length,
            next: AtomicU64::new(0),
            latencies: std::sync::Mutex::new(Vec::new()),
            failed: AtomicU64::new(0),
        }
    }

    /// The number of a worker's next call and when it starts; `None` once the window has closed.
    fn next_call(&self) -> Option<(u64, Instant)> {
        let at = Instant::now();
        (at < self.closes).then(|| (self.next.fetch_add(1, Ordering::Relaxed), at))
    }

    /// Counts a call that started `at`, if it ends inside the window.
    fn record(&self, at: Instant, ok: bool) {
        let ended = Instant::now();
        if (self.opens..self.closes).contains(&ended) {
            self.failed.fetch_add(u64::from(!ok), Ordering::Relaxed);
            self.latencies.lock().unwrap().push((ended - at).as_secs_f64() * 1000.0);
        }
    }
}

fn run_child(args: &[&str], out: &mut std::fs::File) {
    run_child_with(args, out, |_| {});
}

/// [`run_child`], with `amend` adding what the parent knows to the row.
fn run_child_with(args: &[&str], out: &mut std::fs::File, amend: impl FnOnce(&mut Value)) {
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new(exe).arg("--child").args(args).output().expect("child runs");
    if !output.status.success() {
        eprintln!("bench {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        return;
    }
    let Ok(mut row) = serde_json::from_slice::<Value>(&output.stdout) else {
        eprintln!("bench {args:?}: no row in {:?}", String::from_utf8_lossy(&output.stdout));
        return;
    };
    amend(&mut row);
    eprintln!("  {row}");
    writeln!(out, "{row}").unwrap();
}

/// Seeds the workspace for a `scaling` measurement and returns the size of the list answer in bytes.
async fn seed(items: usize) -> usize {
    control("seed", json!({"integrations": items, "descriptionLength": 60})).await;
    let raw = Raw::new();
    let answer = raw.http.get(format!("{}/get", raw.base)).header("authorization", &raw.auth).send().await.unwrap();
    answer.bytes().await.unwrap().len()
}

/// Runs one bulk job (1,000 creates under a rate limit of 50 requests/s) in a child and writes its row, with the
/// 429s the emulator answered during it.
async fn bulk(client: &str, policy: &str, out: &mut std::fs::File) {
    control("reset", json!({})).await;
    let id = Client::from_env()
        .unwrap()
        .integrations()
        .create(&CreateIntegration::new("bulk"))
        .await
        .unwrap()
        .into_inner()
        .id;
    control("rate-limit", json!({"perMinute": 3000})).await;
    eprintln!("rust bulk {client} {policy}");
    let before = Instant::now();
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new(exe)
        .args(["--child", client, "bulk", "concurrent", policy, &id])
        .output()
        .expect("child runs");
    let journal =
        reqwest::get(format!("{}/_emulator/journal", base_url())).await.unwrap().json::<Value>().await.unwrap();
    let throttled =
        journal["requests"].as_array().map(|r| r.iter().filter(|e| e["status"] == 429).count()).unwrap_or(0);
    control("rate-limit", json!({"perMinute": null})).await;
    let mut row: Value = serde_json::from_slice(&output.stdout).unwrap_or(json!({}));
    row["status_429"] = json!(throttled);
    eprintln!("  {row} ({:.1} s)", before.elapsed().as_secs_f64());
    writeln!(out, "{row}").unwrap();
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let [client, workload, mode, policy, first] = [2, 3, 4, 5, 6].map(|i| args[i].as_str());
        child(client, workload, mode, policy, first).await;
        return;
    }
    let out_path = std::env::var("BENCH_OUT").unwrap_or_else(|_| "target/bench/results.jsonl".into());
    let mut out = std::fs::OpenOptions::new().create(true).append(true).open(&out_path).expect("BENCH_OUT");
    let only = std::env::var("BENCH_ONLY").unwrap_or_default(); // e.g. "bulk" or "scaling,get"
    let wanted = |workload: &str| only.is_empty() || only.split(',').any(|w| w == workload);
    let repeats: usize = std::env::var("BENCH_REPEATS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    let started = Instant::now();

    if wanted("bulk") {
        let part = Instant::now();
        // langdock's runs interleaved with the peers' (one each: they fail the same way every run).
        let runs = [
            ("langdock", "langdock"),
            ("reqwest", "typical"),
            ("langdock", "langdock"),
            ("reqwest", "stainless"),
            ("langdock", "langdock"),
        ];
        debug_assert_eq!(runs.iter().filter(|(c, _)| *c == "langdock").count(), BULK_LANGDOCK_RUNS);
        for (client, policy) in runs {
            bulk(client, policy, &mut out).await;
        }
        eprintln!("rust: bulk took {:.0} s", part.elapsed().as_secs_f64());
    }
    if wanted("scaling") {
        let part = Instant::now();
        for repeat in 0..repeats {
            for items in SCALING_SIZES {
                let bytes = seed(items).await;
                eprintln!("rust: scaling, {items} integrations ({bytes} bytes), repetition {}", repeat + 1);
                // The clients in a rotated order each repetition.
                let clients = if repeat % 2 == 0 { ["langdock", "reqwest"] } else { ["reqwest", "langdock"] };
                for client in clients {
                    run_child_with(&[client, "scaling", "sequential", "-", &items.to_string()], &mut out, |row| {
                        row["answer_bytes"] = json!(bytes);
                    });
                }
            }
        }
        eprintln!("rust: scaling took {:.0} s", part.elapsed().as_secs_f64());
    }
    let measured: Vec<&str> = ["get", "list", "retry", "create"].into_iter().filter(|w| wanted(w)).collect();
    if !measured.is_empty() {
        let part = Instant::now();
        for repeat in 0..repeats {
            // A fresh set-up each repetition, and `create` last: the list shows every action, so the list would
            // otherwise grow from repetition to repetition.
            let (first, spare, detail_bytes) = set_up().await;
            // Each create measurement into an integration of its own, so that every client's creates meet the same
            // emulator state: the emulator checks a new action's name against every action of its integration, and
            // the client measured second would otherwise create into one 1,300 actions bigger.
            let mut spare = spare.into_iter();
            eprintln!("rust: set up, repetition {} (the detail is {detail_bytes} bytes)", repeat + 1);
            let clients = if repeat % 2 == 0 { ["langdock", "reqwest"] } else { ["reqwest", "langdock"] };
            for (workload, mode) in
                [("get", "sequential"), ("get", "concurrent"), ("list", "sequential"), ("list", "concurrent")]
            {
                if measured.contains(&workload) {
                    for client in clients {
                        run_child(&[client, workload, mode, "-", &first], &mut out);
                    }
                }
            }
            if measured.contains(&"retry") {
                control("chaos", json!({"rate": 0.2, "seed": 5, "statuses": [503]})).await;
                for client in clients {
                    run_child(&[client, "retry", "concurrent", "-", &first], &mut out);
                }
                control("chaos", json!({"rate": 0.0})).await;
            }
            if measured.contains(&"create") {
                for mode in ["sequential", "concurrent"] {
                    for client in clients {
                        let target = spare.next().expect("99 spare integrations");
                        run_child(&[client, "create", mode, "-", &target], &mut out);
                    }
                }
            }
        }
        eprintln!("rust: {} took {:.0} s", measured.join(", "), part.elapsed().as_secs_f64());
    }
    eprintln!("rust bench: {:.0} s", started.elapsed().as_secs_f64());
}
