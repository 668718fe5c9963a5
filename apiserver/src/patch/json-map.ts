// The JSON objects the patch and managedFields code walks: `JsonMap`, `isMap` (an object
// that is not an array or null) and `hasKeys` (whether it has any member, without listing
// them). One definition for every file of patch/.

export type JsonMap = Record<string, unknown>;

export const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === 'object' && !Array.isArray(v);

export const hasKeys = (m: JsonMap): boolean => {
  for (const _ in m) return true;
  return false;
};
