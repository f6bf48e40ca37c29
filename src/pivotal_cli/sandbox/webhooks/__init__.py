"""Webhooks sent by the sandbox: endpoints, the events writes fire, and their delivery.

`endpoints` manages the subscriptions, `outbox` stores events and pending deliveries
inside the write's transaction, `schedule` is the documented retry schedule, `sender`
makes one signed HTTP attempt, `worker` sends what is due (a background thread under a
server, a bounded pass before an embedded process exits), `deliveries` reads the
delivery log, and `resend` is the `POST /webhook_endpoints/{id}/resend` extension.
"""
