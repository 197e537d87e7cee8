import { expect } from 'chai';
import { encodePem, parsePem } from '../../../src/trust/pem.js';

const DER = Buffer.from('3003020101', 'hex');
const BLOCK = encodePem('CERTIFICATE', DER);

describe('trust/pem: parsePem', () => {
  const cases: { name: string; text: string; labels: string[]; problems: number }[] = [
    { name: 'empty text', text: '', labels: [], problems: 0 },
    { name: 'one block', text: BLOCK, labels: ['CERTIFICATE'], problems: 0 },
    { name: 'CRLF line ends', text: BLOCK.replace(/\n/g, '\r\n'), labels: ['CERTIFICATE'], problems: 0 },
    { name: 'blank lines and comments around blocks', text: `# bundle\n\n${BLOCK}\n\n; another\n${BLOCK}\n`, labels: ['CERTIFICATE', 'CERTIFICATE'], problems: 0 },
    { name: 'indented block', text: BLOCK.split('\n').map((l) => `   ${l}`).join('\n'), labels: ['CERTIFICATE'], problems: 0 },
    { name: 'RFC 1421 headers inside the block', text: BLOCK.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n'), labels: ['CERTIFICATE'], problems: 0 },
    { name: 'non-certificate blocks kept with their label', text: encodePem('PRIVATE KEY', DER) + BLOCK, labels: ['PRIVATE KEY', 'CERTIFICATE'], problems: 0 },
    { name: 'no END line', text: BLOCK.replace('-----END CERTIFICATE-----\n', ''), labels: [], problems: 1 },
    { name: 'mismatched END', text: BLOCK.replace('END CERTIFICATE', 'END PRIVATE KEY'), labels: [], problems: 1 },
    { name: 'BEGIN inside an unterminated block', text: BLOCK.replace('-----END CERTIFICATE-----\n', '') + BLOCK, labels: ['CERTIFICATE'], problems: 1 },
    { name: 'invalid base64', text: '-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n', labels: [], problems: 1 },
    { name: 'empty body', text: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', labels: [], problems: 1 },
    { name: 'only text', text: 'hello\nworld\n', labels: [], problems: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = parsePem(c.text);
      expect(r.blocks.map((b) => b.label)).to.deep.equal(c.labels);
      expect(r.problems).to.have.length(c.problems);
      for (const b of r.blocks) expect(b.der.equals(DER)).to.equal(true);
    });
  }

  it('problems never quote the block body', () => {
    const r = parsePem('-----BEGIN CERTIFICATE-----\nSECRETSECRET@\n-----END CERTIFICATE-----\n');
    expect(r.problems.join(' ')).not.to.include('SECRET');
  });

  it('encodePem wraps at 64 columns', () => {
    const pem = encodePem('CERTIFICATE', Buffer.alloc(100, 1));
    for (const line of pem.trim().split('\n')) expect(line.length).to.be.at.most(64);
  });
});
