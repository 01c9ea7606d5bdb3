"""Kubernetes manifests, graceful shutdown settings that agree everywhere, and the project's habits
(task runner, pre-commit, `fastapi dev`, dependabot)."""

import ast
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import Render
from .test_render import files_of

K8S_FILES = {
    "k8s/deployment.yaml",
    "k8s/service.yaml",
    "k8s/hpa.yaml",
    "k8s/pdb.yaml",
    "k8s/ingress.yaml",
    "k8s/networkpolicy.yaml",
    "k8s/monitoring/podmonitor.yaml",
    "k8s/monitoring/prometheusrule.yaml",
    "k8s/monitoring/dashboard.yaml",
}
SLUG = "my-llm-service"


def manifests(project: Path, directory: str = "k8s") -> dict[str, dict[str, Any]]:
    """Every Kubernetes object in `directory` (not its subdirectories), by `Kind/name`."""
    objects = {}
    for path in sorted(project.glob(f"{directory}/*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            objects[f"{document['kind']}/{document['metadata']['name']}"] = document
    return objects


def graceful_shutdown_seconds(project: Path) -> int:
    """uvicorn's --timeout-graceful-shutdown in the Dockerfile's CMD."""
    cmd = next(line for line in (project / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    command = yaml.safe_load(cmd.removeprefix("CMD "))
    return int(command[command.index("--timeout-graceful-shutdown") + 1])


@pytest.mark.parametrize(("limiter", "extra"), [("memory", set()), ("redis", {"k8s/redis.yaml"}), ("none", set())])
def test_kubernetes_renders_its_manifests_only_when_asked(render: Render, limiter: str, extra: set[str]) -> None:
    without = render("a", limiter_backend=limiter)
    with_k8s = render("b", limiter_backend=limiter, kubernetes=True)

    assert files_of(with_k8s) - files_of(without) == K8S_FILES | extra
    assert files_of(without) - files_of(with_k8s) == set()
    assert not (without / "k8s").exists()
    assert "kubectl" not in (without / "README.md").read_text()
    assert "kubernetes" not in (without / "Dockerfile").read_text().lower()


def test_manifests_fit_together(render: Render) -> None:
    objects = manifests(render(kubernetes=True))
    assert set(objects) == {
        f"Deployment/{SLUG}",
        f"Service/{SLUG}",
        f"HorizontalPodAutoscaler/{SLUG}",
        f"PodDisruptionBudget/{SLUG}",
        f"Ingress/{SLUG}",
        f"NetworkPolicy/{SLUG}",
    }
    deployment = objects[f"Deployment/{SLUG}"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"] == labels
    assert objects[f"Service/{SLUG}"]["spec"]["selector"] == labels
    assert objects[f"PodDisruptionBudget/{SLUG}"]["spec"]["selector"]["matchLabels"] == labels
    target = objects[f"HorizontalPodAutoscaler/{SLUG}"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", SLUG)

    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["ports"] == [{"name": "http", "containerPort": 8000}, {"name": "metrics", "containerPort": 9100}]
    assert objects[f"Service/{SLUG}"]["spec"]["ports"][0]["targetPort"] == "http"
    assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
    assert container["envFrom"] == [{"secretRef": {"name": SLUG}}]
    assert container["resources"]["requests"]["cpu"]  # the autoscaler's reference
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the Dockerfile's USER
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert {mount["mountPath"] for mount in container["volumeMounts"]} == {"/tmp"}


def test_metrics_are_kept_from_the_api_clients(render: Render) -> None:
    """/metrics on a port of its own, which the Service does not publish and only the monitoring namespace reaches."""
    objects = manifests(render(kubernetes=True))
    pod = objects[f"Deployment/{SLUG}"]["spec"]["template"]
    [container] = pod["spec"]["containers"]
    env = {variable["name"]: variable["value"] for variable in container["env"] if "value" in variable}
    metrics_port = next(port["containerPort"] for port in container["ports"] if port["name"] == "metrics")

    assert env["METRICS_PORT"] == str(metrics_port)
    assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(metrics_port)
    assert [port["targetPort"] for port in objects[f"Service/{SLUG}"]["spec"]["ports"]] == ["http"]
    policy = objects[f"NetworkPolicy/{SLUG}"]["spec"]
    assert policy["podSelector"]["matchLabels"] == pod["metadata"]["labels"]
    assert policy["ingress"] == [
        {"ports": [{"port": "http"}]},
        {
            "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
            "ports": [{"port": "metrics"}],
        },
    ]
    [rule] = objects[f"Ingress/{SLUG}"]["spec"]["rules"]
    [path] = rule["http"]["paths"]
    assert path["backend"]["service"] == {"name": SLUG, "port": {"name": "http"}}
    # Behind the ingress, uvicorn names the client from X-Forwarded-For (README, "Behind a proxy").
    assert env["FORWARDED_ALLOW_IPS"] == "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"


@pytest.mark.parametrize("limiter", ["redis", "none"])
def test_monitoring_manifests_scrape_the_service_and_ship_the_alerts_and_dashboard(
    render: Render, limiter: str
) -> None:
    """k8s/monitoring/ (for the Prometheus Operator, applied on its own): the rules and dashboard of observability/."""
    project = render(kubernetes=True, limiter_backend=limiter)
    pod = manifests(project)[f"Deployment/{SLUG}"]["spec"]["template"]
    objects = manifests(project, "k8s/monitoring")
    assert set(objects) == {f"PodMonitor/{SLUG}", f"PrometheusRule/{SLUG}", f"ConfigMap/{SLUG}-dashboard"}

    # The pods' metrics port (METRICS_PORT), which the Service does not publish.
    monitor = objects[f"PodMonitor/{SLUG}"]["spec"]
    assert monitor["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    [container] = pod["spec"]["containers"]
    assert "metrics" in [port["name"] for port in container["ports"]]
    assert monitor["podMetricsEndpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s"}]
    assert pod["metadata"]["labels"][monitor["jobLabel"]] == SLUG
    alerts = yaml.safe_load((project / "observability/alerts.yml").read_text())
    assert objects[f"PrometheusRule/{SLUG}"]["spec"] == alerts
    # Alerts and dashboard select the job the Operator names after the Service.
    assert all(f'job="{SLUG}"' in rule["expr"] for rule in alerts["groups"][0]["rules"])
    configmap = objects[f"ConfigMap/{SLUG}-dashboard"]
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads((project / "observability/dashboard.json").read_text())
    assert json.loads(configmap["data"][f"{SLUG}.json"]) == dashboard
    job = next(variable for variable in dashboard["templating"]["list"] if variable["name"] == "job")
    assert job["current"]["value"] == SLUG


@pytest.mark.parametrize("limiter", ["memory", "redis"])
def test_compose_observability_profile_provisions_prometheus_and_grafana(render: Render, limiter: str) -> None:
    project = render(limiter_backend=limiter)
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    services, configs = compose["services"], compose["configs"]

    assert services["prometheus"]["profiles"] == services["grafana"]["profiles"] == ["observability"]
    prometheus = yaml.safe_load(configs["prometheus"]["content"])
    [scrape] = prometheus["scrape_configs"]
    assert scrape["job_name"] == SLUG
    assert scrape["dns_sd_configs"] == [{"names": ["app"], "type": "A", "port": 8000}]
    mounted = {
        mount["source"]: mount["target"] for name in ("prometheus", "grafana") for mount in services[name]["configs"]
    }
    assert prometheus["rule_files"] == [mounted["alerts"]]
    assert configs["alerts"]["file"] == "./observability/alerts.yml"
    assert configs["dashboard"]["file"] == "./observability/dashboard.json"
    datasource = yaml.safe_load(configs["grafana-datasource"]["content"])["datasources"][0]
    assert (datasource["type"], datasource["url"], datasource["isDefault"]) == (
        "prometheus",
        "http://prometheus:9090",
        True,
    )
    provider = yaml.safe_load(configs["grafana-dashboards"]["content"])["providers"][0]
    assert mounted["dashboard"].startswith(provider["options"]["path"] + "/")
    assert mounted["grafana-datasource"].startswith("/etc/grafana/provisioning/datasources/")
    assert mounted["grafana-dashboards"].startswith("/etc/grafana/provisioning/dashboards/")


def test_memory_limiter_manifests_start_with_one_pod_and_no_redis(render: Render) -> None:
    project = render(kubernetes=True)
    objects = manifests(project)

    assert objects[f"Deployment/{SLUG}"]["spec"]["replicas"] == 1
    assert objects[f"HorizontalPodAutoscaler/{SLUG}"]["spec"]["minReplicas"] == 1
    for path in project.glob("k8s/*.yaml"):
        assert "redis" not in path.read_text().lower(), path.name
    readme = (project / "README.md").read_text()
    assert "hold **per process**" in readme.split("### Scale out", 1)[1]


def test_redis_limiter_manifests_reach_their_redis(render: Render) -> None:
    project = render(kubernetes=True, limiter_backend="redis")
    objects = manifests(project)

    redis_service = objects[f"Service/{SLUG}-redis"]
    [container] = objects[f"Deployment/{SLUG}"]["spec"]["template"]["spec"]["containers"]
    redis_url = next(env["value"] for env in container["env"] if env["name"] == "REDIS_URL")
    assert redis_url == f"redis://{redis_service['metadata']['name']}:{redis_service['spec']['ports'][0]['port']}/0"
    statefulset = objects[f"StatefulSet/{SLUG}-redis"]
    assert statefulset["spec"]["serviceName"] == redis_service["metadata"]["name"]
    assert redis_service["spec"]["selector"] == statefulset["spec"]["template"]["metadata"]["labels"]
    assert objects[f"Deployment/{SLUG}"]["spec"]["replicas"] >= 2
    readme = (project / "README.md").read_text()
    assert "managed Redis" in readme.split("### Kubernetes", 1)[1]
    assert "stay exact" in readme.split("### Scale out", 1)[1]


def test_redis_persists_on_a_volume_as_the_projects_own_test_runs_it(render: Render) -> None:
    """compose.yaml and k8s/redis.yaml run Redis with the options the project's persistence test
    starts its redis-server with (tests/support/redis_server.py's PERSISTENCE), on a volume."""
    project = render(kubernetes=True, limiter_backend="redis")
    support = ast.parse((project / "tests/support/redis_server.py").read_text())
    tested = next(
        ast.literal_eval(node.value)
        for node in support.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PERSISTENCE"
    )
    assert tested[:2] == ["--appendonly", "yes"]

    compose = yaml.safe_load((project / "compose.yaml").read_text())
    redis = compose["services"]["redis"]
    assert redis["command"] == ["redis-server", *tested]
    assert redis["volumes"] == ["redis-data:/data"]
    assert "redis-data" in compose["volumes"]

    statefulset = manifests(project)[f"StatefulSet/{SLUG}-redis"]
    [container] = statefulset["spec"]["template"]["spec"]["containers"]
    assert container["args"] == tested
    [claim] = statefulset["spec"]["volumeClaimTemplates"]
    assert container["volumeMounts"] == [{"name": claim["metadata"]["name"], "mountPath": "/data"}]
    assert "volumes" not in statefulset["spec"]["template"]["spec"]  # no emptyDir: the claim survives the pod


def test_grace_periods_agree(render: Render) -> None:
    """Whatever stops the service waits longer than uvicorn lets open streams run after SIGTERM."""
    project = render(kubernetes=True)
    grace = graceful_shutdown_seconds(project)
    assert grace > 0

    compose = yaml.safe_load((project / "compose.yaml").read_text())
    assert int(compose["services"]["app"]["stop_grace_period"].removesuffix("s")) > grace

    pod = manifests(project)[f"Deployment/{SLUG}"]["spec"]["template"]["spec"]
    pre_stop = pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    assert pod["terminationGracePeriodSeconds"] > int(pre_stop[1]) + grace

    flag = f"--timeout-graceful-shutdown {grace}"
    assert flag in (project / "Makefile").read_text()
    assert flag in (project / "README.md").read_text()
    assert f'"--timeout-graceful-shutdown", "{grace}"' in (project / "tests/test_shutdown.py").read_text()


def make_targets(project: Path) -> dict[str, str]:
    """Each Makefile target and the text of its recipe."""
    targets: dict[str, str] = {}
    current = None
    for line in (project / "Makefile").read_text().splitlines():
        if match := re.match(r"^([a-z][a-z-]*):", line):
            current = match.group(1)
            targets[current] = line.split(":", 1)[1].split("##")[0]  # prerequisites, without the comment
        elif line.startswith("\t") and current:
            targets[current] += "\n" + line.strip()
    return targets


def test_makefile_has_the_everyday_targets_and_the_readme_uses_them(render: Render) -> None:
    project = render()
    targets = make_targets(project)

    assert {"install", "run", "dev", "test", "lint", "types", "check", "docker"} <= set(targets)
    assert "uv run fastapi dev" in targets["dev"]
    assert "uv run uvicorn my_llm_service.main:app" in targets["run"]
    assert "uv run pytest -n auto" in targets["test"]
    assert "uv run mypy" in targets["types"]
    assert "docker build -t my-llm-service ." in targets["docker"]
    assert set(targets["check"].split()) == {"lint", "types", "test"}
    phony = next(line for line in (project / "Makefile").read_text().splitlines() if line.startswith(".PHONY:"))
    assert set(phony.split()[1:]) == set(targets)
    readme = (project / "README.md").read_text()
    for target in targets:
        assert f"`make {target}`" in readme, target
    assert "FAKE_LLM=true make dev" in readme

    without_docker = make_targets(render("b", docker=False))
    assert "docker" not in without_docker


def test_fastapi_dev_finds_the_app(render: Render) -> None:
    pyproject = tomllib.loads((render(package_name="acme_chat") / "pyproject.toml").read_text())
    assert pyproject["tool"]["fastapi"]["entrypoint"] == "acme_chat.main:app"
    dev = pyproject["dependency-groups"]["dev"]
    assert any(requirement.startswith("fastapi-cli") for requirement in dev)
    assert any(requirement.startswith("pytest-xdist") for requirement in dev)


def test_pre_commit_checks_the_lock_lints_formats_and_types(render: Render) -> None:
    config = yaml.safe_load((render() / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}

    assert set(hooks) == {"uv-lock", "ruff-check", "ruff-format", "mypy"}
    assert hooks["uv-lock"]["entry"] == "uv lock --check"
    for hook in hooks.values():
        assert hook["entry"].startswith("uv "), hook  # the project's own locked tools


@pytest.mark.parametrize(
    ("answers", "ecosystems"),
    [
        ({}, {"uv", "github-actions", "docker"}),
        ({"limiter_backend": "redis"}, {"uv", "github-actions", "docker", "docker-compose"}),
        ({"docker": False}, {"uv", "github-actions"}),
    ],
)
def test_dependabot_updates_what_the_project_pins(
    render: Render, answers: dict[str, Any], ecosystems: set[str]
) -> None:
    config = yaml.safe_load((render(**answers) / ".github/dependabot.yml").read_text())
    assert {update["package-ecosystem"] for update in config["updates"]} == ecosystems


def test_template_repo_has_the_same_pre_commit_habit() -> None:
    root = Path(__file__).resolve().parents[1]
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format"} <= hooks
