"""Real TLS against the emulator's HTTPS mode (``Emulator(tls=True)``, a CA generated for each run): a client given
that CA (``ca_pem``, ``ca_bundle`` or ``LANGDOCK_CA_BUNDLE``) calls it; a client without it fails at once with an
``APIConnectionError`` that says the server's certificate is not trusted and what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

import langdock
from langdock.testing import Emulator

from .conftest import FAST


@pytest.fixture
def https() -> Iterator[Emulator]:
    with Emulator(tls=True) as emulator:
        yield emulator


@pytest.fixture
def bundle(https: Emulator, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    assert https.ca_pem is not None
    path.write_text(https.ca_pem)
    return path


@pytest.fixture(autouse=True)
def no_ca_bundle_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGDOCK_CA_BUNDLE", raising=False)


def test_the_https_emulator_has_an_https_url_and_a_ca_and_a_plain_one_has_neither(https: Emulator) -> None:
    assert https.base_url.startswith("https://127.0.0.1:"), https.base_url
    assert https.ca_pem is not None and https.ca_pem.startswith("-----BEGIN CERTIFICATE-----")
    with Emulator() as plain:
        assert plain.base_url.startswith("http://") and plain.ca_pem is None


def test_a_client_given_the_ca_as_pem_calls_the_https_emulator(https: Emulator) -> None:
    with langdock.Client(base_url=https.base_url, api_key=https.api_key, ca_pem=https.ca_pem) as client:
        assert len(client.integrations.list()) == 2
        created = client.integrations.create(name="Over TLS")
        assert client.integrations.get(created.id).name == "Over TLS"
    with https.client() as client:
        assert len(client.integrations.list()) == 3, "the helper's client trusts the emulator's CA"


def test_a_client_given_a_ca_bundle_file_calls_the_https_emulator(https: Emulator, bundle: Path) -> None:
    with langdock.Client(base_url=https.base_url, api_key=https.api_key, ca_bundle=bundle) as client:
        assert len(client.integrations.list()) == 2


def test_the_ca_bundle_variable_makes_the_https_emulator_trusted(
    https: Emulator, bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGDOCK_CA_BUNDLE", str(bundle))
    with langdock.Client(base_url=https.base_url, api_key=https.api_key) as client:
        assert len(client.integrations.list()) == 2


@pytest.mark.asyncio
async def test_an_async_client_given_the_ca_calls_the_https_emulator(https: Emulator) -> None:
    async with langdock.AsyncClient(base_url=https.base_url, api_key=https.api_key, ca_pem=https.ca_pem) as client:
        assert len(await client.integrations.list()) == 2


def check_untrusted(error: langdock.APIConnectionError, https: Emulator) -> None:
    assert type(error) is langdock.APIConnectionError, repr(error)
    assert "the server's certificate is not trusted" in error.message, error.message
    assert "LANGDOCK_CA_BUNDLE" in error.message and "ca_pem" in error.message, "it says what to do"
    assert error.attempts == 1, "the same certificate would be refused again: not retried"
    assert https.journal() == [], "nothing got past the handshake"


def test_without_the_ca_a_call_fails_at_once_saying_the_certificate_is_not_trusted(https: Emulator) -> None:
    with langdock.Client(base_url=https.base_url, api_key=https.api_key, max_retries=3, backoff=FAST) as client:
        with pytest.raises(langdock.APIConnectionError) as raised:
            client.integrations.list()
        check_untrusted(raised.value, https)
        with pytest.raises(langdock.APIConnectionError) as raised:
            client.integrations.create(name="Never sent")
        assert raised.value.maybe_created is False


@pytest.mark.asyncio
async def test_without_the_ca_an_async_call_fails_saying_the_certificate_is_not_trusted(https: Emulator) -> None:
    async with langdock.AsyncClient(base_url=https.base_url, api_key=https.api_key, backoff=FAST) as client:
        with pytest.raises(langdock.APIConnectionError) as raised:
            await client.integrations.list()
        check_untrusted(raised.value, https)
