// Container images as a container runtime names them. `normalizeImage('nginx')` gives
// `docker.io/library/nginx:latest` (what containerStatuses[].image shows); `imageID` gives a
// stable `…@sha256:<digest>` made from the name (no registry is ever contacted); `imageSize`
// a stable size, from which the simulated pull time follows. Well-known server images
// (nginx, httpd, …) serve HTTP on their usual port even without declared containerPorts.

import { createHash } from 'node:crypto';

/** the image every pod sandbox uses, preloaded on every node */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** `docker.io/library/nginx:latest` for `nginx`; digests and explicit registries kept */
const normalized = new Map<string, string>();

export function normalizeImage(image: string): string {
  let n = normalized.get(image);
  if (n === undefined) {
    n = normalize(image);
    if (normalized.size > 10_000) normalized.clear();
    normalized.set(image, n);
  }
  return n;
}

function normalize(image: string): string {
  let name = image.trim();
  const at = name.indexOf('@');
  const digest = at >= 0 ? name.slice(at) : '';
  if (at >= 0) name = name.slice(0, at);
  const firstSlash = name.indexOf('/');
  const first = firstSlash < 0 ? '' : name.slice(0, firstSlash);
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = `docker.io/${firstSlash < 0 ? 'library/' : ''}${name}`;
  const lastSlash = name.lastIndexOf('/');
  if (!digest && !name.slice(lastSlash + 1).includes(':')) name += ':latest';
  return name + digest;
}

/** the repository without registry or tag: `nginx`, `bitnami/redis` */
export function repositoryOf(image: string): string {
  const n = normalizeImage(image).replace(/@.*$/, '');
  const afterRegistry = n.slice(n.indexOf('/') + 1);
  const colon = afterRegistry.lastIndexOf(':');
  const repo = colon > afterRegistry.lastIndexOf('/') ? afterRegistry.slice(0, colon) : afterRegistry;
  return repo.replace(/^library\//, '');
}

const digests = new Map<string, string>();

function digestOf(name: string): string {
  let d = digests.get(name);
  if (d === undefined) {
    d = createHash('sha256').update(name).digest('hex');
    if (digests.size > 10_000) digests.clear();
    digests.set(name, d);
  }
  return d;
}

/** `docker.io/library/nginx@sha256:…`, stable per image name */
export function imageID(image: string): string {
  const n = normalizeImage(image);
  const at = n.indexOf('@');
  if (at >= 0) return n;
  const repo = n.slice(0, n.lastIndexOf(':') > n.lastIndexOf('/') ? n.lastIndexOf(':') : n.length);
  return `${repo}@sha256:${digestOf(n)}`;
}

/** a stable, plausible image size in bytes (pause is tiny; others 5–200 MiB) */
export function imageSize(image: string): number {
  const n = normalizeImage(image);
  if (n === normalizeImage(PAUSE_IMAGE)) return 320_368;
  const h = Number.parseInt(digestOf(n).slice(0, 8), 16);
  return 5 * 1024 * 1024 + (h % (195 * 1024 * 1024));
}

/** default pull time: 500 ms plus the size at 100 MiB/s */
export function defaultPullMs(image: string): number {
  return 500 + Math.round((imageSize(image) / (100 * 1024 * 1024)) * 1000);
}

// repository → the port it serves HTTP on when run with its default command
const SERVER_IMAGES: Record<string, number> = {
  nginx: 80,
  'nginxinc/nginx-unprivileged': 8080,
  httpd: 80,
  caddy: 80,
  'traefik/whoami': 80,
  'containous/whoami': 80,
  'kennethreitz/httpbin': 80,
  'mccutchen/go-httpbin': 8080,
  'ealen/echo-server': 80,
  'hashicorp/http-echo': 5678,
  echoserver: 8080,
  'google-samples/hello-app': 8080,
  'e2e-test-images/agnhost': 8080,
  'bitnami/nginx': 8080,
};

/** the HTTP port of a well-known server image, if `image` is one */
export function wellKnownServerPort(image: string | undefined): number | undefined {
  if (!image) return undefined;
  const repo = repositoryOf(image);
  if (repo in SERVER_IMAGES) return SERVER_IMAGES[repo];
  const base = repo.slice(repo.lastIndexOf('/') + 1);
  return base in SERVER_IMAGES ? SERVER_IMAGES[base] : undefined;
}
