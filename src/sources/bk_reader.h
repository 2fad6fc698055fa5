/* Saved BuildKit progress, read back as moby.buildkit.v1 StatusResponse
 * messages, whatever its form (detected from the first bytes):
 *   BK_FMT_RAWJSON     `--progress=rawjson` / `buildctl --trace`: one
 *                      client.SolveStatus JSON per line. Both key styles are
 *                      read: the json tags of v0.13+ ("vertexes", "digest",
 *                      "id", "data" ...) and the Go field names older trace
 *                      files have ("Vertexes", "Digest", "ID", "Data" ...).
 *                      "data" (the log bytes, base64) maps onto VertexLog.msg,
 *                      "sourceInfo" onto VertexWarning.info, "range" onto
 *                      ranges; the other names differ from the .proto only in
 *                      case.
 *   BK_FMT_RECORDING   skview's recording (rec_format.h); records of kind
 *                      RECORD_BUILDKIT_STATUS are read (and, by
 *                      bk_reader_next_any, the DiskUsage and ListWorkers
 *                      answers recorded beside them); others skipped.
 * (The rawjson writer is buildkit/bk_format.h's bk_rawjson_write.)
 * The file is streamed, never loaded whole. Problems are "FILE:LINE: what is
 * wrong" (recordings: "FILE:record N: ..."). */
#ifndef SKVIEW_BK_READER_H
#define SKVIEW_BK_READER_H

#include <stdint.h>
#include "buildkit/control.pb-c.h"
#include "core/pbjson.h"

typedef enum bk_format {
    BK_FMT_UNKNOWN,
    BK_FMT_RAWJSON,
    BK_FMT_RECORDING,
} bk_format_t;

enum bk_read {
    BK_READ_FAIL = -1,   /* stopped: I/O error or a torn recording; err says why */
    BK_READ_END = 0,
    BK_READ_MSG = 1,     /* *out is valid until the next call */
    BK_READ_BAD = 2,     /* a malformed line or damaged record was skipped; err says why; go on */
};

typedef struct bk_reader bk_reader_t;

/* path "-" is standard input. NULL with errbuf "FILE: why" on failure. */
bk_reader_t *bk_reader_open(const char *path, char *errbuf, size_t errlen);
void bk_reader_close(bk_reader_t *r);
int bk_reader_next(bk_reader_t *r, const Moby__Buildkit__V1__StatusResponse **out, char *err,
                   size_t errlen);
/* A message of any BuildKit kind a recording holds (rawjson: Status only):
 * kind is RECORD_BUILDKIT_STATUS, _DU or _WORKERS and m the message of that
 * type, valid until the next call. Same return values as bk_reader_next. */
typedef struct bk_msg {
    int kind;
    const ProtobufCMessage *m;
} bk_msg_t;
int bk_reader_next_any(bk_reader_t *r, bk_msg_t *out, char *err, size_t errlen);
bk_format_t bk_reader_format(const bk_reader_t *r);
/* Parses one rawjson line (either key style); NULL with err filled. */
Moby__Buildkit__V1__StatusResponse *bk_rawjson_parse(pbjson_parser_t *p, const char *line, size_t n,
                                                     arena_t *arena, pbjson_err_t *err);

#endif
