# Drives a kubesim cluster with the official Python client (Debian's python3-kubernetes),
# as test/e2e/python-client.test.ts asks: CRUD through the typed APIs, a watch replayed
# from a resourceVersion, the three patch types (strategic and json through the typed API,
# merge through the dynamic client, which also reads discovery) and server-side apply.
# Reads KUBECONFIG; prints one JSON report of what it saw (the test asserts on it).

import json
import sys
import time

from kubernetes import client, config, dynamic, watch
from kubernetes.client.rest import ApiException

NS = "py"


def main():
    config.load_kube_config()
    api = client.ApiClient()
    core = client.CoreV1Api(api)
    apps = client.AppsV1Api(api)
    report = {}

    # --- CRUD -----------------------------------------------------------------
    core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))
    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="settings", labels={"app": "py"}), data={"a": "1"})
    created = core.create_namespaced_config_map(NS, cm)
    read = core.read_namespaced_config_map("settings", NS)
    listed = core.list_namespaced_config_map(NS, label_selector="app=py")
    read.data["b"] = "2"
    replaced = core.replace_namespaced_config_map("settings", NS, read)
    stale = created
    stale.data = {"stale": "yes"}
    try:
        core.replace_namespaced_config_map("settings", NS, stale)
        conflict = None
    except ApiException as e:
        conflict = {"status": e.status, "reason": json.loads(e.body)["reason"]}
    try:
        core.create_namespaced_config_map(NS, cm)
        exists = None
    except ApiException as e:
        exists = {"status": e.status, "reason": json.loads(e.body)["reason"]}
    report["crud"] = {
        "created_uid": created.metadata.uid,
        "read_uid": read.metadata.uid,
        "listed": [i.metadata.name for i in listed.items],
        "replaced_data": replaced.data,
        "rv_changed": replaced.metadata.resource_version != created.metadata.resource_version,
        "conflict": conflict,
        "exists": exists,
    }

    # --- a Deployment the controllers run --------------------------------------
    container = client.V1Container(name="web", image="nginx:1.27", env=[client.V1EnvVar(name="A", value="1")])
    dep = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="web", labels={"app": "web"}),
        spec=client.V1DeploymentSpec(
            replicas=2,
            selector=client.V1LabelSelector(match_labels={"app": "web"}),
            template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels={"app": "web"}), spec=client.V1PodSpec(containers=[container])),
        ),
    )
    apps.create_namespaced_deployment(NS, dep)
    deadline = time.time() + 60
    while time.time() < deadline:
        d = apps.read_namespaced_deployment_status("web", NS)
        if (d.status.available_replicas or 0) == 2:
            break
        time.sleep(0.5)
    pods = core.list_namespaced_pod(NS, label_selector="app=web")
    report["deployment"] = {
        "available": d.status.available_replicas,
        "pods": sorted(p.status.phase for p in pods.items),
        "owner": sorted({p.metadata.owner_references[0].kind for p in pods.items}),
    }
    scale = apps.read_namespaced_deployment_scale("web", NS)
    apps.patch_namespaced_deployment_scale("web", NS, {"spec": {"replicas": 3}})
    report["scale"] = {"before": scale.spec.replicas, "after": apps.read_namespaced_deployment("web", NS).spec.replicas}

    # --- patches ----------------------------------------------------------------
    # strategic (a dict body): env merges by name
    apps.patch_namespaced_deployment("web", NS, {"spec": {"template": {"spec": {"containers": [{"name": "web", "env": [{"name": "B", "value": "2"}]}]}}}})
    env = [e.name for e in apps.read_namespaced_deployment("web", NS).spec.template.spec.containers[0].env]
    # json patch (a list body)
    apps.patch_namespaced_deployment("web", NS, [{"op": "add", "path": "/metadata/labels/patched", "value": "json"}, {"op": "replace", "path": "/spec/replicas", "value": 1}])
    after_json = apps.read_namespaced_deployment("web", NS)
    # merge patch through the dynamic client: a list replaces the live one whole
    dyn = dynamic.DynamicClient(api)
    deployments = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    deployments.patch(
        name="web",
        namespace=NS,
        body={"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}}},
        content_type="application/merge-patch+json",
    )
    merged = apps.read_namespaced_deployment("web", NS)
    report["patch"] = {
        "strategic_env": env,
        "json": {"label": after_json.metadata.labels.get("patched"), "replicas": after_json.spec.replicas},
        "merge": {"image": merged.spec.template.spec.containers[0].image, "env": merged.spec.template.spec.containers[0].env},
        "generation": merged.metadata.generation,
    }

    # --- server-side apply through the dynamic client -------------------------------
    configmaps = dyn.resources.get(api_version="v1", kind="ConfigMap")
    # (this client's server_side_apply() cannot send a dict as apply-patch+yaml; a JSON text, which is YAML, it can)
    applied = configmaps.patch(
        body=json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "applied", "namespace": NS}, "data": {"k": "v"}}),
        name="applied",
        namespace=NS,
        content_type="application/apply-patch+yaml",
        field_manager="python",
    )
    report["apply"] = {
        "data": dict(applied.data),
        "managers": [[m.manager, m.operation] for m in applied.metadata.managedFields],
    }

    # --- watch: replay from a resourceVersion -----------------------------------
    rv = core.list_namespaced_config_map(NS).metadata.resource_version
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="watched"), data={"n": "0"}))
    core.patch_namespaced_config_map("watched", NS, {"data": {"n": "1"}})
    core.delete_namespaced_config_map("watched", NS)
    seen = []
    try:
        w = watch.Watch()
        for event in w.stream(core.list_namespaced_config_map, NS, resource_version=rv, timeout_seconds=10):
            obj = event["object"]
            seen.append([event["type"], obj.metadata.name, (obj.data or {}).get("n")])
            if event["type"] == "DELETED":
                w.stop()
        report["watch"] = seen
    except ApiException as e:
        report["watch"] = {"error": e.status, "body": e.body.decode() if isinstance(e.body, bytes) else e.body}

    # --- delete, then 404 -------------------------------------------------------------
    status = core.delete_namespaced_config_map("settings", NS)
    try:
        core.read_namespaced_config_map("settings", NS)
        gone = None
    except ApiException as e:
        gone = {"status": e.status, "reason": json.loads(e.body)["reason"]}
    report["delete"] = {"status_kind": getattr(status, "kind", None), "gone": gone}

    json.dump(report, sys.stdout, default=str)


if __name__ == "__main__":
    main()
