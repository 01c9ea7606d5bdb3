"""The upstream LLM: one interface, the real client, and the offline fake."""
