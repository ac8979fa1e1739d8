"""deploy/: the KubeRay RayCluster manifest checked against the CRD's fields (ray.io/v1, KubeRay
1.x raycluster_types.go and core/v1 PodSpec), offline; and the image carries every package."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")

# Field: (type, required). "map" is map[string]string; a nested dict is an object schema.
CONTAINER = {"name": (str, True), "image": (str, True), "imagePullPolicy": (str, False), "env": (list, False),
             "envFrom": (list, False), "resources": (dict, False), "ports": (list, False),
             "volumeMounts": (list, False), "command": (list, False), "args": (list, False),
             "securityContext": (dict, False), "lifecycle": (dict, False), "readinessProbe": (dict, False),
             "livenessProbe": (dict, False), "workingDir": (str, False)}
POD_SPEC = {"containers": (list, True), "volumes": (list, False), "securityContext": (dict, False),
            "nodeSelector": ("map", False), "tolerations": (list, False), "affinity": (dict, False),
            "serviceAccountName": (str, False), "initContainers": (list, False),
            "terminationGracePeriodSeconds": (int, False), "imagePullSecrets": (list, False)}
TEMPLATE = {"metadata": (dict, False), "spec": (POD_SPEC, True)}
HEAD = {"serviceType": (str, False), "headService": (dict, False), "enableIngress": (bool, False),
        "rayStartParams": ("map", False), "template": (TEMPLATE, True)}
WORKER = {"groupName": (str, True), "replicas": (int, False), "minReplicas": (int, False),
          "maxReplicas": (int, False), "numOfHosts": (int, False), "rayStartParams": ("map", False),
          "template": (TEMPLATE, True), "scaleStrategy": (dict, False), "suspend": (bool, False),
          "idleTimeoutSeconds": (int, False)}
SPEC = {"headGroupSpec": (HEAD, True), "workerGroupSpecs": (list, False), "rayVersion": (str, False),
        "enableInTreeAutoscaling": (bool, False), "autoscalerOptions": (dict, False),
        "headServiceAnnotations": ("map", False), "suspend": (bool, False), "authOptions": (dict, False),
        "gcsFaultToleranceOptions": (dict, False), "managedBy": (str, False)}
RAYCLUSTER = {"apiVersion": (str, True), "kind": (str, True), "metadata": (dict, True), "spec": (SPEC, True)}


def check(value: object, schema: dict, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: must be an object"]
    problems = [f"{where}.{key}: unknown field" for key in value if key not in schema]
    for key, (kind, required) in schema.items():
        if key not in value:
            problems += [f"{where}.{key}: required"] if required else []
        elif isinstance(kind, dict):
            problems += check(value[key], kind, f"{where}.{key}")
        elif kind == "map":
            if not isinstance(value[key], dict) or not all(isinstance(v, str) for v in value[key].values()):
                problems.append(f"{where}.{key}: must map names to strings (quote numbers)")
        elif not isinstance(value[key], kind) or (kind is int and isinstance(value[key], bool)):
            problems.append(f"{where}.{key}: must be {kind.__name__}")
    return problems


def check_pod(template: dict, where: str) -> list[str]:
    spec = template["spec"]
    volumes = {v.get("name") for v in spec.get("volumes", [])}
    problems = []
    for i, container in enumerate(spec["containers"]):
        at = f"{where}.containers[{i}]"
        problems += check(container, CONTAINER, at)
        for env in container.get("env", []):
            if not ENV_NAME.match(str(env.get("name", ""))) or ("value" in env) == ("valueFrom" in env):
                problems.append(f"{at}.env: {env}: needs a name and exactly one of value or valueFrom")
        for part in ("requests", "limits"):
            for resource, amount in container.get("resources", {}).get(part, {}).items():
                if not QUANTITY.match(str(amount)):
                    problems.append(f"{at}.resources.{part}.{resource}: {amount!r} is not a quantity")
        for port in container.get("ports", []):
            if not isinstance(port.get("containerPort"), int) or not 0 < port["containerPort"] < 65536:
                problems.append(f"{at}.ports: {port}: containerPort must be 1..65535")
        for mount in container.get("volumeMounts", []):
            if mount.get("name") not in volumes or not str(mount.get("mountPath", "")).startswith("/"):
                problems.append(f"{at}.volumeMounts: {mount}: names no volume of the pod, or a relative path")
    return problems


def load_cluster() -> dict:
    documents = list(yaml.safe_load_all((REPO / "deploy" / "raycluster.yaml").read_text(encoding="utf-8")))
    assert len(documents) == 1
    return documents[0]


def test_the_raycluster_manifest_has_only_fields_the_kuberay_crd_knows_with_the_right_types():
    cluster = load_cluster()
    problems = check(cluster, RAYCLUSTER, "RayCluster")
    assert not problems, problems
    assert cluster["apiVersion"] == "ray.io/v1" and cluster["kind"] == "RayCluster"
    assert DNS_LABEL.match(cluster["metadata"]["name"])
    spec = cluster["spec"]
    assert spec["headGroupSpec"]["serviceType"] in ("ClusterIP", "NodePort", "LoadBalancer")
    problems = check_pod(spec["headGroupSpec"]["template"], "headGroupSpec.template.spec")
    groups = spec["workerGroupSpecs"]
    assert groups and len({g["groupName"] for g in groups}) == len(groups)
    for i, group in enumerate(groups):
        problems += check(group, WORKER, f"workerGroupSpecs[{i}]")
        problems += check_pod(group["template"], f"workerGroupSpecs[{i}].template.spec")
        assert 0 <= group.get("minReplicas", 0) <= group.get("replicas", 0) <= group.get("maxReplicas", 2**31 - 1)
    assert not problems, problems


def room_slots(start_params: dict) -> float:
    raw = start_params.get("resources")
    if raw is None:
        return 0.0
    # KubeRay passes the value to `ray start --resources` as written: a JSON object inside double quotes.
    assert raw.startswith('"') and raw.endswith('"'), raw
    return float(json.loads(raw[1:-1].replace('\\"', '"')).get("room_slot", 0))


def test_rooms_go_to_workers_with_room_slots_and_every_pod_keeps_ray_token_auth():
    cluster = load_cluster()
    spec = cluster["spec"]
    head = spec["headGroupSpec"]
    assert room_slots(head["rayStartParams"]) == 0 and head["rayStartParams"]["num-cpus"] == "0"
    assert head["serviceType"] != "LoadBalancer"  # Ray's ports are never published outside the cluster
    for group in spec["workerGroupSpecs"]:
        slots = room_slots(group["rayStartParams"])
        assert slots >= 1 and slots == int(slots)
        cpu = float(group["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"])
        assert cpu >= 2 * slots  # a 720p room with its voice needs two cores of its own (docs/rooms.md)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = next(d for d in pyproject["project"]["optional-dependencies"]["rooms"] if d.startswith("ray=="))
    assert spec["rayVersion"] == pinned.split("==")[1]
    pods = [head["template"]] + [g["template"] for g in spec["workerGroupSpecs"]]
    for pod in pods:
        for container in pod["spec"]["containers"]:
            env = {e["name"]: e for e in container.get("env", [])}
            assert env["RAY_AUTH_MODE"]["value"] == "token"
            assert "secretKeyRef" in env["RAY_AUTH_TOKEN"]["valueFrom"]  # never the token itself
            assert not any("value" in e and re.search(r"rtmp://|token|key", str(e["value"]), re.I)
                           for n, e in env.items() if n != "RAY_AUTH_MODE")
    assert len({c["image"] for pod in pods for c in pod["spec"]["containers"]}) == 1


def test_the_image_carries_every_package_and_the_rooms_extra():
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for package in [*pyproject["tool"]["setuptools"]["packages"], "personas"]:
        assert re.search(rf"^COPY {package} {package}$", dockerfile, re.M), package
    assert '".[rooms]"' in dockerfile and "livehost voices install" in dockerfile
