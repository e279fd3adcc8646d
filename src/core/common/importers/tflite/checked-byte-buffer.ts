import * as flatbuffers from 'flatbuffers';

/**
 * A flatbuffers ByteBuffer whose reads fail instead of returning garbage past the end of the
 * file. The generated reader reads everything through readUint8/readUint16/readInt32, so
 * checking those three covers every scalar, offset and vtable access; the importer turns the
 * RangeError into an ImportError that names the field being read.
 */
export class CheckedByteBuffer extends flatbuffers.ByteBuffer {
  override readUint8(offset: number): number {
    this.check(offset, 1);
    return super.readUint8(offset);
  }
  override readUint16(offset: number): number {
    this.check(offset, 2);
    return super.readUint16(offset);
  }
  override readInt32(offset: number): number {
    this.check(offset, 4);
    return super.readInt32(offset);
  }
  private check(offset: number, size: number): void {
    if (!(offset >= 0 && offset + size <= this.capacity())) {
      throw new OutOfBoundsRead(offset, size, this.capacity());
    }
  }
}

export class OutOfBoundsRead extends RangeError {
  constructor(
    readonly offset: number,
    readonly size: number,
    readonly fileSize: number,
  ) {
    super(`read of ${size} byte${size > 1 ? 's' : ''} at offset ${offset} is outside the file (${fileSize} bytes)`);
  }
}
