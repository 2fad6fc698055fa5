# Turns the StatusCode and SuggestionCode enums of proto/skaffold.proto into a
# C table of descriptions (number -> text). The names are not copied: they come
# from protobuf-c's enum descriptors at run time, so the two cannot drift.
BEGIN { print "/* Generated from proto/skaffold.proto by tools/codes.awk. Do not edit. */"
        print "#include <stddef.h>"; print "#include \"core/codes.h\"" }
/^enum (StatusCode|SuggestionCode) \{/ { which = ($2 == "StatusCode") ? "status" : "suggestion"
        print "const code_desc_t codes_" which "_desc[] = {"; inside = 1; next }
inside && /^\}/ { print "  { -1, NULL }\n};"; inside = 0; next }
inside && /=/ { line = $0; desc = ""
        if (match(line, /\/\/ /)) desc = substr(line, RSTART + 3)
        sub(/;.*/, "", line); split(line, kv, "=")
        gsub(/"/, "\\\"", desc); gsub(/ +$/, "", desc)
        printf "  { %d, \"%s\" },\n", kv[2] + 0, desc }
