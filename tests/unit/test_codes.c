/* StatusCode / SuggestionCode names and descriptions, checked row by row
 * against the tables of Skaffold's API reference (the seed) and against every
 * value of Skaffold 2.x's enums (../shared/reference/skaffold-enums.tsv), both
 * parsed here at test time so that the proto can never drift from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/codes.h"
#include "skaffold.pb-c.h"

#define SEED "../shared/seeds/000_fecb52d1fd4c3f17.txt"
#define ENUMS_TSV "../shared/reference/skaffold-enums.tsv"

typedef struct row {
    char name[128];
    int value;
    char desc[512];
} row_t;

/* Trims spaces at both ends, in place. */
static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Parses "| NAME | 123 | Description |" into r; false for other lines. */
static bool parse_row(char *line, row_t *r)
{
    char *cell[3];
    char *p = line;

    if (*p != '|')
        return false;
    for (int i = 0; i < 3; i++) {
        cell[i] = ++p;
        p = strchr(p, '|');
        if (p == NULL)
            return false;
        *p = '\0';
    }
    char *num = trim(cell[1]), *end;
    long v = strtol(num, &end, 10);
    if (*num == '\0' || *end != '\0')
        return false; /* the header row and the |---| rule */
    snprintf(r->name, sizeof r->name, "%s", trim(cell[0]));
    snprintf(r->desc, sizeof r->desc, "%s", trim(cell[2]));
    r->value = (int)v;
    return true;
}

/* Reads the table under the "### <title>" heading of the seed. */
static row_t *read_table(const char *title, size_t *n)
{
    FILE *f = fopen(SEED, "r");
    char line[1024], heading[64];
    bool inside = false;
    row_t *rows = NULL;

    if (f == NULL)
        fail_msg("cannot open %s (tests run from the repository root)", SEED);
    snprintf(heading, sizeof heading, "### %s\n", title);
    *n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "### ", 4) == 0) {
            inside = strcmp(line, heading) == 0;
            continue;
        }
        row_t r;
        if (!inside || !parse_row(line, &r))
            continue;
        rows = realloc(rows, (*n + 1) * sizeof *rows);
        assert_non_null(rows);
        rows[(*n)++] = r;
    }
    fclose(f);
    return rows;
}

static size_t table_len(const code_desc_t *t)
{
    size_t n = 0;
    while (t[n].text != NULL)
        n++;
    return n;
}

/* Reads the rows of enum `which` from the TSV (enum, name, number, text). */
static row_t *read_tsv(const char *which, size_t *n)
{
    FILE *f = fopen(ENUMS_TSV, "r");
    char line[1024];
    row_t *rows = NULL;

    if (f == NULL)
        fail_msg("cannot open %s (tests run from the repository root)", ENUMS_TSV);
    *n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *cols[4], *save = NULL;
        size_t c = 0;
        for (char *tok = strtok_r(line, "\t\n", &save); tok != NULL && c < 4;
             tok = strtok_r(NULL, "\t\n", &save))
            cols[c++] = tok;
        if (c < 3 || strcmp(cols[0], which) != 0)
            continue;
        rows = realloc(rows, (*n + 1) * sizeof *rows);
        assert_non_null(rows);
        row_t *r = &rows[(*n)++];
        snprintf(r->name, sizeof r->name, "%s", cols[1]);
        r->value = atoi(cols[2]);
        snprintf(r->desc, sizeof r->desc, "%s", c > 3 ? cols[3] : "");
    }
    fclose(f);
    return rows;
}

static bool has_row(const row_t *rows, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return true;
    return false;
}

/* Every value of the seed's table keeps the seed's description; every value
 * Skaffold 2.x added carries its own; the generated table holds exactly
 * the union. */
static void check_table(const char *title, const code_desc_t *gen, size_t min_rows,
                        const char *(*name)(int), const char *(*desc)(int))
{
    size_t n, n_tsv, only_tsv = 0;
    row_t *rows = read_table(title, &n);
    row_t *tsv = read_tsv(title, &n_tsv);

    assert_true(n_tsv >= min_rows);
    for (size_t i = 0; i < n_tsv; i++) {
        if (has_row(rows, n, tsv[i].name))
            continue;
        only_tsv++;
        if (strcmp(name(tsv[i].value), tsv[i].name) != 0 || strcmp(desc(tsv[i].value), tsv[i].desc) != 0)
            print_error("%s (2.x) %s = %d\n", title, tsv[i].name, tsv[i].value);
        assert_string_equal(name(tsv[i].value), tsv[i].name);
        assert_string_equal(desc(tsv[i].value), tsv[i].desc);
    }
    assert_true(only_tsv > 0); /* 2.x grew every table */
    free(tsv);

    assert_true(n >= min_rows); /* the parser found the table at all */
    for (size_t i = 0; i < n; i++) {
        const char *got_name = name(rows[i].value), *got_desc = desc(rows[i].value);
        if (strcmp(got_name, rows[i].name) != 0 || strcmp(got_desc, rows[i].desc) != 0)
            print_error("%s row %zu: %s = %d\n", title, i, rows[i].name, rows[i].value);
        assert_string_equal(got_name, rows[i].name);
        assert_string_equal(got_desc, rows[i].desc);
    }
    assert_int_equal(table_len(gen), n + only_tsv);
    free(rows);
}

static void every_seed_status_code_has_its_name_and_description(void **state)
{
    check_table("StatusCode", codes_status_desc, 10, status_code_name, status_code_desc);
}

static void every_seed_suggestion_code_has_its_name_and_description(void **state)
{
    check_table("SuggestionCode", codes_suggestion_desc, 10, suggestion_code_name,
                suggestion_code_desc);
}

/* The other enums have no description table: their names and numbers come
 * from protobuf-c's descriptors, checked against every 2.x value. */
static void every_2x_value_of_the_other_enums_is_known(void **state)
{
    static const struct {
        const char *tsv;
        const ProtobufCEnumDescriptor *desc;
    } enums[] = {
        { "BuilderType", &proto__builder_type__descriptor },
        { "BuildType", &proto__build_type__descriptor },
        { "DeployerType", &proto__deployer_type__descriptor },
        { "ClusterType", &proto__cluster_type__descriptor },
        { "TesterType", &proto__tester_type__descriptor },
        { "RenderType", &proto__render_type__descriptor },
        { "LogLevel", &proto__log_level__descriptor },
    };
    for (size_t e = 0; e < sizeof enums / sizeof enums[0]; e++) {
        size_t n;
        row_t *rows = read_tsv(enums[e].tsv, &n);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
            const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(enums[e].desc, rows[i].name);
            if (v == NULL)
                print_error("%s.%s missing\n", enums[e].tsv, rows[i].name);
            assert_non_null(v);
            assert_int_equal(v->value, rows[i].value);
        }
        free(rows);
    }
}

static void status_codes_out_of_numeric_order_are_found(void **state)
{
    assert_string_equal(status_code_name(356), "STATUSCHECK_CONTAINER_RESTARTING");
    assert_string_equal(status_code_name(1109), "DEPLOY_KUBECTL_VERSION_ERR");
    assert_string_equal(status_code_desc(1109), "Unable to retrieve kubectl version");
    assert_string_equal(status_code_desc(412), ""); /* the reference has no text */
}

static void unknown_codes_get_unknown_names_and_no_description(void **state)
{
    assert_string_equal(status_code_name(4242), "UNKNOWN(4242)");
    assert_string_equal(status_code_desc(4242), "");
    assert_string_equal(suggestion_code_name(-7), "UNKNOWN(-7)");
    assert_string_equal(suggestion_code_desc(-7), "");
    assert_string_equal(status_code_name(1010), "DEPLOY_KUBECTL_OFFLINE_MODE_ERR");
}

static void success_codes_are_ok_and_200_to_250(void **state)
{
    assert_true(status_code_is_success(0));
    assert_true(status_code_is_success(200));
    assert_true(status_code_is_success(201));
    assert_true(status_code_is_success(202));
    assert_true(status_code_is_success(250));
    assert_false(status_code_is_success(199));
    assert_false(status_code_is_success(251));
    assert_false(status_code_is_success(101));
    assert_false(status_code_is_success(500));
    assert_false(status_code_is_success(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_seed_status_code_has_its_name_and_description),
        cmocka_unit_test(every_seed_suggestion_code_has_its_name_and_description),
        cmocka_unit_test(every_2x_value_of_the_other_enums_is_known),
        cmocka_unit_test(status_codes_out_of_numeric_order_are_found),
        cmocka_unit_test(unknown_codes_get_unknown_names_and_no_description),
        cmocka_unit_test(success_codes_are_ok_and_200_to_250),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
