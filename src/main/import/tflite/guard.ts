// Bounds for reading an untrusted FlatBuffer through flatc's generated accessors, which do not verify anything.
// Before a table, vector or string is read, its position (and every element's) is checked to lie inside the file;
// the bytes visited are charged to a budget proportional to the file's size, so that a hostile file whose tables
// point at the same bytes over and over cannot make the import loop or allocate without bound.
//
// Field positions follow the FlatBuffers layout the generated accessors use: a table starts with a signed offset to
// its vtable; the vtable holds its own size, the table's size, then one 16-bit offset per field (field id n at
// byte 4 + 2n; 0 = absent); a vector or string field holds an offset to a 32-bit length followed by the elements.
import type { ByteBuffer } from 'flatbuffers';
import { ModelError } from '../../../shared/model/types';

/** Where a FlatBuffer table sits, as every generated table class exposes it. */
export interface TableRef {
  bb_pos: number;
}

/** A vector's elements: they start at `start` (after the length) and all lie inside the file. */
export interface VectorSpan {
  start: number;
  length: number;
}

const TABLE_CHARGE = 8;

export class Guard {
  readonly size: number;
  private budget: number;

  constructor(
    readonly bb: ByteBuffer,
    readonly fileName: string,
  ) {
    this.size = bb.capacity();
    // A valid file visits each byte about once (twice at most); hostile sharing runs out long before this.
    this.budget = 8 * this.size + 65536;
  }

  /** A structural problem: the file is damaged, truncated, or not what it claims. */
  damaged(what: string): never {
    throw new ModelError(`${this.fileName}: not a valid TensorFlow Lite file (damaged or truncated): ${what}`);
  }

  private within(pos: number, length: number, what: string): void {
    if (!(Number.isSafeInteger(pos) && pos >= 0 && length >= 0 && pos + length <= this.size)) {
      this.damaged(`${what} lies outside the file (bytes ${pos} to ${pos + length}; the file has ${this.size})`);
    }
  }

  private charge(bytes: number, what: string): void {
    this.budget -= bytes;
    if (this.budget < 0) {
      this.damaged(`${what}: the file's tables refer to the same bytes more often than a file of ${this.size} bytes can`);
    }
  }

  /** Checks that a table and its vtable lie inside the file; returns the table for its accessors. */
  table<T extends TableRef>(table: T | null, what: string): T {
    if (table === null) this.damaged(`${what} is missing`);
    const pos = table.bb_pos;
    this.within(pos, 4, what);
    const vtable = pos - this.bb.readInt32(pos);
    this.within(vtable, 4, `the field table of ${what}`);
    const vtableSize = this.bb.readUint16(vtable);
    const tableSize = this.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) this.damaged(`the field table of ${what} has an impossible size ${vtableSize}`);
    this.within(vtable, vtableSize, `the field table of ${what}`);
    if (tableSize < 4) this.damaged(`${what} has an impossible size ${tableSize}`);
    this.within(pos, tableSize, what);
    this.charge(TABLE_CHARGE, what);
    return table;
  }

  /** The file position of a field of a checked table (0 when the field is absent), checked to lie in the table. */
  field(table: TableRef, id: number, what: string): number {
    const pos = table.bb_pos;
    const vtable = pos - this.bb.readInt32(pos);
    const slot = 4 + 2 * id;
    const offset = slot < this.bb.readUint16(vtable) ? this.bb.readInt16(vtable + slot) : 0;
    if (offset === 0) return 0;
    if (offset < 4 || offset >= this.bb.readUint16(vtable + 2)) {
      this.damaged(`${what} points outside its table (offset ${offset})`);
    }
    return pos + offset;
  }

  /** A vector field's elements, checked to lie inside the file, without charging them (for raw data not iterated). */
  span(table: TableRef, id: number, elementBytes: number, what: string): VectorSpan {
    const at = this.field(table, id, what);
    if (at === 0) return { start: 0, length: 0 };
    this.within(at, 4, what);
    const lengthAt = at + this.bb.readInt32(at);
    this.within(lengthAt, 4, what);
    const length = this.bb.readInt32(lengthAt);
    const start = lengthAt + 4;
    if (length < 0 || length > (this.size - start) / elementBytes) {
      this.damaged(`${what} claims ${length} elements of ${elementBytes} bytes, more than the rest of the file holds`);
    }
    return { start, length };
  }

  /** A vector field's length, after checking that all its elements lie inside the file; charged to the budget. */
  vector(table: TableRef, id: number, elementBytes: number, what: string): number {
    const { length } = this.span(table, id, elementBytes, what);
    this.charge(4 + length * elementBytes, what);
    return length;
  }

  /** Checks a string field (its bytes inside the file, charged); the generated accessor may then decode it. */
  string(table: TableRef, id: number, what: string): void {
    this.vector(table, id, 1, what);
  }

  /** Checks a table-valued field (a sub-table or a union's value) before the generated accessor follows it. */
  subtable(table: TableRef, id: number, what: string): boolean {
    const at = this.field(table, id, what);
    if (at === 0) return false;
    this.within(at, 4, what);
    return true;
  }

  /** Reads 32-bit little-endian integers of raw tensor data that `span` or `within` has checked. */
  int32At(pos: number): number {
    return this.bb.readInt32(pos);
  }

  /** Checks raw data outside any FlatBuffer vector (a large model's external buffer). */
  region(start: number, length: number, what: string): void {
    this.within(start, length, what);
  }
}
