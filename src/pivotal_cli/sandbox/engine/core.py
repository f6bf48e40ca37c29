"""The sandbox core: `Sandbox.handle(method, path, query, headers, body) -> Response`.

Synchronous and framework-free; the ASGI app and the httpx transport are thin adapters
around it. A request goes: route (404/405) -> authenticate (401) -> rate limit (429,
counted from here on) -> body -> idempotency claim or replay -> injected faults ->
handler inside one transaction (the idempotency record commits with it, and so do the
webhook events and deliveries the write fires) -> response, after which the webhook
worker is woken if the write queued deliveries (it sends them on its own thread or at
process exit, never before the response). Each answer goes to the request log (`journal`,
buffered). Every instant comes from `self.clock`, the injected clock plus the store's
offset (`sandbox clock`). Every piece of state hangs off the instance,
so two sandboxes never share anything.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pivotal_cli.sandbox.data import requestlog
from pivotal_cli.sandbox.data.clockstate import StoreClock, store_clock, wall_us
from pivotal_cli.sandbox.data.ids import CuidFactory
from pivotal_cli.sandbox.data.keys import (
    DEFAULT_ITERATIONS,
    SandboxKey,
    VerificationCache,
    keys_file_for,
)
from pivotal_cli.sandbox.data.snapshots import RestoreWatch
from pivotal_cli.sandbox.data.store import Store
from pivotal_cli.sandbox.data.timeutil import Clock, Sleep, format_ms, to_us, utc_now
from pivotal_cli.sandbox.engine.auth import authenticate, needs_hashing
from pivotal_cli.sandbox.engine.context import Caller, Ctx
from pivotal_cli.sandbox.engine.errors import ApiError, internal, not_found
from pivotal_cli.sandbox.engine.faults import Decision, FaultInjector, FaultPlan, FaultRules
from pivotal_cli.sandbox.engine.idempotency import Claim, Idempotency, record
from pivotal_cli.sandbox.engine.journal import Journal
from pivotal_cli.sandbox.engine.protocol import JSON_CONTENT_TYPE, Request, Response, json_response
from pivotal_cli.sandbox.engine.ratelimit import RateLimiter, RatePolicy
from pivotal_cli.sandbox.engine.routes import (
    HANDLERS,
    PUBLIC_OPERATIONS,
    RAW_BODY_OPERATIONS,
    match,
)
from pivotal_cli.sandbox.engine.validation import parse_body
from pivotal_cli.sandbox.fixtures.provision import provision
from pivotal_cli.sandbox.resources import contacts, customers, me, onboardings
from pivotal_cli.sandbox.webhooks import resend
from pivotal_cli.sandbox.webhooks.schedule import time_scale_from
from pivotal_cli.sandbox.webhooks.worker import Dispatcher

API_VERSION = "v1"

logger = logging.getLogger("pivotal_cli.sandbox")

# The modules whose `@handles` functions answer the routed operations: importing them
# fills `HANDLERS`.
HANDLER_MODULES = (me, customers, contacts, onboardings, resend)


def load_openapi() -> bytes | None:
    """The bundled `openapi.json`, or None when this build has none."""
    try:
        return resources.files("pivotal_cli.domain").joinpath("openapi.json").read_bytes()
    except OSError:
        return None


class Sandbox:
    """A stateful local implementation of the Pivotal API v1."""

    def __init__(
        self,
        store: Store,
        *,
        keys: list[SandboxKey] | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = time.sleep,
        rate_limit: str | int | RatePolicy | None = None,
        faults: str | FaultPlan | FaultRules | None = None,
        openapi: Callable[[], bytes | None] = load_openapi,
        ids: CuidFactory | None = None,
        webhook_time_scale: float = 1.0,
    ) -> None:
        self.store = store
        self.keys = list(keys or [])
        # The store's clock offset (`sandbox clock`) applies to every instant the
        # sandbox reads: records, idempotency expiry, rate windows, webhook retries.
        self.clock: StoreClock = store_clock(store, clock)
        self.sleep = sleep
        policy = rate_limit if isinstance(rate_limit, RatePolicy) else RatePolicy.parse(rate_limit)
        self.rate_limiter = RateLimiter(policy, self.clock)
        plan = FaultRules.parse(faults) if isinstance(faults, str) else faults
        self.faults = FaultInjector(plan) if plan is not None else None
        self.idempotency = Idempotency(store)
        self._verified = VerificationCache()
        self._ids = ids if ids is not None else CuidFactory()
        self._openapi = openapi
        # Sends the webhook deliveries writes queue; its thread runs only when started
        # (`serve`, `running_server`), otherwise passes run on demand (`run_due`).
        self.webhooks = Dispatcher(store, clock=self.clock, time_scale=webhook_time_scale)
        self.journal = Journal(store)
        # A snapshot another process loads under this one is noticed at the next request.
        self.restores = RestoreWatch(store)

    @classmethod
    def open(
        cls,
        db: str | Path = ":memory:",
        *,
        seed: str = "demo",
        iterations: int = DEFAULT_ITERATIONS,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        webhook_time_scale: float | None = None,
        **options: Any,
    ) -> Sandbox:
        """Opens (creating and seeding on first use) the sandbox stored at `db`.

        A file database keeps its plaintext sandbox keys in the keys file beside it.
        `rng` is for runs that must replay exactly (conformance, tests): a seeded
        generator makes every id and key the same from run to run. By default they
        come from `secrets`, as a real server's would. `webhook_time_scale` multiplies
        the webhook retry delays (default: `$PIVOTAL_SANDBOX_WEBHOOK_TIME_SCALE`, else 1).
        """
        if webhook_time_scale is None:
            webhook_time_scale = time_scale_from(os.environ)
        store = Store(db)
        try:
            keys_file = keys_file_for(Path(db)) if store.is_file else None
            clock = store_clock(store, clock)
            keys = provision(
                store,
                seed=seed,
                keys_file=keys_file,
                iterations=iterations,
                now_us=to_us(clock()),
                rng=rng,
            )
        except BaseException:
            store.close()
            raise
        if rng is not None:
            options.setdefault("ids", CuidFactory(random.Random(rng.getrandbits(64))))
        return cls(store, keys=keys, clock=clock, webhook_time_scale=webhook_time_scale, **options)

    def key(self, workspace: str, mode: str, *, revoked: bool = False) -> str:
        """The plaintext of the first sandbox key matching the description."""
        for entry in self.keys:
            if (entry.workspace, entry.mode, entry.revoked) == (workspace, mode, revoked):
                return entry.key
        raise LookupError(f"no {'revoked ' if revoked else ''}{mode} key for {workspace!r}")

    def workspaces(self) -> list[tuple[str, str]]:
        """(slug, name) of every workspace, in creation order."""
        with self.store.read() as tx:
            rows = tx.execute("SELECT slug, name FROM workspaces ORDER BY rowid").fetchall()
        return [(row["slug"], row["name"]) for row in rows]

    def count_customers(self, workspace: str) -> int:
        """How many live (not deleted) customers the workspace (slug) holds."""
        with self.store.read() as tx:
            row = tx.execute(
                "SELECT COUNT(*) AS n FROM customers c JOIN workspaces w ON w.id = c.workspace_id"
                " WHERE w.slug = ? AND c.deleted_us IS NULL",
                (workspace,),
            ).fetchone()
        return int(row["n"])

    def answers_at_once(self, method: str, authorization: str | None) -> bool:
        """Whether answering can wait on nothing but the store's lock.

        True for a read with no fault rules (an injected latency sleeps) whose key needs
        no PBKDF2 (it runs once per key). A server answers such requests where they
        arrive rather than in a worker thread: handing a list page to a thread and back
        cost more CPU than answering it, the threads contending for the GIL.
        """
        if method not in ("GET", "HEAD") or self.faults is not None:
            return False
        return not needs_hashing(self._verified, authorization)

    def forget_memory(self) -> None:
        """Drops what is kept in memory about the data, after a snapshot replaced it."""
        self.rate_limiter = RateLimiter(self.rate_limiter.policy, self.clock)
        self._verified = VerificationCache()
        self.restores.forget()

    def close(self) -> None:
        self.webhooks.stop()
        self.journal.close()
        self.store.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def handle(
        self,
        method: str,
        path: str,
        query_string: bytes | str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> Response:
        """Answers one HTTP request (and logs it). `path` is still percent-encoded."""
        started = time.perf_counter()
        at_us = wall_us(self.store)
        callers: list[Caller] = []
        try:
            response = self._dispatch(
                Request.build(method, path, query_string, headers, body), callers
            )
        except ApiError as error:
            response = error_response(error)
        except Exception:
            logger.exception("sandbox: unhandled error on %s %s", method, path.split("?")[0])
            response = error_response(internal())
        self.journal.add(
            _entry(method, path, query_string, headers, body, response, callers, at_us, started)
        )
        return response

    def _dispatch(self, request: Request, callers: list[Caller]) -> Response:
        route = match(request.method, request.path)
        if route.operation in PUBLIC_OPERATIONS:
            return self._public(route.operation)
        if self.restores.changed():
            self.forget_memory()
        caller = authenticate(self.store, self._verified, request.headers.get("authorization"))
        callers.append(caller)
        rate = self.rate_limiter.hit(caller.key_id, caller.mode)
        rate_headers = rate.headers() if rate else ()
        try:
            response = self._authorized(request, route.operation, route.params, caller)
        except ApiError as error:
            return error_response(error, rate_headers)
        except Exception:
            logger.exception("sandbox: unhandled error in %s", route.operation)
            return error_response(internal(), rate_headers)
        response.headers.extend(rate_headers)
        return response

    def _public(self, operation: str) -> Response:
        if operation == "get-health":
            now = format_ms(to_us(self.clock()))
            return json_response(200, {"status": "ok", "timestamp": now, "version": API_VERSION})
        document = self._openapi()
        if document is None:
            raise not_found("openapi_not_found", "This sandbox build has no OpenAPI document.")
        return Response(200, document, [("Content-Type", JSON_CONTENT_TYPE)])

    def _authorized(
        self, request: Request, operation: str, params: dict[str, str], caller: Caller
    ) -> Response:
        # The docs' own samples send `{}` with GETs: bodies are read only where used.
        body = (
            parse_body(request.body)
            if request.method in ("POST", "PATCH") and operation not in RAW_BODY_OPERATIONS
            else {}
        )
        key = request.headers.get("idempotency-key")
        claim = None
        if request.method == "POST" and key is not None:
            endpoint = "POST " + request.path.split("?", 1)[0].rstrip("/")
            outcome = self.idempotency.begin(
                caller.workspace_id, endpoint, key, request.body, to_us(self.clock())
            )
            if isinstance(outcome, Response):
                return outcome
            claim = outcome
        try:
            decision = (
                self.faults.decide(request.method, request.path, idempotent=key is not None)
                if self.faults
                else Decision()
            )
            self._inject(decision, request.path, caller)
            response = self._run(request, operation, params, caller, body, claim)
            response.drop = decision.outcome == "drop"
            return response
        finally:
            if claim is not None:
                self.idempotency.release(claim)

    def _inject(self, decision: Decision, path: str, caller: Caller) -> None:
        if decision.latency:
            self.sleep(decision.latency)
        limit = self.rate_limiter.policy.limit_for(caller.mode)
        # Real time: an injected 429's `X-RateLimit-Reset` is read against the client's
        # clock, as a real one's is (see `ratelimit`).
        now_s = self.clock.real_us(to_us(self.clock())) / 1_000_000
        error = decision.error(path=path, limit=limit, now_s=now_s)
        if error is not None:
            raise error

    def _run(
        self,
        request: Request,
        operation: str,
        params: dict[str, str],
        caller: Caller,
        body: dict[str, Any],
        claim: Claim | None,
    ) -> Response:
        transaction = self.store.read() if request.method == "GET" else self.store.write()
        with transaction as tx:
            now_us = to_us(self.clock())
            ctx = Ctx(tx, caller, now_us, self._ids, params, request.query, body, request.body)
            status, payload = HANDLERS[operation](ctx)
            response = json_response(status, payload)
            if claim is not None and 200 <= status < 300:
                record(tx, claim, status, response.body, now_us)
        if ctx.queued:
            self.webhooks.wake()
        return response


@contextmanager
def opened(path: Path, seed: str = "demo", **options: Any) -> Iterator[Sandbox]:
    """The sandbox at `path` (created and seeded on first use), closed afterwards.

    A database that cannot be opened is one `PivotalError` naming the file.
    """
    import sqlite3

    from pivotal_cli.errors import PivotalError

    try:
        sandbox = Sandbox.open(path, seed=seed, **options)
    except (sqlite3.Error, OSError) as error:
        raise PivotalError(f"Cannot open the sandbox database {path}: {error}.") from None
    try:
        yield sandbox
    finally:
        sandbox.close()


def _entry(
    method: str,
    path: str,
    query_string: bytes | str,
    headers: Mapping[str, str],
    body: bytes,
    response: Response,
    callers: list[Caller],
    at_us: int,
    started: float,
) -> requestlog.Entry:
    caller = callers[0] if callers else None
    query = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    replayed = any(name.lower() == "idempotent-replay" for name, _ in response.headers)
    return requestlog.Entry(
        request_id="req_" + secrets.token_hex(8),
        at_us=at_us,
        duration_us=round((time.perf_counter() - started) * 1e6),
        method=method.upper(),
        path=unquote(path.split("?", 1)[0]),
        query=query,
        status=response.status,
        dropped=response.drop,
        key_name=caller.key_name if caller else None,
        key_prefix=caller.key_prefix if caller else None,
        mode=caller.mode if caller else None,
        workspace=caller.workspace_slug if caller else None,
        idempotency_key=headers.get("idempotency-key"),
        replayed=replayed,
        request_body=body,
        response_body=response.body,
    )


def error_response(error: ApiError, extra: tuple[tuple[str, str], ...] = ()) -> Response:
    """The JSON envelope for an error, with its own headers and any extra ones."""
    # An injected 429 carries its own rate headers: the limiter's must not repeat them.
    own = {name.lower() for name, _ in error.headers}
    extra = tuple(header for header in extra if header[0].lower() not in own)
    return json_response(error.status, error.envelope(), (*error.headers, *extra))
