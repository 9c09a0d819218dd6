// Draws the extension's icon, images/icon.png (128 × 128): a small forest plot (study squares with their
// intervals, the pooled diamond, the line of no effect) on the banner colour. Kept as code so the icon
// can be redrawn without an image editor: node scripts/make-icon.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SUPERSAMPLE = 4;
const BACKGROUND = [29, 53, 87];
const INK = [241, 250, 238];
const ACCENT = [168, 218, 220];
const DIAMOND = [230, 57, 70];

// Shapes in icon pixels; each returns true when the point is inside.
const roundedSquare = (x, y) => {
  const r = 22;
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const studies = [
  { y: 30, lo: 30, hi: 78, at: 52, half: 6 },
  { y: 48, lo: 44, hi: 96, at: 68, half: 8 },
  { y: 66, lo: 22, hi: 70, at: 46, half: 5 },
  { y: 84, lo: 40, hi: 88, at: 62, half: 7 },
];
const layers = [
  { color: ACCENT, inside: rect(79, 18, 82, 112) },
  ...studies.flatMap((s) => [
    { color: INK, inside: rect(s.lo, s.y - 1.5, s.hi, s.y + 1.5) },
    { color: INK, inside: rect(s.at - s.half, s.y - s.half, s.at + s.half, s.y + s.half) },
  ]),
  { color: DIAMOND, inside: (x, y) => Math.abs(x - 58) / 20 + Math.abs(y - 104) / 8 <= 1 },
];

function pixel(x, y) {
  if (!roundedSquare(x, y)) return null;
  let color = BACKGROUND;
  for (const layer of layers) if (layer.inside(x, y)) color = layer.color;
  return color;
}

const rows = [];
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let px = 0; px < SIZE; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let covered = 0;
    for (let sy = 0; sy < SUPERSAMPLE; sy++)
      for (let sx = 0; sx < SUPERSAMPLE; sx++) {
        const color = pixel(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE);
        if (!color) continue;
        r += color[0];
        g += color[1];
        b += color[2];
        covered++;
      }
    const offset = 1 + px * 4;
    if (covered > 0) {
      row[offset] = Math.round(r / covered);
      row[offset + 1] = Math.round(g / covered);
      row[offset + 2] = Math.round(b / covered);
    }
    row[offset + 3] = Math.round((255 * covered) / SUPERSAMPLE ** 2);
  }
  rows.push(row);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync('images', { recursive: true });
writeFileSync('images/icon.png', png);
console.log(`images/icon.png: ${png.length} bytes`);
