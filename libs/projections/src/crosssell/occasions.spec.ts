import { customerKey } from '../projection.types';
import { fold, line, purchase } from './crosssell.fixtures';
import { DEFAULT_CROSSSELL_POLICY } from './crosssell.policy';
import { crosssellProjection } from './crosssell.projection';
import { type RecordedEvent } from '@touchpoint/contracts';

const MEI = customerKey('c-1001');
const SCARF = line('GIFT-SCARF', 'gifts', 39900, 1, 'Silk scarf gift box');
const TEA = line('GIFT-TEA', 'gifts/food', 18800, 1, 'Tea gift set');
const RICE = line('GR-RICE', 'grocery', 5900);

function meiBuys(id: number, at: string, items = [SCARF]): RecordedEvent {
  return purchase({ id, customerId: 'c-1001', orderId: `O-${id}`, at, items });
}

function viewAt(events: RecordedEvent[], asOf: string) {
  return crosssellProjection.view(fold(events, MEI), new Date(asOf), DEFAULT_CROSSSELL_POLICY);
}

describe('recurring occasions — scenario 1', () => {
  // The 2024 gift was bought late on 31 May in Shanghai: still May locally, June in UTC.
  const habit = [
    meiBuys(1, '2023-05-12T19:00:00+08:00'),
    meiBuys(2, '2024-05-31T23:30:00+08:00', [TEA, RICE]),
    meiBuys(3, '2024-09-02T10:00:00+08:00', [RICE]),
  ];

  it('Given gifts bought in May 2023 and May 2024, When read on 1 May 2025 (Shanghai), Then a May reminder is due', () => {
    const view = viewAt(habit, '2025-05-01T00:00:00+08:00');
    expect(view.occasions).toEqual([
      {
        category: 'gifts',
        month: 5,
        years: [2023, 2024],
        lastPurchaseAt: '2024-05-31T23:30:00+08:00',
        due: true,
        nextDue: '2025-05',
        message: 'Bought in gifts in May of 2023, 2024: a May gift reminder is due now.',
      },
    ]);
    expect(view.dueReminders).toEqual(view.occasions);
  });

  it('Given the same habit, When read at 23:00 on 30 April Shanghai time, Then it is not yet due', () => {
    const view = viewAt(habit, '2025-04-30T23:00:00+08:00');
    expect(view.dueReminders).toEqual([]);
    expect(view.occasions[0]).toMatchObject({ due: false, nextDue: '2025-05' });
  });

  it('Given she already bought this year’s May gift, When read later in May, Then the reminder is done until next May', () => {
    const view = viewAt(
      [...habit, meiBuys(4, '2025-05-08T12:00:00+08:00')],
      '2025-05-20T09:00:00+08:00',
    );
    expect(view.dueReminders).toEqual([]);
    expect(view.occasions[0]).toMatchObject({
      years: [2023, 2024, 2025],
      due: false,
      nextDue: '2026-05',
    });
  });

  it('Given the habit, When read in July, Then not due and next May is announced', () => {
    const view = viewAt(habit, '2025-07-01T09:00:00+08:00');
    expect(view.occasions[0]).toMatchObject({
      due: false,
      nextDue: '2026-05',
      message: 'Bought in gifts in May of 2023, 2024; next reminder May 2026.',
    });
  });

  it('Given the view is read as of a date before the 2024 purchase, When computed, Then only one May is known and there is no occasion', () => {
    expect(viewAt(habit, '2024-05-01T00:00:00+08:00').occasions).toEqual([]);
  });

  it('Given gifts in May of one year and June of another, When read, Then there is no occasion', () => {
    const events = [
      meiBuys(1, '2023-05-12T19:00:00+08:00'),
      meiBuys(2, '2024-06-12T19:00:00+08:00'),
    ];
    expect(viewAt(events, '2025-05-01T00:00:00+08:00').occasions).toEqual([]);
  });

  it('Given two gifts in the same May, When read, Then one year is not a habit', () => {
    const events = [
      meiBuys(1, '2024-05-02T10:00:00+08:00'),
      meiBuys(2, '2024-05-20T10:00:00+08:00'),
    ];
    expect(viewAt(events, '2025-05-01T00:00:00+08:00').occasions).toEqual([]);
  });

  it('Given non-gift purchases every May, When read, Then they make no occasion', () => {
    const events = [
      meiBuys(1, '2023-05-12T19:00:00+08:00', [RICE]),
      meiBuys(2, '2024-05-12T19:00:00+08:00', [RICE]),
    ];
    expect(viewAt(events, '2025-05-01T00:00:00+08:00').occasions).toEqual([]);
  });
});
