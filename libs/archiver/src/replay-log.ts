import { decodeRecordedEvent } from '@touchpoint/contracts';
import type { EventLog } from '@touchpoint/ports';
import type { ArchiveInput, StreamArchiver } from './stream-archiver';

const PAGE = 1000;

/**
 * Archives everything the events topic holds now, partition by partition, without a consumer
 * group: how a process without the archiver running (the CLI on the embedded event store)
 * rebuilds the in-memory store from the log of record. Invalid records are skipped, as the
 * archiver skips them. Returns how many events were read.
 */
export async function replayLogInto(
  archiver: StreamArchiver,
  log: EventLog,
  topic: string,
): Promise<number> {
  let read = 0;
  for (const partition of await log.offsets(topic)) {
    let from = BigInt(partition.low);
    const end = BigInt(partition.high);
    while (from < end) {
      const records = await log.read(topic, [
        { partition: partition.partition, fromOffset: String(from), maxRecords: PAGE },
      ]);
      if (records.length === 0) break;
      const inputs: ArchiveInput[] = [];
      for (const record of records) {
        const verdict = decodeRecordedEvent(record.value);
        if (!verdict.ok) continue;
        inputs.push({
          event: verdict.event,
          position: { topic, partition: record.partition, offset: record.offset },
        });
      }
      await archiver.archive(inputs);
      read += inputs.length;
      from = BigInt(records[records.length - 1]!.offset) + 1n;
    }
  }
  return read;
}
