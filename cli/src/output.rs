//! Tables for people, JSON for scripts (`--json`).

use std::io::IsTerminal;

use serde::Serialize;

/// Where results go: stdout, as a table or as JSON.
pub struct Output {
    json: bool,
}

impl Output {
    /// JSON when `json`, else tables.
    pub fn new(json: bool) -> Output {
        Output { json }
    }

    /// True when results are printed as JSON.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Prints `value` as JSON in `--json` mode (server-made fields such as slugs included), else
    /// calls `human` to print it for people.
    pub fn show<T: Serialize>(&self, value: &T, human: impl FnOnce()) {
        if self.json {
            let shown = langdock::binding::response_json(value).and_then(|value| serde_json::to_string_pretty(&value));
            match shown {
                Ok(text) => println!("{text}"),
                Err(e) => eprintln!("error: cannot print JSON: {e}"),
            }
        } else {
            human();
        }
    }

    /// A progress bar on a terminal; hidden otherwise.
    pub fn progress(&self, steps: usize) -> indicatif::ProgressBar {
        if self.json || !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(steps as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        bar
    }
}

/// Prints rows under headers, columns aligned to their widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> =
            cells.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}", width = *width)).collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(headers.to_vec());
    line(widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str).collect());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// Prints `name: value` lines, names aligned.
pub fn fields(pairs: &[(&str, String)]) {
    let width = pairs.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, value) in pairs {
        println!("{name:<width$}  {value}");
    }
}

/// An optional text for a table cell.
pub fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}
