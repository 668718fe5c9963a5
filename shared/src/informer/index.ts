// Informers (client-go's tools/cache): a reflector (list + watch) feeding an indexed,
// frozen cache and event handlers, shared per process through a SharedInformerFactory.
export * from './store.ts';
export * from './reflector.ts';
export * from './shared-informer.ts';
export * from './factory.ts';
export * from './transform.ts';
