import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTdsServer } from './index';
import { frameMessage, PacketType } from './packet';

/** A tiny deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function openSocket(port: number): Promise<{ socket: Socket; closed: Promise<void>; received: () => number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let bytes = 0;
    socket.on('data', (d: Buffer) => (bytes += d.length));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, closed, received: () => bytes }));
  });
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('TDS double robustness', () => {
  it('random payloads at every stage never take the server down', async () => {
    const server = await startTdsServer(); // open mode: the minimal LOGIN7 below is accepted
    const rand = prng(20240229);
    const emptyPrelogin = frameMessage(PacketType.PRELOGIN, Buffer.from([0xff]), 4096);
    const minimalLogin = frameMessage(PacketType.LOGIN7, Buffer.alloc(94), 4096);
    try {
      for (let round = 0; round < 60; round++) {
        const stage = round % 3;
        const { socket, closed } = await openSocket(server.port);
        const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
        if (stage >= 1) socket.write(emptyPrelogin);
        if (stage >= 2) socket.write(minimalLogin);
        const type = [PacketType.PRELOGIN, PacketType.LOGIN7, PacketType.SQL_BATCH, PacketType.RPC, PacketType.TRANSACTION_MANAGER, PacketType.NTLM_AUTH, 0x42][Math.floor(rand() * 7)]!;
        socket.write(rand() < 0.5 ? frameMessage(type, junk, 4096) : junk);
        await Promise.race([closed, settle(30)]);
        socket.destroy();
      }
      // Still serving: a well-formed client gets through.
      const { socket, received } = await openSocket(server.port);
      socket.write(emptyPrelogin);
      await settle(50);
      expect(received()).toBeGreaterThan(8);
      socket.destroy();
      expect(server.recordsOf('error').length).toBeGreaterThan(0);
      expect(server.recordsOf('error').every((r) => r.message.startsWith('protocol error: '))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
