// /version: Kubernetes 1.32 as far as clients can tell (the kubectl dispatcher on these
// machines picks its binary by the minor version), with kubesim's own version in
// gitVersion's build metadata and in the extra `kubesim` field.
import { arch, platform, version as nodeVersion } from 'node:process';

export const KUBESIM_VERSION = '0.1.0';
export const KUBERNETES_VERSION = { major: '1', minor: '32', patch: '0' };

export function versionInfo(): Record<string, unknown> {
  const goArch = arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}+kubesim.${KUBESIM_VERSION}`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: `go1.23.4 (node ${nodeVersion})`,
    compiler: 'gc',
    platform: `${platform}/${goArch}`,
    kubesim: { version: KUBESIM_VERSION, node: nodeVersion },
  };
}
