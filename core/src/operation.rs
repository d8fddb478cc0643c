//! The thirteen endpoints as data. Their names, methods and paths are `langdock-wire`'s (the vocabulary the
//! emulator speaks too); one table here (below, `operations!`) adds for each its typed method, ids, request and
//! answer models, write safety and a one-line doc. Everything per-operation is made from the two: the
//! [`OperationSpec`]s, the typed methods of the resources, the bindings' dispatch ([`crate::binding::call`]),
//! and, through `make generate` (`tools/generate`), every language's methods.
//!
//! Adding an endpoint: one entry in the table, then `make generate`.

use crate::binding::{Check, JsonText, Output};
use crate::client::Client;
use crate::error::{Error, Result, Violation};
use crate::error_shaping::decode_text;
use crate::models::*;
use crate::response::Response;

/// One endpoint of the Integrations API: its name, method and path come from `langdock-wire`, the vocabulary the
/// emulator speaks too, so the names match the emulator's fault-injection names.
pub use langdock_wire::Operation;

/// How safe an endpoint is to send twice, which decides what the retry engine may do after a
/// failure that may have taken effect (a timeout or reset after the body was sent, a 5xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteSafety {
    /// GET, PUT, PATCH, DELETE: repeating changes nothing more; every retryable failure retries.
    Idempotent,
    /// Action and trigger creates: names are unique in an integration, so a repeat that took effect
    /// answers 409, which the client resolves by reading the integration.
    CreateWithUniqueName,
    /// Integration create: names are not unique, so an ambiguous failure is never retried and the
    /// error says the integration may exist.
    CreateWithoutUniqueName,
}

/// What an operation takes besides its path ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// Nothing.
    None,
    /// A JSON body of the named request model (e.g. `"ActionInput"`).
    Json(&'static str),
    /// Raw bytes (an image), under the given parameter name.
    Bytes(&'static str),
}

/// The kind of a request model's field, for the faces that take a body's fields one by one (Python's
/// keyword arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Text.
    Text,
    /// True or false.
    Bool,
    /// A list of input fields ([`InputField`]).
    InputFields,
    /// A list of auth fields ([`AuthField`]).
    AuthFields,
    /// An OAuth client ([`OAuthClient`]).
    OAuthClient,
}

/// One field of a request model, snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The field's snake_case name, e.g. `"input_fields"`.
    pub name: &'static str,
    /// What it holds.
    pub kind: FieldKind,
}

/// Everything about one endpoint, as data: what the generator (`tools/generate`) writes every face from.
#[derive(Debug, Clone, Copy)]
pub struct OperationSpec {
    /// The operation (its name, method and path are `langdock-wire`'s).
    pub operation: Operation,
    /// The resource it belongs to, as its Rust type is named: `"Integrations"`, `"Actions"` or `"Triggers"`
    /// ([`OperationSpec::resource_name`] is the name of the client's accessor).
    pub resource: &'static str,
    /// The method's name on its resource, snake_case (`"update_auth"`; Node: `updateAuth`).
    pub method_name: &'static str,
    /// The path ids it takes, in order, snake_case (e.g. `["integration_id", "action_id"]`).
    pub ids: &'static [&'static str],
    /// What it takes besides the ids.
    pub payload: Payload,
    /// The answer's model, e.g. `"Action"` (`"IntegrationList"` for a list of `IntegrationSummary`).
    pub answer: &'static str,
    /// How safe it is to repeat.
    pub write_safety: WriteSafety,
    /// One line for every face's documentation.
    pub doc: &'static str,
}

impl OperationSpec {
    /// The snake_case name used in logs, by the emulator and in the `testing` helpers, e.g. `"create_action"`.
    pub fn name(&self) -> &'static str {
        self.operation.name()
    }

    /// The HTTP method, e.g. `"POST"`.
    pub fn method(&self) -> &'static str {
        self.operation.method().as_str()
    }

    /// The path, ids in braces, e.g. `"/integrations/v1/{integrationId}/actions/create"`.
    pub fn path(&self) -> &'static str {
        self.operation.path_template()
    }

    /// What the table says about `op`; `None` for an operation of `langdock-wire` the table lacks (a unit test
    /// makes sure there is none).
    pub fn of(op: Operation) -> Option<&'static OperationSpec> {
        OperationSpec::ALL.iter().find(|spec| spec.operation == op)
    }

    /// The name a call is known by in the conformance scenarios: `resource.camelCaseMethod`, e.g.
    /// `"integrations.updateAuth"`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.resource_name(), camel_case(self.method_name))
    }

    /// The resource's accessor on a client, e.g. `"integrations"` (`client.integrations`).
    pub fn resource_name(&self) -> String {
        self.resource.to_lowercase()
    }
}

/// `update_auth` as `updateAuth`.
pub fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The fields of each request model that a face may take one by one.
pub const REQUEST_FIELDS: &[(&str, &[Field])] = {
    use FieldKind::*;
    const fn f(name: &'static str, kind: FieldKind) -> Field {
        Field { name, kind }
    }
    &[
        ("CreateIntegration", &[f("name", Text), f("description", Text)]),
        ("UpdateIntegration", &[f("name", Text), f("description", Text), f("icon_url", Text), f("color", Text)]),
        (
            "UpdateAuth",
            &[
                f("auth_type", Text),
                f("auth_fields", AuthFields),
                f("auth_test_code", Text),
                f("oauth_client", OAuthClient),
            ],
        ),
        (
            "ActionInput",
            &[
                f("name", Text),
                f("description", Text),
                f("code", Text),
                f("input_fields", InputFields),
                f("requires_confirmation", Bool),
            ],
        ),
        (
            "TriggerInput",
            &[f("name", Text), f("description", Text), f("polling_code", Text), f("input_fields", InputFields)],
        ),
    ]
};

/// The fields of the request model `model` (empty for an unknown name).
pub fn request_fields(model: &str) -> &'static [Field] {
    REQUEST_FIELDS.iter().find(|(name, _)| *name == model).map_or(&[], |(_, fields)| fields)
}

/// The arguments of a call made by name ([`crate::binding::call`]): the path ids in the table's order,
/// and the body or bytes.
#[derive(Debug, Default)]
pub struct Arguments {
    /// The path ids, in the order of [`OperationSpec::ids`].
    pub ids: Vec<String>,
    /// The JSON body, for an operation with [`Payload::Json`].
    pub body: Option<serde_json::Value>,
    /// The bytes, for an operation with [`Payload::Bytes`].
    pub bytes: Option<Vec<u8>>,
}

impl Arguments {
    fn id(&self, index: usize) -> &str {
        self.ids.get(index).map_or("", String::as_str)
    }

    fn body<T: serde::de::DeserializeOwned>(&mut self) -> Result<T> {
        crate::binding::from_json("body", self.body.take().unwrap_or(serde_json::Value::Null))
    }

    fn bytes(&mut self) -> Vec<u8> {
        self.bytes.take().unwrap_or_default()
    }
}

/// The Rust type of each answer model a generated method returns (named as the [`Output`] variants are).
pub(crate) mod answers {
    pub use crate::models::{Action, Icon, Integration, IntegrationRef, Trigger};
    /// `integrations.list`'s answer.
    pub type IntegrationList = Vec<crate::models::IntegrationSummary>;
}

/// Builds, from the table below, the [`Operation`] enum and its specs, the dispatch of calls by name, and the
/// typed method of every operation not marked `custom` (those are written by hand in `resources/`).
macro_rules! operations {
    ($(
        #[doc = $doc:literal]
        $(#[doc = $more:literal])*
        $variant:ident:
            $resource:ident :: $call:ident ( $($id:ident),* $(; body: $body:ident)? $(; bytes: $bytes:ident)? )
            -> $answer:ident $(in $key:ident)?, $safety:ident $(, $kind:ident)?;
    )*) => {
        impl OperationSpec {
            /// Every operation's spec, in the table's order.
            pub const ALL: &'static [OperationSpec] = &[$(OperationSpec {
                operation: Operation::$variant,
                resource: stringify!($resource),
                method_name: stringify!($call),
                ids: &[$(stringify!($id)),*],
                payload: operations!(@payload $($body)? $(; $bytes)?),
                answer: stringify!($answer),
                write_safety: WriteSafety::$safety,
                doc: $doc,
            }),*];
        }

        /// Makes the call `op` with arguments given as data; see [`crate::binding::call`].
        #[allow(unused_mut, unused_variables)]
        pub(crate) async fn call(op: Operation, client: &Client, mut args: Arguments) -> Result<Output> {
            match op {
                $(Operation::$variant => {
                    operations!(@args args [$($id)*] [$(body $body)?]);
                    crate::resources::$resource::new(client)
                        .$call($(&$id,)* $(operations!(@ref body $body),)? $(operations!(@bytes args $bytes),)?)
                        .await
                        .map(Output::$answer)
                })*
                other => Err(unknown_operation(other.name())),
            }
        }

        /// Makes the call `op` with arguments given as data, answering JSON text and the check still to run, if
        /// any; see [`crate::binding::call_text_deferred`].
        #[allow(unused_mut, unused_variables)]
        pub(crate) async fn call_text(
            op: Operation,
            client: &Client,
            mut args: Arguments,
        ) -> Result<Response<(JsonText, Option<Check>)>> {
            match op {
                $(Operation::$variant => {
                    operations!(@text [$($kind)?] op client args [$($id)*] [$($body)?] $answer [$($key)?])
                })*
                other => Err(unknown_operation(other.name())),
            }
        }

        $(operations!(@method [$($kind)?] $variant $resource $call [$($id)*] [$($body)?] $answer [$($key)?]
            [$doc $($more)*]);)*
    };
    (@text [large] $op:ident $client:ident $args:ident [$($id:ident)*] [$($body:ident)?] $answer:ident [$($key:ident)?]) => {{
        operations!(@args $args [$($id)*] [$(body $body)?]);
        let request = operations!(@build $client $op [$($id)*] [$(body $body)?]);
        operations!(@read_text $client request $answer [$($key)?])
    }};
    // Any other operation's answer is its typed method's, serialized (the check's code is kept to the operations
    // whose answers can be large: it is code of its own for each answer and envelope).
    (@text [$($kind:ident)?] $op:ident $client:ident $args:ident $($rest:tt)*) => {
        Ok(call($op, $client, $args).await?.into_text()?.map(|text| (text, None)))
    };
    // Binds each path id of `$args` to its name, and the body (decoded as its model) to `$value`.
    (@args $args:ident [$($id:ident)*] [$($value:ident $body:ident)?]) => {
        let mut index = 0..;
        $(let $id = $args.id(index.next().unwrap_or_default()).to_owned();)*
        $(let $value: $body = $args.body()?;)?
    };
    // The envelope the API wraps `$answer` in, under `$key`.
    (@envelope $key:ident $answer:ident) => {
        #[derive(serde::Deserialize)]
        struct Envelope {
            $key: answers::$answer,
        }
    };
    (@build $client:ident $op:ident [$($id:ident)*] []) => { $client.op_request($op, &[$($id.as_str()),*])? };
    (@build $client:ident $op:ident [$($id:ident)*] [$value:ident $body:ident]) => {
        $client.json_request($op, &[$($id.as_str()),*], &$value)?
    };
    (@read_text $client:ident $request:ident $answer:ident [$key:ident]) => {{
        operations!(@envelope $key $answer);
        $client.call_text($request, |answer, attempts, request_id| {
            decode_text::<answers::$answer, Envelope>(answer, attempts, request_id, Some(stringify!($key)), |envelope| {
                envelope.$key
            })
        }).await
    }};
    (@read_text $client:ident $request:ident $answer:ident []) => {
        $client.call_text($request, |answer, attempts, request_id| {
            decode_text::<answers::$answer, answers::$answer>(answer, attempts, request_id, None, |model| model)
        }).await
    };
    (@payload) => { Payload::None };
    (@payload $body:ident) => { Payload::Json(stringify!($body)) };
    (@payload ; $bytes:ident) => { Payload::Bytes(stringify!($bytes)) };
    (@ref $value:ident $ty:ident) => { &$value };
    (@bytes $args:ident $name:ident) => { $args.bytes() };

    // A `custom` operation's method is written by hand in `resources/`.
    (@method [custom] $($rest:tt)*) => {};
    // The typed method: check the ids (and the body), send, unwrap the answer's envelope.
    (@method [$($kind:ident)?] $variant:ident $resource:ident $call:ident [$($id:ident)*] [$($body:ident)?] $answer:ident
        [$($key:ident)?] [$($doc:literal)*]) => {
        impl crate::resources::$resource<'_> {
            $(#[doc = $doc])*
            pub async fn $call(&self, $($id: &str,)* $(body: &$body)?) -> Result<crate::Response<answers::$answer>> {
                let op = Operation::$variant;
                operations!(@send self op [$($id)*] [$(body: $body)?] $answer [$($key)?])
            }
        }
    };
    (@send $self:ident $op:ident [$($id:ident)*] [$($body:tt)*] $answer:ident [$key:ident]) => {{
        operations!(@envelope $key $answer);
        let response: crate::Response<Envelope> = operations!(@request $self $op [$($id)*] [$($body)*]).await?;
        Ok(response.map(|envelope| envelope.$key))
    }};
    (@send $self:ident $op:ident [$($id:ident)*] [$($body:tt)*] $answer:ident []) => {
        operations!(@request $self $op [$($id)*] [$($body)*]).await
    };
    (@request $self:ident $op:ident [$($id:ident)*] []) => { $self.client.call_op($op, &[$($id),*]) };
    (@request $self:ident $op:ident [$($id:ident)*] [$body:ident : $model:ident]) => {
        $self.client.call_json($op, &[$($id),*], $body)
    };
}

// The table. Each entry: its doc (the first line is every face's one-line doc; the rest join it in rustdoc);
// `Variant:` (the `langdock-wire` operation, which has its name, method and path); its typed method (`Resource::method(ids; body:
// RequestModel)` or `(ids; bytes: parameter)`); the answer (an `Output` variant), `in` the key of the envelope the
// API wraps it in; its write safety; and `custom` when its method is written by hand in `resources/` (creates that
// recover from an ambiguous failure, deletes, uploads), or `large` when its answer can be large (a binding that
// parses JSON itself then gets the server's text when it says what the model's serialization would:
// `binding::call_text`). The path's `{placeholders}` take the ids in order.
operations! {
    /// Every integration of the workspace, Langdock-built and custom (unpaginated).
    /// Works with an `ASSISTANT_API` or `INTEGRATION_API` key.
    ListIntegrations:
        Integrations::list() -> IntegrationList in integrations, Idempotent, large;
    /// Creates an integration (auth type NONE, no actions, no triggers); an ambiguous failure is not retried.
    ///
    /// Names are not unique, so a create that failed ambiguously (timeout, reset, 5xx) is not
    /// retried: its error has [`maybe_created`](crate::Error::maybe_created) set, as has the error
    /// of a 2xx answer whose body cannot be read (the integration exists).
    CreateIntegration:
        Integrations::create(; body: CreateIntegration) -> IntegrationRef in integration, CreateWithoutUniqueName;
    /// The whole integration: auth settings, actions (with code and input fields), triggers.
    GetIntegration:
        Integrations::get(integration_id) -> Integration in integration, Idempotent, large;
    /// Changes the name, description, icon URL or color; only what is given changes.
    UpdateIntegration:
        Integrations::update(integration_id; body: UpdateIntegration) -> IntegrationRef in integration, Idempotent;
    /// Sets how users authenticate; changing the auth type disconnects every user of the integration.
    ///
    /// `auth_fields`, when given, replace the whole list.
    UpdateAuth:
        Integrations::update_auth(integration_id; body: UpdateAuth) -> Integration in integration, Idempotent;
    /// The integration's icon URL (none when it has no icon).
    GetIcon:
        Integrations::icon(integration_id) -> Icon, Idempotent;
    /// Uploads a new icon: PNG, JPEG or WebP (recognised by content), at most 20 MB.
    PutIcon:
        Integrations::set_icon(integration_id; bytes: image) -> Icon, Idempotent, custom;
    /// Adds an action to an integration; safe to retry (a 409 after an ambiguous failure resolves to it).
    CreateAction:
        Actions::create(integration_id; body: ActionInput) -> Action, CreateWithUniqueName, custom;
    /// Replaces an action: an omitted description is cleared, omitted input fields are removed.
    ///
    /// An omitted `code` or `requires_confirmation` is kept. The slug never changes.
    UpdateAction:
        Actions::update(integration_id, action_id; body: ActionInput) -> Action in action, Idempotent;
    /// Deletes an action, permanently.
    DeleteAction:
        Actions::delete(integration_id, action_id) -> Deleted, Idempotent, custom;
    /// Adds a polling trigger to an integration; safe to retry, as action creates are.
    CreateTrigger:
        Triggers::create(integration_id; body: TriggerInput) -> Trigger, CreateWithUniqueName, custom;
    /// Replaces a trigger; the API never returns polling code or input fields, so send all you want to keep.
    UpdateTrigger:
        Triggers::update(integration_id, trigger_id; body: TriggerInput) -> Trigger in trigger, Idempotent;
    /// Deletes a trigger, permanently.
    DeleteTrigger:
        Triggers::delete(integration_id, trigger_id) -> Deleted, Idempotent, custom;
}

impl WriteSafety {
    /// How safe `op` is to repeat, as the table says (an operation it lacks is never repeated after an
    /// ambiguous failure).
    pub fn of(op: Operation) -> WriteSafety {
        OperationSpec::of(op).map_or(WriteSafety::CreateWithoutUniqueName, |spec| spec.write_safety)
    }
}

/// The HTTP method of `op`.
pub(crate) fn http_method(op: Operation) -> reqwest::Method {
    reqwest::Method::from_bytes(op.method().as_str().as_bytes()).unwrap_or(reqwest::Method::GET)
}

/// The path of `op` below `/integrations/v1`, the `{placeholders}` filled with `ids` in order, each escaped as a
/// path segment.
pub(crate) fn path(op: Operation, ids: &[&str]) -> String {
    let template = op.path_template();
    let template = template.strip_prefix(API_ROOT).unwrap_or(template);
    let mut path = String::new();
    let mut ids = ids.iter();
    for (n, part) in template.split('{').enumerate() {
        match part.split_once('}') {
            Some((_, rest)) if n > 0 => {
                path.push_str(&crate::resources::segment(ids.next().copied().unwrap_or_default()));
                path.push_str(rest);
            }
            _ => path.push_str(part),
        }
    }
    path
}

/// Where every path of the API starts; the transport adds it to the base URL.
const API_ROOT: &str = "/integrations/v1";

/// A call made by name with arguments that are not the right shape: a validation error naming what is wrong.
pub(crate) fn unknown_operation(name: &str) -> Error {
    Error::validation(vec![Violation { path: "operation".into(), message: format!("{name:?} is not an operation") }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_three_creates_are_not_idempotent() {
        let creates = [Operation::CreateIntegration, Operation::CreateAction, Operation::CreateTrigger];
        for op in Operation::ALL {
            if creates.contains(&op) {
                assert_ne!(WriteSafety::of(op), WriteSafety::Idempotent, "{}", op.name());
            } else {
                assert_eq!(WriteSafety::of(op), WriteSafety::Idempotent, "{}", op.name());
            }
        }
        assert_eq!(WriteSafety::of(Operation::CreateIntegration), WriteSafety::CreateWithoutUniqueName);
    }

    #[test]
    fn paths_take_their_ids_in_order_escaped() {
        assert_eq!(path(Operation::ListIntegrations, &[]), "/get");
        assert_eq!(path(Operation::UpdateTrigger, &["i 1", "t/2"]), "/i%201/triggers/t%2F2");
        assert_eq!(path(Operation::CreateAction, &["i"]), "/i/actions/create");
        assert_eq!(http_method(Operation::UpdateAuth), reqwest::Method::PATCH);
    }

    #[test]
    fn the_table_has_every_operation_of_the_wire_once_with_an_id_per_placeholder() {
        assert_eq!(OperationSpec::ALL.len(), Operation::ALL.len());
        for (spec, op) in OperationSpec::ALL.iter().zip(Operation::ALL) {
            assert_eq!(spec.operation, op, "the table follows the wire's order");
            assert_eq!(OperationSpec::of(op).map(|spec| spec.operation), Some(op));
            assert_eq!(spec.ids.len(), op.path_params().len(), "{}", spec.name());
            assert!(!spec.doc.trim().is_empty());
            if let Payload::Json(model) = spec.payload {
                assert!(!request_fields(model).is_empty(), "{model} has no fields listed");
            }
        }
        let update_auth = OperationSpec::of(Operation::UpdateAuth).unwrap();
        assert_eq!(update_auth.qualified_name(), "integrations.updateAuth");
        assert_eq!((update_auth.method(), update_auth.path()), ("PATCH", "/integrations/v1/{integrationId}/auth"));
    }
}
