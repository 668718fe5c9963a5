// Keeps the bundle's JavaScript in V8's one-byte string form. V8 holds the source of every
// loaded script in memory (lazy compilation reads it again), and a single character above
// U+00FF (an arrow or a dash in a comment) makes it store the whole file two bytes per
// character: 3.4 MB of apiserver code then costs 6.8 MB in every process that loads it.
// esbuild already writes code as ASCII; what it leaves are comments, so each such character
// becomes its `\uXXXX` escape, which reads the same in a comment and means the same in a
// string, a regular expression or an identifier.

/** `text` with every character above U+00FF written as a `\u` escape (itself when none is) */
export function oneByteSource(text: string): string {
  if (!/[^\u0000-\u00ff]/.test(text)) return text;
  return text.replace(/[^\u0000-\u00ff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
