import { expect } from 'chai';
import { serialLoop } from '../../../src/cluster/loop.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('serialLoop', () => {
  it('never runs two rounds at once, however often it is kicked', async () => {
    let inFlight = 0;
    let most = 0;
    let rounds = 0;
    const loop = serialLoop({
      round: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick(5);
        inFlight--;
        rounds++;
        return 60_000;
      },
      onError: () => 60_000,
    });
    await Promise.all([loop.kick(), loop.kick(), loop.kick()]);
    await loop.stop();
    expect(most).to.equal(1);
    expect(rounds).to.equal(3);
  });

  it('counts consecutive failures for the backoff and resets the count after a success', async () => {
    const outcomes = ['fail', 'fail', 'ok', 'fail'];
    const seen: number[] = [];
    const loop = serialLoop({
      round: async () => {
        if (outcomes.shift() === 'fail') throw new Error('boom');
        return 60_000;
      },
      onError: (_err, failures) => {
        seen.push(failures);
        return 60_000;
      },
    });
    for (let i = 0; i < 4; i++) await loop.kick();
    await loop.stop();
    expect(seen).to.deep.equal([1, 2, 1]);
  });

  it('schedules the next round after the delay the round returns, and runs none after stop', async () => {
    let rounds = 0;
    const loop = serialLoop({ round: async () => (++rounds, 1), onError: () => 1 });
    await loop.kick();
    await tick(30);
    const before = rounds;
    expect(before).to.be.greaterThan(2);
    await loop.stop();
    const stoppedAt = rounds;
    await tick(20);
    expect(rounds).to.equal(stoppedAt);
  });
});
