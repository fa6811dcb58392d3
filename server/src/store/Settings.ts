import type { Db } from './Db.ts';

/** Server-wide settings kept in the database (table settings), shared by every instance. */
export class Settings {
  constructor(private readonly db: Db) {}

  /** Returns the stored value of a setting, storing `value` first if there is none (first writer wins). */
  async getOrInit(key: string, value: string): Promise<string> {
    await this.db.query('insert into settings (key, value) values ($1, $2) on conflict (key) do nothing', [key, value]);
    const [row] = await this.db.query<{ value: string }>('select value from settings where key = $1', [key]);
    if (!row) throw new Error(`setting ${key} vanished`);
    return row.value;
  }
}
