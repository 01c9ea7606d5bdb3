"""Per-caller, per-tier rate limits: one limiter over a window store (the backend is a module of its own)."""
