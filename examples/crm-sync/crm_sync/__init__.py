"""A CRM sync for Pivotal: push CRM accounts as customers, receive Pivotal's webhooks."""
