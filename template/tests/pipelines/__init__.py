"""Tests of the pipelines package, yours like the pipelines themselves: `copier update` never changes them."""
