"""Reading /metrics."""

from prometheus_client.parser import text_string_to_metric_families


def metric_value(exposition: str, sample: str, **labels: str) -> float:
    """The sum of the `sample` lines (say `http_requests_total`) whose labels include `labels`; 0 if none."""
    return sum(
        found.value
        for family in text_string_to_metric_families(exposition)
        for found in family.samples
        if found.name == sample and labels.items() <= found.labels.items()
    )
