// @kubernetes/client-node 2.x imports undici 8, which needs Node ≥ 22; these machines run
// Node 20. For the tests only, a module-resolution hook hands client-node the undici 7
// that apiserver lists as a devDependency (same fetch/Agent API, Node ≥ 20.18). Import
// this module before @kubernetes/client-node; on Node ≥ 22 it does nothing.
import { register } from 'node:module';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const require = createRequire(import.meta.url);
  const undici7 = pathToFileURL(require.resolve('undici')).href;
  const hook = `
    export async function resolve(specifier, context, next) {
      if (specifier === 'undici' && context.parentURL && context.parentURL.includes('@kubernetes/client-node')) {
        return { url: ${JSON.stringify(undici7)}, shortCircuit: true, format: 'commonjs' };
      }
      return next(specifier, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
