/* The JSON library's floor for `make bench` (tests/bench/bench.sh part 1):
 * `skview state FILE`'s reader with everything but the tokenizer left out.
 * The same worker threads read the same batches and split the same lines,
 * and each line is only tokenized by jsmn (logreader_opts_t.tokenize_only):
 * no message, no fold. Its time beside `skview state`'s says how much of
 * that is the library's and how much ours.
 *
 * usage: bench_json_floor FILE   (prints the lines read) */
#include <stdio.h>
#include "sources/logreader.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_json_floor FILE\n");
        return 2;
    }
    char err[512];
    logreader_opts_t opts = {.tokenize_only = true};
    logreader_t *r = logreader_open(argv[1], &opts, err, sizeof err);
    if (!r) {
        fprintf(stderr, "bench_json_floor: %s\n", err);
        return 1;
    }
    source_sink_t sink = {0};
    int rc = logreader_pump(r, &sink);
    printf("%llu lines\n", (unsigned long long)logreader_line(r));
    logreader_close(r);
    return rc;
}
