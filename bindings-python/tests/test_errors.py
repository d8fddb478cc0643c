"""Every error class of the taxonomy, raised by real failures (the emulator's answers and faults, a
closed port, a bad configuration), with its details, its cause chain, and pickling."""

from __future__ import annotations

import pickle
from typing import Type

import pytest

import langdock
from langdock.testing import Emulator

from .conftest import FAST

MISSING = "00000000-0000-4000-8000-000000000000"


def roundtrip(error: langdock.LangdockError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (copy.message, copy.status, copy.request_id, copy.attempts, copy.code, copy.headers) == (
        error.message,
        error.status,
        error.request_id,
        error.attempts,
        error.code,
        error.headers,
    )
    assert copy.violations == error.violations and copy.retry_after == error.retry_after


def check(error: pytest.ExceptionInfo[langdock.LangdockError], cls: Type[langdock.LangdockError], code: str) -> None:
    assert type(error.value) is cls
    assert isinstance(error.value, langdock.LangdockError)
    assert error.value.code == code
    roundtrip(error.value)


def test_not_found_404(client: langdock.Client) -> None:
    with pytest.raises(langdock.APIError) as error:
        client.integrations.get(MISSING)
    check(error, langdock.NotFoundError, "not_found")
    assert error.value.status == 404 and error.value.attempts == 1
    assert error.value.request_id == error.value.headers["x-request-id"]
    assert error.value.body and "not found" in error.value.body
    assert MISSING in str(error.value)


def test_bad_request_400_from_the_server_when_validation_is_off(emulator: Emulator) -> None:
    client = emulator.client(validation=False)
    with pytest.raises(langdock.BadRequestError) as error:
        client.integrations.create(name="x" * 41)
    check(error, langdock.BadRequestError, "bad_request")
    assert error.value.status == 400


def test_authentication_401(emulator: Emulator) -> None:
    client = emulator.client(api_key="sk-ld-wrong-key")
    with pytest.raises(langdock.AuthenticationError) as error:
        client.integrations.list()
    check(error, langdock.AuthenticationError, "authentication")
    assert "sk-ld-wrong-key" not in repr(error.value) + str(error.value) + str(error.value.body)


def test_permission_denied_403(emulator: Emulator, client: langdock.Client) -> None:
    emulator.add_key("sk-ld-assistant", ["ASSISTANT_API"])
    assistant = emulator.client(api_key="sk-ld-assistant")
    assert len(assistant.integrations.list()) == 2
    with pytest.raises(langdock.PermissionDeniedError) as error:
        assistant.integrations.create(name="Nope")
    check(error, langdock.PermissionDeniedError, "permission_denied")
    built_in = client.integrations.list()[0].id
    with pytest.raises(langdock.PermissionDeniedError):
        client.integrations.update(built_in, name="Mine now")


def test_conflict_409_on_a_duplicate_name(client: langdock.Client, integration_id: str) -> None:
    client.actions.create(integration_id, name="Twice")
    with pytest.raises(langdock.ConflictError) as error:
        client.actions.create(integration_id, name="Twice", code="return 2;")
    check(error, langdock.ConflictError, "conflict")
    assert error.value.attempts == 1


def test_rate_limit_429_with_a_long_retry_after_fails_at_once(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("list_integrations", status=429, headers={"Retry-After": "120"})
    with pytest.raises(langdock.RateLimitError) as error:
        client.integrations.list()
    check(error, langdock.RateLimitError, "rate_limit")
    assert error.value.retry_after == 120.0
    assert error.value.attempts == 1


def test_internal_server_error_after_the_retries(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("get_integration", status=500, times=0)
    with pytest.raises(langdock.InternalServerError) as error:
        client.integrations.get(MISSING, max_retries=1)
    check(error, langdock.InternalServerError, "internal_server")
    assert error.value.attempts == 2
    assert len(emulator.journal("get_integration")) == 2


def test_other_statuses_are_api_errors(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("list_integrations", status=418, body='{"message": "teapot"}')
    with pytest.raises(langdock.APIError) as error:
        client.integrations.list()
    check(error, langdock.APIError, "api_error")
    assert error.value.status == 418 and error.value.body == '{"message": "teapot"}'


def test_connection_error_chains_the_rust_cause() -> None:
    with Emulator() as gone:
        url = gone.base_url
    client = langdock.Client(api_key="k", base_url=url, max_retries=0)
    with pytest.raises(langdock.APIConnectionError) as error:
        client.integrations.list()
    check(error, langdock.APIConnectionError, "connection")
    assert error.value.status is None and error.value.attempts == 1
    cause = error.value.__cause__
    assert isinstance(cause, langdock.RustError) and str(cause)


def test_timeout_is_a_connection_error(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("list_integrations", latency_ms=5000)
    with pytest.raises(langdock.APIConnectionError) as error:
        client.integrations.list(timeout=0.2, max_retries=0)
    check(error, langdock.APITimeoutError, "timeout")


def test_validation_lists_every_violation_and_sends_nothing(client: langdock.Client, emulator: Emulator) -> None:
    with pytest.raises(langdock.ValidationError) as error:
        client.integrations.create(name="", description="d" * 91)
    check(error, langdock.ValidationError, "validation")
    paths = [v.path for v in error.value.violations]
    assert paths == ["name", "description"], paths
    assert error.value.attempts == 0
    assert emulator.journal() == []
    assert all(isinstance(v, langdock.Violation) for v in error.value.violations)


def test_a_request_of_the_wrong_shape_is_a_validation_error(client: langdock.Client) -> None:
    with pytest.raises(langdock.ValidationError) as error:
        client.integrations.create({"name": 5})
    assert error.value.violations[0].path == "body"
    with pytest.raises(langdock.ValidationError):
        langdock.ActionInput(description="no name")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        client.integrations.create({"name": object()})


def test_configuration_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(langdock.ConfigurationError) as error:
        langdock.Client(api_key="k", base_url="http://api.example.com")
    check(error, langdock.ConfigurationError, "configuration")
    assert "clear text" in str(error.value)
    monkeypatch.delenv("LANGDOCK_API_KEY", raising=False)
    with pytest.raises(langdock.ConfigurationError) as error:
        langdock.Client(base_url="http://127.0.0.1:1")
    assert "LANGDOCK_API_KEY" in str(error.value)
    # SDK.md: a negative duration is a ConfigurationError in every language (it was a ValueError here).
    with pytest.raises(langdock.ConfigurationError):
        langdock.Client(api_key="k", timeout=-1.0)


def test_an_ambiguous_integration_create_says_maybe_created(client: langdock.Client, emulator: Emulator) -> None:
    emulator.inject("create_integration", status=500, apply=True)
    with pytest.raises(langdock.InternalServerError) as error:
        client.integrations.create(name="Maybe")
    assert error.value.maybe_created is True
    assert error.value.attempts == 1, "an ambiguous integration create is never retried"
    roundtrip(error.value)
    assert pickle.loads(pickle.dumps(error.value)).maybe_created is True


def test_families_catch_by_base_class() -> None:
    assert issubclass(langdock.APITimeoutError, langdock.APIConnectionError)
    for cls in (
        langdock.BadRequestError,
        langdock.AuthenticationError,
        langdock.PermissionDeniedError,
        langdock.NotFoundError,
        langdock.ConflictError,
        langdock.RateLimitError,
        langdock.InternalServerError,
    ):
        assert issubclass(cls, langdock.APIError)
    for family in (langdock.APIError, langdock.APIConnectionError, langdock.ValidationError, langdock.ConfigurationError):
        assert issubclass(family, langdock.LangdockError)
    assert not issubclass(langdock.ValidationError, langdock.APIError)


def test_errors_can_be_raised_by_user_code() -> None:
    error = langdock.RateLimitError("slow down", status=429, retry_after=2.0, attempts=3)
    assert (error.code, error.retry_after, error.attempts, str(error)) == ("rate_limit", 2.0, 3, "slow down")
    roundtrip(error)
