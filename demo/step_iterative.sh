# demo/step_iterative.sh - step: an iterative server serves one client at a
# time. Client B connects and sends at once, but its echo waits until client
# A leaves; the server's log shows B was not accepted (the listen backlog).
ITERATIVE=${DEMO_ITERATIVE:-./echoserveri}
needs "$ITERATIVE"
about iterative 25 "an iterative server serves one client at a time"

step_iterative() {
    header
    echo "echoserveri serves a client until it leaves; only then does it call"
    echo "accept again. Two clients, A and B, will show what that means for B."
    demo_server s1 "$ITERATIVE" ||
        { verdict no "$ITERATIVE did not start"; return; }
    beat
    iterative_a_comes
    beat
    iterative_b_comes
    beat
    iterative_a_leaves
    echo "  The server's log:"
    show "$log"
    iterative_verdict
}

# A connects, sends a line, gets its echo and stays connected.
iterative_a_comes() {
    client_open 3 A
    pid_a=$client
    client_send 3 "hello from A$nl"
    at "A connects and sends \"hello from A\""
    if echo_a=$(waitfor "$tmp/A.out" "hello from A"); then
        reveal "$echo_a" "A gets its echo back"
    else
        at "A got no echo within $(dur "$LIMIT")"
    fi
}

# B connects and sends while A stays. Sets early=yes if B's echo came
# within HOLD anyway (echo_b: when), and sent_b.
iterative_b_comes() {
    client_open 4 B
    pid_b=$client
    sent_b=$(now)
    client_send 4 "hello from B$nl"
    at "B connects and sends \"hello from B\"; A stays connected"
    early=no
    if echo_b=$(waitfor "$tmp/B.out" "hello from B" 1 "$HOLD"); then
        early=yes
        reveal "$echo_b" "B gets its echo, $(dur $((echo_b - sent_b))) after sending it, with A still connected"
        return
    fi
    conns=$(count "$log" "Connected to")
    reveal "$(now)" "$(dur "$HOLD") later: still no echo for B"
    if kill -0 "$pid_b" 2>/dev/null && [ ! -s "$tmp/B.out" ]; then
        echo "            B's echoclient runs without an error: its connect succeeded and"
        echo "            its line is sent. But the server has logged $conns connection(s):"
        echo "            it has not accepted B. The kernel completed B's handshake and"
        echo "            keeps B in the listen backlog; B's bytes wait in a kernel buffer."
    fi
}

# A leaves (left_a: when); B's echo, if it had none yet, should follow
# (echo_b: when, or empty). Then both clients are gone.
iterative_a_leaves() {
    left_a=$(now)
    client_close 3
    at "A leaves (its input ends; it closes the connection)"
    if [ "$early" = no ]; then
        if echo_b=$(waitfor "$tmp/B.out" "hello from B"); then
            reveal "$echo_b" "B gets its echo, $(dur $((echo_b - sent_b))) after sending it, $(dur $((echo_b - left_a))) after A left"
        else
            echo_b=""
            at "B still has no echo, $(dur "$LIMIT") after A left"
        fi
    fi
    wait_exit "$pid_a" "$LIMIT"
    client_close 4
    wait_exit "$pid_b" "$LIMIT"
}

iterative_verdict() {
    if [ "$early" = yes ]; then
        verdict no "B's echo came $(dur $((echo_b - sent_b))) after it was sent, while A was still connected: two clients at once"
    elif [ -z "$echo_b" ]; then
        verdict no "B got no echo at all"
    elif [ "$echo_b" -ge "$left_a" ]; then
        verdict yes "B connected at once but its echo waited $(dur $((echo_b - sent_b))), until A left ($(dur $((echo_b - left_a))) after): one client at a time"
    else
        verdict no "B's echo came before A left"
    fi
}
