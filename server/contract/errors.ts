/** The stable error codes of the public contract (PROTOCOL.md, "Conventions"). */
export type ErrorCode = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'rate_limited' | 'internal' | 'unavailable';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** A socket command's acknowledgement. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
