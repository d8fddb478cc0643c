//! The Python package's per-operation surface: one module per resource (`langdock/resources/*.py`, the
//! blocking class and its asyncio twin, as Stainless SDKs have it) and the operation names of
//! `langdock.testing` (`langdock/_operations.py`). The native module has no per-operation part: every
//! method here is one `NativeClient.call` by name.

use langdock::{FieldKind, OperationSpec, Payload, request_fields};

use crate::output::{Output, class_name, doc, operations_of, resources};

const PACKAGE: &str = "bindings-python/python/langdock";

/// The docstring of each resource class (blocking, then asyncio), with the example the reference requires.
fn resource_docs(resource: &str) -> (&'static str, &'static str) {
    match resource {
        "integrations" => (
            "The integration endpoints of :class:`Client`.\n\n    Example:\n        \
             >>> ref = client.integrations.create(name=\"Weather\", description=\"Forecasts\")\n        \
             >>> client.integrations.update(ref.id, color=\"#0a84ff\")\n        \
             >>> integration = client.integrations.get(ref.id)\n        \
             >>> print(integration.name, len(integration.actions), integration.attempts)\n    ",
            "The integration endpoints of :class:`AsyncClient`.\n\n    Example:\n        \
             >>> ref = await client.integrations.create(name=\"Weather\")\n        \
             >>> integration = await client.integrations.get(ref.id)\n    ",
        ),
        "actions" => (
            "The action endpoints of :class:`Client`.\n\n    Example:\n        \
             >>> action = client.actions.create(\n        \
             ...     integration_id,\n        \
             ...     name=\"Get forecast\",\n        \
             ...     code=\"return ld.request({ url: `https://wttr.in/${data.input.city}` });\",\n        \
             ...     input_fields=[{\"label\": \"City\", \"type\": \"TEXT\", \"required\": True}],\n        \
             ... )\n        \
             >>> client.actions.delete(integration_id, action.id)\n    ",
            "The action endpoints of :class:`AsyncClient`.\n\n    Example:\n        \
             >>> action = await client.actions.create(integration_id, name=\"Get forecast\", code=\"return 1;\")\n        \
             >>> await client.actions.delete(integration_id, action.id)\n    ",
        ),
        "triggers" => (
            "The trigger endpoints of :class:`Client`.\n\n    Example:\n        \
             >>> trigger = client.triggers.create(\n        \
             ...     integration_id,\n        \
             ...     name=\"New ticket\",\n        \
             ...     polling_code='return ld.request({ url: \"https://example.com/tickets\" });',\n        \
             ... )\n        \
             >>> client.triggers.update(integration_id, trigger.id, name=\"New or updated ticket\")\n    ",
            "The trigger endpoints of :class:`AsyncClient`.\n\n    Example:\n        \
             >>> trigger = await client.triggers.create(integration_id, name=\"New ticket\")\n        \
             >>> await client.triggers.delete(integration_id, trigger.id)\n    ",
        ),
        other => panic!("no Python docs for the resource {other}: add them to tools/generate/src/python.rs"),
    }
}

/// A field's annotation and how its value joins the body.
fn field_type(kind: FieldKind) -> (&'static str, bool) {
    match kind {
        FieldKind::Text => ("Optional[str]", false),
        FieldKind::Bool => ("Optional[bool]", false),
        FieldKind::InputFields => ("Optional[Sequence[InputFieldLike]]", true),
        FieldKind::AuthFields => ("Optional[Sequence[AuthFieldLike]]", true),
        FieldKind::OAuthClient => ("Optional[Union[OAuthClient, Mapping[str, Any]]]", false),
    }
}

const OPTIONS: &str = "        timeout: Optional[float] = None,\n        deadline: Optional[float] = None,\n        \
                       max_retries: Optional[int] = None,\n";

fn method(spec: &OperationSpec, asynchronous: bool) -> String {
    let mut params = String::new();
    for id in spec.ids {
        params.push_str(&format!("        {id}: str,\n"));
    }
    // Inline rather than a helper call: this runs on every call, with the GIL held.
    let mut checks = String::new();
    for id in spec.ids {
        checks
            .push_str(&format!("        if not isinstance({id}, str):\n            raise id_error(\"{id}\", {id})\n"));
    }
    let payload = match spec.payload {
        Payload::None => {
            params.push_str("        *,\n");
            "None".to_owned()
        }
        Payload::Bytes(name) => {
            params.push_str(&format!("        {name}: Image,\n        *,\n"));
            format!("read_image({name})")
        }
        Payload::Json(model) => {
            params.push_str(&format!("        body: Optional[Body[{model}]] = None,\n        /,\n        *,\n"));
            let mut merged = Vec::new();
            for field in request_fields(model) {
                let (annotation, list) = field_type(field.kind);
                params.push_str(&format!("        {}: {annotation} = None,\n", field.name));
                let value = if list {
                    format!("None if {0} is None else list({0})", field.name)
                } else {
                    field.name.to_owned()
                };
                merged.push(format!("                \"{}\": {value},\n", field.name));
            }
            checks.push_str(&format!(
                "        request = merge_body(\n            body,\n            {{\n{}            }},\n        )\n",
                merged.concat()
            ));
            "request".to_owned()
        }
    };
    params.push_str(OPTIONS);
    let ids = spec.ids.join(", ");
    let (def, call, awaiting) = if asynchronous { ("async def", "call_async", "await ") } else { ("def", "call", "") };
    format!(
        "    {def} {name}(\n        self,\n{params}    ) -> {answer}:\n        \"\"\"{doc}\"\"\"\n{checks}        \
         answer: {answer} = {awaiting}self._client._live().{call}(\n            \"{op}\", [{ids}], {payload}, timeout=timeout, \
         deadline=deadline, max_retries=max_retries\n        )\n        return answer\n",
        name = spec.method_name,
        answer = spec.answer,
        doc = doc(spec),
        op = spec.name(),
    )
}

fn module(resource: &str) -> String {
    let specs = operations_of(resource);
    let class = class_name(resource);
    let mut models: Vec<&str> = Vec::new();
    for spec in &specs {
        models.push(spec.answer);
        if let Payload::Json(model) = spec.payload {
            models.push(model);
            for field in request_fields(model) {
                if field.kind == FieldKind::OAuthClient {
                    models.push("OAuthClient");
                }
            }
        }
    }
    models.sort_unstable();
    models.dedup();
    let (sync_doc, async_doc) = resource_docs(resource);
    // Import what this module's methods use, no more.
    let kinds: Vec<FieldKind> = specs
        .iter()
        .filter_map(|spec| if let Payload::Json(model) = spec.payload { Some(request_fields(model)) } else { None })
        .flat_map(|fields| fields.iter().map(|field| field.kind))
        .collect();
    let json = specs.iter().any(|spec| matches!(spec.payload, Payload::Json(_)));
    let bytes = specs.iter().any(|spec| matches!(spec.payload, Payload::Bytes(_)));
    let ids = specs.iter().any(|spec| !spec.ids.is_empty());
    let oauth = kinds.contains(&FieldKind::OAuthClient);
    let mut typing = vec!["Optional"];
    if oauth {
        typing.extend(["Any", "Mapping", "Union"]);
    }
    if kinds.contains(&FieldKind::InputFields) || kinds.contains(&FieldKind::AuthFields) {
        typing.push("Sequence");
    }
    typing.sort_unstable_by_key(|name| (name.chars().next().is_some_and(char::is_lowercase), *name));
    let mut helpers = vec!["Resource"];
    for (used, name) in [
        (kinds.contains(&FieldKind::AuthFields), "AuthFieldLike"),
        (json, "Body"),
        (bytes, "Image"),
        (kinds.contains(&FieldKind::InputFields), "InputFieldLike"),
        (ids, "id_error"),
        (json, "merge_body"),
        (bytes, "read_image"),
    ] {
        if used {
            helpers.push(name);
        }
    }
    helpers.sort_unstable_by_key(|name| (name.chars().next().is_some_and(char::is_lowercase), *name));
    let helpers: String = helpers.iter().map(|name| format!("    {name},\n")).collect();
    let mut out = format!(
        "\"\"\"``client.{resource}`` of :class:`langdock.Client` and :class:`langdock.AsyncClient`.\"\"\"\n\n\
         from __future__ import annotations\n\n\
         from typing import {typing}\n\n\
         from .._native import {models}\n\
         from .._resource import (\n{helpers})\n\n\
         __all__ = [\"{class}\", \"Async{class}\"]\n\n\nclass {class}(Resource):\n    \"\"\"{sync_doc}\"\"\"\n",
        typing = typing.join(", "),
        models = models.join(", "),
    );
    for spec in &specs {
        out.push('\n');
        out.push_str(&method(spec, false));
    }
    out.push_str(&format!("\n\nclass Async{class}(Resource):\n    \"\"\"{async_doc}\"\"\"\n"));
    for spec in &specs {
        out.push('\n');
        out.push_str(&method(spec, true));
    }
    out
}

/// Writes the resource modules and the operation names.
pub fn write(out: &mut Output) {
    let mut init = String::from("\"\"\"The resources of the clients, one module each.\"\"\"\n\n");
    let mut all = Vec::new();
    for resource in &resources() {
        out.file(&format!("{PACKAGE}/resources/{resource}.py"), "#", &module(resource));
        let class = class_name(resource);
        init.push_str(&format!("from .{resource} import Async{class}, {class}\n"));
        all.push(format!("\"{class}\", \"Async{class}\""));
    }
    init.push_str(&format!("\n__all__ = [{}]\n", all.join(", ")));
    out.file(&format!("{PACKAGE}/resources/__init__.py"), "#", &init);

    let names: String = langdock::OperationSpec::ALL.iter().map(|spec| format!("    \"{}\",\n", spec.name())).collect();
    out.file(
        &format!("{PACKAGE}/_operations.py"),
        "#",
        &format!(
            "\"\"\"The operation names of the API, in the table's order.\"\"\"\n\n\
             OPERATIONS = (\n{names})\n\"\"\"The operation names faults and journal entries use (\"*\" in a fault means \
             any operation).\"\"\"\n"
        ),
    );
}
