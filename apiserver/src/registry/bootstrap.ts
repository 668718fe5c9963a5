// What a fresh cluster has before anyone writes: the namespaces default, kube-system,
// kube-public and kube-node-lease, each with its `default` ServiceAccount, the PriorityClasses
// system-node-critical and system-cluster-critical, the `cluster-admin` ClusterRole and
// ClusterRoleBinding, and the `kubernetes` Service in default
// (the first address of the service range, port 443 → the apiserver's port) with its
// Endpoints and EndpointSlice when the apiserver's address is known. Idempotent: runs at
// every start (and gives namespaces stored by an older kubesim their ServiceAccount).
import { isAlreadyExists, resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import type { RegistryCore } from './core.ts';
import { createObject, ensureDefaultServiceAccount } from './create.ts';
import { systemPriorityClasses } from './kinds/priority.ts';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './kinds/rbac.ts';
import { SYSTEM_NAMESPACES } from './kinds/namespaces.ts';
import { reserveService } from './kinds/services.ts';
import type { ServiceLike } from './kinds/services.ts';
import { updateObject } from './update.ts';
import { resourcePrefix } from './keys.ts';

async function ensure(core: RegistryCore, type: (typeof resources)[keyof typeof resources], namespace: string | undefined, obj: KubeObject): Promise<void> {
  try {
    await createObject(core, core.info(type), namespace, obj, { userAgent: 'kube-apiserver' });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

export async function bootstrap(core: RegistryCore, advertise: { address: string; port: number } | undefined): Promise<void> {
  // allocations held by stored services
  let haveKubernetesService = false;
  for (const o of core.cache.snapshot(resourcePrefix(resources.services), resourcePrefix(resources.services)).items) {
    reserveService(core.allocators, o.obj as ServiceLike);
    if (o.obj.metadata.namespace === 'default' && o.obj.metadata.name === 'kubernetes') haveKubernetesService = true;
  }
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(core, resources.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const nsPrefix = resourcePrefix(resources.namespaces);
  const saPrefix = resourcePrefix(resources.serviceaccounts);
  for (const ns of core.cache.snapshot(nsPrefix, nsPrefix).items) {
    const name = ns.obj.metadata.name!;
    if (!ns.obj.metadata.deletionTimestamp && !core.cache.get(`${saPrefix}${name}/default`)) await ensureDefaultServiceAccount(core, name);
  }
  for (const pc of systemPriorityClasses()) await ensure(core, resources.priorityclasses, undefined, pc);
  for (const cr of bootstrapClusterRoles()) await ensure(core, resources.clusterroles, undefined, cr);
  for (const crb of bootstrapClusterRoleBindings()) await ensure(core, resources.clusterrolebindings, undefined, crb);
  const port = advertise?.port ?? 6443;
  // On a restart the Service is already stored and holds the first IP: creating it again
  // would fail allocation before it could fail as AlreadyExists.
  if (!haveKubernetesService) await ensure(core, resources.services, 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: core.allocators.firstIP,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }],
      sessionAffinity: 'None',
    },
  } as KubeObject);
  if (!advertise) return;
  const labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
  const endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    subsets: [{ addresses: [{ ip: advertise.address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  } as KubeObject;
  await updateObject(core, core.info(resources.endpoints), 'default', 'kubernetes', endpoints, {}).catch(() => undefined);
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'kube-apiserver' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [advertise.address], conditions: { ready: true } }],
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  } as KubeObject;
  await ensure(core, resources.endpointslices, 'default', slice).catch(() => undefined);
}
