#!/usr/bin/env bash
# packaging_docs: the manual page and the bash completion know every option of
# `attnlens-cli --help`, the completion completes, and the manual pages, the .desktop file and
# the AppStream metadata are valid. Arguments: CLI MAN_DIR COMPLETION DESKTOP METAINFO.
set -uo pipefail
cli=$1 man_dir=$2 completion=$3 desktop=$4 metainfo=$5
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

options=$("$cli" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$options" ] || fail "attnlens-cli --help lists no options"
for option in $options; do
    grep -q -- "$(sed 's/-/\\\\-/g' <<<"$option")" "$man_dir/attnlens-cli.1" \
        || fail "the manual page does not describe $option"
    grep -q -- "$option" "$completion" || fail "the bash completion does not know $option"
done

for page in attnlens attnlens-cli; do
    warnings=$(groff -man -Tutf8 -ww -z "$man_dir/$page.1" 2>&1)
    [ -z "$warnings" ] || fail "$page.1: $warnings"
    grep -q '@' "$man_dir/$page.1" && fail "$page.1 has an unfilled @VARIABLE@"
done

# Completion, as bash calls it: COMP_WORDS / COMP_CWORD in, COMPREPLY out.
complete_words() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _attnlens_cli;
             echo "${COMPREPLY[*]}"' _ "$completion" "$@"
}
[ "$(complete_words "$cli" ru)" = run ] || fail "'attnlens-cli ru' does not complete to run"
[ "$(complete_words "$cli" export model.keras --fo)" = --format ] \
    || fail "'export --fo' does not complete to --format"
[ "$(complete_words "$cli" export m.keras --format p)" = "png pdf" ] \
    || fail "'--format p' does not offer png pdf"
[ "$(complete_words "$cli" info m.keras --js)" = --json ] || fail "'info --js' is not --json"
[ "$(complete_words "$cli" su)" = summarize ] || fail "'attnlens-cli su' is not summarize"
[ "$(complete_words "$cli" summarize m.keras --by c)" = correct ] || fail "'--by c' is not correct"
columns_csv=$(mktemp --suffix=.csv)
printf 'time,patient_id,"p2",a\r\n1,2,3,4\r\n' >"$columns_csv"
[ "$(complete_words "$cli" run m.keras --data "$columns_csv" --id-column p)" = "patient_id p2" ] \
    || fail "'--id-column p' does not offer the CSV's columns patient_id p2"
rm -f "$columns_csv"
maps=$(complete_words "$cli" export m.keras --colormap vi)
[ "$maps" = viridis ] || fail "'--colormap vi' gives '$maps', not viridis"

desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
appstreamcli validate --no-net --pedantic "$metainfo" >/tmp/attnlens_appstream.$$ 2>&1 \
    || { cat /tmp/attnlens_appstream.$$; fail "appstreamcli validate $metainfo"; }
rm -f /tmp/attnlens_appstream.$$

[ "$failures" -eq 0 ] && echo "packaging docs: all checks passed"
exit $((failures > 0))
