// Dev tool (not run by tests): the capturing server that recorded fixtures/*.pb.
// `node capture-server.mjs OUTDIR` listens on 127.0.0.1 (free port), writes OUTDIR/kubeconfig
// (plain http, so kubectl sends no token), answers the dispatcher's GET /version with 1.32,
// saves every POST/PUT/DELETE body as OUTDIR/req-N.bin (+ .meta), and echoes a minimal object.
// It also fakes just enough of a node and pod list for `kubectl drain n1 --force`.
import http from 'node:http';
import fs from 'node:fs';
const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });
let n = 0;
const srv = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    console.error(req.method, req.url, req.headers['content-type'], req.headers['accept'], body.length);
    if (req.url.startsWith('/version')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0' }));
      return;
    }
    const json = (o) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(o)); };
    if (req.method === 'GET' && req.url.startsWith('/api/v1/nodes/n1')) return json({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u1' }, spec: { unschedulable: true } });
    if (req.method === 'GET' && req.url.startsWith('/api/v1/pods?')) return json({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '5' }, items: [{ metadata: { name: 'p1', namespace: 'default', uid: 'pu1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } }] });
    if (req.method === 'GET' && (req.url === '/api?timeout=32s' )) return json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (req.method === 'GET' && (req.url === '/apis?timeout=32s' )) return json({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (req.method === 'GET' && req.url.startsWith('/api/v1?')) return json({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [{ name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: ['get','list','patch'] }, { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get','list','delete'] }] });
    if (req.method === 'POST' || req.method === 'PUT' || req.method === 'DELETE') {
      fs.writeFileSync(`${out}/req-${n++}.bin`, body);
      fs.writeFileSync(`${out}/req-${n - 1}.meta`, `${req.method} ${req.url} ${req.headers['content-type']}`);
      const parts = req.url.split('?')[0].split('/');
      const resource = parts[parts.length - 1];
      const kinds = { deployments: ['apps/v1', 'Deployment'], namespaces: ['v1', 'Namespace'], configmaps: ['v1', 'ConfigMap'], secrets: ['v1', 'Secret'], services: ['v1', 'Service'], serviceaccounts: ['v1', 'ServiceAccount'], jobs: ['batch/v1', 'Job'], cronjobs: ['batch/v1', 'CronJob'], poddisruptionbudgets: ['policy/v1', 'PodDisruptionBudget'], priorityclasses: ['scheduling.k8s.io/v1', 'PriorityClass'], roles: ['rbac.authorization.k8s.io/v1', 'Role'], rolebindings: ['rbac.authorization.k8s.io/v1', 'RoleBinding'], resourcequotas: ['v1', 'ResourceQuota'], clusterroles: ['rbac.authorization.k8s.io/v1','ClusterRole'], clusterrolebindings: ['rbac.authorization.k8s.io/v1','ClusterRoleBinding'] };
      const [apiVersion, kind] = kinds[resource] ?? ['v1', 'Pod'];
      res.statusCode = 201;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion, kind, metadata: { name: 'captured', namespace: 'default' } }));
      return;
    }
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }));
  });
});
srv.listen(0, '127.0.0.1', () => {
  const port = srv.address().port;
  fs.writeFileSync(`${out}/port`, String(port));
  fs.writeFileSync(`${out}/kubeconfig`, `apiVersion: v1
kind: Config
clusters:
- cluster: {server: "http://127.0.0.1:${port}"}
  name: c
contexts:
- context: {cluster: c, user: u, namespace: default}
  name: c
current-context: c
users:
- name: u
  user: {token: t}
`);
  console.error('listening', port);
});
