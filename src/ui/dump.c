/* The headless screen dump: the rendered screen as text, one line per row
 * with trailing blanks cut, for tests and `--dump-screen`. */
#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "core/xalloc.h"
#include "ui/app.h"

int dump_screen(ui_t *ui, FILE *out)
{
    wchar_t *line = xcalloc((size_t)ui->cols + 1, sizeof *line);
    char *mb = xmalloc(((size_t)ui->cols + 1) * MB_LEN_MAX + 1);
    for (int y = 0; y < ui->rows; y++) {
        int n = mvwinnwstr(stdscr, y, 0, line, ui->cols);
        if (n < 0)
            n = 0;
        line[n] = 0;
        while (n > 0 && line[n - 1] == L' ')
            line[--n] = 0;
        size_t len = 0;
        mbstate_t st;
        memset(&st, 0, sizeof st);
        for (int i = 0; i < n; i++) {
            size_t k = wcrtomb(mb + len, line[i], &st);
            if (k == (size_t)-1) {
                mb[len] = '?';
                k = 1;
            }
            len += k;
        }
        fwrite(mb, 1, len, out);
        fputc('\n', out);
    }
    free(line);
    free(mb);
    return ferror(out) ? -1 : 0;
}
