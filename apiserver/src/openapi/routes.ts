// The `/openapi/v3` endpoints: the index (`{"paths":{"apis/apps/v1":{"serverRelativeURL":
// "/openapi/v3/apis/apps/v1?hash=…"}}}`) and one document per group-version. Documents are
// built once from the zod schemas and addressed by their SHA-512 hash: a request with the
// current hash is `Cache-Control: public, immutable`; an old hash redirects to the current
// one; no hash is `no-cache`. ETag / If-None-Match answer 304. `/openapi/v2` names the API
// and lists nothing (see v2.ts): kubectl uses v3.

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildDocument, groupVersionPaths } from './document.ts';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_ANSWER, openAPIV2Json, openAPIV2Protobuf } from './v2.ts';

interface CachedDocument {
  body: string;
  hash: string;
}

const cache = new Map<string, CachedDocument>();

/** The serialized document and its hash for a group-version path, or undefined. */
export function documentFor(gvPath: string): CachedDocument | undefined {
  let doc = cache.get(gvPath);
  if (!doc) {
    const built = buildDocument(gvPath);
    if (!built) return undefined;
    const body = JSON.stringify(built);
    doc = { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
    cache.set(gvPath, doc);
  }
  return doc;
}

/** The `/openapi/v3` index. */
export function openAPIIndex(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of groupVersionPaths()) {
    const doc = documentFor(gv);
    if (doc) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${doc.hash}` };
  }
  return { paths };
}

function notFoundStatus(reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .type('application/json')
    .send({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
}

function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  return typeof header === 'string' && header.split(',').some((t) => t.trim() === etag);
}

export function registerOpenAPI(app: FastifyInstance): void {
  app.get('/openapi/v3', async (request, reply) => {
    const body = JSON.stringify(openAPIIndex());
    const etag = `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`;
    reply.header('Cache-Control', 'no-cache, private').header('ETag', etag).header('Vary', 'Accept');
    if (notModified(request, etag)) return reply.code(304).send();
    return reply.type('application/json').send(body);
  });

  app.get('/openapi/v3/*', async (request, reply) => {
    const gvPath = (request.params as { '*': string })['*'].replace(/\/+$/, '');
    const doc = documentFor(gvPath);
    if (!doc) return notFoundStatus(reply);
    const etag = `"${doc.hash}"`;
    const hash = (request.query as { hash?: string }).hash;
    reply.header('ETag', etag).header('Vary', 'Accept');
    if (hash !== undefined && hash !== doc.hash) {
      reply.header('Cache-Control', 'public, immutable');
      return reply.redirect(`/openapi/v3/${gvPath}?hash=${doc.hash}`, 301);
    }
    if (hash !== undefined) {
      reply.header('Cache-Control', 'public, immutable').header('Expires', new Date(Date.UTC(2100, 0, 1)).toUTCString());
    } else {
      reply.header('Cache-Control', 'no-cache, private');
    }
    if (notModified(request, etag)) return reply.code(304).send();
    return reply.type('application/json').send(doc.body);
  });

  app.get('/openapi/v2', async (request, reply) => {
    reply.header('Cache-Control', 'no-cache, private').header('Vary', 'Accept');
    if (request.headers.accept?.includes(OPENAPI_V2_PROTOBUF)) return reply.header('Content-Type', OPENAPI_V2_PROTOBUF_ANSWER).send(Buffer.from(openAPIV2Protobuf()));
    return reply.type('application/json').send(JSON.stringify(openAPIV2Json()));
  });
}
