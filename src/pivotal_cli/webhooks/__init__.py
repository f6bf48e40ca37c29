"""Webhook deliveries on this machine: the service behind `pivotal webhooks …`.

Below the command line (no Typer, no flags, no advice in words) and above the client:

    receiver.py   the local HTTP server that takes deliveries, and its serve loop
    listener.py   what `listen` does with each delivery: verify, print, forward, record
    forward.py    posting a delivery on: to the app, or for `trigger` and `replay`
    log.py        the per-workspace record of deliveries received
    request.py    a delivery as raw HTTP request text: read it and write it
    outgoing.py   the requests `trigger` and `replay` send, signed

The signing itself is pure and lives in `domain/webhook_signing.py`.
"""
