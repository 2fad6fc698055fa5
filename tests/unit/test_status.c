/* Status strings: both spellings Skaffold uses, case and spaces ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "core/status.h"

static const struct {
    const char *text;
    status_kind_t kind;
} cases[] = {
    { "", STATUS_NONE },
    { "   ", STATUS_NONE },
    { "Not Started", STATUS_NOT_STARTED },
    { "NotStarted", STATUS_NOT_STARTED },
    { "In Progress", STATUS_IN_PROGRESS },
    { "InProgress", STATUS_IN_PROGRESS },
    { "in progress", STATUS_IN_PROGRESS },
    { "IN  PROGRESS", STATUS_IN_PROGRESS },
    { "Pending", STATUS_IN_PROGRESS },
    { "Started", STATUS_STARTED },
    { "Complete", STATUS_SUCCEEDED },
    { "Completed", STATUS_SUCCEEDED },
    { "Succeeded", STATUS_SUCCEEDED },
    { "Success", STATUS_SUCCEEDED },
    { "succeeded", STATUS_SUCCEEDED },
    { "Failed", STATUS_FAILED },
    { "FAILED", STATUS_FAILED },
    { "Error", STATUS_FAILED },
    { "Canceled", STATUS_CANCELED },
    { "Cancelled", STATUS_CANCELED },
    { "Terminated", STATUS_TERMINATED },
    { "Information", STATUS_INFO },
    { "Bogus", STATUS_OTHER },
    { "In", STATUS_OTHER },
    { "In Progressive", STATUS_OTHER },
};

static void status_kind_classifies_every_known_spelling(void **state)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        status_kind_t k = status_kind(cases[i].text);
        if (k != cases[i].kind)
            print_error("status_kind(\"%s\") = %s, want %s\n", cases[i].text,
                        status_kind_name(k), status_kind_name(cases[i].kind));
        assert_int_equal(k, cases[i].kind);
    }
}

static void status_kind_of_null_is_none(void **state)
{
    assert_int_equal(status_kind(NULL), STATUS_NONE);
}

static void status_equal_ignores_case_and_spaces(void **state)
{
    assert_true(status_equal("In Progress", "InProgress"));
    assert_true(status_equal("in progress", "IN PROGRESS"));
    assert_true(status_equal("Complete", "Completed"));
    assert_true(status_equal("Succeeded", "Complete"));
    assert_true(status_equal("Some Thing", "something"));
    assert_true(status_equal("", NULL));
}

static void status_equal_tells_different_statuses_apart(void **state)
{
    assert_false(status_equal("In Progress", "Complete"));
    assert_false(status_equal("Failed", "Canceled"));
    assert_false(status_equal("Some Thing", "Other Thing"));
    assert_false(status_equal("Something", "Somethingelse"));
    assert_false(status_equal("", "Failed"));
}

static void status_is_final_only_for_finished_statuses(void **state)
{
    assert_true(status_is_final(STATUS_SUCCEEDED));
    assert_true(status_is_final(STATUS_FAILED));
    assert_true(status_is_final(STATUS_CANCELED));
    assert_true(status_is_final(STATUS_TERMINATED));
    assert_false(status_is_final(STATUS_NONE));
    assert_false(status_is_final(STATUS_NOT_STARTED));
    assert_false(status_is_final(STATUS_IN_PROGRESS));
    assert_false(status_is_final(STATUS_STARTED));
    assert_false(status_is_final(STATUS_INFO));
    assert_false(status_is_final(STATUS_OTHER));
}

static void status_kind_name_names_every_kind(void **state)
{
    assert_string_equal(status_kind_name(STATUS_IN_PROGRESS), "in progress");
    assert_string_equal(status_kind_name(STATUS_SUCCEEDED), "succeeded");
    assert_string_equal(status_kind_name(STATUS_OTHER), "other");
    assert_string_equal(status_kind_name((status_kind_t)99), "other");
    for (int k = STATUS_NONE; k <= STATUS_OTHER; k++)
        assert_non_null(status_kind_name((status_kind_t)k));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_kind_classifies_every_known_spelling),
        cmocka_unit_test(status_kind_of_null_is_none),
        cmocka_unit_test(status_equal_ignores_case_and_spaces),
        cmocka_unit_test(status_equal_tells_different_statuses_apart),
        cmocka_unit_test(status_is_final_only_for_finished_statuses),
        cmocka_unit_test(status_kind_name_names_every_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
