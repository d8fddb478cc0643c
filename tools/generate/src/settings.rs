//! The settings-dependent surfaces: the Python clients' constructor (signature and docstring) and Node's
//! `ClientOptions` declarations, written from the core's [`langdock::setting_docs`], so that the defaults
//! they quote are the core's constants and not copies.

use std::fmt::Write as _;

use crate::output::Output;

use langdock::{SettingDoc, SettingKind};

/// The generated Python module.
pub const PYTHON_FILE: &str = "bindings-python/python/langdock/_settings.py";
/// The generated TypeScript declarations.
pub const NODE_FILE: &str = "bindings-node/lib/options.d.ts";

const SOURCE: &str = "the settings table in core/src/settings.rs";

/// Writes (or, with `--check`, compares) the generated files.
pub fn write(out: &mut Output) {
    out.file_from(PYTHON_FILE, "#", SOURCE, &python());
    out.file_from(NODE_FILE, "//", SOURCE, &node());
}

/// A number of seconds or milliseconds as people write it: `60`, `0.5`, `60000`.
fn number(n: f64) -> String {
    if n.fract() == 0.0 { format!("{}", n as i64) } else { format!("{n}") }
}

/// What the docs say after a setting's sentence: the variable it falls back to and its default, in the
/// face's unit (`scale` is 1 for seconds, 1000 for milliseconds).
fn fallback(setting: &SettingDoc, scale: f64, quote: &str) -> String {
    let mut parts = Vec::new();
    if let Some(env) = setting.env {
        parts.push(format!("else {quote}{env}{quote}"));
    }
    let default = match setting.kind {
        SettingKind::Duration => setting.default_seconds.map(|s| number(s * scale)),
        SettingKind::Backoff => {
            let (initial, max) = langdock::default_backoff_seconds();
            Some(format!("{} doubling up to {}", number(initial * scale), number(max * scale)))
        }
        _ => setting.default.clone().map(|d| d.replace('`', quote)),
    };
    if let Some(default) = default {
        parts.push(if parts.is_empty() { format!("default {default}") } else { format!("else {default}") });
    }
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
}

/// A setting's doc with its fallback before the final period, then the unit sentence.
fn sentence(doc: &str, fallback: &str, unit: &str) -> String {
    format!("{}{fallback}.{unit}", doc.trim_end_matches('.'))
}

/// Wraps `text` at 110 columns, each line after the first indented by `indent`.
fn wrap(text: &str, first: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_owned();
    for word in text.split(' ') {
        if line.len() + word.len() + 1 > 110 && line.trim().len() > first.trim().len() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.to_owned();
        }
        line.push_str(word);
        line.push(' ');
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

fn python_type(setting: &SettingDoc) -> &'static str {
    match (setting.kind, setting.name) {
        (SettingKind::Text, "ca_bundle") => "Optional[Union[str, \"os.PathLike[str]\"]]",
        (SettingKind::Text, _) => "Optional[str]",
        (SettingKind::Duration, _) => "Optional[float]",
        (SettingKind::Count, _) => "Optional[int]",
        (SettingKind::Flag, _) => "Optional[bool]",
        (SettingKind::Backoff, _) => "Optional[Tuple[float, float]]",
        (SettingKind::Headers, _) => "Optional[Mapping[str, str]]",
        (SettingKind::Pem, _) => "Optional[Union[str, bytes]]",
    }
}

/// The Python module: `_ClientSettings`, the base of `Client` and `AsyncClient`, whose `__init__` hands
/// the given arguments to the core as one dict.
pub fn python() -> String {
    let settings = langdock::setting_docs();
    let mut out = String::from(
        "\"\"\"The constructor of ``langdock.Client`` and ``langdock.AsyncClient``: its arguments, and the defaults its\n\
         docstring quotes, come from the Rust core, which alone decides what they become.\"\"\"\n\n\
         from __future__ import annotations\n\n\
         import os\n\
         from typing import Any, Dict, Mapping, Optional, Tuple, Union\n\n\
         from . import _native\n\n\
         __all__ = [\"_ClientSettings\"]\n\n\n\
         def _as_data(name: str, value: Any) -> Any:\n    \
             \"\"\"A value as the core reads it: paths as text, PEM bytes as text, mappings as dicts.\"\"\"\n    \
             if name == \"ca_bundle\":\n        return os.fspath(value)\n    \
             if name == \"ca_pem\" and isinstance(value, bytes):\n        return value.decode(\"ascii\", \"replace\")\n    \
             if isinstance(value, Mapping):\n        return dict(value)\n    \
             return value\n\n\n\
         class _ClientSettings:\n    \
             _core: _native.NativeClient\n    \
             _closed: bool\n\n    \
             def __init__(\n        self,\n        *,\n",
    );
    for setting in &settings {
        let _ = writeln!(out, "        {}: {} = None,", setting.name, python_type(setting));
    }
    out.push_str("    ) -> None:\n");
    out.push_str(
        "        \"\"\"A client of the Langdock Integrations API. Every setting is optional: an explicit value beats the\n        \
         ``LANGDOCK_*`` environment variable, which beats the default; the Rust core decides, as in every language.\n\n        \
         Args:\n",
    );
    for setting in &settings {
        let unit = match setting.kind {
            SettingKind::Duration | SettingKind::Backoff => " In seconds.",
            _ => "",
        };
        let text = sentence(&setting.doc.replace('`', "``"), &fallback(setting, 1.0, "``"), unit);
        out.push_str(&wrap(&text, &format!("            {}: ", setting.name), "                "));
    }
    out.push_str(
        "\n        Raises:\n            \
         ConfigurationError: no API key, a base URL together with a deployment URL, a bad or insecure base\n                \
         URL, a negative, zero, NaN or infinite duration, a retry count out of range, an unreadable CA bundle.\n        \
         \"\"\"\n        \
         given: Dict[str, Any] = {\n            \
         name: _as_data(name, value) for name, value in locals().items() if name != \"self\" and value is not None\n        \
         }\n        \
         self._core = _native.NativeClient(given)\n        \
         self._closed = False\n\n    \
         @property\n    \
         def settings(self) -> Dict[str, Any]:\n        \
         \"\"\"The client's effective settings as the core decided them, the key redacted: the same keys in every\n        \
         language (snake_case, durations in seconds).\"\"\"\n        \
         return self._core.settings\n",
    );
    out
}

fn ts_type(setting: &SettingDoc) -> &'static str {
    match setting.kind {
        SettingKind::Text => "string",
        SettingKind::Duration | SettingKind::Count => "number",
        SettingKind::Flag => "boolean",
        SettingKind::Backoff => {
            "{\n    /** Milliseconds before the first retry. */\n    initial: number;\n    /** The longest computed wait, in milliseconds. */\n    max: number;\n  }"
        }
        SettingKind::Headers => "Record<string, string>",
        SettingKind::Pem => "string | string[]",
    }
}

/// The TypeScript declarations of `new Langdock(options)`'s options.
pub fn node() -> String {
    let mut out = String::from(
        "\n\
         /**\n * Options of `new Langdock(...)`. An explicit option beats the `LANGDOCK_*` environment variable, which beats\n \
         * the default; the Rust core decides, as in every language. Durations are milliseconds.\n */\n\
         export interface ClientOptions {\n",
    );
    for setting in langdock::setting_docs() {
        let unit = match setting.kind {
            SettingKind::Duration | SettingKind::Backoff => " In milliseconds.",
            _ => "",
        };
        let text = sentence(&setting.doc, &fallback(&setting, 1000.0, "`"), unit);
        if text.len() + 9 <= 110 {
            let _ = writeln!(out, "  /** {text} */");
        } else {
            out.push_str("  /**\n");
            out.push_str(&wrap(&text, "   * ", "   * "));
            out.push_str("   */\n");
        }
        let _ = writeln!(out, "  {}?: {};", setting.js_name, ts_type(&setting));
    }
    out.push_str("}\n\n");
    out.push_str(
        "/** A client's effective settings (`client.settings`), the same shape in every language: snake_case keys,\n \
         * durations in seconds, the key and credential headers redacted. */\n\
         export interface EffectiveSettings {\n",
    );
    // The keys and types come from the core's own description: one with every optional value left out
    // (null where it may be null), one with each given.
    let bare = langdock::SettingsInput { api_key: Some("k".into()), ..Default::default() };
    let full = langdock::SettingsInput {
        proxy: Some("http://127.0.0.1:1".into()),
        ca_bundle: Some("ca.pem".into()),
        ..bare.clone()
    };
    let describe = |input: &langdock::SettingsInput| {
        langdock::Settings::resolve(input, langdock::Face::Node, |_| None).expect("valid settings").describe()
    };
    let (bare, full) = (describe(&bare), describe(&full));
    let docs = langdock::setting_docs();
    for (name, value) in full.as_object().expect("an object") {
        let doc = match (name.as_str(), docs.iter().find(|d| d.name == name)) {
            ("api_key", _) => "The API key, redacted (`sk-ld-…[redacted]`).".to_owned(),
            ("user_agent", _) => "The `User-Agent` sent: the face's product token and any suffix.".to_owned(),
            ("ca_pem_count", _) => "How many extra PEM texts were given.".to_owned(),
            ("log_level", _) => "The level `LANGDOCK_LOG` asked for when the client was made.".to_owned(),
            (_, Some(d)) if matches!(d.kind, SettingKind::Duration | SettingKind::Backoff) => {
                format!("{} In seconds.", d.doc)
            }
            (_, Some(d)) => d.doc.clone(),
            (other, None) => panic!("describe() has {other:?}: document it here"),
        };
        let nullable = if bare[name].is_null() { " | null" } else { "" };
        let line = format!("  /** {doc} */");
        if line.len() <= 110 {
            let _ = writeln!(out, "{line}");
        } else {
            out.push_str("  /**\n");
            out.push_str(&wrap(&doc, "   * ", "   * "));
            out.push_str("   */\n");
        }
        let ty = if name == "backoff" {
            "{\n    /** Seconds before the first retry. */\n    initial: number;\n    /** The longest computed wait, in seconds. */\n    max: number;\n  }".to_owned()
        } else {
            ts_of(value)
        };
        let _ = writeln!(out, "  readonly {name}: {ty}{nullable};");
    }
    out.push_str("}\n");
    out
}

/// The TypeScript type of a described value.
fn ts_of(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => "boolean".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "unknown[]".into(),
        Value::Object(map) if map.is_empty() => "Record<string, string>".into(),
        Value::Object(map) => {
            let fields: Vec<String> = map.iter().map(|(k, v)| format!("{k}: {}", ts_of(v))).collect();
            format!("{{ {} }}", fields.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_defaults_are_the_cores_constants() {
        let timeout = langdock::DEFAULT_TIMEOUT.as_secs_f64();
        assert!(python().contains(&format!("timeout: The time one attempt may take (default {}).", number(timeout))));
        assert!(node().contains(&format!("(default {})", number(timeout * 1000.0))));
    }
}
