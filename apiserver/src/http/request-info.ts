// What a URL under /api or /apis names, as Kubernetes' RequestInfo resolver reads it:
//   /api/v1/namespaces/default/pods/web/status  → group '', v1, ns default, pods, web, status
//   /apis/apps/v1/deployments                   → all-namespace list of deployments
//   /api/v1/namespaces/foo                      → the namespace foo itself
//   /api/v1/namespaces/foo/finalize             → namespaces/foo, subresource finalize
//   /api/v1/watch/namespaces/default/pods       → legacy watch path (watch=true)
// Segments are percent-decoded. Anything else under /api(s) is not a resource path.

export interface RequestInfo {
  group: string;
  version: string;
  namespace?: string;
  resource?: string;
  name?: string;
  subresource?: string;
  /** segments after the subresource (nodes/x/proxy/a/b) */
  subpath?: string[];
  /** the path was a legacy /watch/ path */
  watchPath: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** undefined when the path is not a resource path (bad percent-encoding, too short) */
export function parseRequestPath(path: string): RequestInfo | undefined {
  const raw = path.split('/').filter((p) => p !== '');
  const parts: string[] = [];
  for (const r of raw) {
    const d = decodeSegment(r);
    if (d === undefined) return undefined;
    parts.push(d);
  }
  let rest: string[];
  const info: RequestInfo = { group: '', version: '', watchPath: false };
  if (parts[0] === 'api' && parts.length >= 2) {
    info.version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    info.group = parts[1]!;
    info.version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (rest[0] === 'watch') {
    info.watchPath = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    if (rest.length === 2 || NAMESPACE_SUBRESOURCES.has(rest[2]!)) {
      // the namespace object itself
      info.resource = 'namespaces';
      info.name = rest[1]!;
      if (rest.length >= 3) info.subresource = rest[2]!;
      if (rest.length > 3) info.subpath = rest.slice(3);
      return info;
    }
    info.namespace = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length >= 1) info.resource = rest[0]!;
  if (rest.length >= 2) info.name = rest[1]!;
  if (rest.length >= 3) info.subresource = rest[2]!;
  if (rest.length > 3) info.subpath = rest.slice(3);
  return info;
}
