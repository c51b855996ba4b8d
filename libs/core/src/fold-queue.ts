/**
 * A group commit, in core because two libraries use it: the projector, where it is the single
 * writer of one model version in a process, and the agent API's audit trail, whose concurrent
 * records share one store write. The consumer hands over the batches of every partition of a
 * fetch at once; whatever batches are waiting are folded by ONE call, and each caller resolves
 * (or rejects) with the call that carried its events, so each batch is still committed on its
 * own, only after its events are written.
 *
 * Why not fold partitions concurrently: two partitions can touch the same document (a visitor's
 * events and the event identifying her are keyed differently), and FerretDB v1 runs a guarded
 * replace as a read then a write, so two writers of one document could both be told they
 * landed. Why not one after another: under steady load batches are small, and a partition's
 * store round-trips and change-notice write then cost more than its documents; twelve
 * partitions paid them twelve times per fetch.
 */
export class FoldQueue<T> {
  private waiting: {
    readonly items: readonly T[];
    readonly heartbeat: () => Promise<void>;
    readonly settle: (error?: Error) => void;
  }[] = [];
  private draining = false;

  constructor(
    private readonly fold: (items: readonly T[], heartbeat: () => Promise<void>) => Promise<void>,
  ) {}

  /**
   * Resolves once a fold that included `items` has finished; rejects with that fold's error.
   * Also the group commit of audit records, which have no group session to keep alive.
   */
  add(
    items: readonly T[],
    heartbeat: () => Promise<void> = () => Promise.resolve(),
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, heartbeat, settle: (e) => (e ? reject(e) : resolve()) });
      if (this.draining) return;
      this.draining = true;
      // After the current synchronous run: kafkajs hands every batch of a fetch over in one
      // (its workers start synchronously), so the first fold already carries them all, and an
      // embedded log whose store answers at once still folds without waiting for a timer.
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting;
      this.waiting = [];
      // Every member's group session must stay alive while the shared fold runs.
      const heartbeat = async () => {
        await Promise.all(group.map((g) => g.heartbeat()));
      };
      try {
        await this.fold(
          group.flatMap((g) => g.items),
          heartbeat,
        );
        group.forEach((g) => g.settle());
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        group.forEach((g) => g.settle(error));
      }
    }
    this.draining = false;
  }
}
