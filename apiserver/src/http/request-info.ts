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

/** the segment percent-decoded (only when it has a '%': decoding changes nothing else) */
function decodeSegment(s: string): string | undefined {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** undefined when the path is not a resource path (bad percent-encoding, too short) */
export function parseRequestPath(path: string): RequestInfo | undefined {
  const parts: string[] = [];
  for (const r of path.split('/')) {
    if (r === '') continue;
    const d = decodeSegment(r);
    if (d === undefined) return undefined;
    parts.push(d);
  }
  // the resource path starts at parts[k]
  let k: number;
  const info: RequestInfo = { group: '', version: '', watchPath: false };
  if (parts[0] === 'api' && parts.length >= 2) {
    info.version = parts[1]!;
    k = 2;
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    info.group = parts[1]!;
    info.version = parts[2]!;
    k = 3;
  } else {
    return undefined;
  }
  if (parts[k] === 'watch') {
    info.watchPath = true;
    k++;
  }
  let n = parts.length - k;
  if (parts[k] === 'namespaces' && n >= 2) {
    if (n === 2 || NAMESPACE_SUBRESOURCES.has(parts[k + 2]!)) {
      // the namespace object itself
      info.resource = 'namespaces';
      info.name = parts[k + 1]!;
      if (n >= 3) info.subresource = parts[k + 2]!;
      if (n > 3) info.subpath = parts.slice(k + 3);
      return info;
    }
    info.namespace = parts[k + 1]!;
    k += 2;
    n -= 2;
  }
  if (n >= 1) info.resource = parts[k]!;
  if (n >= 2) info.name = parts[k + 1]!;
  if (n >= 3) info.subresource = parts[k + 2]!;
  if (n > 3) info.subpath = parts.slice(k + 3);
  return info;
}
