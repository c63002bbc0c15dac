/**
 * Named koffi types that survive a second copy of this package in the same process.
 *
 * koffi keeps one registry of type names per process (per loaded koffi), and refuses a name twice
 * (`Duplicate type name 'nvmlDevice_t'`). Two copies of nvitop-node meet in one process more
 * often than one would think: two installed versions in one app's tree that share a koffi, the
 * package's source under tsx beside its built bundle, a bundled command beside the library. So a
 * name is declared only when it is free; when another copy registered it already, its type is
 * reused if its layout is the same as ours (sizes, alignment, members, offsets, element types),
 * and otherwise ours is registered under a new name (`<name>__2`, ...) that this copy's
 * prototypes use instead ({@link withLocalTypeNames}), so neither copy reads the other's layout.
 *
 * @module
 */
import koffi, { type TypeObject } from 'koffi';

/** Declares a type under `name`, or anonymously when `name` is null. */
type Declare = (name: string | null) => TypeObject;

/** The names this copy registered its types under, where another copy held the C name. */
const localNames = new Map<string, string>();

/** koffi's description of the type registered as `name`, or null when the name is not registered. */
function registered(name: string): TypeObject | null {
  try {
    return koffi.type(name);
  } catch {
    return null;
  }
}

/** Members of a struct or union as koffi takes them. */
type Members = Parameters<typeof koffi.struct>[0];

/**
 * A layout as a string: what reading and writing memory through the type depends on, without the
 * names koffi gives anonymous types.
 */
export function layoutKey(type: TypeObject): string {
  const described = koffi.type(type);
  const parts: string[] = [described.primitive, String(described.size), String(described.alignment)];
  if (described.length !== undefined) parts.push(`length=${described.length}`);
  if (described.hint !== undefined) parts.push(`hint=${described.hint}`);
  if (described.ref !== undefined) parts.push(`ref=${layoutKey(described.ref)}`);
  if (described.members !== undefined) {
    for (const [member, { type: memberType, offset }] of Object.entries(described.members)) parts.push(`${member}@${offset}:${layoutKey(memberType)}`);
  }
  return `(${parts.join(' ')})`;
}

/**
 * The type named `name`: declared by `declare`, or another copy's type of that name when its
 * layout is ours, or ours under a free alternative name (see the module comment).
 */
export function namedType(name: string, declare: Declare): TypeObject {
  const existing = registered(name);
  if (existing === null) return declare(name);
  const ours = layoutKey(declare(null));
  for (let suffix = 1; ; suffix += 1) {
    const candidate = suffix === 1 ? name : `${name}__${suffix}`;
    const held = suffix === 1 ? existing : registered(candidate);
    if (held !== null && layoutKey(held) !== ours) continue;
    if (candidate !== name) localNames.set(name, candidate);
    return held ?? declare(candidate);
  }
}

/** A named struct (see {@link namedType}). */
export function namedStruct(name: string, members: Members): TypeObject {
  return namedType(name, (declared) => (declared === null ? koffi.struct(members) : koffi.struct(declared, members)));
}

/** A named union (see {@link namedType}). */
export function namedUnion(name: string, members: Members): TypeObject {
  return namedType(name, (declared) => (declared === null ? koffi.union(members) : koffi.union(declared, members)));
}

/** A named pointer to an opaque type: a handle such as `nvmlDevice_t` (see {@link namedType}). */
export function namedHandle(name: string): TypeObject {
  return namedType(name, (declared) => (declared === null ? koffi.pointer(koffi.opaque()) : koffi.pointer(declared, koffi.opaque())));
}

/**
 * A C prototype with the type names this copy registered under another name replaced by those
 * names (the prototype unchanged when it is the only copy, as usual).
 */
export function withLocalTypeNames(prototype: string): string {
  let local = prototype;
  for (const [name, registeredAs] of localNames) local = local.replace(new RegExp(`\\b${name}\\b`, 'g'), registeredAs);
  return local;
}
