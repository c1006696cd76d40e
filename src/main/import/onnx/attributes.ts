// A node's attributes, read by name with their ONNX types checked.
import { ModelError } from '../../../shared/model/types';
import { hasField, int64, type AttributeProto, type Int64, type NodeProto, type TensorProto } from './proto';

/** Most entries an integer or float list attribute may hold (kernel shapes, pads and perms are short). */
const MAX_LIST = 4096;

export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(
    node: NodeProto,
    private readonly where: string,
  ) {
    for (const attr of node.attribute as AttributeProto[]) this.byName.set(attr.name, attr);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private fail(name: string, expected: string): never {
    throw new ModelError(`${this.where}: attribute ${name} should be ${expected}`);
  }

  int(name: string, fallback: number): number {
    const attr = this.byName.get(name);
    if (!attr) return fallback;
    if (!hasField(attr, 'i')) {
      if (hasField(attr, 'f') && Number.isInteger(attr.f)) return attr.f;
      this.fail(name, 'an integer');
    }
    return int64(attr.i as Int64, `${this.where}: attribute ${name}`);
  }

  float(name: string, fallback: number): number {
    const attr = this.byName.get(name);
    if (!attr) return fallback;
    if (hasField(attr, 'f')) return attr.f;
    if (hasField(attr, 'i')) return int64(attr.i as Int64, `${this.where}: attribute ${name}`);
    this.fail(name, 'a number');
  }

  ints(name: string): number[] | undefined {
    const attr = this.byName.get(name);
    if (!attr) return undefined;
    const list = attr.ints as Int64[];
    if (list.length > MAX_LIST) this.fail(name, `a list of at most ${MAX_LIST} integers`);
    return list.map((v, i) => int64(v, `${this.where}: attribute ${name}[${i}]`));
  }

  floats(name: string): number[] | undefined {
    const attr = this.byName.get(name);
    if (!attr) return undefined;
    if (attr.floats.length > MAX_LIST) this.fail(name, `a list of at most ${MAX_LIST} numbers`);
    return [...attr.floats];
  }

  string(name: string, fallback: string): string {
    const attr = this.byName.get(name);
    if (!attr) return fallback;
    if (!hasField(attr, 's')) this.fail(name, 'a string');
    return new TextDecoder().decode(attr.s);
  }

  tensor(name: string): TensorProto | undefined {
    const attr = this.byName.get(name);
    if (!attr) return undefined;
    if (!attr.t) this.fail(name, 'a tensor');
    return attr.t as TensorProto;
  }

  /** Names of attributes present, for errors about ones Frontier does not read. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
