//! The Node package's per-operation surface: the resource classes (`lib/resources.js`), their types
//! (`lib/resources.d.ts`, re-exported by `index.d.ts`) and the operation names of `langdock/testing`
//! (`lib/operations.d.ts`). The native module has no per-operation part: every method is one
//! `NativeClient.call` by name.

use langdock::{OperationSpec, Payload, camel_case};

use crate::output::{Output, class_name, doc, operations_of, resources};

/// The TSDoc of each resource class, with the example the reference requires.
fn resource_doc(resource: &str) -> &'static str {
    match resource {
        "integrations" => {
            "`client.integrations`: the integrations of the workspace.\n *\n * @example\n * ```ts\n \
             * const { id } = await client.integrations.create({ name: 'Weather', description: 'Forecasts' });\n \
             * await client.integrations.update(id, { color: '#0a84ff' });\n \
             * const integration = await client.integrations.get(id);\n \
             * console.log(integration.name, integration.actions.length, integration.attempts);\n * ```"
        }
        "actions" => {
            "`client.actions`: the JavaScript actions of an integration.\n *\n * @example\n * ```ts\n \
             * const action = await client.actions.create(integrationId, {\n \
             *   name: 'Get forecast',\n \
             *   code: 'return ld.request({ url: `https://wttr.in/${data.input.city}` });',\n \
             *   inputFields: [{ label: 'City', type: 'TEXT', required: true }],\n * });\n \
             * await client.actions.delete(integrationId, action.id);\n * ```"
        }
        "triggers" => {
            "`client.triggers`: the polling triggers of an integration.\n *\n * @example\n * ```ts\n \
             * const trigger = await client.triggers.create(integrationId, {\n *   name: 'New ticket',\n \
             *   pollingCode: 'return ld.request({ url: \"https://example.com/tickets\" });',\n * });\n \
             * await client.triggers.update(integrationId, trigger.id, { name: 'New or updated ticket' });\n * ```"
        }
        other => panic!("no TSDoc for the resource {other}: add it to tools/generate/src/node.rs"),
    }
}

/// The TypeScript type of an answer model.
fn answer_type(answer: &str) -> String {
    match answer {
        "IntegrationList" => "IntegrationSummary[]".to_owned(),
        other => other.to_owned(),
    }
}

/// The JavaScript parameters of an operation, in order (without `options`).
fn params(spec: &OperationSpec) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = spec.ids.iter().map(|id| (camel_case(id), "string".to_owned())).collect();
    match spec.payload {
        Payload::None => {}
        Payload::Json(model) => params.push(("body".to_owned(), model.to_owned())),
        Payload::Bytes(name) => params.push((camel_case(name), "Uint8Array".to_owned())),
    }
    params
}

fn js_method(spec: &OperationSpec) -> String {
    let params = params(spec);
    let names: Vec<&str> = params.iter().map(|(name, _)| name.as_str()).collect();
    let mut checks = String::new();
    for id in spec.ids {
        checks.push_str(&format!("    checkId('{0}', {0});\n", camel_case(id)));
    }
    let (body, bytes) = match spec.payload {
        Payload::None => ("undefined".to_owned(), "undefined".to_owned()),
        Payload::Json(_) => {
            checks.push_str("    checkBody('body', body);\n");
            ("body".to_owned(), "undefined".to_owned())
        }
        Payload::Bytes(name) => {
            let name = camel_case(name);
            checks.push_str(&format!("    checkBytes('{name}', {name});\n"));
            ("undefined".to_owned(), name)
        }
    };
    let ids: Vec<String> = spec.ids.iter().map(|id| camel_case(id)).collect();
    format!(
        "  /** {doc} */\n  async {method}({args}) {{\n{checks}    return call(this[kClient], '{op}', [{ids}], {body}, {bytes}, options);\n  }}\n",
        doc = doc(spec),
        method = camel_case(spec.method_name),
        args = names.iter().copied().chain(["options"]).collect::<Vec<_>>().join(", "),
        ids = ids.join(", "),
        op = spec.name(),
    )
}

fn ts_method(spec: &OperationSpec) -> String {
    let params: Vec<String> = params(spec)
        .into_iter()
        .map(|(name, ty)| format!("{name}: {ty}"))
        .chain(["options?: RequestOptions".to_owned()])
        .collect();
    format!(
        "  /** {doc} */\n  {method}({params}): Promise<WithMeta<{answer}>>;\n",
        doc = doc(spec),
        method = camel_case(spec.method_name),
        params = params.join(", "),
        answer = answer_type(spec.answer),
    )
}

/// Writes the resources, their types and the operation names.
pub fn write(out: &mut Output) {
    let mut js = String::from(
        "'use strict';\n// The resources of a `Langdock` client, each method one native call by its operation name.\n\n\
         const { call, checkBody, checkBytes, checkId, kClient } = require('./call.js');\n",
    );
    let mut ts = String::new();
    let mut models: Vec<String> = vec!["RequestOptions".into(), "WithMeta".into()];
    let mut classes = Vec::new();
    for resource in &resources() {
        let class = class_name(resource);
        classes.push(class.clone());
        let specs = operations_of(resource);
        let methods: Vec<String> = specs.iter().map(|spec| camel_case(spec.method_name)).collect();
        js.push_str(&format!(
            "\n/** `client.{resource}`: {}. */\nclass {class} {{\n  constructor(client) {{\n    this[kClient] = client;\n  }}\n",
            methods.join(", ")
        ));
        ts.push_str(&format!(
            "\n/**\n * {}\n */\nexport declare class {class} {{\n  private constructor();\n",
            resource_doc(resource)
        ));
        for spec in &specs {
            js.push_str(&js_method(spec));
            ts.push_str(&ts_method(spec));
            models.push(answer_type(spec.answer).trim_end_matches("[]").to_owned());
            if let Payload::Json(model) = spec.payload {
                models.push(model.to_owned());
            }
        }
        js.push_str("}\n");
        ts.push_str("}\n");
    }
    js.push_str(&format!("\nmodule.exports = {{ {} }};\n", classes.join(", ")));
    models.sort_unstable();
    models.dedup();
    let ts = format!(
        "// The resources of a `Langdock` client; `index.d.ts` re-exports them.\n\nimport type {{\n{}}} from './index';\n{ts}",
        models.iter().map(|name| format!("  {name},\n")).collect::<String>()
    );
    out.file("bindings-node/lib/resources.js", "//", &js);
    out.file("bindings-node/lib/resources.d.ts", "//", &ts);

    let names: Vec<String> = langdock::OperationSpec::ALL.iter().map(|spec| format!("  | '{}'", spec.name())).collect();
    out.file(
        "bindings-node/lib/operations.d.ts",
        "//",
        &format!(
            "\n/** An operation of the API, as faults and journal entries name it. */\nexport type Operation =\n{};\n",
            names.join("\n")
        ),
    );
}
