/**
 * The fields a request body actually gave. A validated DTO instance has every declared field as
 * an own property, undefined when absent; for a partial update "absent" must mean "unchanged",
 * never "set to undefined", so those are dropped here.
 */
export function givenFields<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as Partial<T>;
}
