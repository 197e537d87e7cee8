/** The API server truncates long warnings; keep each under 120 characters, with a recognisable source. */
export const WARNING_LIMIT = 120;
const PREFIX = 'nifi-ca-guard: ';

export function warning(text: string): string {
  const line = PREFIX + text.replace(/\s+/g, ' ').trim();
  return line.length < WARNING_LIMIT ? line : `${line.slice(0, WARNING_LIMIT - 2)}…`;
}
