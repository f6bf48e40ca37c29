"""The sandbox: a stateful local implementation of the Pivotal API v1.

Kept import-free on purpose: `pivotal --help` must not pay for sqlite3, httpx or
uvicorn. Import what you need from the submodules: `core.Sandbox`,
`embedded.connect`, `testing.running_server`, `transport.SandboxTransport`,
`asgi.SandboxApp`.
"""
