// With KUBESIM_PROPERTY_SEED set (CI sets it), every fast-check property of the repository
// runs from that seed, so a CI run is reproducible; a property that names its own seed
// keeps it. Unset, each run draws new cases, as fast-check does by default.
import fc from 'fast-check';

const seed = Number(process.env['KUBESIM_PROPERTY_SEED']);
if (process.env['KUBESIM_PROPERTY_SEED'] && Number.isSafeInteger(seed)) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
