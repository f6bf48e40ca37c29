"""Ways into the sandbox engine: ASGI (for uvicorn), an in-process httpx transport,
the HTTP server, the embedded `--sandbox` connection and the test helper."""
