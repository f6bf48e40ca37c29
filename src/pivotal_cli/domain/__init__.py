"""The domain: the API's schema (read from the OpenAPI document, once), the phase
workflow, request bodies and local validation. Pure: no I/O, no Typer, no flags."""
