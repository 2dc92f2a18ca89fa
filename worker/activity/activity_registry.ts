/**
 * Internal: turns the worker's `activities` option into a map from activity type name to function.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
export type ActivityFunction = (...args: any[]) => unknown;

/**
 * The activities of a worker: an object whose keys are the activity type names and whose values
 * are the functions. An instance of a class also works: its methods (own and inherited) are
 * registered under their names, bound to the instance, so they can use its state.
 *
 * @throws {TypeError} If `activities` is not an object or a value is not a function (a class is
 *   not one: it cannot be called without `new`).
 */
export function resolveActivities(activities: unknown): Map<string, ActivityFunction> {
  const registry = new Map<string, ActivityFunction>();
  if (activities === undefined) return registry;
  if (typeof activities !== "object" || activities === null || Array.isArray(activities)) {
    throw new TypeError(
      "Invalid activities: expected an object whose keys are activity type names and whose values are " +
        `functions, e.g. { sayHello }, got ${describe(activities)}`,
    );
  }
  const record = activities as Record<string, unknown>;
  const add = (name: string, value: unknown, bind: boolean) => {
    if (registry.has(name)) return; // an own property shadows an inherited method
    if (typeof value !== "function") {
      throw new TypeError(`Invalid activity '${name}': expected a function, got ${describe(value)}`);
    }
    if (/^class[\s{]/.test(Function.prototype.toString.call(value))) {
      throw new TypeError(
        `Invalid activity '${name}': expected a function, got class ${value.name}; pass a function, or an instance (new ${
          value.name || "YourClass"
        }()) as activities to register its methods`,
      );
    }
    registry.set(name, bind ? (value as ActivityFunction).bind(activities) : value as ActivityFunction);
  };
  const proto = Object.getPrototypeOf(activities);
  const plain = proto === null || proto === Object.prototype;
  for (const name of Object.keys(record)) {
    // A class instance's own non-function properties are its state, not activities.
    if (plain || typeof record[name] === "function") add(name, record[name], false);
  }
  // Methods of class instances, up to (not including) Object.prototype.
  for (let level = proto; level !== null && level !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(level)) {
      if (name === "constructor" || registry.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(level, name);
      if (descriptor !== undefined && typeof descriptor.value === "function") {
        add(name, descriptor.value, true);
      }
    }
    level = Object.getPrototypeOf(level);
  }
  for (const name of registry.keys()) {
    if (name === "") throw new TypeError("Invalid activity name '': activity type names must not be empty");
  }
  return registry;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return `function ${value.name}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
