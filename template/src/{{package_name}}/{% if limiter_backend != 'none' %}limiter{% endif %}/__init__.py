"""Per-caller, per-tier rate limits: one limiter over a window store (memory or Redis)."""
