"""`pivotal webhooks …`: receive, verify, sign, trigger and replay webhook deliveries locally.

No account and no server needed: `listen` is a local receiver (and forwarder to your
app), `trigger` builds and signs a realistic event of any documented type, `verify`
and `sign` check and make the `svix-*` headers, `replay` resends what `listen`
recorded, re-signed with a fresh timestamp. A full secret is printed only when asked
(`--reveal`, `--print-secret`).

One module per command; each parses its options, calls `pivotal_cli.webhooks` (the
service) or the domain, and words the result. Only typer and the error types load at
import; the receiver, httpx and the domain load inside the command that needs them.
"""

from pivotal_cli.cli.commands.webhooks import (
    events,
    listen,
    log,
    replay,
    secret,
    sign,
    trigger,
    verify,
)
from pivotal_cli.cli.options import group

app = group("Receive, verify, sign, trigger and replay webhook deliveries locally.")
app.add_typer(secret.app, name="secret")
app.command("listen")(listen.listen)
app.command("trigger")(trigger.trigger)
app.command("replay")(replay.replay)
app.command("log")(log.log)
app.command("verify")(verify.verify_cmd)
app.command("sign")(sign.sign)
app.command("events")(events.events_cmd)
