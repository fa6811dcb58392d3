/**
 * A jsonb column as it arrives: parsed by the driver (postgres), or as its text where a driver or
 * a `::text` cast leaves it so. `fallback` stands in for SQL null.
 */
export const jsonOf = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T | null | undefined) ?? fallback));
