"""The EXAMPLES section of every command's help, in one table.

Keyed by the command's path under `pivotal` ("" is pivotal itself). Lines starting
with `$ ` are command lines (checked against the real command tree by
tests/test_help_examples.py, so an example cannot name a flag that does not exist);
lines starting with `# ` say what the next one does. Hidden aliases (`ls`, `view`)
show the examples of the command they stand for.
"""

EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        "# Try everything against the local sandbox, no account needed",
        "$ pivotal --sandbox customers list",
        "$ pivotal auth login",
        "$ pivotal status",
        "$ pivotal onboardings advance 1108 --to launch",
    ),
    # customers
    "customers": (
        "$ pivotal customers list --status at_risk",
        "$ pivotal customers get acme-corp",
        "$ pivotal customers create --name 'Acme Corp' --slug acme-corp",
    ),
    "customers list": (
        "# At-risk customers, as a table on a terminal",
        "$ pivotal customers list --status at_risk",
        "# Every customer's display_id and name, as JSON for a script",
        "$ pivotal customers list --all --json display_id,name",
        "# Slugs only, one a line",
        "$ pivotal customers list --all --jq '.[].slug'",
        "# Pick columns for the table, or for CSV",
        "$ pivotal customers list -L 50 --columns display_id,name,mrr --csv",
    ),
    "customers get": (
        "$ pivotal customers get 4218",
        "$ pivotal customers get acme-corp --json",
        "$ pivotal customers get acme-corp --jq '.metadata'",
        "$ pivotal customers get acme-corp --template '{name} pays {mrr} a month'",
    ),
    "customers create": (
        "$ pivotal customers create --name 'Acme Corp' --slug acme-corp --status onboarding",
        "# Keep the CRM's id in metadata, to match on it later",
        "$ pivotal customers create --name 'Acme Corp' -m hubspot_id=7781 --plan growth",
        "# The whole body from a file",
        "$ pivotal customers create --data @customer.json",
    ),
    "customers update": (
        "$ pivotal customers update acme-corp --status at_risk",
        "$ pivotal customers update 4218 --mrr 1200 -m tier=gold",
    ),
    "customers delete": (
        "$ pivotal customers delete acme-corp",
        "# In a script: no question asked",
        "$ pivotal customers delete 4218 --yes",
    ),
    "customers open": (
        "$ pivotal customers open acme-corp",
        "$ pivotal customers open 4218 --print",
    ),
    # contacts
    "contacts": (
        "$ pivotal contacts list acme-corp",
        "$ pivotal contacts add acme-corp --name 'Jordan Lee' --email jordan@acme.com",
    ),
    "contacts list": (
        "$ pivotal contacts list acme-corp",
        "$ pivotal contacts list 4218 --json email,is_primary",
    ),
    "contacts add": (
        "$ pivotal contacts add acme-corp --name 'Jordan Lee' --email jordan@acme.com",
        "$ pivotal contacts add 4218 --name 'Sam Park' --email sam@acme.com --title CTO --primary",
    ),
    "contacts get": (
        "$ pivotal contacts get 8421",
        "$ pivotal contacts get 8421 --jq .email",
    ),
    "contacts update": (
        "$ pivotal contacts update 8421 --title 'Head of Operations'",
        "$ pivotal contacts update 8421 --primary",
    ),
    "contacts delete": ("$ pivotal contacts delete 8421", "$ pivotal contacts delete 8421 --yes"),
    "contacts import": (
        "# Paste a list (one a line: name, email, title), end with Ctrl-D; it asks first",
        "$ pivotal contacts import acme-corp",
        "# From a file: check it, then add it without asking",
        "$ pivotal contacts import acme-corp people.csv --dry-run",
        "$ pivotal contacts import acme-corp people.csv --yes",
    ),
    # onboardings
    "onboardings": (
        "$ pivotal onboardings list --state at_risk",
        "$ pivotal onboardings advance 1108",
        "$ pivotal onboardings create --customer acme-corp --target-launch 2026-07-15",
    ),
    "onboardings list": (
        "$ pivotal onboardings list --state at_risk",
        "$ pivotal onboardings list --customer acme-corp --phase launch",
        "# How many onboardings sit in each phase",
        "$ pivotal onboardings list --all --jq 'group_by(.phase)[] | [.[0].phase, length] | @tsv'",
    ),
    "onboardings get": (
        "$ pivotal onboardings get 1108",
        "$ pivotal onboardings get 1108 --json phase,state,target_launch_date",
    ),
    "onboardings create": (
        "$ pivotal onboardings create --customer acme-corp --target-launch 2026-07-15",
        "$ pivotal onboardings create --customer 4218 --csm csm_2N --notes 'Q3 rollout'",
    ),
    "onboardings update": (
        "$ pivotal onboardings update 1108 --target-launch 2026-08-01",
        "$ pivotal onboardings update 1108 --notes 'Waiting on SSO' --reminder-every 3",
    ),
    "onboardings delete": (
        "$ pivotal onboardings delete 1108",
        "$ pivotal onboardings delete 1108 --yes",
    ),
    "onboardings advance": (
        "# One phase forward",
        "$ pivotal onboardings advance 1108",
        "# Through every phase up to launch, one PATCH each",
        "$ pivotal onboardings advance 1108 --to launch",
        "$ pivotal onboardings advance 1108 --to completed --dry-run",
    ),
    "onboardings back": ("$ pivotal onboardings back 1108",),
    "onboardings pause": ("$ pivotal onboardings pause 1108",),
    "onboardings resume": ("$ pivotal onboardings resume 1108",),
    "onboardings at-risk": (
        "$ pivotal onboardings at-risk 1108",
        "$ pivotal onboardings at-risk 1108 --json",
    ),
    "onboardings wait": ("$ pivotal onboardings wait 1108",),
    "onboardings watch": (
        "$ pivotal onboardings watch 1108 --until phase=launch --fail-on state=at_risk "
        "--timeout 2h",
        "$ pivotal onboardings watch 1108 --until 'phase>=internal_qa' --json",
    ),
    "onboardings open": (
        "$ pivotal onboardings open 1108",
        "$ pivotal onboardings open 1108 --print",
    ),
    # mcp
    "mcp": ("$ pivotal mcp install --claude-code", "$ pivotal --sandbox mcp tools"),
    "mcp serve": (
        "# Read-only, over stdio (what a client's configuration runs)",
        "$ pivotal -w acme mcp serve",
        "# Writes allowed, against the sandbox's test key",
        "$ pivotal --sandbox --test mcp serve --allow-writes",
        "# Streamable HTTP on loopback, at http://127.0.0.1:8765/mcp",
        "$ pivotal mcp serve --transport http --toolsets read",
    ),
    "mcp tools": (
        "$ pivotal mcp tools",
        "$ pivotal mcp tools --allow-writes --json",
    ),
    "mcp install": (
        "$ pivotal -w acme mcp install --cursor",
        "$ pivotal mcp install --vscode --allow-writes --print",
    ),
    # auth
    "auth": ("$ pivotal auth login", "$ pivotal auth status"),
    "auth login": (
        "# Paste the key when asked (it is not echoed)",
        "$ pivotal auth login",
        "# From a secret manager, in CI",
        "$ pivotal auth login --with-key < key.txt",
    ),
    "auth status": ("$ pivotal auth status", "$ pivotal auth status --offline --json"),
    "auth use": ("$ pivotal auth use acme", "$ pivotal auth use acme --live"),
    "auth logout": ("$ pivotal auth logout acme", "$ pivotal auth logout --all"),
    "auth token": (
        '$ curl -H "Authorization: Bearer $(pivotal auth token)" https://my.pivotal.app/api/v1/me',
    ),
    # one-command groups
    "me": ("$ pivotal me", "$ pivotal me --jq .api_key.rate_limit_tier"),
    "health": ("$ pivotal health", "$ pivotal health --json"),
    "status": ("$ pivotal status", "$ pivotal status --week next", "$ pivotal status --json"),
    "dash": ("$ pivotal dash", "$ pivotal dash --interval 30"),
    "doctor": ("$ pivotal doctor", "$ pivotal --sandbox doctor --json"),
    "help": ("$ pivotal help", "$ pivotal help onboardings advance"),
    "completion": (
        "# Put the script where your shell ($SHELL) loads it",
        "$ pivotal completion install",
        "$ pivotal completion bash > ~/.local/share/bash-completion/completions/pivotal",
        '$ pivotal completion zsh > "${fpath[1]}/_pivotal"',
        "$ pivotal completion fish > ~/.config/fish/completions/pivotal.fish",
    ),
    "completion bash": (
        "$ source <(pivotal completion bash)",
        "$ pivotal completion bash > ~/.local/share/bash-completion/completions/pivotal",
    ),
    "completion zsh": ('$ pivotal completion zsh > "${fpath[1]}/_pivotal"',),
    "completion fish": ("$ pivotal completion fish > ~/.config/fish/completions/pivotal.fish",),
    "completion install": (
        "$ pivotal completion install",
        "$ pivotal completion install zsh",
        "$ pivotal completion install fish --print-path",
        "$ pivotal completion install bash --dry-run",
    ),
    "commands": (
        "$ pivotal commands",
        "$ pivotal commands --json --jq '.commands[].path'",
    ),
    "export": (
        "# Everything, as a bundle directory with a manifest",
        "$ pivotal export all -o takeout/",
        "# One resource as CSV (a column per metadata key)",
        "$ pivotal export customers -o customers.csv",
        "# Carry on after an interruption, from the last checkpoint",
        "$ pivotal export all -o takeout/ --format json --resume",
    ),
    "api": (
        "$ pivotal api /me",
        "$ pivotal api /customers --paginate --jq '.[].name'",
        "$ pivotal api -X PATCH /onboardings/1108 -f notes='Kickoff moved'",
        "$ pivotal api -X POST /customers -F name=Acme -F mrr=1200",
        "$ pivotal api -X GET /customers -f status=at_risk --include",
        "$ pivotal api /customers --paginate -t '{display_id} {name}'",
    ),
    # sandbox
    "sandbox": ("$ pivotal sandbox serve", "$ pivotal --sandbox customers list"),
    "sandbox serve": (
        "$ pivotal sandbox serve",
        "# A free port, no rate limits, a fault now and then",
        "$ pivotal sandbox serve --port 0 --rate-limit off --faults 500=0.1",
        "# Faults per route: first matching rule wins",
        "$ pivotal sandbox serve --faults 'POST /customers 500=0.2; GET /customers/* 404=1,max=3'",
    ),
    "sandbox seed": (
        "# Records with references and relative dates (see docs/sandbox.md)",
        "$ pivotal sandbox seed shop.yaml",
        "$ pivotal sandbox seed customers.json onboardings.yaml --json",
    ),
    "sandbox snapshot": (
        "$ pivotal sandbox snapshot save before-demo",
        "$ pivotal sandbox snapshot load before-demo",
    ),
    "sandbox snapshot save": (
        "$ pivotal sandbox snapshot save before-demo",
        "$ pivotal sandbox snapshot save before-demo --force",
    ),
    "sandbox snapshot load": (
        "# Atomic; a running `pivotal sandbox serve` on the same --db follows at once",
        "$ pivotal sandbox snapshot load before-demo",
    ),
    "sandbox snapshot list": (
        "$ pivotal sandbox snapshot list",
        "$ pivotal sandbox snapshot list --json",
    ),
    "sandbox snapshot delete": ("$ pivotal sandbox snapshot delete before-demo",),
    "sandbox reset": ("$ pivotal sandbox reset", "$ pivotal sandbox reset --seed empty --yes"),
    "sandbox keys": ("$ pivotal sandbox keys", "$ pivotal sandbox keys --json"),
    "sandbox events": (
        "$ pivotal sandbox events --customer acme-corp",
        "$ pivotal sandbox events --onboarding 1108 --transitions",
    ),
    "sandbox clock": (
        "$ pivotal sandbox clock show",
        "$ pivotal sandbox clock advance 14d",
        "$ pivotal sandbox clock reset",
    ),
    "sandbox clock show": ("$ pivotal sandbox clock show", "$ pivotal sandbox clock show --json"),
    "sandbox clock advance": (
        "# Past every webhook retry: lists the attempts it sent, in order",
        "$ pivotal sandbox clock advance 1d12h",
        "# The clock of a running `sandbox serve`",
        "$ pivotal sandbox clock advance 25h --db ./sandbox.db",
    ),
    "sandbox clock set": (
        "$ pivotal sandbox clock set 2027-07-15T09:00Z",
        "$ pivotal sandbox clock set 2027-07-15T11:00+02:00 --json",
    ),
    "sandbox clock reset": ("$ pivotal sandbox clock reset",),
    "sandbox logs": (
        "# What failed in the last ten minutes",
        "$ pivotal sandbox logs --status 4xx --since 10m",
        "# Creates, with their bodies",
        "$ pivotal sandbox logs --path '/customers*' --method POST --bodies",
        "# Every request as it is answered, as JSON lines",
        "$ pivotal sandbox logs --follow --json",
    ),
    "sandbox logs clear": ("$ pivotal sandbox logs clear",),
    "sandbox webhooks": (
        "$ pivotal sandbox webhooks add http://localhost:3000/webhooks",
        "$ pivotal sandbox webhooks deliveries --status failed",
    ),
    "sandbox webhooks add": (
        "# Every live-key event; prints the endpoint's id and its secret, once",
        "$ pivotal sandbox webhooks add http://localhost:3000/webhooks",
        "# Customer events fired by test keys only",
        "$ pivotal sandbox webhooks add http://localhost:3000/hooks --events 'customer.*'"
        " --test-mode",
        "# In the globex workspace",
        "$ pivotal -w globex sandbox webhooks add http://localhost:4000/h -e onboarding.launched",
    ),
    "sandbox webhooks list": (
        "$ pivotal sandbox webhooks list",
        "$ pivotal sandbox webhooks list --json",
    ),
    "sandbox webhooks show": (
        "$ pivotal sandbox webhooks show ep_3f9a1c2b7d4e5f60a1b2c3d4",
        "# The signing secret in full, for the receiver's configuration",
        "$ pivotal sandbox webhooks show ep_3f9a1c2b7d4e5f60a1b2c3d4 --show-secret",
    ),
    "sandbox webhooks remove": ("$ pivotal sandbox webhooks remove ep_3f9a1c2b7d4e5f60a1b2c3d4",),
    "sandbox webhooks rotate-secret": (
        "# A new secret; the old one keeps signing for 24 hours",
        "$ pivotal sandbox webhooks rotate-secret ep_3f9a1c2b7d4e5f60a1b2c3d4",
    ),
    "sandbox webhooks deliveries": (
        "$ pivotal sandbox webhooks deliveries",
        "$ pivotal sandbox webhooks deliveries --status failed --event-type 'onboarding.*'",
        "$ pivotal sandbox webhooks deliveries --endpoint ep_3f9a1c2b7d4e5f60a1b2c3d4 --limit 5"
        " --json",
    ),
    "sandbox webhooks replay": (
        "# One delivery again: the same svix-id and body, a fresh signature",
        "$ pivotal sandbox webhooks replay msg_2Lx8bQ4vN7cT1sR9kW3yZ5aD6fH",
        "# Everything that got no 2xx in the last 6 hours",
        "$ pivotal sandbox webhooks replay --failed-since 6",
    ),
    "sandbox webhooks deliver": (
        "# Send now what pivotal --sandbox writes left pending",
        "$ pivotal sandbox webhooks deliver",
    ),
    # webhooks
    "webhooks": (
        "# Receive deliveries locally, then send one",
        "$ pivotal webhooks listen --forward-to http://localhost:3000/webhooks",
        "$ pivotal webhooks trigger customer.created",
    ),
    "webhooks listen": (
        "$ pivotal webhooks listen",
        "# Verify with the stored secret, forward to your app, print JSON lines",
        "$ pivotal webhooks listen --secret-from-keyring --forward-to http://localhost:3000/hooks"
        " --format json",
        "$ pivotal webhooks listen --events 'onboarding.*' --forward-to http://localhost:3000/hooks",
    ),
    "webhooks trigger": (
        "$ pivotal webhooks trigger customer.created",
        "$ pivotal webhooks trigger onboarding.phase_changed --set data.object.phase=launch",
        "# Only print the signed request (verify --request reads it)",
        "$ pivotal webhooks trigger task.completed --print > request.http",
    ),
    "webhooks replay": (
        "$ pivotal webhooks replay --last 3 --forward-to http://localhost:3000/hooks",
        "$ pivotal webhooks replay evt_2nQv8c9aZmYHKr1 --forward-to http://localhost:3000/hooks",
    ),
    "webhooks log": ("$ pivotal webhooks log", "$ pivotal webhooks log --limit 100 --json"),
    "webhooks verify": (
        "$ pivotal webhooks verify --request request.http",
        "$ pivotal webhooks verify --id msg_2N --timestamp 1767225600 --signature 'v1,K5o…'"
        " --body body.json",
    ),
    "webhooks sign": (
        "$ pivotal webhooks sign --body event.json",
        "$ pivotal webhooks sign --body event.json --format curl --url http://localhost:3000/hooks",
    ),
    "webhooks events": ("$ pivotal webhooks events", "$ pivotal webhooks events --json"),
    "webhooks secret": ("$ pivotal webhooks secret set", "$ pivotal webhooks secret show"),
    "webhooks secret set": (
        "$ pivotal webhooks secret set",
        "$ printenv PIVOTAL_WEBHOOK_SECRET | pivotal webhooks secret set --stdin",
    ),
    "webhooks secret show": (
        "$ pivotal webhooks secret show",
        "$ pivotal webhooks secret show --reveal",
    ),
    "webhooks secret clear": ("$ pivotal webhooks secret clear",),
    # import
    "import": (
        "$ pivotal import customers customers.csv --dry-run",
        "$ pivotal import customers customers.csv",
        "$ pivotal import resume",
    ),
    "import customers": (
        "# Check every row first (nothing is sent), then import",
        "$ pivotal import customers crm.csv --dry-run",
        "$ pivotal import customers crm.csv --map 'Company Name=name' --map Plan=plan",
        "# Nightly sync: create what is missing, update what differs, by an external id",
        "$ pivotal import customers crm.jsonl --mode upsert --key metadata.hubspot_id --yes",
    ),
    "import contacts": (
        "# A customer_slug, customer_id or customer column names each contact's customer",
        "$ pivotal import contacts people.csv",
        "$ pivotal import contacts people.csv --customer-key metadata.hubspot_id",
    ),
    "import onboardings": (
        "$ pivotal --test import onboardings onboardings.csv",
        "$ pivotal import onboardings onboardings.jsonl --mode upsert --dry-run --remote",
    ),
    "import bundle": (
        "# Re-import an export: customers, then contacts, then onboardings",
        "$ pivotal import bundle takeout/",
        "$ pivotal import bundle takeout/ --mode upsert --key slug --concurrency 8",
    ),
    "import resume": (
        "# After kill -9, Ctrl-C or a dead network: nothing is sent twice",
        "$ pivotal import resume",
        "$ pivotal import resume 20261201-143012-customers-a3f9",
    ),
    "import status": ("$ pivotal import status 20261201-143012-customers-a3f9 --json",),
    "import list": ("$ pivotal import list", "$ pivotal import list --json"),
    "import results": (
        "# The failed rows with their errors: fix them and import this file again",
        "$ pivotal import results 20261201-143012-customers-a3f9 --failed -o fix-me.csv",
    ),
    "import forget": (
        "# A journal that cannot be used, or a job not to keep: its journal and results go",
        "$ pivotal import forget 20261201-143012-customers-a3f9",
        "$ pivotal import forget 20261201-143012-customers-a3f9 --yes",
    ),
    # housekeeping
    "cache": ("$ pivotal cache clear",),
    "cache clear": ("$ pivotal cache clear",),
    "config": ("$ pivotal config list", "$ pivotal config set output json"),
    "config list": ("$ pivotal config list", "$ pivotal config list --json"),
    "config get": ("$ pivotal config get output",),
    "config set": ("$ pivotal config set output json", "$ pivotal config set pager 'less -R'"),
    "config unset": ("$ pivotal config unset output",),
}

ALIASES = {"ls": "list", "view": "get"}


def examples_for(path: str) -> tuple[str, ...]:
    """The example lines of the command at `path` (an alias gets its command's)."""
    if path in EXAMPLES:
        return EXAMPLES[path]
    *parents, last = path.split(" ") if path else [""]
    return EXAMPLES.get(" ".join([*parents, ALIASES.get(last, last)]), ())
