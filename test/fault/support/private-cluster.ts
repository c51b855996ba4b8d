import { tempDir } from '@touchpoint/testing';
import { privateInfra } from './private-engines';

/**
 * A three-broker Kafka of one scenario (`infra.sh cluster-up` in a directory of its own):
 * replication factor 3, min.insync.replicas 2, every node also a KRaft controller. Nodes are
 * SIGKILLed and started again on the same port and data.
 */
export class PrivateCluster {
  private constructor(
    readonly dir: string,
    /** KAFKA_BROKERS: all three nodes. */
    readonly brokers: string,
  ) {}

  static async start(): Promise<PrivateCluster> {
    const dir = tempDir('touchpoint-fault-kafka-');
    const out = await privateInfra(dir, 'cluster-up');
    const brokers = /export KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
    if (!brokers || brokers.split(',').length !== 3)
      throw new Error(`infra.sh cluster-up printed no three brokers:\n${out}`);
    return new PrivateCluster(dir, brokers);
  }

  /** The node (1–3) listening on `host:port`, as the cluster's metadata names its brokers. */
  nodeAt(hostPort: string): number {
    const i = this.brokers.split(',').indexOf(hostPort);
    if (i < 0) throw new Error(`${hostPort} is not a node of ${this.brokers}`);
    return i + 1;
  }

  async kill(node: number): Promise<void> {
    await privateInfra(this.dir, `cluster-kill ${node}`);
  }

  async restart(node: number): Promise<void> {
    await privateInfra(this.dir, `cluster-start ${node}`);
  }

  /** Torn down with SIGKILL: the data is thrown away, and a graceful stop of the last node
   * waits for a controller quorum that is gone. */
  async down(): Promise<void> {
    for (const node of [1, 2, 3]) await this.kill(node).catch(() => undefined);
  }
}
