import { refusal } from '../test/support/refusal';
import { ListIterations } from './sandbox-iterations';

const ids = Array.from({ length: 5 }, (_, i) => `rec${String(i).padStart(14, '0')}`);

describe('list iterations', () => {
  it('hands out itr.../rec... offsets that resume where the page starts, again and again while used', () => {
    const iterations = new ListIterations(1_000, 10);
    const iteration = iterations.start('tblA', ids, 0);
    const offset = iterations.offsetAt(iteration, 2);
    expect(offset).toMatch(/^itr[A-Za-z0-9]{14}\/rec0{13}2$/);
    expect(iterations.resume(offset, 'tblA', 900).position).toBe(2);
    expect(iterations.resume(offset, 'tblA', 1_800).position).toBe(2);
    expect(refusal(() => iterations.resume(offset, 'tblA', 2_800))).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
  });

  it('keeps at most `max` iterations, dropping the least recently used', () => {
    const iterations = new ListIterations(60_000, 2);
    const offsets = ['tblA', 'tblA'].map((table) => iterations.offsetAt(iterations.start(table, ids), 1));
    iterations.resume(offsets[0], 'tblA');
    iterations.offsetAt(iterations.start('tblA', ids), 1);
    expect(iterations.size).toBe(2);
    expect(refusal(() => iterations.resume(offsets[1], 'tblA'))).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
    expect(iterations.resume(offsets[0], 'tblA').position).toBe(1);
  });

  it('forgets expired iterations when a new one starts', () => {
    const iterations = new ListIterations(100, 10);
    iterations.start('tblA', ids, 0);
    iterations.start('tblA', ids, 50);
    iterations.start('tblA', ids, 120);
    expect(iterations.size).toBe(2);
  });

  it('answers INVALID_OFFSET_VALUE for a malformed offset, a position never handed out, or another table', () => {
    const iterations = new ListIterations(60_000, 10);
    const iteration = iterations.start('tblA', ids);
    const offset = iterations.offsetAt(iteration, 1);
    expect(refusal(() => iterations.resume('itr123', 'tblA'))).toBe('INVALID_OFFSET_VALUE');
    expect(refusal(() => iterations.resume(`${iteration.id}/${ids[3]}`, 'tblA'))).toBe('INVALID_OFFSET_VALUE');
    expect(refusal(() => iterations.resume(offset, 'tblB'))).toBe('INVALID_OFFSET_VALUE');
    expect(refusal(() => iterations.resume(`itr${'x'.repeat(14)}/${ids[1]}`, 'tblA'))).toBe('LIST_RECORDS_ITERATOR_NOT_AVAILABLE');
  });
});
