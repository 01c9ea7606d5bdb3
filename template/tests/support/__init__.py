"""Helpers the tests share: the fake upstream, credentials, configurations and readers of responses."""
