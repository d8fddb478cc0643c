//! `tests/soak/mix.json`, the workload the three soak runners read, speaks the wire vocabulary: every `op` is an
//! operation's name, every weight counts, and a fallback is one of the reads the runners know.

use langdock_wire::Operation;
use serde_json::Value;

fn mix() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/soak/mix.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("tests/soak/mix.json is readable"))
        .expect("tests/soak/mix.json is JSON")
}

fn operation(value: &Value) -> Operation {
    let name = value.as_str().unwrap_or_else(|| panic!("not an operation name: {value}"));
    name.parse().unwrap_or_else(|e| panic!("tests/soak/mix.json: {e}"))
}

#[test]
fn every_mix_entry_names_an_operation_with_a_positive_weight_and_a_known_fallback() {
    let mix = mix();
    for run in ["chaos", "crash"] {
        let entries = mix[run]["mix"].as_array().unwrap_or_else(|| panic!("{run} has no mix"));
        assert!(!entries.is_empty(), "{run}: an empty mix");
        for entry in entries {
            let op = operation(&entry["op"]);
            assert!(entry["weight"].as_u64().is_some_and(|w| w > 0), "{run}: {entry}");
            if let Some(fallback) = entry.get("whenNoneFree") {
                let takes_an_item = op.name().starts_with("update_") || op.is_delete();
                assert!(takes_an_item, "{run}: {} takes no item, so it has no fallback", op.name());
                let read = operation(fallback);
                assert!(matches!(read, Operation::ListIntegrations | Operation::GetIntegration), "{run}: {entry}");
            }
            if let Some(of) = entry.get("of") {
                assert_eq!((op, of.as_str()), (Operation::GetIntegration, Some("newest")), "{run}: {entry}");
            }
        }
    }
}

#[test]
fn the_chaos_faults_and_defaults_are_there() {
    let mix = mix();
    let faults = &mix["chaos"]["faults"];
    assert!(faults["rate"].as_f64().is_some_and(|rate| (0.0..=1.0).contains(&rate)), "{faults}");
    assert!(faults["seed"].is_u64(), "a seeded chaos run: {faults}");
    for key in ["calls", "concurrency", "baseIntegrations"] {
        assert!(mix[key].as_u64().is_some_and(|n| n > 0), "{key}: {}", mix[key]);
    }
}
