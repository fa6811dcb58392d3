import type { Db, Queryable, Row } from '../../server/src/store/Db.ts';

/** A database that remembers the text of every statement sent to it. */
export function recording(db: Db, texts: string[]): Db {
  const wrap = (q: Queryable): Queryable => ({
    async query<T extends Row = Row>(text: string, params?: readonly unknown[]) {
      texts.push(text);
      return q.query<T>(text, params);
    }
  });
  return { kind: db.kind, ...wrap(db), transaction: (fn) => db.transaction((tx) => fn(wrap(tx))), exec: (s) => db.exec(s), close: () => db.close() };
}
