//! Cancelling a run: dropping the future of `run` stops the run's thread. A test binary of its own, because it
//! watches the process-wide count of active runs.

use std::time::{Duration, Instant};

use langdock_sandbox::{RunSpec, run};

/// A generous bound: the run must end, but a loaded 2-core machine may be slow to get there.
const MUST_END_WITHIN: Duration = Duration::from_secs(30);

#[test]
fn dropping_the_async_run_stops_its_thread() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let before = langdock_sandbox::active_runs();
    for code in ["while (true) {}", "while (true) { await ld.wait(1000); }"] {
        let mut spec = RunSpec::new(code);
        spec.time_limit_seconds = 600.0;
        let started = Instant::now();
        runtime.block_on(async {
            let running = tokio::spawn(run(spec));
            // Wait until the run's thread is going, then drop the future (as a Ctrl-C in Python or Node does).
            while langdock_sandbox::active_runs() <= before {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            running.abort();
            let _ = running.await;
        });
        while langdock_sandbox::active_runs() > before {
            assert!(started.elapsed() < MUST_END_WITHIN, "{code}: the cancelled run is still going");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
