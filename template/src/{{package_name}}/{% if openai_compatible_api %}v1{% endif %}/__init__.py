"""The OpenAI-compatible API under /v1: its wire format and error shape (the routes are in routes/openai_api.py)."""
