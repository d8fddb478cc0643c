//! The runner's own time for a small action (issue 13's goal: under 50 ms), for `make bench`.
//!
//! Run it with `cargo run --release -p langdock-sandbox --example sandbox_bench [RUNS]`.
//!
//! The action makes no request, so the time is the sandbox's alone: thread, engine, prelude, compile, run,
//! result. Prints one line: `sandbox small action: median X ms, p95 Y ms over N runs (goal < 50 ms)`.

use std::time::Instant;

use langdock_sandbox::{RunSpec, run_blocking};

const ACTION: &str = r#"
const items = data.input.items.map((item, i) => ({ id: i, name: item.toUpperCase() }));
ld.log('items', items.length);
const auth = 'Basic ' + btoa(data.auth.user + ':' + data.auth.password);
return { items, auth: auth.length, encoded: Buffer.from(JSON.stringify(items)).toString('base64').length };
"#;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(50);
    let mut spec = RunSpec::new(ACTION);
    spec.input.insert("items".into(), serde_json::json!(["alpha", "beta", "gamma"]));
    spec.auth.insert("user".into(), "bench".into());
    spec.auth.insert("password".into(), "secret-password".into());

    let outcome = run_blocking(spec.clone());
    assert!(outcome.ok, "the bench action failed: {:?}", outcome.error);

    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let outcome = run_blocking(spec.clone());
            let took = started.elapsed().as_secs_f64() * 1000.0;
            assert!(outcome.ok);
            took
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!("sandbox small action: median {median:.2} ms, p95 {p95:.2} ms over {runs} runs (goal < 50 ms)");
}
