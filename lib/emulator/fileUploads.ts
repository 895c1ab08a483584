import { randomBytes } from 'node:crypto';
import {
  ALINK_CODES,
  crc64,
  FILE_UPLOAD_CODES,
  FILE_UPLOAD_LIMITS,
  type FileUploadInitParams,
  type ReadChunk,
} from '../protocol';
import type { CloudAnswer } from './answerAlink';

/** How long the platform keeps an unfinished upload. */
const UPLOAD_KEPT_MS = 24 * 60 * 60 * 1000;
/** How many files the platform keeps of each device. */
const FILES_PER_DEVICE = 1000;

/** A file a device uploaded, as `QueryDeviceFileList` lists it. */
export interface DeviceFile {
  readonly fileId: string;
  readonly name: string;
  /** In bytes. */
  readonly size: number;
  /** When the upload finished (the emulator's `clock`), as an ISO 8601 UTC time. */
  readonly utcCreatedOn: string;
}

/** A finished file, with its bytes. */
export interface StoredFile extends DeviceFile {
  readonly content: Buffer;
}

/** An upload's file name and the bytes it has. */
export interface UploadDescription {
  readonly fileName: string;
  readonly size: number;
}

/** An upload of one device: what its `init` said, and the bytes so far. */
interface Upload {
  readonly uploadId: string;
  readonly device: string;
  readonly fileName: string;
  /** -1: unknown, the last chunk says `isComplete`. */
  readonly fileSize: number;
  readonly ficValue: string | undefined;
  readonly initUid: string | undefined;
  /** `extraParams.ossOwnerType: 'device-user'`: the file goes to the user's own OSS bucket, not the file list. */
  readonly toOwnBucket: boolean;
  readonly startedAt: number;
  readonly chunks: Buffer[];
  received: number;
  /** The last chunk taken, to know it when it comes again. */
  last: { readonly offset: number; readonly bytes: Buffer } | undefined;
  finished: boolean;
}

/**
 * The uploads and files of every device (a device is its `pk/dn` key), and what each request is answered:
 * the platform's rules of an upload over MQTT, with no broker in sight.
 */
export interface FileUploads {
  /**
   * `init`: opens an upload; with `append`, resumes the unfinished one of that name (`offset` in the answer);
   * an `init` sent again with the same `initUid` is the same upload.
   */
  init(device: string, params: FileUploadInitParams): CloudAnswer;
  /** `send`: takes one chunk at the offset the upload has reached; the last one finishes the file. */
  send(device: string, chunk: ReadChunk): CloudAnswer;
  /** `cancel`: drops an unfinished upload. */
  cancel(device: string, uploadId: string): CloudAnswer;
  /** The name and size so far of one of the device's uploads, for what is reported. */
  describe(device: string, uploadId: string): UploadDescription | undefined;
  /** A device's files, oldest first. */
  filesOf(device: string): readonly StoredFile[];
  /** Removes a file; `false` when the device has none of that id. */
  deleteFile(device: string, fileId: string): boolean;
}

const refusal = (code: number, message: string): CloudAnswer => ({ code, message });

/**
 * Why `extraParams` are not the platform's: `ossOwnerType` `iot-platform` or `device-user`, the latter with a
 * `serviceId`, and at most 5 `fileTag`s, none starting with `__`.
 */
function storageRefusal(extraParams: unknown): string | undefined {
  if (extraParams === undefined) return undefined;
  if (typeof extraParams !== 'object' || extraParams === null || Array.isArray(extraParams))
    return 'extraParams must be an object';
  const { ossOwnerType, serviceId, fileTag } = extraParams as Record<string, unknown>;
  if (ossOwnerType !== undefined && ossOwnerType !== 'iot-platform' && ossOwnerType !== 'device-user')
    return `ossOwnerType must be iot-platform or device-user, not ${String(ossOwnerType)}`;
  if (ossOwnerType === 'device-user' && (typeof serviceId !== 'string' || serviceId === ''))
    return 'a device-user upload needs the serviceId of its bucket';
  if (fileTag === undefined) return undefined;
  if (typeof fileTag !== 'object' || fileTag === null || Array.isArray(fileTag))
    return 'fileTag must be an object';
  const keys = Object.keys(fileTag);
  if (keys.length > 5) return `at most 5 fileTags, not ${keys.length}`;
  return keys.some((key) => key.startsWith('__')) ? 'a fileTag key must not start with __' : undefined;
}
const newId = () => randomBytes(12).toString('hex');

/**
 * The platform's side of uploads. A finished file is kept per device under its name, 1,000 files per device
 * at most (whether the platform refuses the 1,001st with 460, as here, is unverified); an unfinished upload
 * for 24 h of `now`.
 */
export function fileUploads(
  now: () => number,
  /** Told of each file deleted or replaced by an overwrite. */
  forgotten: (file: StoredFile) => void = () => undefined,
): FileUploads {
  const uploads = new Map<string, Upload>();
  // Per device, by name: a Map keeps the order files finished in, and an overwrite deletes the old one first.
  const files = new Map<string, Map<string, StoredFile>>();

  /** Forgets uploads past 24 h, finished ones too (what is kept of those answers their late chunks). */
  function sweep(): void {
    for (const [uploadId, upload] of uploads) {
      if (now() - upload.startedAt > UPLOAD_KEPT_MS) uploads.delete(uploadId);
    }
  }

  function uploadOf(device: string, uploadId: string): Upload | undefined {
    sweep();
    const upload = uploads.get(uploadId);
    return upload?.device === device ? upload : undefined;
  }

  const unfinished = (device: string, fileName: string) => {
    sweep();
    return [...uploads.values()].filter((u) => u.device === device && u.fileName === fileName && !u.finished);
  };

  /** Why an `init` cannot open any upload, whatever files there are. */
  function invalid({
    fileSize,
    ficMode,
    ficValue,
    extraParams,
  }: FileUploadInitParams): CloudAnswer | undefined {
    if (!Number.isSafeInteger(fileSize) || fileSize < -1 || fileSize === 0)
      return refusal(
        ALINK_CODES.invalidParameter,
        `fileSize must be -1 (unknown) or 1 or more, not ${fileSize}`,
      );
    if (fileSize > FILE_UPLOAD_LIMITS.maxFileBytes)
      return refusal(FILE_UPLOAD_CODES.fileTooLarge, `a file is at most 16 MB, not ${fileSize} bytes`);
    if (ficMode !== undefined && ficMode.toLowerCase() !== 'crc64')
      return refusal(ALINK_CODES.invalidParameter, `ficMode must be crc64, not ${ficMode}`);
    if ((ficMode === undefined) !== (ficValue === undefined))
      return refusal(ALINK_CODES.invalidParameter, 'ficMode and ficValue go together');
    if (ficValue !== undefined && fileSize === -1)
      return refusal(ALINK_CODES.invalidParameter, 'a file of unknown size (-1) cannot have a ficValue');
    if (ficValue !== undefined && !/^[0-9a-fA-F]{16}$/.test(ficValue))
      return refusal(ALINK_CODES.invalidParameter, 'ficValue must be 16 hex digits');
    const storage = storageRefusal(extraParams);
    return storage === undefined ? undefined : refusal(ALINK_CODES.invalidParameter, storage);
  }

  function init(device: string, params: FileUploadInitParams): CloudAnswer {
    const refused = invalid(params);
    if (refused !== undefined) return refused;
    const { fileName, fileSize, conflictStrategy = 'overwrite', ficValue, initUid, extraParams } = params;
    const answer = (upload: Upload, resumed: boolean): CloudAnswer => ({
      data: {
        fileName,
        fileSize,
        uploadId: upload.uploadId,
        conflictStrategy,
        ...(resumed ? { offset: upload.received } : {}),
      },
    });
    const open = unfinished(device, fileName);
    const again = initUid === undefined ? undefined : open.find((u) => u.initUid === initUid);
    if (again !== undefined) return answer(again, again.received > 0);
    const stored = files.get(device)?.get(fileName);
    if (conflictStrategy === 'reject' && (stored !== undefined || open.length > 0))
      return refusal(FILE_UPLOAD_CODES.fileExists, `a file named ${fileName} exists`);
    if (conflictStrategy === 'append') {
      const resumed = open.at(-1);
      // Whether the platform refuses, or starts afresh, when the file changed is unverified: refused here.
      const changed =
        resumed !== undefined &&
        (resumed.fileSize !== fileSize ||
          (resumed.ficValue !== undefined &&
            ficValue !== undefined &&
            resumed.ficValue !== ficValue.toLowerCase()));
      if (changed)
        return refusal(
          ALINK_CODES.invalidParameter,
          `the unfinished upload of ${fileName} is of ${resumed.fileSize} bytes and another file: overwrite it`,
        );
      if (resumed !== undefined) return answer(resumed, true);
      if (stored !== undefined)
        return refusal(FILE_UPLOAD_CODES.fileExists, `${fileName} is complete: upload it under another name`);
    }
    if (stored === undefined && (files.get(device)?.size ?? 0) >= FILES_PER_DEVICE)
      return refusal(ALINK_CODES.invalidParameter, `a device keeps at most ${FILES_PER_DEVICE} files`);
    // Overwrite (or no file of that name): the file and any unfinished upload of it go first.
    if (stored !== undefined) {
      files.get(device)?.delete(fileName);
      forgotten(stored);
    }
    for (const old of open) uploads.delete(old.uploadId);
    const upload: Upload = {
      uploadId: newId(),
      device,
      fileName,
      fileSize,
      ficValue: ficValue?.toLowerCase(),
      initUid,
      toOwnBucket: (extraParams as { ossOwnerType?: unknown } | undefined)?.ossOwnerType === 'device-user',
      startedAt: now(),
      chunks: [],
      received: 0,
      last: undefined,
      finished: false,
    };
    uploads.set(upload.uploadId, upload);
    return answer(upload, false);
  }

  function send(device: string, chunk: ReadChunk): CloudAnswer {
    const { uploadId, offset, bSize, isComplete = false } = chunk.params;
    const upload = uploadOf(device, uploadId);
    if (upload === undefined) return refusal(FILE_UPLOAD_CODES.uploadNotFound, `no upload ${uploadId}`);
    const { last } = upload;
    const again = last !== undefined && offset === last.offset && last.bytes.equals(chunk.bytes);
    // The last chunk again (its reply was lost): the file has it, as any chunk sent again.
    if (upload.finished && !again)
      return refusal(FILE_UPLOAD_CODES.uploadFinished, `upload ${uploadId} has finished`);
    if (!chunk.checksumMatches)
      return refusal(FILE_UPLOAD_CODES.chunkChecksumMismatch, 'the chunk CRC-16 does not match');
    if (bSize > FILE_UPLOAD_LIMITS.maxChunkBytes)
      return refusal(FILE_UPLOAD_CODES.chunkTooLarge, `a chunk is at most 128 KB, not ${bSize} bytes`);
    if (again) return refusal(FILE_UPLOAD_CODES.duplicateChunk, `the chunk at ${offset} was written already`);
    if (offset !== upload.received)
      return refusal(
        FILE_UPLOAD_CODES.offsetMismatch,
        `the upload has ${upload.received} bytes, not ${offset}`,
      );
    const total = offset + bSize;
    const known = upload.fileSize !== -1;
    if (known && total > upload.fileSize)
      return refusal(
        ALINK_CODES.invalidParameter,
        `the chunk ends at ${total}, past fileSize ${upload.fileSize}`,
      );
    const lastChunk = known ? total === upload.fileSize : isComplete;
    if (!lastChunk && bSize < FILE_UPLOAD_LIMITS.minChunkBytes)
      return refusal(
        FILE_UPLOAD_CODES.chunkTooSmall,
        `a chunk but the last is at least 256 bytes, not ${bSize}`,
      );
    if (total > FILE_UPLOAD_LIMITS.maxFileBytes || (lastChunk && total === 0)) {
      uploads.delete(uploadId);
      return total === 0
        ? refusal(ALINK_CODES.invalidParameter, 'the file is empty: the upload is dropped')
        : refusal(FILE_UPLOAD_CODES.fileTooLarge, 'a file is at most 16 MB: the upload is dropped');
    }
    const bytes = Buffer.from(chunk.bytes);
    upload.chunks.push(bytes);
    upload.received = total;
    upload.last = { offset, bytes };
    return lastChunk ? finish(upload, offset, bSize) : { data: { uploadId, offset, bSize } };
  }

  /** The last chunk is in: the file is kept, unless its CRC-64 is not what `init` said. */
  function finish(upload: Upload, offset: number, bSize: number): CloudAnswer {
    const { uploadId, ficValue } = upload;
    const content = Buffer.concat(upload.chunks);
    upload.chunks.length = 0;
    const ficValueServer = crc64(content);
    const sums = ficValue === undefined ? {} : { ficMode: 'crc64', ficValueClient: ficValue, ficValueServer };
    if (ficValue !== undefined && ficValue !== ficValueServer) {
      uploads.delete(uploadId);
      const failed = refusal(FILE_UPLOAD_CODES.fileChecksumMismatch, 'the file CRC-64 does not match');
      return { ...failed, data: { uploadId, offset, bSize, ...sums } };
    }
    upload.finished = true;
    // The emulator has no OSS bucket of the user's: such a file is taken and not listed, as on the platform.
    if (upload.toOwnBucket) return { data: { uploadId, offset, bSize, complete: true, ...sums } };
    const kept = files.get(upload.device) ?? new Map<string, StoredFile>();
    files.set(upload.device, kept);
    kept.set(upload.fileName, {
      fileId: newId(),
      name: upload.fileName,
      size: content.length,
      utcCreatedOn: new Date(now()).toISOString(),
      content,
    });
    return { data: { uploadId, offset, bSize, complete: true, ...sums } };
  }

  function cancel(device: string, uploadId: string): CloudAnswer {
    const upload = uploadOf(device, uploadId);
    if (upload === undefined) return refusal(FILE_UPLOAD_CODES.uploadNotFound, `no upload ${uploadId}`);
    if (upload.finished) return refusal(FILE_UPLOAD_CODES.uploadFinished, `upload ${uploadId} has finished`);
    uploads.delete(uploadId);
    return { data: { uploadId } };
  }

  return {
    init,
    send,
    cancel,
    describe(device, uploadId) {
      const upload = uploadOf(device, uploadId);
      return upload === undefined ? undefined : { fileName: upload.fileName, size: upload.received };
    },
    filesOf: (device) => [...(files.get(device)?.values() ?? [])],
    deleteFile(device, fileId) {
      const file = [...(files.get(device)?.values() ?? [])].find((f) => f.fileId === fileId);
      if (file === undefined) return false;
      files.get(device)?.delete(file.name);
      forgotten(file);
      return true;
    },
  };
}
