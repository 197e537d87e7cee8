/** An error whose message is a complete one-line reason for the user; the CLI prints it and exits 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * One line, whatever was thrown: never a stack trace on the terminal. The first line only: what
 * libraries put below it is context, e.g. the YAML parser quoting a kubeconfig's token lines.
 */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? 'unknown error';
}
