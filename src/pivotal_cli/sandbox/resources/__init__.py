"""The API's resources as rules over the store: customers, contacts, onboardings,
and the audit timeline."""
