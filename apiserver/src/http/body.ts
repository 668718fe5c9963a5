// Request bodies: JSON (also when no Content-Type is given, as kubectl's scale PUT sends),
// YAML, Kubernetes protobuf (decoded by part 2's protobuf/decode.ts), and the patch
// types by Content-Type. Bodies are at most 3 MiB (fastify's bodyLimit → 413) and JSON
// nesting is capped before parsing, so hostile input costs no stack.
import { badRequest, failure } from '@kubesim/shared';
import type { PatchType } from '@kubesim/shared';
import { parse as parseYaml } from 'yaml';
import { decodeProtobufObject } from '../protobuf/decode.ts';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;
export const MAX_JSON_DEPTH = 100;

export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** at most `max` opening brackets in the text, in strings or not (found by indexOf, much
 *  faster than reading every character): then nothing nests deeper than `max` */
function fewOpenings(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++n > max) return false;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++n > max) return false;
  return true;
}

/** nesting depth of JSON text (brackets outside strings), stopping early past `max` */
export function jsonDepthExceeds(text: string, max: number): boolean {
  if (fewOpenings(text, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function valueDepthExceeds(v: unknown, max: number, depth = 0): boolean {
  if (depth > max) return true;
  if (Array.isArray(v)) return v.some((x) => valueDepthExceeds(x, max, depth + 1));
  if (v !== null && typeof v === 'object') return Object.values(v).some((x) => valueDepthExceeds(x, max, depth + 1));
  return false;
}

export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw failure(400, 'BadRequest', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export function parseYamlText(text: string): unknown {
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  let v: unknown;
  try {
    v = parseYaml(text, { maxAliasCount: 100, prettyErrors: false, uniqueKeys: false });
  } catch (err) {
    throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (valueDepthExceeds(v, MAX_JSON_DEPTH)) throw failure(400, 'BadRequest', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  return JSON.parse(JSON.stringify(v ?? null)) as unknown;
}

/** an object body (create, update) by Content-Type */
export function decodeObjectBody(contentType: string | undefined, body: Buffer | undefined): unknown {
  const mt = mediaType(contentType);
  const buf = body ?? Buffer.alloc(0);
  switch (mt) {
    case '':
    case 'application/json':
    case '*/*':
      return parseJsonText(buf.toString('utf8'));
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return parseYamlText(buf.toString('utf8'));
    case 'application/vnd.kubernetes.protobuf':
      return decodeProtobufObject(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    default:
      throw failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }
}

export const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export function decodePatchBody(contentType: string | undefined, body: Buffer | undefined): { type: PatchType; patch: unknown } {
  const mt = mediaType(contentType);
  const type = PATCH_TYPES[mt];
  if (!type || mt === 'application/apply-patch+cbor') {
    throw failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
  const text = (body ?? Buffer.alloc(0)).toString('utf8');
  return { type, patch: type === 'apply' ? parseYamlText(text) : parseJsonText(text) };
}
