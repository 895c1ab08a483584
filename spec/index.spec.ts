// The public API as the declarations show it to users: what the two entry points export, read with the
// TypeScript compiler under the strictest settings a user may have.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..');
const ENTRIES = ['lib/index.ts', 'lib/emulator/index.ts'];

const options: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  types: ['node'],
};
const program = ts.createProgram(
  ENTRIES.map((entry) => join(root, entry)),
  options,
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

function where(node: ts.Node): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${file.fileName.slice(root.length + 1)}:${line + 1}`;
}

/**
 * Optional fields of the exported types (and of what they reach: property types, parameters) that refuse
 * `undefined` under exactOptionalPropertyTypes. Under that flag an optional field's type carries the
 * compiler's own "missing" type; only an explicit `| undefined` puts the real undefined type in it.
 */
function refusingFields(
  checker: ts.TypeChecker,
  roots: readonly { name: string; symbol: ts.Symbol }[],
  isOurs: (file: string) => boolean,
): string[] {
  const undefinedType = checker.getUndefinedType();
  const seen = new Set<ts.Type>();
  const refusing: string[] = [];

  const isForeignNamed = (type: ts.Type): boolean => {
    const declaration = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0];
    const mapped = ((type as ts.ObjectType).objectFlags ?? 0) & ts.ObjectFlags.Mapped;
    // rxjs's Observable, Node's Buffer...: not ours to change. io-ts's mapped types are: they are our options.
    return declaration !== undefined && !isOurs(declaration.getSourceFile().fileName) && mapped === 0;
  };

  const visit = (type: ts.Type, path: string): void => {
    if (seen.has(type)) return;
    seen.add(type);
    if (type.isUnionOrIntersection()) type.types.forEach((member) => visit(member, path));
    if ((type.flags & ts.TypeFlags.Object) === 0 || isForeignNamed(type)) return;
    for (const property of checker.getPropertiesOfType(type)) {
      // A field is ours when we declared it: in an interface, a type literal, or the props of a codec that a
      // mapped type (io-ts's TypeOf, Readonly) carries over. MQTT.js's options, seen through Readonly, are not.
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (
        declaration === undefined ||
        !isOurs(declaration.getSourceFile().fileName) ||
        isPrivate(declaration)
      ) {
        continue;
      }
      const propertyType = checker.getTypeOfSymbol(property);
      const at = `${path}.${property.name}`;
      if (property.flags & ts.SymbolFlags.Optional) {
        const parts = propertyType.isUnion() ? propertyType.types : [propertyType];
        const accepts = parts.some(
          (part) => part === undefinedType || (part.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0,
        );
        // `?: never` reserves a key: nothing, not even undefined, may be given for it.
        const reserved = parts.every((part) => (part.flags & ts.TypeFlags.Undefined) !== 0);
        if (!accepts && !reserved) refusing.push(at);
      }
      visit(propertyType, at);
    }
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const parameter of signature.parameters) {
        visit(checker.getTypeOfSymbol(parameter), `${path}(${parameter.name})`);
      }
    }
  };

  for (const { name, symbol } of roots) {
    if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class)) {
      visit(checker.getDeclaredTypeOfSymbol(symbol), name);
    }
    if (symbol.flags & ts.SymbolFlags.Value) visit(checker.getTypeOfSymbol(symbol), name);
  }
  return refusing;
}

/**
 * Types of what the library decodes from the wire, which users read and never write: their optional fields
 * are absent, never undefined, as io-ts's `TypeOf` says.
 */
const DECODED = new Set(['AlinkRequest', 'AlinkReply', 'OtaPush']);

function fieldsRefusingUndefined(): string[] {
  const roots = [...exported]
    .filter(([, name]) => !DECODED.has(name))
    .map(([symbol, name]) => ({ name, symbol }));
  return refusingFields(checker, roots, (file) => file.startsWith(libFolder));
}

/** The same check on a few lines of source: shows that it can fail. */
function probe(source: string): { refusing: string[] } {
  const file = join(root, '.probe.ts');
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, language, true)
      : getSourceFile(name, language, ...rest);
  const probeProgram = ts.createProgram([file], options, host);
  const probeChecker = probeProgram.getTypeChecker();
  const moduleSymbol = probeChecker.getSymbolAtLocation(probeProgram.getSourceFile(file)!)!;
  const roots = probeChecker
    .getExportsOfModule(moduleSymbol)
    .map((symbol) => ({ name: symbol.name, symbol }));
  return { refusing: refusingFields(probeChecker, roots, (name) => name === file) };
}

describe('the public API', () => {
  it('should have both entry points export something', () => {
    expect(exported.size).toBeGreaterThan(50);
    expect([...exported.values()]).toEqual(expect.arrayContaining(['createDevice', 'startEmulator']));
  });

  it('should let users with exactOptionalPropertyTypes pass undefined to every optional field', () => {
    expect(fieldsRefusingUndefined()).toEqual([]);
  });

  it('should see an optional field that refuses undefined, in an interface or a mapped type', () => {
    const { refusing } = probe(`
      export interface Options { readonly a?: number; readonly b?: number | undefined; readonly c?: never }
      type Props = { readonly x: string };
      export type Mapped = { readonly [K in keyof Props]?: Props[K] };
      export function start(options: { readonly inline?: boolean }): void {}
    `);
    expect([...refusing].sort()).toEqual(['Mapped.x', 'Options.a', 'start(options).inline']);
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

  it('should have doc comments point only at files the package ships', () => {
    // Doc comments reach users through the declarations; the package ships dist/, the README, the changelog.
    const unshipped =
      /\b(?!README\.md|CHANGELOG\.md)[\w-]+\.md\b|(?<![\w/.])(spec|bench|examples|shared|scripts)\/[\w./-]+/g;
    const pointers: string[] = [];
    for (const file of readdirSync(libFolder, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(libFolder, file), 'utf8');
      for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
        for (const [found] of comment.matchAll(unshipped)) pointers.push(`lib/${file}: ${found}`);
      }
    }
    expect(pointers).toEqual([]);
  });
});
