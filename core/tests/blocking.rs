//! Calls polled by threads that block on them (`Runtime::block_on`, as Python's blocking calls are), outside the
//! runtime's tasks, several at a time: each answer is its caller's own, and dropping a call cancels it.

mod common;

use std::time::Duration;

use langdock::CreateIntegration;
use serde_json::json;
use tokio::runtime::Runtime;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

#[test]
fn threads_blocking_on_calls_together_each_get_their_own_answer() {
    let runtime = runtime();
    let h = runtime.block_on(common::start());
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let (runtime, client) = (&runtime, &h.client);
            scope.spawn(move || {
                for call in 0..25 {
                    let name = format!("t{thread}-c{call}");
                    let created = runtime.block_on(client.integrations().create(&CreateIntegration::new(&name)));
                    let created = created.expect("create").into_inner();
                    assert_eq!(created.name, name);
                    let read = runtime.block_on(client.integrations().get(&created.id)).expect("get").into_inner();
                    assert_eq!((read.id, read.name), (created.id, name));
                }
            });
        }
    });
    assert_eq!(h.seen("create_integration").len(), 200);
}

#[test]
fn a_blocking_call_dropped_while_another_runs_makes_no_more_attempts() {
    let runtime = runtime();
    let h = runtime.block_on(common::start());
    let id = runtime.block_on(h.integration());
    h.inject(json!({"operation": "get_integration", "latencyMs": 30_000}));
    // Were the create's exchange left running, it would retry 0.2 s after its first attempt, and create.
    h.inject(json!({"operation": "create_integration", "status": 503, "headers": {"Retry-After": "0.2"}, "times": 1}));
    runtime.block_on(async {
        let (integrations, dropped) = (h.client.integrations(), CreateIntegration::new("Dropped"));
        let slow = integrations.get(&id);
        let create = integrations.create(&dropped);
        let first_attempt_seen = async {
            while h.seen("create_integration").is_empty() {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        };
        // `biased`: the slow get starts first, so that the create starts while another call runs.
        tokio::select! {
            biased;
            answer = slow => panic!("the get was held for 30 s: {answer:?}"),
            answer = create => panic!("the create's first attempt was answered 503: {answer:?}"),
            () = first_attempt_seen => {}
        }
    });
    // Both calls are dropped. Five times the Retry-After later, the retry has not come, and nothing was created.
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(h.seen("create_integration").len(), 1);
    let names: Vec<String> = runtime
        .block_on(h.client.integrations().list())
        .expect("list")
        .into_inner()
        .into_iter()
        .map(|summary| summary.name)
        .collect();
    assert!(!names.contains(&"Dropped".to_owned()), "{names:?}");
}
