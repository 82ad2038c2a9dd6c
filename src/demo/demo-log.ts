import pretty from 'pino-pretty';
import type { DestinationStream } from 'pino';

/**
 * The demo's log, for a person: one readable line per entry. Formatted in this thread and written
 * synchronously, so whatever is written to it later (the banner) comes after every earlier line.
 */
export function readableLog(): DestinationStream {
  return pretty({
    sync: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,context,req,res,responseTime',
    messageFormat: '{if context}[{context}] {end}{msg}',
  });
}
