//! Showing a plan and a report to people (`--json` serialises them instead).

use super::{Change, Plan, Report, Step};

impl Plan {
    /// Prints the plan for people.
    pub fn print(&self) {
        for step in &self.steps {
            println!("{}", describe(step));
            for change in changes_of(step) {
                println!("    {}", change.what);
                for line in change.diff.iter().flat_map(|diff| diff.lines()) {
                    println!("      {line}");
                }
            }
        }
        for note in &self.notes {
            println!("note: {note}");
        }
        let count = |f: fn(&Step) -> bool| self.steps.iter().filter(|s| f(s)).count();
        println!(
            "Plan: {} to create, {} to update, {} to delete, {} unchanged.",
            count(|s| matches!(s, Step::CreateIntegration { .. } | Step::Create { .. })),
            count(|s| matches!(s, Step::UpdateIntegration { .. } | Step::UpdateAuth { .. } | Step::Update { .. })),
            count(|s| matches!(s, Step::Delete { .. })),
            self.unchanged.len()
        );
    }
}

impl Report {
    /// Prints the report for people.
    pub fn print(&self) {
        for warning in &self.warnings {
            eprintln!("warning: {warning}");
        }
        if self.applied.is_empty() {
            println!("Nothing to apply: the workspace matches the directory.");
        } else {
            println!(
                "Applied {} change(s) to integration {}.",
                self.applied.len(),
                self.integration_id.as_deref().unwrap_or("?")
            );
        }
    }
}

/// One line per step: `+` create, `~` update, `-` delete.
pub(super) fn describe(step: &Step) -> String {
    match step {
        Step::CreateIntegration { name } => format!("+ create integration {name:?}"),
        Step::UpdateIntegration { .. } => "~ update integration".into(),
        Step::UpdateAuth { .. } => "~ update auth".into(),
        Step::Create { kind, name, .. } => format!("+ create {} {name:?}", kind.word()),
        Step::Update { kind, name, .. } => format!("~ update {} {name:?}", kind.word()),
        Step::Delete { kind, name, .. } => format!("- delete {} {name:?}", kind.word()),
    }
}

fn changes_of(step: &Step) -> &[Change] {
    match step {
        Step::UpdateIntegration { changes } | Step::UpdateAuth { changes } | Step::Update { changes, .. } => changes,
        _ => &[],
    }
}
