// TypeDoc plugin: every export of the public entry points, and every named member of an exported class,
// interface or enum, must carry a doc comment, and so must each entry point (its file comment, marked
// `@packageDocumentation`). Each one missing is a validation warning, which typedoc.json turns into an error (so
// `npm run docs` exits non-zero).
//
// It replaces TypeDoc's own `validation.notDocumented`, which also demands a comment on each field of an
// anonymous object type (`{ x: number; y: number }` in a signature, or the inferred type of an `as const`
// table); those are described by the comment of the export they belong to.
import { Application, DeclarationReflection, ReflectionKind, ReflectionType } from 'typedoc';

const REQUIRED =
  ReflectionKind.Module | ReflectionKind.Variable | ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Interface |
  ReflectionKind.TypeAlias | ReflectionKind.Enum | ReflectionKind.EnumMember | ReflectionKind.Property |
  ReflectionKind.Method | ReflectionKind.Accessor;

/** True when `ref` sits inside an anonymous type literal or a parameter, not directly under a named declaration. */
function insideAnonymousType(ref) {
  for (let r = ref.parent; r; r = r.parent) {
    if (r.kindOf(ReflectionKind.TypeLiteral | ReflectionKind.Parameter)) return true;
  }
  return false;
}

function hasDocs(ref) {
  if (ref.hasComment()) return true;
  const signatures = [
    ...(ref.signatures ?? []),
    ...(ref.getSignature ? [ref.getSignature] : []),
    ...(ref.setSignature ? [ref.setSignature] : []),
    ...(ref.type instanceof ReflectionType ? (ref.type.declaration.signatures ?? []) : []),
  ];
  return signatures.some((s) => s.hasComment());
}

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    let missing = 0, checked = 0;
    for (const ref of project.getReflectionsByKind(REQUIRED)) {
      if (!(ref instanceof DeclarationReflection)) continue;
      if (ref.flags.isExternal || ref.inheritedFrom || insideAnonymousType(ref)) continue;
      const symbolId = project.getSymbolIdFromReflection(ref);
      // Members a type inherits from the platform (Error#name, ...) are documented there.
      if (symbolId && symbolId.packageName !== project.packageName) continue;
      checked++;
      if (hasDocs(ref)) continue;
      missing++;
      const where = symbolId ? `${symbolId.packagePath}` : '?';
      app.logger.validationWarning(
        `${ref.getFriendlyFullName()} (${ReflectionKind[ref.kind]}), defined in ${where}, has no doc comment`,
      );
    }
    app.logger.info(`Doc comment check: ${checked} exports and members checked, ${missing} without a doc comment`);
  });
}
