# bash completion for attnlens-cli. Installed to
# /usr/share/bash-completion/completions/attnlens-cli. Keep in step with `attnlens-cli --help`
# (app/cli/cli_options.cpp): the test packaging_docs checks that every option of --help is here.

_attnlens_cli_options()
{
    local data="--features --id-column --target-column --time-column --stride"
    case "$1" in
    info) echo "--config --recipe --json --help" ;;
    run) echo "--config --recipe --data $data --rows --chunk-rows --out --help" ;;
    export)
        echo "--config --recipe --data $data --out --layer --heads --rows --format --labels" \
            "--size --dpi --colormap --matrix --session --help"
        ;;
    summarize)
        echo "--config --recipe --data $data --classes --regression --rows --by --chunk-rows" \
            "--out --images --heads --format --size --dpi --colormap --help"
        ;;
    merge) echo "--out --help" ;;
    esac
}

# The header names of the CSV given with --data, for the column options.
_attnlens_cli_columns()
{
    local i file=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        [ "${COMP_WORDS[i]}" = --data ] && file="${COMP_WORDS[i + 1]}"
    done
    [ -r "$file" ] || return
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$(head -n 1 "$file" | tr -d '\r"' | tr ',;\t' '\n')" -- "$1"))
}

_attnlens_cli()
{
    local cur prev command word
    COMPREPLY=()
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD - 1]}"
    command=""
    for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
        case "$word" in
        info | run | export | summarize | merge)
            command="$word"
            break
            ;;
        esac
    done

    case "$prev" in
    --session)
        COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
        return
        ;;
    --config | --labels | --recipe)
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --images)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --data)
        COMPREPLY=($(compgen -f -X '!*.@(csv|tsv|npy|npz|h5|hdf5|CSV|TSV|NPY|NPZ|H5)' -- "$cur")
            $(compgen -d -- "$cur"))
        return
        ;;
    --by)
        COMPREPLY=($(compgen -W "target prediction correct" -- "$cur"))
        return
        ;;
    --out)
        if [ "$command" = export ]; then
            COMPREPLY=($(compgen -d -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
        ;;
    --format)
        COMPREPLY=($(compgen -W "png jpg pdf svg" -- "$cur"))
        return
        ;;
    --heads)
        COMPREPLY=($(compgen -W "all mean max" -- "$cur"))
        return
        ;;
    --matrix)
        COMPREPLY=($(compgen -W "csv npy" -- "$cur"))
        return
        ;;
    --colormap)
        local maps
        maps=$("${COMP_WORDS[0]}" --help 2>/dev/null | sed -n 's/^ *Colour maps: //p' | tr -d ',')
        COMPREPLY=($(compgen -W "$maps" -- "$cur"))
        return
        ;;
    --features | --id-column | --target-column | --time-column)
        _attnlens_cli_columns "$cur"
        return
        ;;
    --rows | --chunk-rows | --layer | --size | --dpi | --stride | --classes)
        return
        ;;
    esac

    if [ -z "$command" ]; then
        COMPREPLY=($(compgen -W "info run export summarize merge --help --version" -- "$cur"))
        return
    fi
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$(_attnlens_cli_options "$command")" -- "$cur"))
        return
    fi
    # MODEL, or merge's PART.h5 files
    COMPREPLY=($(compgen -f -X '!*.@(keras|h5|hdf5|KERAS|H5)' -- "$cur") $(compgen -d -- "$cur"))
}

complete -o filenames -F _attnlens_cli attnlens-cli
