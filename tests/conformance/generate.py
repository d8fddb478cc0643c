#!/usr/bin/env python3
"""Writes the conformance scenarios, one JSON file each, into scenarios/.

The scenarios are data: this script only saves typing. Edit it and run it again
(`python3 tests/conformance/generate.py`); the files it writes are committed, and
the three runners read those files, never this script.
"""
import json
import pathlib
import shutil

OUT = pathlib.Path(__file__).with_name("scenarios")
SCENARIOS = []
PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def rep(text, times):
    """A string repeated: runners expand {"$repeat": ..., "times": n}."""
    return {"$repeat": text, "times": times}


def add(name, area, call, expect, faults=(), journal=None, client=None, setup=None, repeat=None, skip=None, doc=""):
    scenario = {"name": name, "area": area, "doc": doc, "call": call, "expect": expect}
    if faults:
        scenario["faults"] = list(faults)
    if journal is not None:
        scenario["journal"] = journal
    if client:
        scenario["client"] = client
    if setup:
        scenario["setup"] = setup
    if repeat:
        scenario["repeat"] = repeat
    if skip:
        scenario["skip"] = skip
    SCENARIOS.append(scenario)


def ok(result=None, attempts=1, absent=None):
    expect = {"ok": result if result is not None else {}, "attempts": attempts}
    if absent:
        expect["absent"] = absent
    return expect


def err(cls, attempts=1, **fields):
    return {"error": {"class": cls, **fields}, "attempts": attempts}


def j(*entries):
    """Journal entries: (operation, status) pairs; status None means the connection was dropped."""
    return [{"operation": op, "status": status} for op, status in entries]


GET = {"op": "integrations.get", "args": {"integrationId": "$integration"}}
LIST = {"op": "integrations.list", "args": {}}
CREATE_INTEGRATION = {"op": "integrations.create", "args": {"body": {"name": "Created"}}}
CREATE_ACTION = {"op": "actions.create", "args": {"integrationId": "$integration", "body": {"name": "Fresh", "code": "return 2;"}}}

# ---- every endpoint's success -------------------------------------------------------------
add("list_shows_seeded_then_custom_integrations", "endpoints", LIST,
    ok([{"buildByLangdock": True}, {"buildByLangdock": True}, {"name": "Fixture", "buildByLangdock": False, "authType": "NONE"}]),
    journal=j(("list_integrations", 200)))
add("create_integration_answers_id_and_created_at", "endpoints",
    {"op": "integrations.create", "args": {"body": {"name": "Weather", "description": "Forecasts"}}},
    ok({"id": "$uuid", "name": "Weather", "description": "Forecasts", "createdAt": "$string"}),
    journal=j(("create_integration", 201)))
add("get_integration_returns_actions_and_triggers", "endpoints", GET,
    ok({"name": "Fixture", "authType": "NONE",
        "actions": [{"id": "$action", "name": "Existing", "slug": "existing", "order": 0, "code": "return 1;",
                     "requiresConfirmation": True, "inputFields": [{"label": "City", "slug": "city", "order": 0, "type": "TEXT"}]}],
        "triggers": [{"id": "$trigger", "name": "Existing trigger", "slug": "existing_trigger"}]}))
add("update_integration_changes_only_what_is_given", "endpoints",
    {"op": "integrations.update", "args": {"integrationId": "$integration", "body": {"name": "Renamed", "color": "#1A73E8"}}},
    ok({"id": "$integration", "name": "Renamed", "description": "Conformance fixture"}))
add("update_auth_sets_api_key_fields", "endpoints",
    {"op": "integrations.updateAuth", "args": {"integrationId": "$integration", "body": {
        "authType": "API_KEY", "authFields": [{"slug": "apiKey", "label": "API key", "type": "PASSWORD", "required": True}],
        "authTestCode": "return true;"}}},
    ok({"authType": "API_KEY", "authTestCode": "return true;",
        "authFields": [{"id": "$string", "slug": "apiKey", "label": "API key", "type": "PASSWORD", "required": True}]}))
add("update_auth_never_returns_the_oauth_client_secret", "endpoints",
    {"op": "integrations.updateAuth", "args": {"integrationId": "$integration", "body": {
        "authType": "OAUTH", "oauthClient": {"clientId": "abc", "clientSecret": "s3cret", "authUrl": "https://auth.example.com/a",
                                             "tokenUrl": "https://auth.example.com/t", "scopes": "read write"}}}},
    ok({"authType": "OAUTH", "oauthClient": {"clientId": "abc", "scopes": "read write"}}, absent=["oauthClient.clientSecret"]))
add("icon_is_null_until_uploaded", "endpoints",
    {"op": "integrations.icon", "args": {"integrationId": "$integration"}}, ok({"iconUrl": None}))
add("set_icon_uploads_a_png", "endpoints",
    {"op": "integrations.setIcon", "args": {"integrationId": "$integration", "imageBase64": PNG_BASE64}},
    ok({"iconUrl": "$string"}), journal=j(("put_icon", 200)))
add("create_action_gets_slug_order_and_default_confirmation", "endpoints",
    {"op": "actions.create", "args": {"integrationId": "$integration", "body": {
        "name": "Get Forecast!", "code": "return 2;", "inputFields": [{"label": "Unit system", "type": "SELECT",
        "options": [{"label": "Metric", "value": "c"}]}]}}},
    ok({"name": "Get Forecast!", "slug": "get_forecast", "order": 1, "requiresConfirmation": True,
        "inputFields": [{"label": "Unit system", "slug": "unit_system", "type": "SELECT", "options": [{"label": "Metric", "value": "c"}]}]}),
    journal=j(("create_action", 201)))
add("update_action_replaces_but_keeps_code_and_slug", "endpoints",
    {"op": "actions.update", "args": {"integrationId": "$integration", "actionId": "$action", "body": {"name": "Existing renamed"}}},
    ok({"id": "$action", "name": "Existing renamed", "slug": "existing", "code": "return 1;", "inputFields": []}))
add("delete_action_answers_message_and_id", "endpoints",
    {"op": "actions.delete", "args": {"integrationId": "$integration", "actionId": "$action"}},
    ok({"message": "Action deleted", "id": "$action"}))
add("create_trigger_gets_a_slug", "endpoints",
    {"op": "triggers.create", "args": {"integrationId": "$integration", "body": {"name": "New mail", "pollingCode": "return [];"}}},
    ok({"id": "$uuid", "name": "New mail", "slug": "new_mail"}), journal=j(("create_trigger", 201)))
add("update_trigger_keeps_the_slug", "endpoints",
    {"op": "triggers.update", "args": {"integrationId": "$integration", "triggerId": "$trigger", "body": {"name": "Renamed trigger"}}},
    ok({"id": "$trigger", "name": "Renamed trigger", "slug": "existing_trigger"}))
add("delete_trigger_answers_message_and_id", "endpoints",
    {"op": "triggers.delete", "args": {"integrationId": "$integration", "triggerId": "$trigger"}},
    ok({"message": "Trigger deleted", "id": "$trigger"}))

# ---- error statuses and their classes -----------------------------------------------------
add("unknown_integration_is_not_found", "errors", {"op": "integrations.get", "args": {"integrationId": "$unknown"}},
    err("NotFoundError", status=404), journal=j(("get_integration", 404)))
add("duplicate_action_name_is_a_conflict", "errors",
    {"op": "actions.create", "args": {"integrationId": "$integration", "body": {"name": "Existing"}}},
    err("ConflictError", status=409), journal=j(("create_action", 409)))
add("langdock_built_integrations_refuse_writes", "errors",
    {"op": "integrations.update", "args": {"integrationId": "$builtin", "body": {"name": "Mine"}}},
    err("PermissionDeniedError", status=403))
add("an_unknown_key_is_an_authentication_error", "errors", LIST, err("AuthenticationError", status=401),
    client={"apiKey": "sk-ld-not-a-key"})
add("an_assistant_key_cannot_read_an_integration", "errors", GET, err("PermissionDeniedError", status=403),
    setup={"keys": [{"key": "sk-ld-assistant-only", "scopes": ["ASSISTANT_API"]}]}, client={"apiKey": "sk-ld-assistant-only"})
add("server_validation_is_a_bad_request", "errors",
    {"op": "integrations.create", "args": {"body": {"name": rep("x", 41)}}},
    err("BadRequestError", status=400, messageContains="name"), client={"validation": False})
add("a_413_is_an_api_error", "errors",
    {"op": "integrations.setIcon", "args": {"integrationId": "$integration", "imageBase64": PNG_BASE64}},
    err("APIError", status=413), faults=[{"operation": "put_icon", "status": 413}])
add("an_undocumented_status_is_an_api_error", "errors", GET, err("APIError", status=422),
    faults=[{"operation": "get_integration", "status": 422}])
add("a_persistent_500_is_an_internal_server_error", "errors", GET, err("InternalServerError", status=500, attempts=3),
    faults=[{"operation": "get_integration", "status": 500, "times": None}], journal=j(*[("get_integration", 500)] * 3))
add("an_error_message_is_read_from_error_message", "errors", GET,
    err("BadRequestError", status=400, messageContains="deep reason"),
    faults=[{"operation": "get_integration", "status": 400, "body": "{\"error\": {\"message\": \"deep reason\"}}"}])

# ---- retry rules --------------------------------------------------------------------------
for status in (408, 429, 500, 502, 503, 504):
    add(f"get_is_retried_after_{status}", "retries", GET, ok({"name": "Fixture"}, attempts=2),
        faults=[{"operation": "get_integration", "status": status}], journal=j(("get_integration", status), ("get_integration", 200)))
for status, cls in ((400, "BadRequestError"), (401, "AuthenticationError"), (403, "PermissionDeniedError"),
                    (404, "NotFoundError"), (409, "ConflictError"), (413, "APIError")):
    add(f"update_is_not_retried_after_{status}", "retries",
        {"op": "actions.update", "args": {"integrationId": "$integration", "actionId": "$action", "body": {"name": "Existing"}}},
        err(cls, status=status), faults=[{"operation": "update_action", "status": status}], journal=j(("update_action", status)))
add("retry_after_in_seconds_is_honoured", "retries", GET, ok(attempts=2),
    faults=[{"operation": "get_integration", "status": 429, "headers": {"Retry-After": "0.05"}}])
add("retry_after_as_an_http_date_is_honoured", "retries", GET, ok(attempts=2),
    faults=[{"operation": "get_integration", "status": 503, "headers": {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}}])
add("retry_after_over_the_cap_fails_at_once", "retries", GET,
    err("RateLimitError", status=429, retryAfter=61, messageContains="61 s"),
    faults=[{"operation": "get_integration", "status": 429, "headers": {"Retry-After": "61"}}], journal=j(("get_integration", 429)))
add("retries_stop_after_max_retries", "retries", LIST, err("InternalServerError", status=503, attempts=3),
    faults=[{"operation": "list_integrations", "status": 503, "times": None}], journal=j(*[("list_integrations", 503)] * 3))
add("max_retries_zero_makes_one_attempt", "retries", LIST, err("InternalServerError", status=503, attempts=1),
    faults=[{"operation": "list_integrations", "status": 503, "times": None}], client={"maxRetries": 0})
# Timeouts leave room for a loaded machine: an answer without latency must arrive well within them, or a
# slow test machine makes an extra attempt and the scenario flakes.
add("a_timeout_is_retried", "retries", GET, ok({"name": "Fixture"}, attempts=2),
    faults=[{"operation": "get_integration", "latencyMs": 8000}], client={"timeoutMs": 2000},
    journal=j(("get_integration", 200), ("get_integration", 200)))
add("the_deadline_bounds_the_whole_call", "retries", GET, err("APITimeoutError", attempts=1, messageContains="deadline"),
    faults=[{"operation": "get_integration", "latencyMs": 3000, "times": None}], client={"timeoutMs": 10000, "deadlineMs": 400, "maxRetries": 5})
add("a_wait_past_the_deadline_is_not_slept", "retries", GET,
    err("InternalServerError", status=503, retryAfter=30, messageContains="deadline"),
    faults=[{"operation": "get_integration", "status": 503, "headers": {"Retry-After": "30"}}], client={"deadlineMs": 10000})
add("a_connection_dropped_before_the_body_is_retried", "retries", GET, ok(attempts=2),
    faults=[{"operation": "get_integration", "drop": "before_body"}], journal=j(("get_integration", None), ("get_integration", 200)))
add("a_truncated_answer_is_retried", "retries", GET, ok({"name": "Fixture"}, attempts=2),
    faults=[{"operation": "get_integration", "truncate": True}])
add("an_update_dropped_after_the_body_is_retried", "retries",
    {"op": "actions.update", "args": {"integrationId": "$integration", "actionId": "$action", "body": {"name": "Again"}}},
    ok({"name": "Again"}, attempts=2), faults=[{"operation": "update_action", "drop": "after_body"}],
    journal=j(("update_action", None), ("update_action", 200)))
add("the_retry_budget_stops_retry_storms", "retries", LIST,
    err("InternalServerError", status=500, attempts=1, messageContains="budget"), repeat=51,
    faults=[{"operation": "list_integrations", "status": 500, "times": None}],
    doc="A full budget of 500 tokens pays 100 retries of 5: 50 calls of 3 attempts, then the 51st is not retried.")
add("integration_create_is_not_retried_after_an_applied_500", "retries", CREATE_INTEGRATION,
    err("InternalServerError", status=500, maybeCreated=True, messageContains="may have been created"),
    faults=[{"operation": "create_integration", "status": 500, "apply": True}], journal=j(("create_integration", 500)))
add("integration_create_is_not_retried_after_a_drop", "retries", CREATE_INTEGRATION,
    err("APIConnectionError", maybeCreated=True), faults=[{"operation": "create_integration", "drop": "after_body"}],
    journal=j(("create_integration", None)))
add("integration_create_is_not_retried_after_a_timeout", "retries", CREATE_INTEGRATION,
    err("APITimeoutError", maybeCreated=True), faults=[{"operation": "create_integration", "latencyMs": 8000}],
    client={"timeoutMs": 2000}, journal=j(("create_integration", 201)))
add("integration_create_is_not_retried_after_a_503_without_retry_after", "retries", CREATE_INTEGRATION,
    err("InternalServerError", status=503, maybeCreated=True), faults=[{"operation": "create_integration", "status": 503}])
add("integration_create_is_retried_after_429", "retries", CREATE_INTEGRATION, ok({"name": "Created"}, attempts=2),
    faults=[{"operation": "create_integration", "status": 429}], journal=j(("create_integration", 429), ("create_integration", 201)))
add("integration_create_is_retried_after_503_with_retry_after", "retries", CREATE_INTEGRATION, ok(attempts=2),
    faults=[{"operation": "create_integration", "status": 503, "headers": {"Retry-After": "0"}}])
add("action_create_after_a_drop_resolves_the_409", "retries", CREATE_ACTION,
    ok({"name": "Fresh", "code": "return 2;"}, attempts=3), faults=[{"operation": "create_action", "drop": "after_body"}],
    journal=j(("create_action", None), ("create_action", 409), ("get_integration", 200)))
add("action_create_after_an_applied_500_resolves_the_409", "retries", CREATE_ACTION, ok({"name": "Fresh"}, attempts=3),
    faults=[{"operation": "create_action", "status": 500, "apply": True}],
    journal=j(("create_action", 500), ("create_action", 409), ("get_integration", 200)))
add("action_create_after_a_truncated_answer_resolves_the_409", "retries", CREATE_ACTION, ok({"name": "Fresh"}, attempts=3),
    faults=[{"operation": "create_action", "truncate": True}])
add("action_create_after_an_unapplied_502_just_retries", "retries", CREATE_ACTION, ok({"name": "Fresh"}, attempts=2),
    faults=[{"operation": "create_action", "status": 502}], journal=j(("create_action", 502), ("create_action", 201)))
add("a_409_stands_when_the_existing_action_differs", "retries",
    {"op": "actions.create", "args": {"integrationId": "$integration", "body": {"name": "Existing", "code": "return 2;"}}},
    err("ConflictError", status=409, attempts=3), faults=[{"operation": "create_action", "status": 500}],
    journal=j(("create_action", 500), ("create_action", 409), ("get_integration", 200)))
add("trigger_create_after_a_drop_resolves_the_409", "retries",
    {"op": "triggers.create", "args": {"integrationId": "$integration", "body": {"name": "Fresh trigger"}}},
    ok({"name": "Fresh trigger"}, attempts=3), faults=[{"operation": "create_trigger", "drop": "after_body"}])
add("delete_action_after_a_drop_meets_404_and_succeeds", "retries",
    {"op": "actions.delete", "args": {"integrationId": "$integration", "actionId": "$action"}},
    ok({"id": "$action", "message": "Action deleted"}, attempts=2), faults=[{"operation": "delete_action", "drop": "after_body"}],
    journal=j(("delete_action", None), ("delete_action", 404)))
add("delete_trigger_after_an_applied_500_meets_404_and_succeeds", "retries",
    {"op": "triggers.delete", "args": {"integrationId": "$integration", "triggerId": "$trigger"}},
    ok({"id": "$trigger"}, attempts=2), faults=[{"operation": "delete_trigger", "status": 500, "apply": True}],
    journal=j(("delete_trigger", 500), ("delete_trigger", 404)))
add("a_plain_404_on_delete_is_not_found", "retries",
    {"op": "actions.delete", "args": {"integrationId": "$integration", "actionId": "$unknown"}},
    err("NotFoundError", status=404), journal=j(("delete_action", 404)))

# ---- client-side validation ---------------------------------------------------------------
def invalid(name, call, paths, doc=""):
    add(name, "validation", call, err("ValidationError", attempts=0, violations=paths), journal=[], doc=doc)


invalid("integration_name_over_40_is_refused", {"op": "integrations.create", "args": {"body": {"name": rep("x", 41)}}}, ["name"])
add("integration_name_of_20_emoji_is_40_units_and_allowed", "validation",
    {"op": "integrations.create", "args": {"body": {"name": rep("😀", 20)}}}, ok({"name": rep("😀", 20)}))
invalid("integration_name_of_21_emoji_is_42_units", {"op": "integrations.create", "args": {"body": {"name": rep("😀", 21)}}}, ["name"],
        doc="An emoji outside the BMP is two UTF-16 code units, as JavaScript counts.")
add("combining_marks_count_as_their_own_units_allowed", "validation",
    {"op": "integrations.create", "args": {"body": {"name": rep("e\u0301", 20)}}}, ok())
invalid("combining_marks_count_as_their_own_units_refused",
        {"op": "integrations.create", "args": {"body": {"name": rep("e\u0301", 21)}}}, ["name"])
invalid("blank_integration_name_is_refused", {"op": "integrations.create", "args": {"body": {"name": "   "}}}, ["name"])
invalid("control_characters_in_a_name_are_refused", {"op": "integrations.create", "args": {"body": {"name": "a\nb"}}}, ["name"])
invalid("every_violation_is_listed_at_once",
        {"op": "integrations.create", "args": {"body": {"name": rep("x", 41), "description": rep("d", 91)}}}, ["name", "description"])
invalid("an_empty_update_is_refused", {"op": "integrations.update", "args": {"integrationId": "$integration", "body": {}}}, [""])
invalid("a_color_must_be_hex", {"op": "integrations.update", "args": {"integrationId": "$integration", "body": {"color": "blue"}}}, ["color"])
invalid("auth_slugs_are_unique_and_oauth_needs_an_oauth_type",
        {"op": "integrations.updateAuth", "args": {"integrationId": "$integration", "body": {
            "authType": "API_KEY", "authFields": [{"slug": "k", "label": "K", "type": "TEXT"}, {"slug": "k", "label": "K2", "type": "TEXT"}],
            "oauthClient": {"clientId": "x"}}}},
        ["authFields[1].slug", "oauthClient"])
invalid("auth_test_code_over_1000_is_refused",
        {"op": "integrations.updateAuth", "args": {"integrationId": "$integration", "body": {"authType": "API_KEY", "authTestCode": rep("x", 1001)}}},
        ["authTestCode"])
invalid("action_limits", {"op": "actions.create", "args": {"integrationId": "$integration", "body": {
    "name": "", "code": rep("c", 40001), "inputFields": [{"label": rep("l", 101)}]}}}, ["name", "code", "inputFields[0].label"])
invalid("action_field_types_must_be_known", {"op": "actions.create", "args": {"integrationId": "$integration", "body": {
    "name": "a", "inputFields": [{"label": "f", "type": "COLOR"}]}}}, ["inputFields[0].type"])
invalid("trigger_limits_and_types", {"op": "triggers.create", "args": {"integrationId": "$integration", "body": {
    "name": "t", "description": rep("d", 91), "pollingCode": rep("p", 1001), "inputFields": [{"label": "f", "type": "FILE"}]}}},
    ["description", "pollingCode", "inputFields[0].type"])
invalid("trigger_fields_take_no_context_action", {"op": "triggers.create", "args": {"integrationId": "$integration", "body": {
    "name": "t", "inputFields": [{"label": "f", "contextActionId": "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11"}]}}},
    ["inputFields[0].contextActionId"])
invalid("malformed_ids_are_refused_before_sending", {"op": "integrations.get", "args": {"integrationId": "not-a-uuid"}}, ["integrationId"])
invalid("an_icon_must_be_an_image", {"op": "integrations.setIcon", "args": {"integrationId": "$integration", "imageBase64": "R0lGODlhAQABAAAAACw="}}, ["icon"])

# ---- unknown fields and enum values from a newer server -----------------------------------
add("unknown_fields_and_enum_values_are_kept", "compatibility", LIST,
    ok([{"id": "7d0c6c1e-1b7e-4d8a-9d59-7b3c2c1d0e9f", "authType": "PASSKEY", "tier": "gold"}]),
    faults=[{"operation": "list_integrations", "body": json.dumps({"integrations": [{
        "id": "7d0c6c1e-1b7e-4d8a-9d59-7b3c2c1d0e9f", "name": "Future", "description": None, "authType": "PASSKEY",
        "buildByLangdock": False, "actions": [], "tier": "gold"}], "nextPage": None})}])
add("unknown_input_field_types_are_kept", "compatibility", GET,
    ok({"actions": [{"inputFields": [{"label": "Shade", "type": "COLOR"}]}]}),
    faults=[{"operation": "get_integration", "body": json.dumps({"integration": {
        "id": "7d0c6c1e-1b7e-4d8a-9d59-7b3c2c1d0e9f", "name": "Future", "authType": "API_KEY", "authFields": [],
        "actions": [{"id": "8d0c6c1e-1b7e-4d8a-9d59-7b3c2c1d0e9f", "name": "Paint", "inputFields": [{"label": "Shade", "type": "COLOR"}]}],
        "triggers": []}})}])

# ---- malformed server answers -------------------------------------------------------------
add("invalid_json_is_an_api_error", "malformed", GET, err("APIError", status=200, messageContains="JSON"),
    faults=[{"operation": "get_integration", "body": "{not json"}])
add("an_html_page_is_an_api_error_that_says_so", "malformed", GET, err("APIError", status=200, messageContains="HTML"),
    faults=[{"operation": "get_integration", "body": "<html><body>Gateway</body></html>", "contentType": "text/html"}])
add("an_empty_body_is_an_api_error", "malformed", GET, err("APIError", status=200, messageContains="empty"),
    faults=[{"operation": "get_integration", "body": ""}])
add("the_wrong_shape_is_an_api_error", "malformed", LIST, err("APIError", status=200, messageContains="JSON"),
    faults=[{"operation": "list_integrations", "body": "{\"integrations\": \"nope\"}"}])
add("a_wrong_content_type_with_valid_json_is_accepted", "malformed", GET, ok({"name": "Fixture"}),
    faults=[{"operation": "get_integration", "contentType": "text/plain", "body": json.dumps({"integration": {
        "id": "7d0c6c1e-1b7e-4d8a-9d59-7b3c2c1d0e9f", "name": "Fixture"}})}])
add("an_html_error_page_is_read_as_an_internal_server_error", "malformed", LIST,
    err("InternalServerError", status=502, attempts=3, messageContains="HTML"),
    faults=[{"operation": "list_integrations", "status": 502, "times": None, "contentType": "text/html",
             "body": "<!doctype html><title>502 Bad Gateway</title>"}])
add("a_very_large_answer_is_read", "malformed", LIST, ok([{}, {}, {"name": "Fixture"}]),
    faults=[{"operation": "list_integrations", "padBytes": 8000000}], doc="8 MB of trailing whitespace: still valid JSON.")


# ---- a create the server performed is never misreported ----------------------------------
# A 2xx answer to a create means it took effect, even when its body cannot be read; an answer that proves
# nothing was applied (a 3xx, a 4xx other than 409) never says "may have been created".
OVERSIZED = 64 * 1024 * 1024 + 1  # one byte over the client's cap: refused from its Content-Length, unread
UNREADABLE = (
    ("invalid_json", {"body": "{not json"}, "JSON"),
    ("the_wrong_shape", {"body": "{\"created\": true}"}, "JSON"),
    ("an_oversized_body", {"padBytes": OVERSIZED}, "64 MiB"),
)
CREATE_TRIGGER = {"op": "triggers.create", "args": {"integrationId": "$integration", "body": {"name": "Fresh trigger"}}}
for case, answer, said in UNREADABLE:
    # padBytes pads the real 201; a raw body replaces it (status 201, applied first).
    fault = answer if "padBytes" in answer else {"status": 201, "apply": True, **answer}
    add(f"integration_create_answered_201_with_{case}_may_have_been_created", "creates", CREATE_INTEGRATION,
        err("APIError", status=201, maybeCreated=True, messageContains=said),
        faults=[{"operation": "create_integration", **fault}], journal=j(("create_integration", 201)))
    add(f"action_create_answered_201_with_{case}_reads_the_action_back", "creates", CREATE_ACTION,
        ok({"id": "$uuid", "name": "Fresh", "code": "return 2;", "slug": "fresh"}, attempts=2),
        faults=[{"operation": "create_action", **fault}], journal=j(("create_action", 201), ("get_integration", 200)))
    if "padBytes" in fault:
        continue  # the trigger takes the action's path; each oversized answer costs the emulator 64 MiB
    add(f"trigger_create_answered_201_with_{case}_reads_the_trigger_back", "creates", CREATE_TRIGGER,
        ok({"id": "$uuid", "name": "Fresh trigger", "slug": "fresh_trigger"}, attempts=2),
        faults=[{"operation": "create_trigger", **fault}], journal=j(("create_trigger", 201), ("get_integration", 200)))
add("action_create_answered_201_but_not_found_may_have_been_created", "creates", CREATE_ACTION,
    err("APIError", status=201, attempts=2, maybeCreated=True, messageContains="did not find it"),
    faults=[{"operation": "create_action", "status": 201, "body": "{not json"}],
    journal=j(("create_action", 201), ("get_integration", 200)),
    doc="The injected 201 is not applied, so reading the integration back cannot find the action.")
add("trigger_create_answered_201_but_not_found_may_have_been_created", "creates", CREATE_TRIGGER,
    err("APIError", status=201, attempts=2, maybeCreated=True, messageContains="did not find it"),
    faults=[{"operation": "create_trigger", "status": 201, "body": "{not json"}],
    journal=j(("create_trigger", 201), ("get_integration", 200)))
add("action_create_answered_201_whose_read_back_fails_may_have_been_created", "creates", CREATE_ACTION,
    err("APIError", status=201, attempts=2, maybeCreated=True, messageContains="reading it back failed"),
    faults=[{"operation": "create_action", "status": 201, "apply": True, "body": "{not json"},
            {"operation": "get_integration", "status": 404}],
    journal=j(("create_action", 201), ("get_integration", 404)))
add("integration_create_refused_403_is_not_maybe_created", "creates", CREATE_INTEGRATION,
    err("PermissionDeniedError", status=403, maybeCreated=False, messageExcludes="may have been created"),
    setup={"keys": [{"key": "sk-ld-assistant-only", "scopes": ["ASSISTANT_API"]}]}, client={"apiKey": "sk-ld-assistant-only"},
    journal=j(("create_integration", 403)), doc="A key without the INTEGRATION_API scope: nothing was created.")
add("integration_create_refused_400_is_not_maybe_created", "creates",
    {"op": "integrations.create", "args": {"body": {"name": rep("x", 41)}}},
    err("BadRequestError", status=400, maybeCreated=False, messageExcludes="may have been created"),
    client={"validation": False}, journal=j(("create_integration", 400)))

# ---- redirects and the size cap -----------------------------------------------------------
# Same-origin 307/308 keep method and body, 301/302/303 are followed for GET only, at most 5 in a row; another
# origin is never followed (the key stays home). A followed redirect is part of its attempt.
add("a_same_origin_307_on_a_create_is_followed_with_its_body", "redirects", CREATE_INTEGRATION,
    ok({"name": "Created"}),
    faults=[{"operation": "create_integration", "status": 307, "headers": {"Location": "/integrations/v1/create"}}],
    journal=j(("create_integration", 307), ("create_integration", 201)))
add("a_same_origin_308_on_an_update_is_followed_with_its_body", "redirects",
    {"op": "actions.update", "args": {"integrationId": "$integration", "actionId": "$action", "body": {"name": "Moved"}}},
    ok({"id": "$action", "name": "Moved"}),
    faults=[{"operation": "update_action", "status": 308, "headers": {"Location": "?moved=1"}}],
    journal=j(("update_action", 308), ("update_action", 200)), doc="A relative Location: the same path, a query added.")
add("a_302_on_a_get_is_followed", "redirects", LIST, ok([{}, {}, {"name": "Fixture"}]),
    faults=[{"operation": "list_integrations", "status": 302, "headers": {"Location": "/integrations/v1/get"}}],
    journal=j(("list_integrations", 302), ("list_integrations", 200)))
add("a_303_on_a_create_is_not_followed_nor_maybe_created", "redirects", CREATE_INTEGRATION,
    err("APIError", status=303, maybeCreated=False, messageContains="GET only"),
    faults=[{"operation": "create_integration", "status": 303, "headers": {"Location": "/integrations/v1/create"}}],
    journal=j(("create_integration", 303)))
add("a_cross_origin_redirect_is_not_followed_and_the_key_stays", "redirects", CREATE_INTEGRATION,
    err("APIError", status=308, maybeCreated=False,
        messageContains="http://localhost:9/integrations/v1/create, another origin: not followed, and the API key was not sent"),
    faults=[{"operation": "create_integration", "status": 308, "headers": {"Location": "http://localhost:9/integrations/v1/create"}}],
    journal=j(("create_integration", 308)))
add("five_redirects_in_a_row_are_followed", "redirects", LIST, ok([{}, {}, {"name": "Fixture"}]),
    faults=[{"operation": "list_integrations", "status": 307, "times": 5, "headers": {"Location": "/integrations/v1/get"}}],
    journal=j(*[("list_integrations", 307)] * 5, ("list_integrations", 200)))
add("a_sixth_redirect_in_a_row_is_not_followed", "redirects", LIST,
    err("APIError", status=307, messageContains="5 redirects"),
    faults=[{"operation": "list_integrations", "status": 307, "times": 6, "headers": {"Location": "/integrations/v1/get"}}],
    journal=j(*[("list_integrations", 307)] * 6))
add("an_answer_over_64_mib_is_refused", "redirects", LIST, err("APIError", status=200, messageContains="64 MiB"),
    faults=[{"operation": "list_integrations", "padBytes": OVERSIZED}],
    doc="Its Content-Length is over the cap, so the client refuses it without reading the body.")

# ---- ids and URLs in canonical form -------------------------------------------------------
WELL_FORMED = "0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11"
invalid("a_uuid_without_hyphens_is_refused", {"op": "integrations.get", "args": {"integrationId": WELL_FORMED.replace("-", "")}},
        ["integrationId"])
invalid("a_braced_uuid_is_refused",
        {"op": "actions.delete", "args": {"integrationId": "$integration", "actionId": "{" + WELL_FORMED + "}"}}, ["actionId"])
invalid("every_malformed_path_id_is_listed",
        {"op": "triggers.update", "args": {"integrationId": "urn:uuid:" + WELL_FORMED, "triggerId": WELL_FORMED.upper().replace("-", ""),
                                           "body": {"name": "t"}}}, ["integrationId", "triggerId"])
invalid("a_context_action_id_must_be_a_canonical_uuid", {"op": "actions.create", "args": {"integrationId": "$integration", "body": {
    "name": "a", "inputFields": [{"label": "f", "type": "SELECT", "contextActionId": WELL_FORMED.replace("-", "")}]}}},
    ["inputFields[0].contextActionId"])
invalid("an_icon_url_with_a_space_is_refused", {"op": "integrations.update", "args": {"integrationId": "$integration", "body": {
    "iconUrl": "https://cdn.example.com/my icon.png"}}}, ["iconUrl"])
invalid("a_relative_icon_url_is_refused", {"op": "integrations.update", "args": {"integrationId": "$integration", "body": {
    "iconUrl": "/icons/weather.png"}}}, ["iconUrl"])
add("an_icon_url_with_an_internationalised_host_is_allowed", "validation",
    {"op": "integrations.update", "args": {"integrationId": "$integration", "body": {"iconUrl": "https://bücher.example/ikone.png"}}},
    ok({"id": "$integration"}), journal=j(("update_integration", 200)))


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    names = set()
    for index, scenario in enumerate(SCENARIOS, 1):
        assert scenario["name"] not in names, scenario["name"]
        names.add(scenario["name"])
        path = OUT / f"{index:03d}-{scenario['name']}.json"
        path.write_text(json.dumps(scenario, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    areas = {}
    for scenario in SCENARIOS:
        areas[scenario["area"]] = areas.get(scenario["area"], 0) + 1
    print(f"{len(SCENARIOS)} scenarios: " + ", ".join(f"{area} {count}" for area, count in areas.items()))


if __name__ == "__main__":
    main()
