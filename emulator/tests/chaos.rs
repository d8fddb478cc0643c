//! Chaos: random faults of every kind on a share of the requests, for soak tests.

mod common;

use common::Env;
use langdock_emulator::{Chaos, FaultKind};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn chaos_faults_about_the_asked_share_of_requests_with_every_kind() {
    let env = Env::start().await;
    env.emu.set_chaos(Some(Chaos { rate: 0.3, seed: 7, latency_ms: 1, statuses: None }));
    for _ in 0..400 {
        let _ = env.req(Method::GET, "/integrations/v1/get").send().await;
    }
    let journal = env.emu.journal();
    let faulted = journal.iter().filter(|e| e.fault.is_some()).count();
    assert!((80..=160).contains(&faulted), "{faulted} of {} faulted", journal.len());
    for kind in [
        FaultKind::Status,
        FaultKind::DropBeforeBody,
        FaultKind::DropAfterBody,
        FaultKind::Truncate,
        FaultKind::Latency,
    ] {
        assert!(journal.iter().any(|e| e.fault == Some(kind)), "{kind:?} never happened");
    }
}

#[tokio::test]
async fn chaos_is_set_and_stopped_through_the_control_api() {
    let env = Env::start().await;
    let answer = env.json(Method::POST, "/_emulator/chaos", json!({"rate": 1.0, "seed": 1})).await;
    assert_eq!(answer.status, 200);
    for _ in 0..20 {
        let _ = env.req(Method::GET, "/integrations/v1/get").send().await;
    }
    assert!(env.emu.journal().iter().all(|e| e.fault.is_some()), "rate 1 faults every request");
    assert_eq!(env.json(Method::POST, "/_emulator/chaos", json!({"rate": 2})).await.status, 400);
    assert_eq!(env.delete("/_emulator/chaos").await.status, 200);
    env.emu.clear_journal();
    assert_eq!(env.get("/integrations/v1/get").await.status, 200);
    assert!(env.emu.journal().iter().all(|e| e.fault.is_none()));
}

#[tokio::test]
async fn chaos_can_answer_only_chosen_statuses() {
    let env = Env::start().await;
    env.emu.set_chaos(Some(Chaos { rate: 0.5, seed: 3, latency_ms: 1, statuses: Some(vec![503]) }));
    for _ in 0..100 {
        let _ = env.req(Method::GET, "/integrations/v1/get").send().await;
    }
    let journal = env.emu.journal();
    assert!(journal.iter().any(|e| e.fault.is_some()));
    assert!(
        journal
            .iter()
            .filter(|e| e.fault.is_some())
            .all(|e| e.status == Some(503) && e.fault == Some(FaultKind::Status))
    );
}
