// @kubesim/apiserver: the Kubernetes API over the store. See server.ts (startApiserver),
// http/app.ts (buildApp), registry/registry.ts (the Registry API) and
// registry/in-process-client.ts (the Client used by the simulation).
export { startApiserver, writeAdminKubeconfig } from './server.ts';
export type { ApiserverOptions, ApiserverHandle } from './server.ts';
export { buildApp } from './http/app.ts';
export { MAX_SOCKET_PATH_BYTES } from './http/local-socket.ts';
export type { AppOptions } from './http/app.ts';
export { Registry } from './registry/registry.ts';
export type { SubresourceHandler, SubresourceRequest, RegistryWriteOptions, DeleteOpts } from './registry/registry.ts';
export type { RegistryOptions, UserInfo, WatchSink, WatchHandle, ListResult, UpdateResult, DeleteResult, WriteContext } from './registry/registry.ts';
export { createInProcessClient } from './registry/in-process-client.ts';
export type { InProcessClientOptions } from './registry/in-process-client.ts';
export { ensureTls } from './auth/certs.ts';
export { writeKubeconfig, kubeconfigYaml } from './auth/kubeconfig.ts';
export type { KubeconfigSpec } from './auth/kubeconfig.ts';
export { ADMIN_USER, COMPONENT_USERS, TokenAuthenticator, ensureTokenFile, issueNodeToken, issueToken, tokenFor, tokensPath } from './auth/tokens.ts';
export { allowAll } from './auth/authorizer.ts';
export type { Authorizer, AuthorizationAttributes, AuthorizationDecision, NonResourceRule, ResourceRule, SubjectRules } from './auth/authorizer.ts';
export { versionInfo, KUBESIM_VERSION } from './http/version.ts';
export { registerSubresourceHandlers } from './subresources/index.ts';
