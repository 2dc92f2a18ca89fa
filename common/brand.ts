/**
 * Brands for error classes: `instanceof` that works across copies of a module and across the
 * workflow sandbox boundary, because it looks for `Symbol.for("sandglass.<Name>")` rather than
 * for one particular prototype (the approach of connect-es's `ConnectError`).
 *
 * Internal: used by the error classes in common/, not exported from the package.
 *
 * @module
 */

const brands = new Map<unknown, symbol>();

/**
 * Marks a class's prototype with the brand `Symbol.for("sandglass.<name>")` and sets its `name`.
 * Subclasses inherit the brand of each branded ancestor.
 */
export function defineBrand(ctor: { prototype: object }, name: string): void {
  const symbol = Symbol.for(`sandglass.${name}`);
  brands.set(ctor, symbol);
  Object.defineProperty(ctor.prototype, symbol, { value: true });
  Object.defineProperty(ctor.prototype, "name", { value: name, writable: true, configurable: true });
}

/**
 * The body of a branded class's `static [Symbol.hasInstance]`: true if `value` is an instance by
 * prototype chain, or carries the brand `ctor` was given (from any copy of the class). A subclass
 * without its own brand falls back to the prototype chain, so it never matches its siblings.
 */
export function hasBrand(ctor: unknown, value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Function.prototype[Symbol.hasInstance].call(ctor as () => unknown, value)) return true;
  const symbol = brands.get(ctor);
  return symbol !== undefined && (value as Record<symbol, unknown>)[symbol] === true;
}
