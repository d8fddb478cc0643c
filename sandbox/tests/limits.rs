//! Limits and absent globals: an endless loop stops at the time limit, a runaway allocation fails with a memory
//! error, and code generation, modules and Node globals are unavailable. None of it hangs or crashes.

use std::time::{Duration, Instant};

use langdock_sandbox::{ErrorKind, Outcome, RunSpec, run, run_blocking};

fn run_code(code: &str, configure: impl FnOnce(&mut RunSpec)) -> Outcome {
    let mut spec = RunSpec::new(code);
    configure(&mut spec);
    run_blocking(spec)
}

fn error_kind(outcome: &Outcome) -> ErrorKind {
    assert!(!outcome.ok, "expected a failure: {outcome:#?}");
    outcome.error.as_ref().unwrap().kind
}

/// A generous bound: the run must end, but a loaded 2-core machine may be slow to get there.
const MUST_END_WITHIN: Duration = Duration::from_secs(30);

#[test]
fn an_endless_loop_stops_at_the_time_limit() {
    let started = Instant::now();
    let outcome = run_code("let n = 0;\nwhile (true) { n++; }", |s| s.time_limit_seconds = 0.5);
    let took = started.elapsed();
    assert_eq!(error_kind(&outcome), ErrorKind::Timeout, "{outcome:#?}");
    let error = outcome.error.unwrap();
    assert!(error.message.contains("time limit of 0.5 s"), "{}", error.message);
    assert!(took >= Duration::from_millis(500), "stopped at, not before, the limit: {took:?}");
    assert!(took < MUST_END_WITHIN, "took {took:?}");
}

#[test]
fn catching_the_interrupt_does_not_escape_the_time_limit() {
    let outcome = run_code("for (;;) { try { while (true) {} } catch (e) { ld.log('caught', String(e)); } }", |s| {
        s.time_limit_seconds = 0.3
    });
    assert_eq!(error_kind(&outcome), ErrorKind::Timeout);
}

#[test]
fn waiting_forever_stops_at_the_time_limit() {
    let started = Instant::now();
    let outcome = run_code("while (true) { await ld.wait(20); }", |s| s.time_limit_seconds = 0.4);
    assert_eq!(error_kind(&outcome), ErrorKind::Timeout);
    assert!(started.elapsed() < MUST_END_WITHIN);
}

#[test]
fn a_runaway_allocation_fails_with_a_memory_error() {
    let outcome =
        run_code("const chunks = [];\nwhile (true) { chunks.push('x'.repeat(4096) + chunks.length); }", |s| {
            s.memory_limit_mb = 16
        });
    assert_eq!(error_kind(&outcome), ErrorKind::Memory, "{outcome:#?}");
    let error = outcome.error.unwrap();
    assert!(error.message.contains("memory limit of 16 MB"), "{}", error.message);
}

#[test]
fn one_allocation_past_the_limit_fails_with_a_memory_error() {
    let outcome = run_code("const buffer = new ArrayBuffer(64 * 1024 * 1024);\nreturn buffer.byteLength;", |s| {
        s.memory_limit_mb = 32
    });
    assert_eq!(error_kind(&outcome), ErrorKind::Memory);
    assert_eq!(outcome.error.unwrap().line, Some(1));
}

#[test]
fn the_same_allocation_fits_under_the_default_limit() {
    let outcome = run_code("const buffer = new ArrayBuffer(64 * 1024 * 1024);\nreturn buffer.byteLength;", |_| {});
    assert_eq!(outcome.result, Some(serde_json::json!(64 * 1024 * 1024)), "{outcome:#?}");
}

#[test]
fn deep_recursion_is_a_thrown_range_error_not_a_crash() {
    let outcome = run_code("function down(n) { return down(n + 1) + 1; }\nreturn down(0);", |_| {});
    assert_eq!(error_kind(&outcome), ErrorKind::Thrown);
    assert!(outcome.error.unwrap().message.contains("Maximum call stack size exceeded"));
}

#[test]
fn eval_and_the_function_constructor_are_unavailable() {
    for code in [
        "return eval('1 + 1');",
        "return globalThis.eval('1 + 1');",
        "return new Function('return 1')();",
        "return Function('return 1')();",
        "return (() => {}).constructor('return 1')();",
        "return (async () => {}).constructor('return 1')();",
        "return (function* () {}).constructor('yield 1')().next();",
    ] {
        let outcome = run_code(code, |_| {});
        assert_eq!(error_kind(&outcome), ErrorKind::Thrown, "{code}");
        let message = outcome.error.unwrap().message;
        assert!(
            message.contains("eval is not defined")
                || message.contains("not a function")
                || message.contains("code generation from strings is not available"),
            "{code}: {message}"
        );
    }
}

#[test]
fn require_import_and_process_are_unavailable() {
    for (code, expected) in [
        ("return require('fs');", "require is not defined"),
        ("return process.env;", "process is not defined"),
        ("return await import('fs');", "could not load module 'fs'"),
        ("return typeof fetch;", ""),
    ] {
        let outcome = run_code(code, |_| {});
        if expected.is_empty() {
            assert_eq!(outcome.result, Some(serde_json::json!("undefined")), "{code}");
            continue;
        }
        assert_eq!(error_kind(&outcome), ErrorKind::Thrown, "{code}");
        assert!(outcome.error.unwrap().message.contains(expected), "{code}");
    }
    let outcome = run_code("import fs from 'fs';\nreturn 1;", |_| {});
    assert_eq!(error_kind(&outcome), ErrorKind::Syntax, "a static import is not valid in a function body");
}

#[test]
fn globals_that_do_not_exist_on_the_platform_are_absent() {
    let outcome = run_code(
        "return ['require', 'process', 'eval', 'module', 'exports', 'std', 'os', 'fetch'].filter((n) => typeof globalThis[n] !== 'undefined');",
        |_| {},
    );
    assert_eq!(outcome.result, Some(serde_json::json!([])), "{outcome:#?}");
}

#[test]
fn bad_limits_are_an_invalid_spec() {
    for configure in [
        (|s: &mut RunSpec| s.time_limit_seconds = 0.0) as fn(&mut RunSpec),
        |s| s.time_limit_seconds = f64::NAN,
        |s| s.memory_limit_mb = 0,
    ] {
        assert_eq!(error_kind(&run_code("return 1;", configure)), ErrorKind::InvalidSpec);
    }
}

#[test]
fn the_async_run_works_inside_a_tokio_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let outcome = runtime.block_on(async {
        let handle = tokio::spawn(run(RunSpec::new("await ld.wait(1); return 'done';")));
        handle.await.unwrap()
    });
    assert_eq!(outcome.result, Some(serde_json::json!("done")));
    // The blocking form may be called from async code too (it runs on a thread of its own).
    let outcome = runtime.block_on(async { run_blocking(RunSpec::new("return 2;")) });
    assert_eq!(outcome.result, Some(serde_json::json!(2)));
}

#[test]
fn log_output_is_capped_and_the_rest_counted() {
    let outcome = run_code(
        "const line = 'x'.repeat(10000);\nfor (let i = 0; i < 1000; i++) ld.log(line);\nreturn 'done';",
        |_| {},
    );
    assert_eq!(outcome.result, Some(serde_json::json!("done")));
    let kept: usize = outcome.logs.iter().map(|l| l.message.len()).sum();
    assert!(kept < 9 * 1024 * 1024, "{kept} bytes kept");
    let last = &outcome.logs.last().unwrap().message;
    assert!(last.starts_with('[') && last.contains("more log lines dropped"), "{last}");
}
