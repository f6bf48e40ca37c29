"""The framework-free request pipeline: routing, auth, rate limits, idempotency,
faults, validation, pagination and the error envelope."""
