import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

// The sha256 of a trace.dat, read on a worker thread while the importing thread parses the file:
// every source's hash is recorded (traces.sources), and a big file need not be read twice in turn.

const { path } = workerData as { path: string };
const hash = createHash('sha256');
let bytes = 0;
createReadStream(path, { highWaterMark: 1 << 20 })
  .on('data', (chunk) => {
    hash.update(chunk as Buffer);
    bytes += chunk.length;
  })
  .on('end', () => parentPort!.postMessage({ sha256: hash.digest('hex'), bytes }))
  .on('error', (error) => parentPort!.postMessage({ error: error.message }));
