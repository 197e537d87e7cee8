/**
 * The largest /mutate body read. The API server decodes a write request of at most 3 MiB of JSON (its
 * MaxRequestBodyBytes: twice etcd's 1.5 MiB object limit, for JSON's overhead over protobuf), and a
 * CREATE review carries that object once (no oldObject) plus defaults and a small envelope: 1 MiB of
 * headroom covers them. A larger body cannot come from a Pod CREATE that etcd would store. Applies to
 * the decompressed size.
 */
export const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export const BODY_LIMIT_TEXT = `${BODY_LIMIT_BYTES / 1024 / 1024} MiB`;
