// `/openapi/v2`, the Swagger 2.0 document. kubectl reads v3 for everything it can, but it
// validates a `kind: List` file (what `kubectl get -o yaml` writes for several objects)
// against v2 on the client, and gives up on the whole file when v2 is missing. It asks for
// gnostic's protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`);
// other clients get JSON.
// Simplified: the document names the API but lists no paths or definitions. kubectl then
// skips the client-side check of each item, which the server's `fieldValidation=Strict`
// (sent with every item) does instead; where v2 has no definition kubectl computes
// strategic merge patches from v3 or its compiled-in types, as it did without v2.

import protobuf from 'protobufjs';

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** The answer's media type, as kube-openapi writes it: Go's mime parser refuses the `@`. */
export const OPENAPI_V2_PROTOBUF_ANSWER = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const info = { title: 'Kubernetes', version: 'v1.32.0' };

/** The JSON form: `{swagger, info, paths, definitions}`. */
export function openAPIV2Json(): Record<string, unknown> {
  return { swagger: '2.0', info, paths: {}, definitions: {} };
}

/**
 * The protobuf form, an `openapi.v2.Document`: field 1 `swagger`, field 2 `info`
 * (an `openapi.v2.Info`: field 1 `title`, field 2 `version`). Empty paths and definitions
 * are absent, as proto3 leaves them.
 */
export function openAPIV2Protobuf(): Uint8Array {
  const infoMessage = protobuf.Writer.create().uint32((1 << 3) | 2).string(info.title).uint32((2 << 3) | 2).string(info.version).finish();
  return protobuf.Writer.create().uint32((1 << 3) | 2).string('2.0').uint32((2 << 3) | 2).bytes(infoMessage).finish();
}
