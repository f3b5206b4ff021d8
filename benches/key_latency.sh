#!/usr/bin/env bash
# Key press → on screen, idle and while 8 answers stream (prism release build,
# the fake upstream, tmux on a private socket). Prints one line per key, in ms.
set -u
PRISM=${PRISM:-target/release/prism}
FAKE=${FAKE:-target/debug/examples/fake_upstream}
S=prism-keylat-$$
PORT=${PORT:-18931}
H=$(mktemp -d)
$FAKE --port $PORT --tokens 40000 --rate 2000 --ttft-ms 10 >/dev/null 2>&1 &
FAKE_PID=$!
sleep 0.5
MODELS=""; for i in 1 2 3 4 5 6 7 8; do MODELS="$MODELS -m m$i/model"; done
tmux -L $S new-session -d -x 200 -y 50 "cd $H && XDG_CONFIG_HOME=$H/c XDG_CACHE_HOME=$H/ca XDG_DATA_HOME=$H/d K=x $PWD/$PRISM --base-url http://127.0.0.1:$PORT/v1 --api-key-env K $MODELS"
until tmux -L $S capture-pane -p | grep -q Prompt; do sleep 0.1; done
press() { # $1: label, $2: how many keys
  for k in $(seq 1 $2); do
    want=$(printf 'q%.0s' $(seq 1 $k))
    t0=$(date +%s%N)
    tmux -L $S send-keys -l q
    until tmux -L $S capture-pane -p | grep -q "┃$want "; do :; done
    t1=$(date +%s%N)
    echo "$1 $(( (t1 - t0) / 1000000 ))"
    sleep 0.2
  done
  tmux -L $S send-keys C-c   # clears the prompt
  sleep 0.3
}
press idle 10
tmux -L $S send-keys -l go; sleep 0.3; tmux -L $S send-keys Enter
sleep 1
press streaming 10
tmux -L $S kill-server
kill $FAKE_PID
rm -rf "$H"
