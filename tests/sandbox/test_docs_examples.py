"""The docs' own Python examples, run verbatim against the sandbox over real HTTP.

Each snippet below is copied from the Pivotal developer docs (the docs' line
numbers beside each; the docs' copy lost its indentation, which is restored here) and
changed only where it must be to reach the sandbox: the production base URL becomes the
sandbox's, the empty `"Bearer "` of the SDK samples gets the sandbox key (the guides
read `PIVOTAL_API_KEY` from the environment, which the tests set), and the sample ids
(`42`, `12`, `17`, `cust_1234567890`, the Quickstart's `245`) become ids of real rows.
The SDK samples send `json={}` even on GET and DELETE; that is kept, because real users
copy them as they are.

Two Quickstart steps exist only as curl; they are turned into `requests` calls with the
same URL, headers and body. `test_snippets_are_still_verbatim` compares every copied
snippet with the docs when the docs are beside the repository, so a copy cannot drift.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

requests = pytest.importorskip("requests")
jsonschema_rs = pytest.importorskip("jsonschema_rs")

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT.parent / "shared" / "seeds" / "000_ce78e87427384208.txt"
OPENAPI = ROOT / "src" / "pivotal_cli" / "domain" / "openapi.json"
DOCS_BASE = "https://my.pivotal.app/api/v1"

# --------------------------------------------------------------------- the snippets

# Quickstart, "2. Confirm the key works" (L77-82).
QUICKSTART_ME = """\
import os, requests
res = requests.get(
    "https://my.pivotal.app/api/v1/me",
    headers={"Authorization": f"Bearer {os.environ['PIVOTAL_API_KEY']}"},
)
print(res.json())
"""

# Quickstart, "3. Create a customer" (L133-146).
QUICKSTART_CREATE_CUSTOMER = """\
res = requests.post(
    "https://my.pivotal.app/api/v1/customers",
    headers={
        "Authorization": f"Bearer {os.environ['PIVOTAL_API_KEY']}",
        "Content-Type": "application/json",
    },
    json={
        "name": "Aurora Outfitters",
        "slug": "aurora",
        "domain": "aurora.com",
        "status": "onboarding",
    },
)
customer = res.json()
"""

# Quickstart, "4. Attach a primary contact" (curl, L176-184), as requests.
QUICKSTART_CREATE_CONTACT = """\
res = requests.post(
    "https://my.pivotal.app/api/v1/customers/245/contacts",
    headers={
        "Authorization": f"Bearer {os.environ['PIVOTAL_API_KEY']}",
        "Content-Type": "application/json",
    },
    json={
        "name": "Mira Chen",
        "email": "mira@aurora.com",
        "title": "Head of Ops",
        "is_primary": True,
    },
)
contact = res.json()
"""

# Quickstart, "5. Open an onboarding" (curl, L189-197), as requests.
QUICKSTART_CREATE_ONBOARDING = """\
res = requests.post(
    "https://my.pivotal.app/api/v1/onboardings",
    headers={
        "Authorization": f"Bearer {os.environ['PIVOTAL_API_KEY']}",
        "Content-Type": "application/json",
    },
    json={
        "customer_id": "245",
        "phase": "before_getting_started",
        "state": "active",
        "target_launch_date": "2026-07-15T00:00:00Z",
    },
)
onboarding = res.json()
"""

# Pagination, "Walking a list end to end", Python (L476-492).
WALK_CUSTOMERS = """\
def walk_customers():
    cursor = None
    while True:
        params = {"limit": 100}
        if cursor:
            params["cursor"] = cursor
        res = requests.get(
            "https://my.pivotal.app/api/v1/customers",
            params=params,
            headers={"Authorization": f"Bearer {os.environ['PIVOTAL_API_KEY']}"},
        )
        page = res.json()
        for c in page["data"]:
            yield c
        if not page["has_more"]:
            return
        cursor = page["next_cursor"]
"""


def sdk_sample(method: str, path: str, payload: str = "payload = {}") -> str:
    """The docs' SDK Code Example for Python; all eighteen share this exact layout."""
    if method == "get" and path == "/health":
        headers = 'headers = {"Content-Type": "application/json"}'
    else:
        headers = (
            "headers = {\n"
            '    "Authorization": "Bearer ",\n'
            '    "Content-Type": "application/json"\n'
            "}"
        )
    return (
        "import requests\n"
        f'url = "https://my.pivotal.app/api/v1{path}"\n'
        f"{payload}\n"
        f"{headers}\n"
        f"response = requests.{method}(url, json=payload, headers=headers)\n"
        "print(response.json())\n"
    )


# operationId -> (docs line of the snippet's first line, snippet, expected status).
SDK_SAMPLES: dict[str, tuple[int, str, int]] = {
    "get-me": (1278, sdk_sample("get", "/me"), 200),
    "get-health": (1441, sdk_sample("get", "/health"), 200),
    "list-customers": (1777, sdk_sample("get", "/customers"), 200),
    "create-customer": (
        2125,
        sdk_sample("post", "/customers", 'payload = { "name": "Bright Future Tech" }'),
        201,
    ),
    "get-customer": (2430, sdk_sample("get", "/customers/42"), 200),
    "delete-customer": (2671, sdk_sample("delete", "/customers/42"), 200),
    "update-customer": (3027, sdk_sample("patch", "/customers/42"), 200),
    "list-customer-contacts": (3312, sdk_sample("get", "/customers/42/contacts"), 200),
    "create-customer-contact": (
        3617,
        sdk_sample(
            "post",
            "/customers/42/contacts",
            "payload = {\n"
            '    "name": "Alice Johnson",\n'
            '    "email": "alice.johnson@example.com"\n'
            "}",
        ),
        201,
    ),
    "get-contact": (3891, sdk_sample("get", "/contacts/12"), 200),
    "delete-contact": (4130, sdk_sample("delete", "/contacts/12"), 200),
    "update-contact": (4432, sdk_sample("patch", "/contacts/12"), 200),
    "list-onboardings": (4838, sdk_sample("get", "/onboardings"), 200),
    "create-onboarding": (
        5249,
        sdk_sample("post", "/onboardings", 'payload = { "customer_id": "cust_1234567890" }'),
        201,
    ),
    "list-customer-onboardings": (5619, sdk_sample("get", "/customers/42/onboardings"), 200),
    "get-onboarding": (5959, sdk_sample("get", "/onboardings/17"), 200),
    "delete-onboarding": (6198, sdk_sample("delete", "/onboardings/17"), 200),
    "update-onboarding": (6623, sdk_sample("patch", "/onboardings/17"), 200),
}

# Snippets copied from Python blocks of the docs, with their first line there.
VERBATIM = {
    "QUICKSTART_ME": (77, QUICKSTART_ME),
    "QUICKSTART_CREATE_CUSTOMER": (133, QUICKSTART_CREATE_CUSTOMER),
    "WALK_CUSTOMERS": (476, WALK_CUSTOMERS),
    **{f"SDK {op}": (line, code) for op, (line, code, _) in SDK_SAMPLES.items()},
}

# ------------------------------------------------------------------------- helpers


def adapt(code: str, base_url: str, key: str, ids: dict[str, str] | None = None) -> str:
    """The snippet with only the URL, the key and the sample ids changed."""
    code = code.replace(DOCS_BASE, base_url.rstrip("/"))
    code = code.replace('"Bearer "', json.dumps(f"Bearer {key}"))
    for sample, real in (ids or {}).items():
        code = code.replace(sample, real)
    return code


def run(code: str, namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """Executes a snippet as the docs' reader would, returning its variables."""
    namespace = {} if namespace is None else namespace
    exec(compile(code, "<docs snippet>", "exec"), namespace)
    return namespace


def operation_schema(operation_id: str, status: int) -> Any:
    """A validator for the documented response body of one operation and status."""
    doc = json.loads(OPENAPI.read_text(encoding="utf-8"))
    for item in doc["paths"].values():
        for operation in item.values():
            if operation["operationId"] == operation_id:
                schema = operation["responses"][str(status)]["content"]["application/json"]
                root = {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    **schema["schema"],
                    "components": doc["components"],
                }
                return jsonschema_rs.validator_for(root, validate_formats=True)
    raise KeyError(operation_id)


def assert_documented(operation_id: str, response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    errors = [str(e) for e in operation_schema(operation_id, status).iter_errors(body)]
    assert errors == [], (operation_id, body)
    return body


class Api:
    """Plain setup calls (not from the docs) that make rows for the samples to use."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {key}"}

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        res = requests.request(method, self.base + path, headers=self.headers, timeout=10, **kwargs)
        assert res.status_code < 300, (method, path, res.status_code, res.text)
        return res.json()

    def customer(self, **fields: Any) -> dict[str, Any]:
        return self.call("POST", "/customers", json={"name": "Docs Sample Co", **fields})

    def contact(self, customer_id: str, email: str) -> dict[str, Any]:
        return self.call(
            "POST", f"/customers/{customer_id}/contacts", json={"name": "Sam", "email": email}
        )

    def onboarding(self, customer_id: str) -> dict[str, Any]:
        return self.call("POST", "/onboardings", json={"customer_id": customer_id})


# ------------------------------------------------------------------------ fixtures


def advance_clock(server: Any, by: str) -> None:
    """Moves the sandbox clock as `pivotal sandbox clock advance` does."""
    from pivotal_cli.sandbox import harness
    from pivotal_cli.sandbox.data.timeutil import parse_duration

    delta = parse_duration(by)
    assert delta is not None
    harness.advance(server.sandbox.store, delta, dispatcher=server.sandbox.webhooks)


# Every snippet runs twice: on real time, and with the sandbox clock moved two weeks on
# from its seed (the seeded rows, and any instant the snippets read back, then lie on
# either side of the move).
@pytest.fixture(scope="module", params=[None, "14d"], ids=["real-clock", "clock-14d"])
def server(request: pytest.FixtureRequest) -> Iterator[Any]:
    testing = pytest.importorskip("pivotal_cli.sandbox.adapters.testing")
    with testing.running_server(rate_limit="off") as running:
        if request.param:
            before = running.sandbox.clock()
            advance_clock(running, request.param)
            assert running.sandbox.clock() - before >= timedelta(days=14)
        yield running


@pytest.fixture
def key_env(server: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    # The guides read the key from the environment, as they tell readers to set it up.
    monkeypatch.setenv("PIVOTAL_API_KEY", server.live_key)
    return str(server.live_key)


# --------------------------------------------------------------------------- tests


def test_snippets_are_still_verbatim() -> None:
    if not DOCS.exists():
        pytest.skip(f"docs not found at {DOCS}")
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    for name, (first, code) in VERBATIM.items():
        ours = [line.strip() for line in code.strip().splitlines()]
        theirs = [line.strip() for line in lines[first - 1 : first - 1 + len(ours)]]
        assert ours == theirs, f"{name} differs from the docs at L{first}"


def test_quickstart_end_to_end(server: Any, key_env: str) -> None:
    """Quickstart steps 2-5 in one namespace, as a reader pastes them one after another."""
    api = Api(server.base_url, key_env)
    # The Quickstart assumes a workspace without an `aurora` slug or `aurora.com` domain.
    for clash in api.call("GET", "/customers", params={"slug": "aurora"})["data"]:
        api.call("DELETE", f"/customers/{clash['id']}")
    namespace = run(adapt(QUICKSTART_ME, server.base_url, key_env))
    me = assert_documented("get-me", namespace["res"], 200)
    assert me["object"] == "me"
    assert me.get("mode") == "live"

    run(adapt(QUICKSTART_CREATE_CUSTOMER, server.base_url, key_env), namespace)
    customer = assert_documented("create-customer", namespace["res"], 201)
    assert namespace["customer"] == customer
    assert customer["name"] == "Aurora Outfitters"
    assert customer["slug"] == "aurora"
    assert customer["domain"] == "aurora.com"
    assert customer["status"] == "onboarding"
    assert isinstance(customer["display_id"], int)
    # Stamped with the sandbox's time, which may be ahead of the real one.
    created = datetime.fromisoformat(customer["created_at"].replace("Z", "+00:00"))
    assert abs(server.sandbox.clock() - created) < timedelta(minutes=5)

    # The Quickstart's `245` is "the customer's display_id".
    display_id = {"/customers/245/": f"/customers/{customer['display_id']}/"}
    run(adapt(QUICKSTART_CREATE_CONTACT, server.base_url, key_env, display_id), namespace)
    contact = assert_documented("create-customer-contact", namespace["res"], 201)
    assert contact["customer_id"] == customer["id"]
    assert (contact["email"], contact["title"], contact["is_primary"]) == (
        "mira@aurora.com",
        "Head of Ops",
        True,
    )

    customer_id = {'"customer_id": "245"': f'"customer_id": "{customer["display_id"]}"'}
    run(adapt(QUICKSTART_CREATE_ONBOARDING, server.base_url, key_env, customer_id), namespace)
    onboarding = assert_documented("create-onboarding", namespace["res"], 201)
    assert onboarding["customer_id"] == customer["id"]
    assert (onboarding["phase"], onboarding["state"]) == ("before_getting_started", "active")
    assert onboarding["target_launch_date"] == "2026-07-15T00:00:00.000Z"

    # What the Quickstart says to look at afterwards: Mira on the customer, the onboarding.
    contacts = api.call("GET", f"/customers/{customer['display_id']}/contacts")["data"]
    assert [c["id"] for c in contacts] == [contact["id"]]
    onboardings = api.call("GET", f"/customers/{customer['id']}/onboardings")["data"]
    assert [o["id"] for o in onboardings] == [onboarding["id"]]


@pytest.mark.parametrize("advance", [None, "14d"], ids=["real-clock", "clock-14d"])
def test_pagination_walk_sees_every_customer_once(
    monkeypatch: pytest.MonkeyPatch, advance: str | None
) -> None:
    """The Pagination guide's generator, over a sandbox with more than one page of rows.

    With `advance`, the clock moves two weeks halfway through creating the rows, so the
    walk's cursors cross the move (rows on both sides, sorted by sandbox time).
    """
    testing = pytest.importorskip("pivotal_cli.sandbox.adapters.testing")
    with testing.running_server(rate_limit="off") as fresh:
        monkeypatch.setenv("PIVOTAL_API_KEY", fresh.live_key)
        api = Api(fresh.base_url, fresh.live_key)
        # Enough extra rows that the walk needs at least three pages of 100.
        extra = max(0, 230 - seeded_customer_count(fresh))
        for n in range(extra):
            if advance and n == extra // 2:
                advance_clock(fresh, advance)
            api.customer(name=f"Walk {n}", slug=f"walk-{n}")
        expected = seeded_customer_count(fresh)
        assert expected >= 201

        # The guide's snippet uses the `os` and `requests` its readers imported earlier.
        preamble = {"os": os, "requests": requests}
        namespace = run(adapt(WALK_CUSTOMERS, fresh.base_url, fresh.live_key), preamble)
        walked = list(namespace["walk_customers"]())

    ids = [c["id"] for c in walked]
    assert len(ids) == len(set(ids)), "a customer came back twice"
    assert len(ids) == expected, "the walk missed customers"
    created = [c["created_at"] for c in walked]
    assert created == sorted(created, reverse=True), "not newest first"


def seeded_customer_count(server: Any) -> int:
    """How many live customers the sandbox holds, read without pagination."""
    count = server.sandbox.count_customers(server.keys.workspace_of(server.live_key))
    return int(count)


@pytest.mark.parametrize("operation_id", list(SDK_SAMPLES))
def test_sdk_code_example(operation_id: str, server: Any, key_env: str) -> None:
    """Each endpoint's "SDK Code Examples" Python sample, on fresh rows."""
    _, code, status = SDK_SAMPLES[operation_id]
    api = Api(server.base_url, key_env)
    customer = api.customer()
    contact = api.contact(customer["id"], f"sam.{customer['display_id']}@example.com")
    onboarding = api.onboarding(customer["id"])
    ids = {
        "/customers/42": f"/customers/{customer['display_id']}",
        "/contacts/12": f"/contacts/{contact['display_id']}",
        "/onboardings/17": f"/onboardings/{onboarding['display_id']}",
        "cust_1234567890": customer["id"],
    }

    namespace = run(adapt(code, server.base_url, key_env, ids))
    body = assert_documented(operation_id, namespace["response"], status)

    # What each sample did, checked against the rows it was pointed at.
    if operation_id == "create-customer":
        assert body["name"] == "Bright Future Tech"
    elif operation_id == "get-customer":
        assert body["id"] == customer["id"]
    elif operation_id == "update-customer":
        # `payload = {}`: a PATCH that changes nothing returns the row as it was.
        assert {k: v for k, v in body.items() if k != "updated_at"} == {
            k: v for k, v in customer.items() if k != "updated_at"
        }
    elif operation_id == "delete-customer":
        assert body == {
            "object": "deleted",
            "id": customer["id"],
            "display_id": customer["display_id"],
            "deleted": True,
        }
        gone = requests.get(
            f"{server.base_url}/customers/{customer['id']}",
            headers={"Authorization": f"Bearer {key_env}"},
            timeout=10,
        )
        assert gone.status_code == 404
    elif operation_id == "list-customer-contacts":
        assert [c["id"] for c in body["data"]] == [contact["id"]]
    elif operation_id == "create-customer-contact":
        assert (body["email"], body["customer_id"]) == (
            "alice.johnson@example.com",
            customer["id"],
        )
    elif operation_id in {"get-contact", "update-contact"}:
        assert body["id"] == contact["id"]
    elif operation_id == "delete-contact":
        assert (body["object"], body["id"], body["deleted"]) == ("deleted", contact["id"], True)
    elif operation_id == "create-onboarding":
        assert body["customer_id"] == customer["id"]
        # The create defaults the endpoint's description promises.
        assert (body["phase"], body["state"]) == ("before_getting_started", "active")
        assert (body["reminder_email"], body["reminder_slack"]) == (True, True)
        assert body["reminder_frequency_days"] == 1
    elif operation_id == "list-customer-onboardings":
        assert [o["id"] for o in body["data"]] == [onboarding["id"]]
    elif operation_id in {"get-onboarding", "update-onboarding"}:
        assert body["id"] == onboarding["id"]
    elif operation_id == "delete-onboarding":
        assert (body["object"], body["id"], body["deleted"]) == ("deleted", onboarding["id"], True)
    elif operation_id in {"list-customers", "list-onboardings"}:
        assert body["object"] == "list"
        assert len(body["data"]) <= 25  # the default page size
    elif operation_id == "get-health":
        assert body["status"] == "ok"
    elif operation_id == "get-me":
        assert body["object"] == "me"
