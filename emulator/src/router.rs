//! Maps a method and a path to an operation and its IDs. The literal routes `/get` and `/create` win over
//! `/{integrationId}`; every other method on them is answered as a malformed ID, as API.md section 2 decides.

use http::Method;
use uuid::Uuid;

use crate::operation::Operation;
use crate::reply::ApiError;

/// Prefix of every API route.
pub(crate) const API_PREFIX: &str = "/integrations/v1/";
/// Prefix of the control routes (no auth, not journaled).
pub(crate) const CONTROL_PREFIX: &str = "/_emulator/";

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// An API endpoint, with the IDs its path names.
    Api(ApiRoute),
    /// A control route: the rest of the path after `/_emulator/`.
    Control(String),
}

/// A resolved API request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ApiRoute {
    pub op: Operation,
    /// `integrationId` (absent only for list and create).
    pub integration: Option<Uuid>,
    /// `actionId` or `triggerId`.
    pub item: Option<Uuid>,
}

/// A request the router refuses; `op` is known when only an ID was malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RouteError {
    pub op: Option<Operation>,
    pub error: ApiError,
}

impl From<ApiError> for RouteError {
    fn from(error: ApiError) -> Self {
        RouteError { op: None, error }
    }
}

/// Resolves `method path` (path without query string).
pub(crate) fn resolve(method: &Method, path: &str) -> Result<Route, RouteError> {
    if let Some(rest) = path.strip_prefix(CONTROL_PREFIX) {
        return Ok(Route::Control(rest.to_owned()));
    }
    let Some(rest) = path.strip_prefix(API_PREFIX) else {
        return Err(not_found(path).into());
    };
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(not_found(path).into());
    }
    use Operation as Op;
    let m = method;
    let (op, item_kind) = match segments.as_slice() {
        ["get"] if m == Method::GET => return Ok(api(Op::ListIntegrations, None, None)),
        ["create"] if m == Method::POST => return Ok(api(Op::CreateIntegration, None, None)),
        ["get" | "create"] => return Err(invalid_id("integrationId", segments[0]).into()),
        [_] => match *m {
            Method::GET => (Op::GetIntegration, None),
            Method::PATCH => (Op::UpdateIntegration, None),
            _ => return Err(ApiError::method_not_allowed("GET, PATCH").into()),
        },
        [_, "auth"] => match *m {
            Method::PATCH => (Op::UpdateAuth, None),
            _ => return Err(ApiError::method_not_allowed("PATCH").into()),
        },
        [_, "icon"] => match *m {
            Method::GET => (Op::GetIcon, None),
            Method::PUT => (Op::PutIcon, None),
            _ => return Err(ApiError::method_not_allowed("GET, PUT").into()),
        },
        [_, "actions", "create"] if m == Method::POST => (Op::CreateAction, None),
        [_, "triggers", "create"] if m == Method::POST => (Op::CreateTrigger, None),
        [_, kind @ ("actions" | "triggers"), item] => {
            let actions = *kind == "actions";
            let op = match (*m == Method::PUT, *m == Method::DELETE, actions) {
                (true, _, true) => Op::UpdateAction,
                (_, true, true) => Op::DeleteAction,
                (true, _, false) => Op::UpdateTrigger,
                (_, true, false) => Op::DeleteTrigger,
                _ if *item == "create" => {
                    return Err(ApiError::method_not_allowed("POST").into());
                }
                _ => return Err(ApiError::method_not_allowed("PUT, DELETE").into()),
            };
            (op, Some((if actions { "actionId" } else { "triggerId" }, *item)))
        }
        _ => return Err(not_found(path).into()),
    };
    let with_op = |error: ApiError| RouteError { op: Some(op), error };
    let integration = parse_id("integrationId", segments[0]).map_err(with_op)?;
    let item = match item_kind {
        Some((name, raw)) => Some(parse_id(name, raw).map_err(with_op)?),
        None => None,
    };
    Ok(api(op, Some(integration), item))
}

fn api(op: Operation, integration: Option<Uuid>, item: Option<Uuid>) -> Route {
    Route::Api(ApiRoute { op, integration, item })
}

fn not_found(path: &str) -> ApiError {
    ApiError::not_found(format!("no such endpoint: {path}"))
}

fn invalid_id(name: &str, raw: &str) -> ApiError {
    ApiError::bad_request(format!("invalid ID format: {name} {raw:?} is not a UUID"))
}

/// Parses an ID from a path segment: only the hyphenated 36-character form counts as well-formed.
pub(crate) fn parse_id(name: &str, raw: &str) -> Result<Uuid, ApiError> {
    if raw.len() != 36 {
        return Err(invalid_id(name, raw));
    }
    Uuid::try_parse(raw).map_err(|_| invalid_id(name, raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b7c9b1e-3c1a-4c77-9d39-2f0e7f5b8a10";

    fn op(method: Method, path: &str) -> Option<Operation> {
        match resolve(&method, path) {
            Ok(Route::Api(route)) => Some(route.op),
            _ => None,
        }
    }

    #[test]
    fn literal_routes_win_over_the_id_route() {
        assert_eq!(op(Method::GET, "/integrations/v1/get"), Some(Operation::ListIntegrations));
        assert_eq!(op(Method::POST, "/integrations/v1/create"), Some(Operation::CreateIntegration));
        let err = resolve(&Method::PATCH, "/integrations/v1/get").unwrap_err();
        assert_eq!(err.error.status, 400);
        let err = resolve(&Method::DELETE, "/integrations/v1/create").unwrap_err();
        assert_eq!(err.error.status, 400);
    }

    #[test]
    fn each_endpoint_resolves_to_its_operation() {
        let base = format!("/integrations/v1/{ID}");
        assert_eq!(op(Method::GET, &base), Some(Operation::GetIntegration));
        assert_eq!(op(Method::PATCH, &base), Some(Operation::UpdateIntegration));
        assert_eq!(op(Method::PATCH, &format!("{base}/auth")), Some(Operation::UpdateAuth));
        assert_eq!(op(Method::GET, &format!("{base}/icon")), Some(Operation::GetIcon));
        assert_eq!(op(Method::PUT, &format!("{base}/icon")), Some(Operation::PutIcon));
        assert_eq!(op(Method::POST, &format!("{base}/actions/create")), Some(Operation::CreateAction));
        assert_eq!(op(Method::PUT, &format!("{base}/actions/{ID}")), Some(Operation::UpdateAction));
        assert_eq!(op(Method::DELETE, &format!("{base}/actions/{ID}")), Some(Operation::DeleteAction));
        assert_eq!(op(Method::POST, &format!("{base}/triggers/create")), Some(Operation::CreateTrigger));
        assert_eq!(op(Method::PUT, &format!("{base}/triggers/{ID}")), Some(Operation::UpdateTrigger));
        assert_eq!(op(Method::DELETE, &format!("{base}/triggers/{ID}")), Some(Operation::DeleteTrigger));
    }

    #[test]
    fn every_operation_resolves_from_the_method_and_path_of_the_wire_vocabulary() {
        for expected in Operation::ALL {
            let path = expected
                .path_template()
                .replace("{integrationId}", ID)
                .replace("{actionId}", ID)
                .replace("{triggerId}", ID);
            let method = Method::from_bytes(expected.method().as_str().as_bytes()).unwrap();
            assert_eq!(op(method, &path), Some(expected), "{}", expected.path_template());
        }
    }

    #[test]
    fn wrong_method_is_405_unknown_path_is_404_bad_id_is_400() {
        let err = resolve(&Method::DELETE, &format!("/integrations/v1/{ID}")).unwrap_err();
        assert_eq!(err.error.status, 405);
        let err = resolve(&Method::GET, "/integrations/v1/x/y/z/w").unwrap_err();
        assert_eq!(err.error.status, 404);
        let err = resolve(&Method::GET, "/nope").unwrap_err();
        assert_eq!(err.error.status, 404);
        let err = resolve(&Method::GET, "/integrations/v1/not-a-uuid").unwrap_err();
        assert_eq!((err.error.status.as_u16(), err.op), (400, Some(Operation::GetIntegration)));
        let err = resolve(&Method::PUT, "/integrations/v1/get/actions/create").unwrap_err();
        assert_eq!(err.error.status, 400);
    }
}
