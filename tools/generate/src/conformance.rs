//! The dispatch of the three conformance runners: a scenario's `op` (`resource.method`) and `args` (the path ids
//! camelCase, `body`, an upload's bytes as `<name>Base64`) made into a call of the language's public API.

use langdock::{OperationSpec, Payload, camel_case};

use crate::output::Output;

fn specs() -> impl Iterator<Item = &'static OperationSpec> {
    langdock::OperationSpec::ALL.iter()
}

/// A scenario's arguments as one language reads them: each id by its camelCase key, the body, the bytes by
/// their `<name>Base64` key.
fn call_args(spec: &OperationSpec, id: impl Fn(&str) -> String, body: &str, bytes: impl Fn(&str) -> String) -> String {
    let mut args: Vec<String> = spec.ids.iter().map(|name| id(&camel_case(name))).collect();
    match spec.payload {
        Payload::None => {}
        Payload::Json(_) => args.push(body.to_owned()),
        Payload::Bytes(name) => args.push(bytes(&format!("{}Base64", camel_case(name)))),
    }
    args.join(", ")
}

fn rust() -> String {
    let mut arms = String::new();
    for spec in specs() {
        let args =
            call_args(spec, |key| format!("&id(\"{key}\")"), "&body(args)", |key| format!("bytes(args, \"{key}\")"));
        arms.push_str(&format!(
            "        \"{}\" => shown(client.{}().{}({}).await?),\n",
            spec.qualified_name(),
            spec.resource_name(),
            spec.method_name,
            args
        ));
    }
    format!(
        "//! The conformance runner's dispatch: a scenario's call made through the typed Rust API.\n\n\
         use langdock::Client;\nuse serde_json::Value;\n\nuse super::{{body, bytes, shown}};\n\n\
         /// Makes the call; the result as the API's JSON and the attempts it took.\n\
         pub async fn call(client: &Client, call: &Value) -> Result<(Value, u32), langdock::Error> {{\n    \
         let args = &call[\"args\"];\n    let id = |key: &str| args[key].as_str().unwrap_or_default().to_owned();\n    \
         Ok(match call[\"op\"].as_str().unwrap_or_default() {{\n{arms}        other => panic!(\"unknown op {{other}}\"),\n    }})\n}}\n"
    )
}

fn python_args(spec: &OperationSpec) -> String {
    call_args(
        spec,
        |key| format!("args.get(\"{key}\", \"\")"),
        "args.get(\"body\")",
        |key| format!("base64.b64decode(args[\"{key}\"])"),
    )
}

fn python() -> String {
    let mut sync = String::new();
    let mut asynchronous = String::new();
    for spec in specs() {
        let call = format!("client.{}.{}({})", spec.resource_name(), spec.method_name, python_args(spec));
        sync.push_str(&format!("    if op == \"{}\":\n        return {call}\n", spec.qualified_name()));
        asynchronous.push_str(&format!("    if op == \"{}\":\n        return await {call}\n", spec.qualified_name()));
    }
    format!(
        "\"\"\"The conformance runner's dispatch: a scenario's call made through the public API.\"\"\"\n\n\
         from __future__ import annotations\n\nimport base64\nfrom typing import Any, Mapping\n\nimport langdock\n\n\n\
         def call(client: langdock.Client, spec: Mapping[str, Any]) -> Any:\n    \
         \"\"\"Makes the call through the blocking client.\"\"\"\n    \
         args = spec.get(\"args\", {{}})\n    op = spec[\"op\"]\n{sync}    raise AssertionError(f\"unknown op {{op}}\")\n\n\n\
         async def call_async(client: langdock.AsyncClient, spec: Mapping[str, Any]) -> Any:\n    \
         \"\"\"Makes the call through the asyncio client.\"\"\"\n    \
         args = spec.get(\"args\", {{}})\n    op = spec[\"op\"]\n{asynchronous}    raise AssertionError(f\"unknown op {{op}}\")\n"
    )
}

fn node() -> String {
    let mut cases = String::new();
    for spec in specs() {
        let args = call_args(
            spec,
            |key| format!("args.{key}"),
            "args.body",
            |key| format!("Buffer.from(args.{key}, 'base64')"),
        );
        cases.push_str(&format!(
            "    case '{}':\n      return client.{}.{}({});\n",
            spec.qualified_name(),
            spec.resource_name(),
            camel_case(spec.method_name),
            args
        ));
    }
    format!(
        "'use strict';\n// The conformance runner's dispatch: a scenario's call made through the public API.\n\n\
         /** Makes the call `{{ op, args }}` of a scenario with `client`. */\nfunction call(client, {{ op, args = {{}} }}) {{\n  \
         switch (op) {{\n{cases}    default:\n      throw new Error(`unknown op ${{op}}`);\n  }}\n}}\n\nmodule.exports = {{ call }};\n"
    )
}

/// Writes the three dispatchers.
pub fn write(out: &mut Output) {
    out.file("core/tests/conformance/dispatch.rs", "//", &rust());
    out.file("bindings-python/tests/conformance_dispatch.py", "#", &python());
    out.file("bindings-node/testlib/conformance-dispatch.cjs", "//", &node());
}
