// Go's order of strings, which Kubernetes sorts by (sort.Strings: byte by byte, so 'B' < 'a'
// and '-' < '0' < 'A'), for wherever kubesim must list things as Kubernetes does. Not
// localeCompare, which follows a locale's collation (it puts 'a' before 'B').
// For ASCII (every name, label key and value) comparing UTF-16 units gives the byte order.
//   entries.sort(([a], [b]) => compareStrings(a, b))

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
