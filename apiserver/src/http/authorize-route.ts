// Authorization for the routes served outside the resource handler (metrics.k8s.io,
// nodes/proxy, pods/proxy, services/proxy): the request's verb and resource are noted for
// the request log and metrics, and a request the authorizer refuses is Kubernetes' 403.
import type { FastifyRequest } from 'fastify';
import type { AuthorizationAttributes, Authorizer } from '../auth/authorizer.ts';
import { denied } from '../auth/authorizer.ts';

export async function authorizeRoute(req: FastifyRequest, authorizer: Authorizer, attrs: Omit<AuthorizationAttributes, 'user'> & { resource: string }): Promise<void> {
  req.kube.verb = attrs.verb;
  req.kube.resource = attrs.resource;
  const a: AuthorizationAttributes = { user: req.kube.user, ...attrs };
  if (!(await authorizer.authorize(a)).allowed) throw denied(a);
}
