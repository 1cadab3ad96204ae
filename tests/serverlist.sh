# tests/serverlist.sh - reads tests/servers.txt for sh scripts (source it
# from the top of the tree). The fields are named in that file.
SERVER_LIST=${SERVER_LIST:-tests/servers.txt}

# server_names [FIELD=VALUE...]: the servers whose traits match all of
# them, in list order, one per line. Example: server_names runs=threads
server_names() {
    awk -v want="$*" '
        BEGIN { nf = split("name model serves runs pool", field, " ")
                for (i = 1; i <= nf; i++) col[field[i]] = i
                n = split(want, cond, " ") }
        /^#/ || NF == 0 { next }
        { for (i = 1; i <= n; i++) {
              split(cond[i], kv, "=")
              if ($col[kv[1]] != kv[2]) next }
          print $1 }' "$SERVER_LIST"
}

# server_trait NAME FIELD: one trait of one server (empty if unknown).
server_trait() {
    awk -v name="$1" -v f="$2" '
        BEGIN { nf = split("name model serves runs pool", field, " ")
                for (i = 1; i <= nf; i++) col[field[i]] = i }
        !/^#/ && $1 == name { print $col[f]; exit }' "$SERVER_LIST"
}

# server_pool_args NAME N: the arguments after the port that make NAME
# serve N clients at once; nothing for a server without a pool.
server_pool_args() {
    server_trait "$1" pool | awk -v n="$2" '$0 != "-" { gsub(/N/, n); gsub(/,/, " "); print }'
}
