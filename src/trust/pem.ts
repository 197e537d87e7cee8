// PEM text <-> DER blocks. Tolerant reader: text outside blocks (comments, blank lines),
// CRLF line ends, RFC 1421 headers and indentation are ignored; broken blocks are reported, not fatal.

export interface PemBlock {
  label: string;
  der: Buffer;
  /** 1-based position of the block in the text, for messages. */
  index: number;
}

export interface PemParse {
  blocks: PemBlock[];
  /** One short line per block that could not be read (never the block's text). */
  problems: string[];
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parsePem(text: string): PemParse {
  const blocks: PemBlock[] = [];
  const problems: string[] = [];
  let label: string | null = null;
  let body: string[] = [];
  let index = 0;
  for (const rawLine of text.split(/\r?\n|\r/)) {
    const line = rawLine.trim();
    if (label === null) {
      const m = BEGIN.exec(line);
      if (m) {
        label = m[1]!;
        body = [];
        index++;
      }
      continue;
    }
    const end = END.exec(line);
    if (end) {
      if (end[1] !== label) problems.push(`block ${index}: BEGIN ${label} closed by END ${end[1]}`);
      else {
        const b64 = body.join('');
        if (!BASE64.test(b64) || b64.length % 4 !== 0 || b64.length === 0) problems.push(`block ${index} (${label}): invalid base64`);
        else blocks.push({ label, der: Buffer.from(b64, 'base64'), index });
      }
      label = null;
      continue;
    }
    if (BEGIN.test(line)) {
      problems.push(`block ${index} (${label}): no END line`);
      label = BEGIN.exec(line)![1]!;
      body = [];
      index++;
      continue;
    }
    if (line === '' || line.includes(':')) continue; // blank line or RFC 1421 header
    body.push(line.replace(/\s+/g, ''));
  }
  if (label !== null) problems.push(`block ${index} (${label}): no END line`);
  return { blocks, problems };
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A bundle of certificates in the given order, one PEM block each. */
export function encodeCertBundle(ders: readonly Uint8Array[]): string {
  return ders.map((d) => encodePem('CERTIFICATE', d)).join('');
}
