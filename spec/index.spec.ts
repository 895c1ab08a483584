// The public API as the declarations show it to users: what the two entry points export, read with the
// TypeScript compiler under the strictest settings a user may have.
import { join } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..');
const ENTRIES = ['lib/index.ts', 'lib/emulator/index.ts'];

const program = ts.createProgram(
  ENTRIES.map((entry) => join(root, entry)),
  {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    types: ['node'],
  },
);
const checker = program.getTypeChecker();
const libFolder = join(root, 'lib');

function resolved(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** Every symbol the entry points export, with the name users import it by. */
const exported = new Map<ts.Symbol, string>();
for (const entry of ENTRIES) {
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(join(root, entry))!)!;
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) exported.set(resolved(symbol), symbol.name);
}

function isPrivate(node: ts.Node): boolean {
  const modifiers = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
  const name = (node as { name?: ts.Node }).name;
  return (
    modifiers.some(
      (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
    ) ||
    (name !== undefined && ts.isPrivateIdentifier(name))
  );
}

/** The parts of a declaration users see: signatures and types, never function bodies or private members. */
function visitDeclaration(node: ts.Node, visit: (node: ts.Node) => void): void {
  const walk = (child: ts.Node): void => {
    if (ts.isBlock(child) || isPrivate(child)) return;
    // An initializer is a value, not part of the declared type (unless it is all there is: `const X = codec`).
    if (ts.isVariableDeclaration(child)) {
      visit(child);
      if (child.type !== undefined) walk(child.type);
      return;
    }
    if ((ts.isPropertyDeclaration(child) || ts.isParameter(child)) && child.initializer !== undefined) {
      if (child.type !== undefined) walk(child.type);
      return;
    }
    visit(child);
    ts.forEachChild(child, walk);
  };
  walk(node);
}

function publicDeclarations(): { name: string; node: ts.Declaration }[] {
  return [...exported].flatMap(([symbol, name]) =>
    (symbol.declarations ?? [])
      .filter((node) => node.getSourceFile().fileName.startsWith(libFolder))
      .map((node) => ({ name, node })),
  );
}

function acceptsUndefined(typeNode: ts.TypeNode): boolean {
  const type = checker.getTypeFromTypeNode(typeNode);
  const accepting = ts.TypeFlags.Undefined | ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Void;
  return (
    (type.flags & accepting) !== 0 || (type.isUnion() && type.types.some((t) => (t.flags & accepting) !== 0))
  );
}

function where(node: ts.Node): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${file.fileName.slice(root.length + 1)}:${line + 1}`;
}

describe('the public API', () => {
  it('should have both entry points export something', () => {
    expect(exported.size).toBeGreaterThan(50);
    expect([...exported.values()]).toEqual(expect.arrayContaining(['createDevice', 'startEmulator']));
  });

  it('should let users with exactOptionalPropertyTypes pass undefined to every optional field', () => {
    const refusing: string[] = [];
    for (const { name, node } of publicDeclarations()) {
      visitDeclaration(node, (child) => {
        if (ts.isMethodSignature(child) && child.questionToken !== undefined) {
          // An optional method refuses undefined too; `m?: ((x: X) => Y) | undefined` accepts it.
          refusing.push(`${name}: ${child.getText()} (${where(child)})`);
        }
        const optional = ts.isPropertySignature(child) || ts.isPropertyDeclaration(child);
        if (!optional || child.questionToken === undefined || child.type === undefined) return;
        // `?: never` reserves a key: nothing, not even undefined, may be given for it.
        if (child.type.kind === ts.SyntaxKind.NeverKeyword) return;
        if (!acceptsUndefined(child.type)) {
          refusing.push(`${name}: ${child.name.getText()}?: ${child.type.getText()} (${where(child)})`);
        }
      });
    }
    // Each is fixed by writing `?: T | undefined`.
    expect(refusing).toEqual([]);
  });

  it('should export every type that a public declaration names', () => {
    const unexported = new Set<string>();
    for (const { name, node } of publicDeclarations()) {
      visitDeclaration(node, (child) => {
        if (!ts.isTypeReferenceNode(child) && !ts.isExpressionWithTypeArguments(child)) return;
        const reference = ts.isTypeReferenceNode(child) ? child.typeName : child.expression;
        const symbol = checker.getSymbolAtLocation(reference);
        if (symbol === undefined) return;
        const target = resolved(symbol);
        if (target.flags & ts.SymbolFlags.TypeParameter || exported.has(target)) return;
        const declaration = target.declarations?.[0];
        if (declaration === undefined || !declaration.getSourceFile().fileName.startsWith(libFolder)) return;
        unexported.add(`${target.name} (named by ${name}, ${where(child)})`);
      });
    }
    expect([...unexported]).toEqual([]);
  });
});
