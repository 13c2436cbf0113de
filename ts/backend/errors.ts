// Every user-facing failure is an Error whose message starts with the op's name, then
// names the argument and the shapes involved.
export function opError(op: string, message: string): Error {
  return new Error(`simdnet.${op}: ${message}`);
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
